// Realtime event names, in both directions, for every transport (Socket.IO event name = `type`).
// Later issues add to these maps; nothing else spells an event name as a literal.

export const ServerEvent = {
  Welcome: 'welcome',
  Error: 'error',
} as const;
export type ServerEvent = (typeof ServerEvent)[keyof typeof ServerEvent];

export const ClientEvent = {
  Ping: 'ping',
} as const;
export type ClientEvent = (typeof ClientEvent)[keyof typeof ClientEvent];

export interface ServerEventPayloads {
  [ServerEvent.Welcome]: { player_id: string | null; game_id: string; node_id: string };
  [ServerEvent.Error]: { code: string; message: string };
}

/** Pub/sub channel the API publishes on when a session or key must lose its sockets. */
export const REVOCATION_CHANNEL = 'auth:revocations';

export type RevocationMessage =
  | { kind: 'session'; gameId: string; sessionId: string }
  | { kind: 'api_key'; gameId: string; keyId: string };
