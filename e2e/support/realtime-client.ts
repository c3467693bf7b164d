import { ServerEvent, type ErrorPayload, type WelcomePayload } from '@spawnpoint/shared';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

export type Transport = 'socket.io' | 'ws';
export const TRANSPORTS: Transport[] = ['socket.io', 'ws'];

/** What a client presents: Socket.IO `auth`, or the /ws query string. */
export interface Credentials {
  token?: string;
  api_key?: string;
  player_id?: string;
  resume?: string;
  offset?: string;
}

export type Reply<T = unknown> = { ok: true; data: T } | { ok: false; error: ErrorPayload };

/** How the server ended a connection: the /ws close code, or on Socket.IO the `close_code` of the `error` sent before it. */
export interface Closed {
  code: number | null;
  reason: string;
}

/** A refused handshake: the stable error code, and on /ws the close code. */
export interface Refusal {
  code: string;
  closeCode: number | null;
}

// Long enough for a loaded 2-core box, short enough that a missing event fails with a useful message
// instead of the test timeout.
const WAIT_MS = 10_000;

interface Waiter {
  match: (event: string, payload: unknown) => boolean;
  resolve: (payload: unknown) => void;
}

/**
 * One realtime connection, whichever transport: pushes are queued in arrival order and consumed by
 * `next`, so none is missed between a request and the wait; `request` sends an event and resolves
 * with its acknowledgement (Socket.IO ack, /ws `ack` / `error` carrying the same `ref`).
 */
export abstract class RealtimeClient {
  welcome!: WelcomePayload;
  /** The newest stream offset received: what a resuming client passes back. */
  lastOffset: string | null = null;
  readonly received: { event: string; payload: unknown }[] = [];
  readonly closed: Promise<Closed>;
  protected resolveClosed!: (closed: Closed) => void;
  private readonly waiters: Waiter[] = [];

  constructor(readonly transport: Transport) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  abstract request<T = unknown>(event: string, payload?: object): Promise<Reply<T>>;
  /** Sends an event without asking for an acknowledgement (errors come back as `error` events). */
  abstract emit(event: string, payload?: object): void;
  /** Drops the connection from the client side, as a lost network would. */
  abstract drop(): void;

  /** Like `request`, but fails the test unless the event succeeded. */
  async call<T = unknown>(event: string, payload?: object): Promise<T> {
    const reply = await this.request<T>(event, payload);
    if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  /** The error code a request is refused with (fails the test when it succeeds). */
  async refused(event: string, payload?: object): Promise<string> {
    const reply = await this.request(event, payload);
    if (reply.ok) throw new Error(`${event} succeeded: ${JSON.stringify(reply.data)}`);
    return reply.error.code;
  }

  next<P>(event: string, predicate: (payload: P) => boolean = () => true, waitMs = WAIT_MS): Promise<P> {
    const match = (e: string, payload: unknown) => e === event && predicate(payload as P);
    const index = this.received.findIndex((r) => match(r.event, r.payload));
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]!.payload as P);
    return new Promise<P>((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (payload) => {
          clearTimeout(timer);
          resolve(payload as P);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.received.map((r) => r.event).join(', ');
        reject(new Error(`${this.transport}: no matching ${event} within ${waitMs} ms (queued: ${seen || 'nothing'})`));
      }, waitMs);
      this.waiters.push(waiter);
    });
  }

  /** The events queued and not yet consumed, by name (to assert that nothing else arrived). */
  pending(event?: string): unknown[] {
    return this.received.filter((r) => event === undefined || r.event === event).map((r) => r.payload);
  }

  protected push(event: string, payload: unknown, offset: string | undefined): void {
    if (offset !== undefined) this.lastOffset = offset;
    const waiter = this.waiters.find((w) => w.match(event, payload));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(payload);
    } else {
      this.received.push({ event, payload });
    }
  }
}

class SocketIoClient extends RealtimeClient {
  private closeCode: number | null = null;

  constructor(readonly socket: Socket) {
    super('socket.io');
    socket.onAny((event: string, payload: unknown, offset?: unknown) => {
      if (event === ServerEvent.Error && typeof (payload as { close_code?: unknown })?.close_code === 'number') {
        this.closeCode = (payload as { close_code: number }).close_code;
      }
      this.push(event, payload, typeof offset === 'string' ? offset : undefined);
    });
    socket.on('disconnect', (reason) => this.resolveClosed({ code: this.closeCode, reason }));
  }

  async request<T>(event: string, payload: object = {}): Promise<Reply<T>> {
    return (await this.socket.timeout(WAIT_MS).emitWithAck(event, payload)) as Reply<T>;
  }

  emit(event: string, payload: object = {}): void {
    this.socket.emit(event, payload);
  }

