import { SpawnpointError } from '../errors.js';

/** A signed-in player's tokens, as the SDK keeps them (and hands to `onSession` for storage). */
export interface Session {
  playerId: string;
  sessionToken: string;
  /** Single use: every refresh returns a new one and kills this one. */
  refreshToken: string;
  /** When `sessionToken` expires, ms since the epoch (client clock). */
  expiresAt: number;
}

/** The body of `POST /auth/refresh` (and the token part of every sign-in). */
export interface RefreshedTokens {
  session_token: string;
  refresh_token: string;
  expires_in: number;
  player_id: string;
}

export interface SessionManagerOptions {
  /** Trades a refresh token for a new pair (`POST /auth/refresh` with the client key). */
  refresh: (refreshToken: string) => Promise<RefreshedTokens>;
  /** Called whenever the session changes (sign-in, refresh, sign-out with null): persist it here. */
  onChange?: (session: Session | null) => void;
  now?: () => number;
  /** Refresh when the token has less than this left; by default a tenth of its lifetime, at most 60 s. */
  refreshLeewayMs?: number;
}

/**
 * Holds the player session and keeps it fresh. Refreshes are single-flight: refresh tokens rotate
 * and a reused one revokes the whole session, so two concurrent refreshes with the same token
 * would sign the player out. Every caller that needs a refresh while one runs waits for that one.
 */
export class SessionManager {
  private current: Session | null = null;
  private lifetimeMs = 0;
  private inflight: Promise<Session> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: SessionManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  get session(): Session | null {
    return this.current;
  }

  /** Adopts tokens from a sign-in, a refresh, or storage (a reload of the game). */
  set(session: Session | null): void {
    this.current = session;
    this.lifetimeMs = session ? Math.max(0, session.expiresAt - this.now()) : 0;
    this.options.onChange?.(session);
  }

  /** Adopts a sign-in or refresh response. */
  setFromTokens(tokens: RefreshedTokens): Session {
    const session: Session = {
      playerId: tokens.player_id,
      sessionToken: tokens.session_token,
      refreshToken: tokens.refresh_token,
      expiresAt: this.now() + tokens.expires_in * 1000,
    };
    this.set(session);
    return session;
  }

  /** A session token good for a while yet (refreshing first when it is about to expire); null when signed out. */
  async token(): Promise<string | null> {
    const session = this.current;
    if (!session) return null;
    if (session.expiresAt - this.now() > this.leewayMs()) return session.sessionToken;
    return (await this.refresh(session.sessionToken)).sessionToken;
  }

  /**
   * Refreshes the session unless it already moved past `staleToken` (another caller refreshed
   * meanwhile: that result is used). Concurrent calls share one request.
   */
  async refresh(staleToken?: string): Promise<Session> {
    if (this.inflight) return this.inflight;
    const session = this.current;
    if (!session) throw new SpawnpointError('unauthorized', 'Not signed in');
    if (staleToken !== undefined && session.sessionToken !== staleToken) return session;
    this.inflight = this.options
      .refresh(session.refreshToken)
      .then((tokens) => this.setFromTokens(tokens))
      .catch((error: unknown) => {
        // A refresh token the server refused (reused, revoked, expired) will never work again.
        if (error instanceof SpawnpointError && error.status === 401) this.set(null);
        throw error;
      })
      .finally(() => (this.inflight = null));
    return this.inflight;
  }

  private leewayMs(): number {
    return this.options.refreshLeewayMs ?? Math.min(60_000, this.lifetimeMs / 10);
  }
}
