import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { ApiKeysService, RevocationBus, SessionsService, type GamePrincipal } from '@spawnpoint/auth';
import { REDIS_SUBSCRIBER } from '@spawnpoint/redis';
import {
  AppError,
  ErrorCode,
  REALTIME_DELIVERY_CHANNEL,
  Rooms,
  ServerEvent,
  type RealtimeDelivery,
  type RevocationMessage,
  type ServerEventPayloads,
} from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { Server, Socket } from 'socket.io';

export const NODE_ID = `${hostname()}:${process.pid}`;

interface SocketData {
  principal: GamePrincipal;
}

/**
 * The realtime entry point. This scope: authenticate the handshake (player session token or
 * API key), put each socket in its game's rooms, and drop sockets whose session or key is revoked.
 * Rooms, presence, chat and worlds build on this in later issues.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeGateway.name);
  @WebSocketServer() private server: Server;

  constructor(
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
    private readonly revocations: RevocationBus,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      this.authenticate(socket).then(
        (principal) => {
          (socket.data as SocketData).principal = principal;
          next();
        },
        (error: unknown) => next(handshakeError(error)),
      );
    });
    this.revocations.listen((message) => this.onRevocation(message));
    this.subscriber.on('message', this.onDelivery);
    void this.subscriber.subscribe(REALTIME_DELIVERY_CHANNEL);
  }

  handleConnection(socket: Socket): void {
    const { principal } = socket.data as SocketData;
    void socket.join(rooms(principal));
    const welcome: ServerEventPayloads[typeof ServerEvent.Welcome] = {
      player_id: principal.kind === 'player' ? principal.playerId : null,
      game_id: principal.gameId,
      node_id: NODE_ID,
    };
    socket.emit(ServerEvent.Welcome, welcome);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber.off('message', this.onDelivery);
    await this.subscriber.unsubscribe(REALTIME_DELIVERY_CHANNEL).catch(() => undefined);
  }

  /** Every node hears every delivery and emits it to the sockets it holds. */
  private readonly onDelivery = (channel: string, raw: string): void => {
    if (channel !== REALTIME_DELIVERY_CHANNEL) return;
    let delivery: RealtimeDelivery;
    try {
      delivery = JSON.parse(raw) as RealtimeDelivery;
    } catch {
      this.logger.warn('ignored a malformed realtime delivery');
      return;
    }
    if (!Array.isArray(delivery.rooms) || typeof delivery.event !== 'string') return;
    this.server.local.to(delivery.rooms).emit(delivery.event, delivery.payload);
  };

  private async authenticate(socket: Socket): Promise<GamePrincipal> {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; api_key?: unknown };
    if (typeof auth.token === 'string') {
      return this.sessions.authenticate(auth.token);
    }
    if (typeof auth.api_key === 'string') {
      const principal = await this.apiKeys.resolve(auth.api_key);
      if (principal.kind !== 'server') {
        throw new AppError(ErrorCode.Forbidden, 'Connect with a player session token; client keys cannot connect yet');
      }
      return principal;
    }
    throw new AppError(ErrorCode.Unauthorized, 'Pass auth: { token } (player session) or auth: { api_key } (server key)');
  }

  /** Every node hears every revocation and drops its own matching sockets. */
  private onRevocation(message: RevocationMessage): void {
    const room = message.kind === 'session' ? Rooms.session(message.sessionId) : Rooms.apiKey(message.keyId);
    this.server.local.in(room).disconnectSockets(true);
    this.logger.debug(`disconnected sockets of ${room}`);
  }
}

function rooms(p: GamePrincipal): string[] {
  if (p.kind === 'player') return [Rooms.game(p.gameId), Rooms.player(p.gameId, p.playerId), Rooms.session(p.sessionId)];
  return [Rooms.game(p.gameId), Rooms.apiKey(p.keyId)];
}

/** `connect_error` carries `err.data.code`, a stable code from the shared error table. */
function handshakeError(error: unknown): Error & { data: { code: string } } {
  const app = error instanceof AppError ? error : new AppError(ErrorCode.Internal, 'Could not authenticate');
  return Object.assign(new Error(app.message), { data: { code: app.code } });
}
