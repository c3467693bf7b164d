import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';

/**
 * Names of pub/sub channels on the wire. ioredis's `keyPrefix` covers keys, not channels, so
 * without this two deployments (or two test runs) sharing a Redis server hear each other's
 * revocations, leaderboard updates and matchmaking wake-ups. Every channel a process publishes
 * or subscribes to goes through `of`.
 */
@Injectable()
export class RedisChannels {
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.prefix = config.REDIS_KEY_PREFIX;
  }

  of(channel: string): string {
    return `${this.prefix}${channel}`;
  }
}
