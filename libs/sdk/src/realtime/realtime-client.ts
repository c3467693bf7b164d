import { io, type Socket } from 'socket.io-client';
import { CloseCode } from '../../../shared/src/realtime-events.js';
import { MessageType } from '../../../worlds/src/engine/codec.js';
import { SpawnpointError } from '../errors.js';
import { WorldSession, type WorldSessionOptions } from '../world/world-session.js';
import {
  ClientEvent,
  ServerEvent,
  type ClientRequests,
  type ServerEvents,
  type JoinWorldAck,
  type WelcomePayload,
  type WorldEncoding,
  type WorldWireMessage,
} from './events.js';

/** What the handshake presents: a session token, or an API key (plus `player_id` for a server acting for a player). */
export type HandshakeCredentials = { token: string } | { api_key: string; player_id?: string };

export interface RealtimeOptions {
  /** The platform's base URL (Socket.IO lives at `/socket.io/` on the same port). */
  url: string;
  /** Called before every connection attempt, so a reconnect uses a fresh session token. */
  credentials: () => Promise<HandshakeCredentials>;
  /** Refreshes the session after a handshake refused with `token_expired`; without it that refusal is final. */
  refreshSession?: () => Promise<unknown>;
  /** How long a request waits for its acknowledgement (default 10 s). */
  requestTimeoutMs?: number;
  /** Called with every welcome (after each reconnect too), e.g. to keep a guest's session. */
  onWelcome?: (welcome: WelcomePayload) => void;
}

type Listener<P> = (payload: P) => void;
type AnyListener = (event: string, payload: unknown) => void;

const WORLD_MESSAGES = new Set<string>([ServerEvent.WorldState, ServerEvent.StateDelta, ServerEvent.Checksum]);

/**
 * The realtime connection over Socket.IO: typed requests (a refusal rejects with
 * `SpawnpointError`), typed pushes, and reconnect-and-resume: after a drop it reconnects with the
 * last welcome's resume token and stream offset, so the server replays what was missed, and it
 * puts the player back in its world.
 */
export class RealtimeClient {
  /** The latest welcome (a new one after every reconnect). */
  welcome: WelcomePayload | null = null;
  /** Why the connection ended for good: revoked, flooding, or refused on reconnect (null while it lives or after `close`). */
  closedWith: SpawnpointError | null = null;
  private readonly socket: Socket;
  private readonly listeners = new Map<string, Set<Listener<never>>>();
  private readonly anyListeners = new Set<AnyListener>();
  private lastOffset: string | null = null;
  /** The `error` the server sent just before closing the connection (it carries a `close_code`). */
  private closing: { code: string; message: string; close_code: number } | null = null;
  private world: { session: WorldSession; encoding: WorldEncoding } | null = null;
  private readonly timeoutMs: number;
  private closedByClient = false;
  /** The first connection's outcome, until it is welcomed or refused. */
  private connecting: { resolve: () => void; reject: (error: SpawnpointError) => void } | null = null;
  /** One session refresh per connection attempt refused with `token_expired` (no loop if the clock is off). */
  private refreshedForAttempt = false;

