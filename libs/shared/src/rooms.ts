// Realtime room names, spelled once. A room name is `<gameId>|<public name>`: the public part is
// what clients see in `rooms` events and, for chat rooms, equals the chat channel name
// (`world:w1`, `sector:w1:3`, `team:m1:0`, `party:p1`, `lobby:l1`, `global`). The game prefix keeps
// every tenant's rooms apart on a shared node.
export const Rooms = {
  game: (gameId: string) => `${gameId}|global`,
  player: (gameId: string, playerId: string) => `${gameId}|player:${playerId}`,
  session: (sessionId: string) => `~session:${sessionId}`,
  apiKey: (keyId: string) => `~key:${keyId}`,
  world: (gameId: string, worldId: string) => `${gameId}|world:${worldId}`,
  sector: (gameId: string, worldId: string, sector: string) => `${gameId}|sector:${worldId}:${sector}`,
  team: (gameId: string, matchId: string, team: string) => `${gameId}|team:${matchId}:${team}`,
  party: (gameId: string, partyId: string) => `${gameId}|party:${partyId}`,
  lobby: (gameId: string, lobbyId: string) => `${gameId}|lobby:${lobbyId}`,
  leaderboard: (gameId: string, leaderboardId: string) => `${gameId}|leaderboard:${leaderboardId}`,
} as const;

/** The name a client sees for a room; null for internal rooms (sessions, keys) and other games' rooms. */
export function publicRoomName(room: string, gameId: string): string | null {
  const prefix = `${gameId}|`;
  return room.startsWith(prefix) ? room.slice(prefix.length) : null;
}

/**
 * Redis stream (key prefix applied) through which any process reaches the realtime nodes: room
 * deliveries and room-membership moves, in one order. A stream rather than pub/sub so that a node
 * can replay what a resuming client missed, and so a node that reconnects to Redis loses nothing.
 */
export const REALTIME_STREAM = 'realtime:stream';

/** Emit `event` to every connection in any of `rooms`. */
export interface RealtimeDelivery {
  kind: 'deliver';
  rooms: string[];
  event: string;
  payload: unknown;
}

/** Move every connection of one player between rooms (party joined, sector changed, …). */
export interface RealtimeRoomMove {
  kind: 'move';
  gameId: string;
  playerId: string;
  join: string[];
  leave: string[];
}

export type RealtimeStreamEntry = RealtimeDelivery | RealtimeRoomMove;
