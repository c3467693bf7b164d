import { RealtimeClient, type HandshakeCredentials } from './realtime/realtime-client.js';
import { createRest, unwrap, type RestOptions, type Schemas, type SpawnpointRest } from './rest/client.js';
import type { Session, SessionManager } from './rest/session.js';
import { SpawnpointError } from './errors.js';

export type SpawnpointOptions = RestOptions & {
  /** How long a realtime request waits for its acknowledgement (default 10 s). */
  requestTimeoutMs?: number;
};

/**
 * The SDK's entry point: `rest` (every endpoint, typed from the OpenAPI spec), player sign-in with
 * a client key, and `connect()` for the realtime connection with the same credentials.
 */
export class Spawnpoint {
  readonly rest: SpawnpointRest;
  readonly sessions: SessionManager;

  constructor(private readonly options: SpawnpointOptions) {
    ({ rest: this.rest, sessions: this.sessions } = createRest(options));
  }

  /** The signed-in player's id, or null. */
  get playerId(): string | null {
    return this.sessions.session?.playerId ?? null;
  }

  /** Signs in with a device id (created on first use: an anonymous player). Needs the client key. */
  async loginDevice(deviceId: string, options: { username?: string } = {}): Promise<Schemas['SessionDto']> {
    return this.adopt(unwrap(await this.rest.POST('/auth/device', { body: { device_id: deviceId, ...options } })));
  }

  /** Signs in with the game's own player id (it becomes the player id). */
  async loginCustom(customId: string, options: { username?: string } = {}): Promise<Schemas['SessionDto']> {
    return this.adopt(unwrap(await this.rest.POST('/auth/custom', { body: { custom_id: customId, ...options } })));
  }

  /** Signs in with an email and password. */
  async loginEmail(email: string, password: string): Promise<Schemas['SessionDto']> {
    return this.adopt(unwrap(await this.rest.POST('/auth/email/login', { body: { email, password } })));
  }

  /** Creates a player with an email and password and signs it in. */
  async signupEmail(body: Schemas['EmailSignupDto']): Promise<Schemas['SessionDto']> {
    return this.adopt(unwrap(await this.rest.POST('/auth/email/signup', { body })));
  }

  /** Ends the session on the server (its tokens stop working at once) and forgets it. */
  async logout(): Promise<void> {
    if (!this.sessions.session) return;
    unwrap(await this.rest.POST('/auth/logout', { body: {} }));
    this.sessions.set(null);
  }

  /**
   * Opens the realtime connection: as the signed-in player, else with the API key (a server key:
   * the game server, or acting for `playerId`; a client key: a new guest player, whose session is
   * then kept like a sign-in's).
   */
  connect(options: { playerId?: string } = {}): Promise<RealtimeClient> {
    return RealtimeClient.connect({
      url: this.options.url,
      requestTimeoutMs: this.options.requestTimeoutMs,
      credentials: () => this.handshakeCredentials(options.playerId),
      refreshSession: () => this.sessions.refresh(),
      onWelcome: (welcome) => {
        const guest = welcome.guest_session;
        if (guest && welcome.player_id) {
          this.sessions.setFromTokens({
            session_token: guest.token,
            refresh_token: guest.refresh_token,
            expires_in: guest.expires_in,
            player_id: welcome.player_id,
          });
        }
      },
    });
  }

  private async handshakeCredentials(playerId?: string): Promise<HandshakeCredentials> {
    const token = await this.sessions.token();
    if (token) return { token };
    if (!this.options.apiKey) throw new SpawnpointError('unauthorized', 'Sign in or give an API key before connecting');
    return playerId ? { api_key: this.options.apiKey, player_id: playerId } : { api_key: this.options.apiKey };
  }

  private adopt(session: Schemas['SessionDto']): Schemas['SessionDto'] {
    this.sessions.setFromTokens({ ...session, player_id: session.player.id });
    return session;
  }
}

export type { Session };
