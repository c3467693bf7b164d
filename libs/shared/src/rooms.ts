// Socket.IO room names, spelled once. A socket joins its game's and its player's rooms on connect;
// later issues add lobby, party, world and sector rooms here.
export const Rooms = {
  game: (gameId: string) => `game:${gameId}`,
  player: (gameId: string, playerId: string) => `player:${gameId}:${playerId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  apiKey: (keyId: string) => `key:${keyId}`,
} as const;

/** Pub/sub channel on which any process asks the realtime nodes to emit an event to some rooms. */
export const REALTIME_DELIVERY_CHANNEL = 'realtime:deliver';

export interface RealtimeDelivery {
  rooms: string[];
  event: string;
  payload: unknown;
}
