import type { Connection } from '../connections/connection.js';

/**
 * The `actingId` domain services take: a server-key connection speaks for its `player_id`; a
 * player session speaks for itself (undefined lets the service use the session's player).
 */
export function actingId(connection: Connection): string | undefined {
  const { principal, playerId } = connection.identity;
  return principal.kind === 'server' ? (playerId ?? undefined) : undefined;
}

/** The player a player-audience handler acts for (the dispatcher guarantees there is one). */
export function playerOf(connection: Connection): string {
  return connection.identity.playerId!;
}