  private constructor(private readonly options: RealtimeOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.socket = io(options.url, {
      transports: ['websocket'],
      autoConnect: false,
      auth: (callback) => {
        void this.handshake().then(callback, () => callback({}));
      },
    });
    this.socket.onAny((event: string, payload: unknown, offset?: unknown) => this.receive(event, payload, offset));
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => this.onConnectError(error));
  }

  /** Connects and resolves with the client once welcomed; a refused handshake rejects with its code. */
  static async connect(options: RealtimeOptions): Promise<RealtimeClient> {
    const client = new RealtimeClient(options);
    await new Promise<void>((resolve, reject) => {
      client.connecting = { resolve, reject };
      client.socket.connect();
    });
    return client;
  }

  /** Connected and welcomed (false while reconnecting). */
  get connected(): boolean {
    return this.socket.connected && this.welcome !== null;
  }

  get playerId(): string | null {
    return this.welcome?.player_id ?? null;
  }

  /** Sends a request and resolves with its acknowledgement's data; a refusal rejects with `SpawnpointError`. */
  async request<E extends keyof ClientRequests>(event: E, payload: ClientRequests[E]['payload']): Promise<ClientRequests[E]['ack']> {
    let reply: { ok: true; data: ClientRequests[E]['ack'] } | { ok: false; error: { code: string; message: string } };
    try {
      reply = (await this.socket.timeout(this.timeoutMs).emitWithAck(event, payload)) as typeof reply;
    } catch {
      throw new SpawnpointError('service_unavailable', `No reply to ${event} within ${this.timeoutMs} ms`);
    }
    if (!reply.ok) throw SpawnpointError.fromRealtime(reply.error);
    return reply.data;
  }

  /**
   * Sends without asking for a reply (a refusal arrives as an `error` push). Dropped, not queued,
   * while disconnected: a stale input or position is worse than none.
   */
  emit<E extends keyof ClientRequests>(event: E, payload: ClientRequests[E]['payload']): void {
    this.socket.volatile.emit(event, payload);
  }

  /** Listens to one server event; returns the function that stops listening. */
  on<E extends keyof ServerEvents>(event: E, listener: Listener<ServerEvents[E]>): () => void;
  /** Module events (arena `entity_died`, …) arrive under their own names. */
  on(event: string, listener: Listener<Record<string, unknown>>): () => void;
  on(event: string, listener: Listener<never>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Every push, whatever its name (world messages included, as JSON or a Uint8Array, before the world session applies them). */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /**
   * Joins a world and returns the player's view of it, fed by this connection until `leaveWorld`.
   * The binary encoding is the default: a moving entity costs 4–5 bytes instead of a JSON object.
   */
  async joinWorld(worldId: string, options: WorldSessionOptions & { encoding?: WorldEncoding } = {}): Promise<WorldSession> {
    const encoding = options.encoding ?? 'binary';
    this.world = null;
    // The first world_state may arrive before the acknowledgement: keep it (and what follows) for
    // the session. Anything before it is the tail of a world the player is leaving.
    const early: WorldWireMessage[] = [];
    const stopBuffering = this.onAny((event, payload) => {
      if (!WORLD_MESSAGES.has(event)) return;
      const message = payload as WorldWireMessage;
      if (early.length > 0 || isWorldState(message)) early.push(message);
    });
    let ack: JoinWorldAck;
    try {
      ack = await this.request(ClientEvent.JoinWorld, { world_id: worldId, encoding });
    } finally {
      stopBuffering();
    }
    const session = new WorldSession(this, ack, options);
    for (const message of early) session.apply(message);
    this.world = { session, encoding };
    return session;
  }

  /** Leaves the current world (the server saves the player's state). */
  async leaveWorld(): Promise<void> {
    this.world = null;
    await this.request(ClientEvent.LeaveWorld, {});
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    this.closedByClient = true;
    this.socket.disconnect();
  }

  private async handshake(): Promise<Record<string, unknown>> {
    const credentials = await this.options.credentials();
    // Resume what the last connection had: its rooms, and the pushes it missed while away.
    if (!this.welcome) return credentials;
    return { ...credentials, resume: this.welcome.resume_token, ...(this.lastOffset ? { offset: this.lastOffset } : {}) };
  }

  private receive(event: string, payload: unknown, offset: unknown): void {
    if (typeof offset === 'string') this.lastOffset = offset;
    if (event === ServerEvent.Welcome) this.onWelcome(payload as WelcomePayload);
    if (event === ServerEvent.Error && typeof (payload as { close_code?: unknown }).close_code === 'number') {
      this.closing = payload as { code: string; message: string; close_code: number };
    }
    const message = WORLD_MESSAGES.has(event) ? toWorldMessage(payload) : payload;
    for (const listener of this.anyListeners) listener(event, message);
    if (WORLD_MESSAGES.has(event)) this.world?.session.apply(message as WorldWireMessage);
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<unknown>)(message);
  }

  private onWelcome(welcome: WelcomePayload): void {
    const reconnected = this.welcome !== null;
    this.welcome = welcome;
    this.closing = null;
    this.refreshedForAttempt = false;
    this.options.onWelcome?.(welcome);
    this.connecting?.resolve();
    this.connecting = null;
    // Within the grace period the server reattaches the player to its entity by itself; past it the
    // player has left the world. Joining again covers both (a rejoin of the same world spawns nothing).
    const world = this.world;
    if (!reconnected || !world) return;
    this.request(ClientEvent.JoinWorld, { world_id: world.session.info.world_id, encoding: world.encoding }).then(
      (ack) => {
        if (this.world === world && ack.entity !== world.session.info.entity) world.session.rejoined(ack);
      },
      (error: unknown) => this.emitLocal(ServerEvent.Error, error),
    );
  }

  /**
   * A refused handshake (Socket.IO does not retry those by itself). An expired session token is
   * refreshed and the attempt repeated once; any other refusal ends the connection.
   */
  private onConnectError(error: Error & { data?: { code?: string } }): void {
    // The network, not the server: Socket.IO retries by itself once connected; a first connection reports it.
    if (error.data?.code === undefined) {
      if (this.connecting) this.fail(new SpawnpointError('service_unavailable', `Cannot reach ${this.options.url}: ${error.message}`));
      return;
    }
    if (error.data.code === 'token_expired' && this.options.refreshSession && !this.refreshedForAttempt) {
      this.refreshedForAttempt = true;
      this.options.refreshSession().then(
        () => this.socket.connect(),
        (refreshError: unknown) =>
          this.fail(refreshError instanceof SpawnpointError ? refreshError : SpawnpointError.fromRealtime(refusalOf(error))),
      );
      return;
    }
    this.fail(SpawnpointError.fromRealtime(refusalOf(error)));
  }

  private fail(error: SpawnpointError): void {
    this.socket.disconnect();
    if (this.connecting) {
      this.connecting.reject(error);
      this.connecting = null;
      return;
    }
    this.closedWith = error;
    this.emitLocal(ServerEvent.Error, error);
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    if (this.closedByClient || this.closedWith) return;
    // The server ended the connection: Socket.IO will not reconnect by itself. A shutting-down node
    // means "come back" (to this or another node); a revocation or flooding means "stay away".
    if (reason !== 'io server disconnect') return;
    if (this.closing?.close_code === CloseCode.GoingAway) {
      this.socket.connect();
      return;
    }
    this.closedWith = SpawnpointError.fromRealtime(this.closing ?? { code: 'unauthorized', message: 'Closed by the server' });
  }

  private emitLocal(event: string, error: unknown): void {
    const payload =
      error instanceof SpawnpointError ? { code: error.code, message: error.message } : { code: 'internal_error', message: String(error) };
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<unknown>)(payload);
  }
}

/** A handshake refusal's code and message (`err.data.code` is the platform's code). */
function refusalOf(error: Error & { data?: { code?: string } }): { code: string; message: string } {
  return { code: error.data?.code ?? 'service_unavailable', message: error.message };
}

/** Socket.IO hands binary payloads over as ArrayBuffer (browsers) or Buffer (Node): the mirror takes a Uint8Array. */
function toWorldMessage(payload: unknown): WorldWireMessage {
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  return payload as WorldWireMessage;
}

function isWorldState(message: WorldWireMessage): boolean {
  return message instanceof Uint8Array ? message[0] === MessageType.WorldState : message.type === 'world_state';
}
