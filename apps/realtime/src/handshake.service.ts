import { Injectable } from '@nestjs/common';
import { ApiKeysService, SessionsService } from '@spawnpoint/auth';
import { PlayerAuthService, PlayersService } from '@spawnpoint/players';
import { RateLimiter } from '@spawnpoint/redis';
import { AppError, ErrorCode, RateLimitedError, type WelcomePayload } from '@spawnpoint/shared';
import type { ConnectionIdentity } from './connections/connection.js';

/** What a client presents when it connects, on either transport (Socket.IO `auth`, /ws query string). */
export interface HandshakeParams {
  token?: unknown;
  api_key?: unknown;
  player_id?: unknown;
  resume?: unknown;
  offset?: unknown;
}

export interface HandshakeResult {
  identity: ConnectionIdentity;
  guestSession?: WelcomePayload['guest_session'];
}

/** Guest players a single IP may create per minute by connecting with only a client key. */
const GUESTS_PER_IP_PER_MINUTE = 30;
const PLAYER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

/**
 * Who is connecting. A player session token acts as its player; a server key acts as a trusted
 * game server, or as `player_id` when given; a client key alone gets a new anonymous guest player
 * (the seed's quick start connects with nothing but `?api_key=`). Runs again on every resume.
 */
@Injectable()
export class HandshakeService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
    private readonly players: PlayersService,
    private readonly playerAuth: PlayerAuthService,
    private readonly limiter: RateLimiter,
  ) {}

  async authenticate(params: HandshakeParams, meta: { ip: string; userAgent?: string }): Promise<HandshakeResult> {
    if (typeof params.token === 'string' && params.token.length > 0) {
      const principal = await this.sessions.authenticate(params.token);
      return { identity: { principal, gameId: principal.gameId, playerId: principal.playerId } };
    }
    if (typeof params.api_key !== 'string' || params.api_key.length === 0) {
      throw new AppError(ErrorCode.Unauthorized, 'Connect with a player session token (token) or an API key (api_key)');
    }
    const principal = await this.apiKeys.resolve(params.api_key);
    if (principal.kind === 'server') {
      if (params.player_id === undefined || params.player_id === '')
        return { identity: { principal, gameId: principal.gameId, playerId: null } };
      if (typeof params.player_id !== 'string' || !PLAYER_ID.test(params.player_id)) {
        throw new AppError(ErrorCode.ValidationFailed, 'player_id must be 1–128 characters of A–Z a–z 0–9 _ . : @ -');
      }
      const player = await this.players.get(principal.gameId, params.player_id);
      if (player.banned) throw new AppError(ErrorCode.PlayerBanned, 'This player is banned');
      return { identity: { principal, gameId: principal.gameId, playerId: player.id } };
    }
    if (params.player_id !== undefined) {
      throw new AppError(ErrorCode.Forbidden, 'A client key cannot act for a player: connect with the player session token');
    }
    const limit = await this.limiter.consume([{ key: `guest:ip:${meta.ip}`, limit: GUESTS_PER_IP_PER_MINUTE, periodMs: 60_000 }]);
    if (!limit.allowed) throw new RateLimitedError(limit.retryAfterMs / 1000, 'Too many guest players from this address');
    const guest = await this.playerAuth.asGuest(principal.gameId, { ip: meta.ip, userAgent: meta.userAgent });
    const session = await this.sessions.authenticate(guest.sessionToken);
    return {
      identity: { principal: session, gameId: session.gameId, playerId: session.playerId },
      guestSession: { token: guest.sessionToken, refresh_token: guest.refreshToken, expires_in: guest.expiresIn },
    };
  }
}
