import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import type { Redis } from 'ioredis';
import { REDIS, REDIS_SUBSCRIBER } from './redis.tokens.js';

type Listener = (message: string) => void;

/**
 * Pub/sub on the platform's own channels (their names are in the shared registry). It owns what
 * every channel needs: the deployment's REDIS_KEY_PREFIX on the wire (ioredis prefixes keys, not
 * channels, so without it deployments and test runs sharing a Redis hear each other), and the one
 * `message` listener on the subscriber connection, which hands each message to its channel's
 * listeners only.
 */
@Injectable()
export class RedisPubSub {
  private readonly prefix: string;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscriptions = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prefix = config.REDIS_KEY_PREFIX;
    subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
  }

  /** A channel's name on the wire (for a Lua script that publishes on it itself). */
  channel(name: string): string {
    return `${this.prefix}${name}`;
  }

  async publish(name: string, message: string): Promise<void> {
    await this.redis.publish(this.channel(name), message);
  }

  /** Hands every message on `name` to `listener` once subscribed; returns how to stop. */
  async subscribe(name: string, listener: Listener): Promise<() => Promise<void>> {
    const wire = this.channel(name);
    let listeners = this.listeners.get(wire);
    if (!listeners) {
      this.listeners.set(wire, (listeners = new Set()));
      this.subscriptions.set(wire, this.subscriber.subscribe(wire));
    }
    listeners.add(listener);
    await this.subscriptions.get(wire);
    return async () => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.listeners.get(wire) !== listeners) return;
      this.listeners.delete(wire);
      this.subscriptions.delete(wire);
      await this.subscriber.unsubscribe(wire).catch(() => undefined);
    };
  }
}
