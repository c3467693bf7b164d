import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { AppConfig } from '@spawnpoint/config';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/** Max inbound message size: a realtime message is small; 1 MB (the default) only helps abusers. */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

/**
 * Socket.IO on the API's port, fanned out across realtime processes through a Redis stream. The
 * streams adapter (not pub/sub) is the one that delivers across a Redis restart and supports
 * connection state recovery.
 */
export class RedisStreamsIoAdapter extends IoAdapter {
  private readonly redis: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
    // A connection of its own with no key prefix: the adapter blocks on XREAD and names its own keys.
    this.redis = new Redis(config.REDIS_URL, { connectionName: 'spawnpoint:socket.io', maxRetriesPerRequest: null });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...(options as ServerOptions),
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      // Upgrades on other paths (the plain WebSocket at /ws) belong to another handler.
      destroyUpgrade: false,
      cors: { origin: true, credentials: true },
      adapter: createAdapter(this.redis, {
        streamName: `${this.config.REDIS_KEY_PREFIX}socket.io`,
        sessionKeyPrefix: `${this.config.REDIS_KEY_PREFIX}sio:session:`,
        maxLen: 10_000,
      }),
    }) as Server;
    return server;
  }

  /**
   * Nest binds `@SubscribeMessage` handlers per socket with rxjs streams, and builds a disconnect
   * stream for every socket even when there are none. RealtimeGateway has none (it reads every
   * event with `onAny` and dispatches itself), so that would be ~2 KB of observables, closures and
   * a WeakMap entry per idle connection for nothing.
   */
  override bindMessageHandlers(...args: Parameters<IoAdapter['bindMessageHandlers']>): void {
    const [, handlers] = args;
    if (handlers.length > 0) super.bindMessageHandlers(...args);
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await this.redis.quit().catch(() => undefined);
  }
}
