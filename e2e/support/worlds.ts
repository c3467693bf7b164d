import type { ErrorPayload } from '@spawnpoint/shared';
import { MessageType, WorldMirror, WorldsRepository, type MirrorResult, type WorldMessageJson } from '@spawnpoint/worlds';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { TestApp } from './app.js';
import type { Credentials, Reply, Transport } from './realtime-client.js';

// Long enough for a loaded 2-core box, short enough that a missing message fails with a useful message.
const WAIT_MS = 10_000;

/** A world message or any other push, in arrival order: JSON objects, or the bytes of a binary world message. */
export interface Received {
  event: string;
  payload: Record<string, unknown> | Uint8Array;
}

const BINARY_KINDS: Record<number, string> = {
  [MessageType.WorldState]: 'world_state',
  [MessageType.StateDelta]: 'state_delta',
  [MessageType.Checksum]: 'checksum',
};
const MIRRORED = new Set(Object.values(BINARY_KINDS));

/**
 * A player's realtime connection as a game client sees a world: every push is kept in arrival order
 * (the order a client must apply world messages in) and fed to a `WorldMirror`, in either encoding.
 * Unlike `RealtimeClients`, /ws binary frames are understood (they are world messages).
 */
export class WorldClient {
  readonly received: Received[] = [];
  readonly mirror = new WorldMirror();
  /** The mirror's verdict on every checksum, in order. */
  readonly checks: MirrorResult[] = [];
  welcome!: Record<string, unknown>;
  readonly closed: Promise<number | null>;
  private closeCode: number | null = null;
  /** Why the connection ended before its welcome (a refused handshake). */
  private refusal: string | null = null;
  private resolveClosed!: (code: number | null) => void;
  private readonly wakers = new Set<() => void>();
  private readonly replies = new Map<string, (reply: Reply) => void>();
  private refs = 0;

