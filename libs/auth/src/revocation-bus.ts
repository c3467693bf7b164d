import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { REDIS, REDIS_SUBSCRIBER, RedisChannels } from '@spawnpoint/redis';
import { REVOCATION_CHANNEL, type RevocationMessage } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';

type Listener = (message: RevocationMessage) => void;

/**
 * Tells every process that a session or API key was revoked, so in-process caches drop it and
 * realtime nodes disconnect its sockets. Local listeners run synchronously on publish, so the
 * revoking process never serves the old state, even before Redis echoes the message back.
 */
@Injectable()
export class RevocationBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationBus.name);
  private readonly listeners = new Set<Listener>();
  private readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    channels: RedisChannels,
  ) {
    this.channel = channels.of(REVOCATION_CHANNEL);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber.off('message', this.onMessage);
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  listen(listener: Listener): void {
    this.listeners.add(listener);
  }

  async publish(message: RevocationMessage): Promise<void> {
    this.dispatch(message);
    await this.redis.publish(this.channel, JSON.stringify(message));
  }

  private readonly onMessage = (channel: string, raw: string): void => {
    if (channel !== this.channel) return;
    try {
      this.dispatch(JSON.parse(raw) as RevocationMessage);
    } catch (error) {
      this.logger.warn(`ignored a malformed revocation message: ${(error as Error).message}`);
    }
  };

  private dispatch(message: RevocationMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}
