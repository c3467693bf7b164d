import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { AppError, ErrorCode, ServerEvent } from '@spawnpoint/shared';
import type { Server, Socket } from 'socket.io';
import { ConnectionLifecycle } from './connections/connection-lifecycle.service.js';
import type { Connection } from './connections/connection.js';
import { SocketIoConnection } from './connections/socket-io.connection.js';
import { RealtimeDispatcher } from './dispatcher/realtime-dispatcher.js';
import { HandshakeService, type HandshakeParams, type HandshakeResult } from './handshake.service.js';

interface SocketData {
  handshake: HandshakeResult;
  connection?: Connection;
  /** Size of the last inbound packet, measured before socket.io decoded it. */
  inboundBytes: number;
}

type Ack = (reply: unknown) => void;

/**
 * The Socket.IO transport: authenticates the handshake (`auth: { token }`, `auth: { api_key,
 * player_id? }`, plus `resume` / `offset` to resume), and turns every event into a dispatcher call
 * whose result goes back as the acknowledgement: `{ ok: true, data }` or `{ ok: false, error }`.
 * An event sent without an acknowledgement callback gets its error as an `error` event instead.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(RealtimeGateway.name);
  @WebSocketServer() private server: Server;

  constructor(
    private readonly handshakes: HandshakeService,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly dispatcher: RealtimeDispatcher,
  ) {}

  afterInit(server: Server): void {
    this.lifecycle.start();
    server.use((socket, next) => {
      const params = (socket.handshake.auth ?? {}) as HandshakeParams;
      this.handshakes.authenticate(params, { ip: socket.handshake.address, userAgent: socket.handshake.headers['user-agent'] }).then(
        (handshake) => {
          (socket.data as SocketData) = { handshake, inboundBytes: 0 };
          next();
        },
        (error: unknown) => next(handshakeError(error, this.logger)),
      );
    });
  }

  handleConnection(socket: Socket): void {
    const data = socket.data as SocketData;
    const engine = socket.conn as unknown as { on(event: 'packet', listener: (packet: { type: string; data?: unknown }) => void): void };
    engine.on('packet', (packet) => {
      if (packet.type !== 'message') return;
      // A binary event arrives as a text header, then one packet per attachment: they all count.
      if (typeof packet.data === 'string') data.inboundBytes = Buffer.byteLength(packet.data);
      else if (Buffer.isBuffer(packet.data)) data.inboundBytes += packet.data.length;
      else if (packet.data instanceof ArrayBuffer) data.inboundBytes += packet.data.byteLength;
    });
    // Events that arrive while the connection is being set up wait for it, in order.
    let ready: Promise<Connection | null> = this.lifecycle
      .open(data.handshake, (socket.handshake.auth ?? {}) as HandshakeParams, (id, identity, token) => {
        const encoder = (this.server as unknown as { encoder: ConstructorParameters<typeof SocketIoConnection>[4] }).encoder;
        return new SocketIoConnection(id, identity, token, socket, encoder);
      })
      .then((connection) => {
        data.connection = connection;
        if (socket.disconnected) void this.lifecycle.close(connection);
        return connection;
      })
      .catch((error: unknown) => {
        this.logger.error(`opening a connection failed: ${(error as Error).stack ?? String(error)}`);
        socket.disconnect(true);
        return null;
      });
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const bytes = data.inboundBytes;
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as Ack) : null;
      ready = ready.then(async (connection) => {
        if (!connection) return null;
        void Promise.resolve(this.dispatcher.dispatch(connection, event, args[0], bytes)).then((result) => {
          if (ack) ack(result);
          else if (!result.ok) socket.emit(ServerEvent.Error, result.error);
        });
        return connection;
      });
    });
    socket.on('disconnect', () => {
      if (data.connection) void this.lifecycle.close(data.connection);
    });
  }
}

/** `connect_error` carries `err.data.code`, a stable code from the shared error table. */
function handshakeError(error: unknown, logger: Logger): Error & { data: { code: string } } {
  if (!(error instanceof AppError)) logger.error(`handshake failed: ${(error as Error)?.stack ?? String(error)}`);
  const app = error instanceof AppError ? error : new AppError(ErrorCode.Internal, 'Could not authenticate');
  return Object.assign(new Error(app.message), { data: { code: app.code } });
}