  private constructor(
    readonly transport: Transport,
    private readonly socket: Socket | WebSocket,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  static async connect(url: string, transport: Transport, credentials: Credentials): Promise<WorldClient> {
    let client: WorldClient;
    if (transport === 'socket.io') {
      const socket = io(url, { auth: { ...credentials }, transports: ['websocket'], reconnection: false, forceNew: true });
      client = new WorldClient(transport, socket);
      socket.onAny((event: string, payload: Record<string, unknown> | Uint8Array) => {
        if (event === 'error' && typeof (payload as { close_code?: unknown }).close_code === 'number') {
          client.closeCode = (payload as { close_code: number }).close_code;
        }
        client.push(event, payload);
      });
      socket.on('disconnect', () => client.resolveClosed(client.closeCode));
      socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
        client.refusal = error.data?.code ?? error.message;
        client.resolveClosed(null);
      });
    } else {
      const query = new URLSearchParams(Object.entries(credentials).filter((entry): entry is [string, string] => entry[1] !== undefined));
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?${query.toString()}`);
      client = new WorldClient(transport, socket);
      socket.on('message', (data: Buffer, isBinary: boolean) => client.onWsMessage(data, isBinary));
      socket.on('close', (code) => {
        client.refusal ??= `closed with ${code}`;
        client.resolveClosed(code);
      });
      socket.on('error', () => undefined); // reported through `close`
    }
    client.welcome = await client.until(() => {
      if (!client.welcome && client.refusal) throw new Error(`${transport} connection refused: ${client.refusal}`);
      return client.received.find((r) => r.event === 'welcome')?.payload as Record<string, unknown> | undefined;
    }, 'welcome');
    return client;
  }

  /** Sends a request and resolves with its reply (Socket.IO acknowledgement; /ws `ack` or `error` with the same ref). */
  async request<T = unknown>(event: string, payload: object = {}): Promise<Reply<T>> {
    if (this.socket instanceof WebSocket) {
      const ref = `r${++this.refs}`;
      const reply = new Promise<Reply>((resolve) => this.replies.set(ref, resolve));
      this.socket.send(JSON.stringify({ type: event, ...payload, ref }));
      return (await this.within(reply, `a reply to ${event}`)) as Reply<T>;
    }
    return (await this.socket.timeout(WAIT_MS).emitWithAck(event, payload)) as Reply<T>;
  }

  /** Like `request`, but fails unless the event succeeded. */
  async call<T = Record<string, unknown>>(event: string, payload: object = {}): Promise<T> {
    const reply = await this.request<T>(event, payload);
    if (!reply.ok) throw new Error(`${this.transport} ${event} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  /** Sends without asking for a reply (a failure comes back as an `error` push). */
  emit(event: string, payload: object = {}): void {
    if (this.socket instanceof WebSocket) this.socket.send(JSON.stringify({ type: event, ...payload }));
    else this.socket.emit(event, payload);
  }

  /** Sends bytes as a binary message: a /ws binary frame, or a Socket.IO event whose one argument they are. */
  emitBinary(event: string, bytes: Uint8Array): void {
    if (this.socket instanceof WebSocket) this.socket.send(bytes);
    else this.socket.emit(event, Buffer.from(bytes));
  }

  /** Drops the connection from the client side, as a lost network would. */
  drop(): void {
    if (this.socket instanceof WebSocket) this.socket.terminate();
    else this.socket.disconnect();
  }

  close(): void {
    if (this.socket instanceof WebSocket) this.socket.close();
    else this.socket.disconnect();
  }

  /** Where the next push will land in `received`: pass it to `next` to wait only for what comes after. */
  mark(): number {
    return this.received.length;
  }

  /** The first push of `event` at or after index `from` that matches. */
  async next<P = Record<string, unknown>>(
    event: string,
    predicate: (payload: P) => boolean = () => true,
    from = 0,
  ): Promise<{ payload: P; index: number }> {
    return this.until(() => {
      for (let i = from; i < this.received.length; i++) {
        const r = this.received[i]!;
        if (r.event === event && predicate(r.payload as P)) return { payload: r.payload as P, index: i };
      }
      return undefined;
    }, `${event} after #${from}`);
  }

  /** Re-evaluates `find` as pushes arrive until it returns something (polls, never sleeps blindly). */
  async until<T>(find: () => T | undefined | false, what: string, waitMs = WAIT_MS): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = find();
      if (found !== undefined && found !== false) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.received.slice(-8).map((r) => r.event);
        throw new Error(`${this.transport}: ${what} did not happen within ${waitMs} ms (last pushes: ${seen.join(', ') || 'none'})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, Math.min(left, 250));
        const waker = () => wake();
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.wakers.add(waker);
        void this.closed.then(waker);
      });
    }
  }

  /** Pushes of `event` from index `from` on. */
  all<P = Record<string, unknown>>(event: string, from = 0): P[] {
    return this.received.slice(from).flatMap((r) => (r.event === event ? [r.payload as P] : []));
  }

  private onWsMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.push(BINARY_KINDS[data[0]!] ?? `binary:${data[0]}`, new Uint8Array(data));
      return;
    }
    const { ref, ...message } = JSON.parse(data.toString()) as Record<string, unknown>;
    const pending = typeof ref === 'string' ? this.replies.get(ref) : undefined;
    if (pending && (message.type === 'ack' || message.type === 'error')) {
      this.replies.delete(ref as string);
      const { type, event: _event, data: result, ...error } = message;
      pending(type === 'ack' ? { ok: true, data: result } : { ok: false, error: error as unknown as ErrorPayload });
      return;
    }
    if (message.type === 'error' && typeof message.close_code === 'number') this.closeCode = message.close_code;
    this.push(message.type as string, message);
  }

  private push(event: string, payload: Record<string, unknown> | Uint8Array): void {
    this.received.push({ event, payload });
    if (MIRRORED.has(event)) {
      const result = this.mirror.apply(payload as Uint8Array | WorldMessageJson);
      if (event === 'checksum') this.checks.push(result);
    }
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  private within<T>(promise: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.transport}: no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
      void promise.then((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }
}

/** The worlds REST API as a server key uses it. */
export class WorldsApi {
  constructor(
    private readonly t: TestApp,
    private readonly key: string,
  ) {}

  create(body: Record<string, unknown>) {
    return this.t.http.post('/worlds').set('X-API-Key', this.key).send(body);
  }

  get(name: string) {
    return this.t.http.get(`/worlds/${name}`).set('X-API-Key', this.key);
  }

  list(query: Record<string, string> = {}) {
    return this.t.http.get('/worlds').query(query).set('X-API-Key', this.key);
  }

  delete(name: string) {
    return this.t.http.delete(`/worlds/${name}`).set('X-API-Key', this.key);
  }

  /** Creates a world and waits until a realtime node hosts it; returns its GET body. */
  async start(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const created = await this.create(body);
    if (created.status !== 201) throw new Error(`POST /worlds ${created.status}: ${JSON.stringify(created.body)}`);
    return this.until(body.name as string, (w) => w.status === 'running');
  }

  /** Polls GET /worlds/:name (its live numbers are published about once a second) until `ready` holds. */
  async until(name: string, ready: (world: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + WAIT_MS;
    let last: unknown;
    while (Date.now() < deadline) {
      const res = await this.get(name);
      last = res.body;
      if (res.status === 200 && ready(res.body as Record<string, unknown>)) return res.body as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`world ${name} never got there: ${JSON.stringify(last)}`);
  }
}

/** Where a player starts: a saved state row, as a leave would have written it (the arena restores {x, y, hp}). */
export async function seedPlayer(
  t: TestApp,
  gameId: string,
  world: string,
  playerId: string,
  state: { x: number; y: number; hp?: number },
) {
  await t.app.get(WorldsRepository).saveStates(gameId, world, [{ playerId, state: { hp: 100, ...state } }]);
}

export function savedState(t: TestApp, gameId: string, world: string, playerId: string) {
  return t.app.get(WorldsRepository).loadState(gameId, world, playerId);
}

/**
 * Every e2e suite boots a realtime node on the run's Redis prefix, and every node competes for every
 * world created on it: a suite's world could be hosted by another suite's process. A prefix of its own
 * keeps this suite's worlds (commands, claims, queue) on its own nodes.
 */
export function ownRedisPrefix(name: string): Record<string, string> {
  return { REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? ''}${name}_${process.pid}:` };
}
