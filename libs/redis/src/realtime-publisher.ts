import { Inject, Injectable } from '@nestjs/common';
import { REALTIME_DELIVERY_CHANNEL, type RealtimeDelivery, type ServerEvent, type ServerEventPayloads } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { REDIS } from './redis.tokens.js';

/**
 * How the API and the workers push an event to sockets without importing socket.io: publish on
 * Redis; every realtime node emits it to the sockets of those rooms that it holds.
 */
@Injectable()
export class RealtimePublisher {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async emit<E extends ServerEvent>(rooms: string[], event: E, payload: ServerEventPayloads[E]): Promise<void> {
    const delivery: RealtimeDelivery = { rooms, event, payload };
    await this.redis.publish(REALTIME_DELIVERY_CHANNEL, JSON.stringify(delivery));
  }
}
