import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import type { PlayerSession } from '@spawnpoint/prisma';
import { REDIS } from '@spawnpoint/redis';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { randomToken, sha256 } from '../crypto.js';
import { GamesService } from '../games/games.service.js';
import { LocalCache } from '../local-cache.js';
import { RevocationBus } from '../revocation-bus.js';
import { SESSION_TOKEN_AUDIENCE, type GamePrincipal, type SessionTokenClaims } from '../principal.js';
import { SessionsRepository } from './sessions.repository.js';

export interface IssuedSession {
  sessionId: string;
  sessionToken: string;
  refreshToken: string;
  /** Seconds until the session token expires. */
  expiresIn: number;
  refreshExpiresAt: Date;
}

export interface SessionView {
  id: string;
  createdAt: Date;
  refreshedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  userAgent: string | null;
  ip: string | null;
}

export interface ClientMeta {
  userAgent?: string;
  ip?: string;
}

const REFRESH_TOKEN_PREFIX = 'sp_rt_';
// Whether a session is live is cached in Redis for every process; a miss (e.g. after a Redis
// restart) falls back to Postgres, so a revoked session can never come back to life.
const ACTIVE_CACHE_SECONDS = 300;
/** Longer than any session token can live (game TTLs are capped at a day). */
const REVOKED_CACHE_SECONDS = 86_400 + 60;
/** Live sessions are also remembered in-process for a moment; revocations evict them at once. */
const LOCAL_ACTIVE_MS = 5_000;
const LOCAL_MAX_SESSIONS = 50_000;

