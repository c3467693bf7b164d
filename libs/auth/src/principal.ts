/** Who is calling a game endpoint, resolved from `X-API-Key` or a player session token. */
export type GamePrincipal =
  | { kind: 'server'; gameId: string; keyId: string }
  | { kind: 'client'; gameId: string; keyId: string }
  | { kind: 'player'; gameId: string; playerId: string; sessionId: string };

export type GamePrincipalKind = GamePrincipal['kind'];

/** Who is calling a dashboard endpoint. */
export interface DeveloperPrincipal {
  developerId: string;
}

export const SESSION_TOKEN_AUDIENCE = 'spawnpoint:player';
export const DEVELOPER_TOKEN_AUDIENCE = 'spawnpoint:developer';

/** Claims of a player session token (a short-lived HS256 JWT). */
export interface SessionTokenClaims {
  sub: string;
  gid: string;
  sid: string;
}
