/** What an `X-API-Key` or a player session token resolves to. */
export type CredentialPrincipal =
  | { kind: 'server'; gameId: string; keyId: string }
  | { kind: 'client'; gameId: string; keyId: string }
  | { kind: 'player'; gameId: string; playerId: string; sessionId: string };

/**
 * A developer acting on a game it owns (developer token + `X-Game-Id`, what the dashboard sends):
 * the game's server rights, without a key.
 */
export interface DeveloperGamePrincipal {
  kind: 'server';
  gameId: string;
  developerId: string;
}

/** Who is calling a game endpoint. */
export type GamePrincipal = CredentialPrincipal | DeveloperGamePrincipal;

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