  drop(): void {
    this.socket.disconnect();
  }
}

class WsClient extends RealtimeClient {
  private refs = 0;
  private readonly replies = new Map<string, (reply: Reply<never>) => void>();

  constructor(readonly socket: WebSocket) {
    super('ws');
    socket.on('message', (raw) => {
      const { type, offset, ref, ...fields } = JSON.parse(raw.toString()) as Record<string, unknown>;
      const pending = typeof ref === 'string' ? this.replies.get(ref) : undefined;
      if (pending && type === 'ack') {
        pending({ ok: true, data: fields.data as never });
        return;
      }
      if (pending && type === ServerEvent.Error) {
        const { event: _event, ...error } = fields;
        pending({ ok: false, error: error as unknown as ErrorPayload });
        return;
      }
      this.push(type as string, ref === undefined ? fields : { ref, ...fields }, typeof offset === 'string' ? offset : undefined);
    });
    socket.on('close', (code, reason) => this.resolveClosed({ code, reason: reason.toString() }));
  }

  request<T>(event: string, payload: object = {}): Promise<Reply<T>> {
    const ref = `r${++this.refs}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(ref);
        reject(new Error(`ws: no reply to ${event} within ${WAIT_MS} ms`));
      }, WAIT_MS);
      this.replies.set(ref, (reply) => {
        clearTimeout(timer);
        this.replies.delete(ref);
        resolve(reply as Reply<T>);
      });
      this.send({ type: event, ...payload, ref });
    });
  }

  emit(event: string, payload: object = {}): void {
    this.send({ type: event, ...payload });
  }

  /** Anything at all, as one text frame (or binary when given a Buffer). */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  drop(): void {
    this.socket.terminate();
  }
}

export type { SocketIoClient, WsClient };

/** Opens realtime connections to one app and closes them all at the end of a suite. */
export class RealtimeClients {
  private readonly open = new Set<{ close(): void }>();

  constructor(private readonly url: string) {}

  /** A connection that got its `welcome` (the test fails with the refusal otherwise). */
  connect(transport: 'socket.io', credentials: Credentials, url?: string): Promise<SocketIoClient>;
  connect(transport: 'ws', credentials: Credentials, url?: string): Promise<WsClient>;
  connect(transport: Transport, credentials: Credentials, url?: string): Promise<RealtimeClient>;
  async connect(transport: Transport, credentials: Credentials, url = this.url): Promise<RealtimeClient> {
    const client = transport === 'ws' ? this.ws(credentials, url) : this.socketIo(credentials, url);
    const outcome = await Promise.race([
      client.next<WelcomePayload>(ServerEvent.Welcome).then((welcome) => ({ welcome })),
      this.refusalOf(client).then((refusal) => ({ refusal })),
    ]);
    if ('refusal' in outcome) throw new Error(`${transport} connection refused: ${JSON.stringify(outcome.refusal)}`);
    client.welcome = outcome.welcome;
    return client;
  }

  /** How a connection attempt is refused (fails the test when it is welcomed). */
  async refusal(transport: Transport, credentials: Credentials): Promise<Refusal> {
    const client = transport === 'ws' ? this.ws(credentials, this.url) : this.socketIo(credentials, this.url);
    const outcome = await Promise.race([
      client.next<WelcomePayload>(ServerEvent.Welcome).then((welcome) => ({ welcome })),
      this.refusalOf(client).then((refusal) => ({ refusal })),
    ]);
    if ('welcome' in outcome) throw new Error(`${transport} connection was welcomed: ${JSON.stringify(outcome.welcome)}`);
    return outcome.refusal;
  }

  closeAll(): void {
    for (const client of this.open) client.close();
    this.open.clear();
  }

  private socketIo(credentials: Credentials, url: string): SocketIoClient {
    const socket = io(url, { auth: { ...credentials }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.open.add(socket);
    return new SocketIoClient(socket);
  }

  private ws(credentials: Credentials, url: string): WsClient {
    const query = new URLSearchParams(Object.entries(credentials).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?${query.toString()}`);
    socket.on('error', () => undefined); // a refused or dropped socket reports through `close`
    this.open.add(socket);
    return new WsClient(socket);
  }

  private async refusalOf(client: RealtimeClient): Promise<Refusal> {
    if (client.transport === 'socket.io') {
      const error = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
        (client as SocketIoClient).socket.once('connect_error', resolve),
      );
      return { code: error.data?.code ?? error.message, closeCode: null };
    }
    const closed = await client.closed;
    const error = client.pending(ServerEvent.Error)[0] as ErrorPayload | undefined;
    return { code: error?.code ?? `closed without an error (${closed.reason})`, closeCode: closed.code };
  }
}
