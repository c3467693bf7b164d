import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { Redis } from 'ioredis';
import { RateLimiter } from './rate-limiter.js';
import { RealtimePublisher } from './realtime-publisher.js';
import { RedisPubSub } from './redis-pubsub.js';
import { REDIS, REDIS_SUBSCRIBER } from './redis.tokens.js';

export function createRedis(config: AppConfig, name: string): Redis {
  return new Redis(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    connectionName: `spawnpoint:${name}`,
    // Fail commands fast while Redis is down instead of queueing them without bound.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRedis(config, 'commands') },
    { provide: REDIS_SUBSCRIBER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRedis(config, 'subscriber') },
    RateLimiter,
    RealtimePublisher,
    RedisPubSub,
  ],
  exports: [REDIS, REDIS_SUBSCRIBER, RateLimiter, RealtimePublisher, RedisPubSub],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.subscriber.quit()]);
  }
}
