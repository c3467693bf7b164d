import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppError, CloseCode, ErrorCode, ServerEvent, type ErrorPayload } from '@spawnpoint/shared';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ConnectionLifecycle } from './connections/connection-lifecycle.service.js';
import type { Connection } from './connections/connection.js';
import { WsConnection, wsFrame } from './connections/ws.connection.js';
import { RealtimeDispatcher, type DispatchResult } from './dispatcher/realtime-dispatcher.js';
import { HandshakeService, type HandshakeParams } from './handshake.service.js';
import { MAX_SOCKET_MESSAGE_BYTES } from './redis-streams-io.adapter.js';

export const WS_PATH = '/ws';
/** Dead peers are found by ping: one missed pong in this interval closes the socket. */
const HEARTBEAT_MS = 25_000;

/**
 * The plain WebSocket transport at `/ws`, for engines without a Socket.IO client: the same
 * events as JSON messages `{ "type": "<event>", ...fields, "ref"? }`, and binary messages for the
 * events that have a binary form (world `input`), named by their first byte. Credentials come in the query
 * string (`token`, or `api_key` [+ `player_id`], plus `resume` / `offset`). Replies: `{ type: 'ack',
 * ref, event, data }` when the message had a `ref` or the handler returned data; errors always as
 * `{ type: 'error', ref?, event, code, message, details? }`.
 */
@Injectable()
export class WsTransport implements OnModuleDestroy {
  private readonly logger = new Logger(WsTransport.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_MESSAGE_BYTES });
  private readonly alive = new WeakSet<WebSocket>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly handshakes: HandshakeService,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly dispatcher: RealtimeDispatcher,
  ) {}

  attach(server: HttpServer): void {
    this.lifecycle.start();
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (pathOf(request) !== WS_PATH) return; // socket.io's engine answers its own path
      this.wss.handleUpgrade(request, socket, head, (ws) => void this.onSocket(ws, request));
    });
    this.heartbeat = setInterval(() => this.checkAlive(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(CloseCode.GoingAway, 'server shutting down');
    this.wss.close();
  }

  private async onSocket(ws: WebSocket, request: IncomingMessage): Promise<void> {
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const params: HandshakeParams = {
      token: query.get('token') ?? undefined,
      api_key: query.get('api_key') ?? undefined,
      player_id: query.get('player_id') ?? undefined,
      resume: query.get('resume') ?? undefined,
      offset: query.get('offset') ?? undefined,
    };
    // Messages that arrive while the connection is being set up wait for it, in order.
    const early: { data: RawData; isBinary: boolean }[] = [];
    let connection: Connection | null = null;
    ws.on('message', (data, isBinary) => {
      if (connection) this.onMessage(connection, data, isBinary);
      else early.push({ data, isBinary });
    });
    let closed = false;
    ws.on('close', () => {
      closed = true;
      if (connection) void this.lifecycle.close(connection);
    });
    ws.on('error', (error) => this.logger.debug(`ws error: ${error.message}`));

    try {
      const handshake = await this.handshakes.authenticate(params, { ip: clientIp(request), userAgent: request.headers['user-agent'] });
      const opened = await this.lifecycle.open(handshake, params, (id, identity, token) => new WsConnection(id, identity, token, ws));
      if (closed) {
        await this.lifecycle.close(opened);
        return;
      }
      connection = opened;
      for (const message of early.splice(0)) this.onMessage(opened, message.data, message.isBinary);
    } catch (error) {
      const app = error instanceof AppError ? error : new AppError(ErrorCode.Internal, 'Could not authenticate');
      if (!(error instanceof AppError)) this.logger.error(`ws handshake failed: ${(error as Error)?.stack ?? String(error)}`);
      const closeCode =
        app.code === ErrorCode.Forbidden || app.code === ErrorCode.PlayerBanned ? CloseCode.Forbidden : CloseCode.Unauthorized;
      ws.send(wsFrame(ServerEvent.Error, { code: app.code, message: app.message, close_code: closeCode }));
      ws.close(closeCode, app.code);
    }
  }

  /**
   * One message: a JSON object with a `type`, or a binary message whose first byte names the event
   * (a world input). Answered synchronously when the handler is synchronous.
   */
  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      const bytes = binaryBytes(data);
      const event = this.dispatcher.binaryEvent(bytes);
      this.answer(connection, undefined, event, this.dispatcher.dispatch(connection, event, bytes, bytes.byteLength));
      return;
    }
    let message: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(data.toString());
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) message = parsed as Record<string, unknown>;
    } catch {
      message = null;
    }
    if (!message) {
      const result = this.dispatcher.refuse(connection, {
        code: ErrorCode.InvalidJson,
        message: 'Send one JSON object per message, with a "type"',
      });
      if (!result.ok) this.reply(connection, undefined, undefined, result.error);
      return;
    }
    const ref = typeof message.ref === 'string' || typeof message.ref === 'number' ? message.ref : undefined;
    this.answer(connection, ref, message.type, this.dispatcher.dispatch(connection, message.type, message, rawLength(data)));
  }

  private answer(connection: Connection, ref: string | number | undefined, event: unknown, result: DispatchResult | Promise<DispatchResult>): void {
    if (result instanceof Promise) {
      void result.then((settled) => this.answer(connection, ref, event, settled));
      return;
    }
    if (result.ok) {
      if (ref !== undefined || result.data !== null) {
        this.lifecycle.sendDirectFrame(connection, wsFrame('ack', { ref: ref ?? null, event, data: result.data }));
      }
    } else {
      this.reply(connection, ref, event, result.error);
    }
  }

  private reply(connection: Connection, ref: string | number | undefined, event: unknown, error: ErrorPayload): void {
    const body = { ...(ref !== undefined ? { ref } : {}), ...(typeof event === 'string' ? { event } : {}), ...error };
    this.lifecycle.sendDirectFrame(connection, wsFrame(ServerEvent.Error, body));
  }

  private checkAlive(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function clientIp(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/** A binary message's bytes (`ws` hands over one Buffer unless the message came in fragments). */
function binaryBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
