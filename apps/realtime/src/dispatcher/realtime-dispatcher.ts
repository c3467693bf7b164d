import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { AppError, CloseCode, ErrorCode, type ErrorPayload } from '@spawnpoint/shared';
import type { Connection } from '../connections/connection.js';
import type { ParseResult } from '../protocol/schema.js';
import type { RealtimeHandler } from './realtime-handler.js';
import { TokenBucket } from './token-bucket.js';

export const REALTIME_HANDLERS = Symbol('REALTIME_HANDLERS');

export type DispatchResult = { ok: true; data: unknown } | { ok: false; error: ErrorPayload };

/** The result of every handler that answers nothing (world inputs: 20,000 a second at 1,000 clients). */
const OK_NO_DATA: DispatchResult = Object.freeze({ ok: true, data: null });

/** Refusals are counted over this window for the flood rule. */
const FLOOD_WINDOW_MS = 10_000;

interface InboundState {
  events: TokenBucket;
  inputs: TokenBucket;
  refusals: number;
  windowStart: number;
}

/**
 * The one handler layer both transports call: size limit, per-socket rate limit, who may send it,
 * schema, then the handler. Every failure becomes `{ ok: false, error: { code, message } }` with a
 * stable code; nothing a client sends can throw out of here. A socket that keeps being refused
 * (rate limited or invalid) is disconnected with `CloseCode.Flooding`.
 */
@Injectable()
export class RealtimeDispatcher {
  private readonly logger = new Logger(RealtimeDispatcher.name);
  private readonly handlers = new Map<string, RealtimeHandler>();
  /** First byte of a binary message → the event it is. */
  private readonly binaryEvents = new Map<number, string>();
  private readonly inbound = new WeakMap<Connection, InboundState>();

  constructor(
    @Inject(REALTIME_HANDLERS) handlers: RealtimeHandler<never>[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    for (const definition of handlers) {
      if (this.handlers.has(definition.event)) throw new Error(`two realtime handlers for ${definition.event}`);
      this.handlers.set(definition.event, definition as unknown as RealtimeHandler);
      if (definition.binary) {
        if (this.binaryEvents.has(definition.binary.type)) throw new Error(`two binary realtime events of type ${definition.binary.type}`);
        this.binaryEvents.set(definition.binary.type, definition.event);
      }
    }
  }

  /** The event a binary message stands for, from its first byte (unknown types get a name that no handler has). */
  binaryEvent(bytes: Uint8Array): string {
    const type = bytes.byteLength > 0 ? bytes[0]! : -1;
    return this.binaryEvents.get(type) ?? `binary message of type ${type}`;
  }

  get events(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Runs one inbound event. `payload` is its JSON argument, or its bytes for an event with a
   * binary form. Synchronous when the handler is (world inputs, many per second, pay for no
   * promise); otherwise a promise.
   */
  dispatch(connection: Connection, event: unknown, payload: unknown, bytes: number): DispatchResult | Promise<DispatchResult> {
    const refused = this.precheck(connection, event, bytes);
    if (refused) return this.refuse(connection, refused);
    const definition = this.handlers.get(event as string)!;
    const parsed = payload instanceof Uint8Array ? decodeBinary(definition, payload) : definition.schema.parse(payload);
    if (!parsed.ok) {
      return this.refuse(connection, { code: ErrorCode.ValidationFailed, message: `Invalid ${definition.event}`, details: parsed.issues });
    }
    try {
      const data = definition.handle(connection, parsed.value);
      return data instanceof Promise ? data.then(succeeded, (error: unknown) => this.failed(error, definition.event)) : succeeded(data);
    } catch (error) {
      return this.failed(error, definition.event);
    }
  }

  private failed(error: unknown, event: string): DispatchResult {
    return { ok: false, error: toErrorPayload(error, this.logger, event) };
  }

  private precheck(connection: Connection, event: unknown, bytes: number): ErrorPayload | null {
    if (bytes > this.config.REALTIME_MAX_EVENT_BYTES) {
      return { code: ErrorCode.PayloadTooLarge, message: `Events are limited to ${this.config.REALTIME_MAX_EVENT_BYTES} bytes` };
    }
    const definition = typeof event === 'string' ? this.handlers.get(event) : undefined;
    if (!definition) {
      return { code: ErrorCode.UnknownEvent, message: `Unknown event ${JSON.stringify(String(event)).slice(0, 80)}` };
    }
    const state = this.state(connection);
    if (!(definition.bucket === 'inputs' ? state.inputs : state.events).take()) {
      return { code: ErrorCode.RateLimited, message: `Too many ${definition.bucket ?? 'events'} on this connection; slow down` };
    }
    const { playerId } = connection.identity;
    const isServer = connection.identity.principal.kind === 'server' && playerId === null;
    if (definition.audience === 'player' && playerId === null) {
      return {
        code: ErrorCode.Forbidden,
        message: `${definition.event} needs a player: connect with a session token, or a server key and player_id`,
      };
    }
    if (definition.audience === 'server' && !isServer) {
      return { code: ErrorCode.Forbidden, message: `${definition.event} is for game servers (server key connections)` };
    }
    return null;
  }

  /** Counts a refusal (for the flood rule) and returns it as the result. */
  refuse(connection: Connection, error: ErrorPayload): DispatchResult {
    const state = this.state(connection);
    const now = Date.now();
    if (now - state.windowStart > FLOOD_WINDOW_MS) {
      state.windowStart = now;
      state.refusals = 0;
    }
    state.refusals++;
    if (state.refusals > this.config.REALTIME_FLOOD_LIMIT) {
      this.logger.warn(
        `disconnecting ${connection.id} (${connection.identity.playerId ?? 'server'}): ${state.refusals} refused events in 10 s`,
      );
      connection.close(CloseCode.Flooding, { code: ErrorCode.RateLimited, message: 'Disconnected for flooding: too many refused events' });
    }
    return { ok: false, error };
  }

  private state(connection: Connection): InboundState {
    let state = this.inbound.get(connection);
    if (!state) {
      const { REALTIME_EVENTS_PER_SECOND: rate, REALTIME_EVENT_BURST: burst, REALTIME_INPUTS_PER_SECOND: inputs } = this.config;
      state = { events: new TokenBucket(rate, burst), inputs: new TokenBucket(inputs, inputs * 2), refusals: 0, windowStart: Date.now() };
      this.inbound.set(connection, state);
    }
    return state;
  }
}

function succeeded(data: unknown): DispatchResult {
  return data === null || data === undefined ? OK_NO_DATA : { ok: true, data };
}

function decodeBinary(definition: RealtimeHandler, bytes: Uint8Array): ParseResult<unknown> {
  // Bytes for an event without a binary form: refused as its JSON schema refuses any non-object.
  if (!definition.binary) return { ok: false, issues: [{ field: '', message: 'must be an object' }] };
  return definition.binary.decode(bytes);
}

export function toErrorPayload(error: unknown, logger: Logger, event: string): ErrorPayload {
  if (error instanceof AppError) {
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  logger.error(`handler for ${event} failed: ${(error as Error)?.stack ?? String(error)}`);
  return { code: ErrorCode.Internal, message: 'Something went wrong' };
}
