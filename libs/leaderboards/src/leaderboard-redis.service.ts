import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { Redis } from 'ioredis';

/**
 * The leaderboards' own Redis connection (index scripts, rank reads, writer registrations). Its
 * own so that it closes last, after the score writer has drained (the shared client's shutdown
 * order is not ours to decide). No auto-pipelining: it only merges the commands of one tick (one
 * request), and measured on the bench machine it cost more CPU per request than it saved;
 * LeaderboardIndex batches across requests instead.
 */
@Injectable()
export class LeaderboardRedis implements OnApplicationShutdown {
  private readonly logger = new Logger(LeaderboardRedis.name);
  readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new Redis(config.REDIS_URL, {
      keyPrefix: config.REDIS_KEY_PREFIX,
      connectionName: 'spawnpoint:leaderboards',
      // Fail commands fast while Redis is down (callers answer 503) instead of queueing them.
      maxRetriesPerRequest: 2,
    });
    this.client.on('error', (error: Error) => this.logger.warn(`leaderboards Redis connection: ${error.message}`));
  }

  /**
   * Runs `send` with this connection's writes held, so the commands it issues leave in one socket
   * write: on the bench machine a write costs far more CPU than the JavaScript of a command.
   */
  writeTogether(send: () => void): void {
    const stream = this.client.status === 'ready' ? this.client.stream : undefined;
    stream?.cork();
    try {
      send();
    } finally {
      stream?.uncork();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