@Injectable()
export class SessionsService {
  private readonly active = new LocalCache<true>(LOCAL_ACTIVE_MS, LOCAL_MAX_SESSIONS);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsRepository,
    private readonly games: GamesService,
    private readonly jwt: JwtService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly revocations: RevocationBus,
  ) {
    this.revocations.listen((message) => {
      if (message.kind === 'session') this.active.delete(message.sessionId);
    });
  }

  async issue(gameId: string, playerId: string, meta: ClientMeta): Promise<IssuedSession> {
    const policy = await this.games.sessionPolicy(gameId);
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomToken(32)}`;
    const refreshExpiresAt = new Date(Date.now() + policy.refreshTtlSeconds * 1000);
    const session = await this.sessions.create({
      gameId,
      playerId,
      expiresAt: refreshExpiresAt,
      refreshTokenHash: sha256(refreshToken),
      userAgent: meta.userAgent?.slice(0, 256),
      ip: meta.ip,
    });
    const sessionToken = await this.sign({ sub: playerId, gid: gameId, sid: session.id }, policy.sessionTtlSeconds);
    return { sessionId: session.id, sessionToken, refreshToken, expiresIn: policy.sessionTtlSeconds, refreshExpiresAt };
  }

  /**
   * Trades a refresh token for a new pair. The old token dies; presenting a dead one again means
   * it was stolen or replayed, so the whole session (every token of the family) is revoked.
   */
  async refresh(gameId: string, rawRefreshToken: string): Promise<IssuedSession & { playerId: string }> {
    const policy = await this.games.sessionPolicy(gameId);
    const now = new Date();
    const nextToken = `${REFRESH_TOKEN_PREFIX}${randomToken(32)}`;
    const refreshExpiresAt = new Date(now.getTime() + policy.refreshTtlSeconds * 1000);
    const result = await this.sessions.rotate(gameId, sha256(rawRefreshToken), { tokenHash: sha256(nextToken), expiresAt: refreshExpiresAt }, now);
    switch (result.outcome) {
      case 'unknown':
        throw new AppError(ErrorCode.InvalidToken, 'The refresh token is not valid');
      case 'expired':
        throw new AppError(ErrorCode.TokenExpired, 'The refresh token has expired; sign in again');
      case 'revoked':
        throw new AppError(ErrorCode.SessionRevoked, 'The session was revoked; sign in again');
      case 'reused':
        await this.revoke(result.session, 'refresh_token_reused');
        throw new AppError(ErrorCode.RefreshTokenReused, 'The refresh token was already used; the session is revoked');
      case 'rotated': {
        const { session } = result;
        const sessionToken = await this.sign({ sub: session.playerId, gid: gameId, sid: session.id }, policy.sessionTtlSeconds);
        return {
          playerId: session.playerId,
          sessionId: session.id,
          sessionToken,
          refreshToken: nextToken,
          expiresIn: policy.sessionTtlSeconds,
          refreshExpiresAt,
        };
      }
    }
  }

  async logout(gameId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.gameId !== gameId) throw new AppError(ErrorCode.InvalidToken, 'The session is not valid');
    await this.revoke(session, 'logout');
  }

  async logoutByRefreshToken(gameId: string, rawRefreshToken: string): Promise<void> {
    const session = await this.sessions.findByRefreshToken(gameId, sha256(rawRefreshToken));
    if (!session) throw new AppError(ErrorCode.InvalidToken, 'The refresh token is not valid');
    await this.revoke(session, 'logout');
  }

  /** Ends every session of a player (ban, password change). */
  async revokeAllForPlayer(gameId: string, playerId: string, reason: string): Promise<void> {
    const ids = await this.sessions.revokeAllForPlayer(gameId, playerId, reason);
    await Promise.all(ids.map((id) => this.announceRevoked(gameId, id)));
  }

  async listForPlayer(gameId: string, playerId: string): Promise<SessionView[]> {
    return (await this.sessions.listForPlayer(gameId, playerId)).map(view);
  }

  /** Is this session still live? Called for every request made with a session token. */
  async isActive(sessionId: string): Promise<boolean> {
    if (this.active.get(sessionId)) return true;
    const active = await this.isActiveShared(sessionId);
    if (active) this.active.set(sessionId, true);
    return active;
  }

  private async isActiveShared(sessionId: string): Promise<boolean> {
    const key = stateKey(sessionId);
    const cached = await this.redis.get(key);
    if (cached) return cached === 'active';
    const session = await this.sessions.findById(sessionId);
    const active = !!session && !session.revokedAt && session.expiresAt > new Date();
    await this.redis.set(key, active ? 'active' : 'revoked', 'EX', active ? ACTIVE_CACHE_SECONDS : REVOKED_CACHE_SECONDS, 'NX');
    return active;
  }

  /**
   * Verifies a session token outside HTTP (the realtime handshake); HTTP requests go through the
   * passport-jwt strategy, which checks the same things.
   */
  async authenticate(token: string): Promise<GamePrincipal & { kind: 'player' }> {
    let claims: SessionTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<SessionTokenClaims & object>(token, {
        secret: this.config.JWT_SESSION_SECRET,
        audience: SESSION_TOKEN_AUDIENCE,
        algorithms: ['HS256'],
      });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') throw new AppError(ErrorCode.TokenExpired, 'The session token has expired');
      throw new AppError(ErrorCode.InvalidToken, 'The session token is not valid');
    }
    if (!(await this.isActive(claims.sid))) throw new AppError(ErrorCode.SessionRevoked, 'The session was revoked; sign in again');
    return principalOf(claims);
  }

  async purgeEnded(retentionDays: number): Promise<number> {
    return this.sessions.purgeEndedBefore(new Date(Date.now() - retentionDays * 86_400_000));
  }

  private async revoke(session: PlayerSession, reason: string): Promise<void> {
    await this.sessions.revoke(session.id, reason);
    await this.announceRevoked(session.gameId, session.id);
  }

  private async announceRevoked(gameId: string, sessionId: string): Promise<void> {
    await this.redis.set(stateKey(sessionId), 'revoked', 'EX', REVOKED_CACHE_SECONDS);
    await this.revocations.publish({ kind: 'session', gameId, sessionId });
  }

  private sign(claims: SessionTokenClaims, ttlSeconds: number): Promise<string> {
    return this.jwt.signAsync(claims, {
      secret: this.config.JWT_SESSION_SECRET,
      audience: SESSION_TOKEN_AUDIENCE,
      expiresIn: ttlSeconds,
      algorithm: 'HS256',
    });
  }
}

export function principalOf(claims: SessionTokenClaims): GamePrincipal & { kind: 'player' } {
  return { kind: 'player', gameId: claims.gid, playerId: claims.sub, sessionId: claims.sid };
}

function stateKey(sessionId: string): string {
  return `session:${sessionId}`;
}

function view(s: PlayerSession): SessionView {
  return {
    id: s.id,
    createdAt: s.createdAt,
    refreshedAt: s.refreshedAt,
    expiresAt: s.expiresAt,
    revokedAt: s.revokedAt,
    revokedReason: s.revokedReason,
    userAgent: s.userAgent,
    ip: s.ip,
  };
}
