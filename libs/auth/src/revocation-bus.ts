import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RedisPubSub } from '@spawnpoint/redis';
import { REVOCATION_CHANNEL, type RevocationMessage } from '@spawnpoint/shared';

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
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly pubsub: RedisPubSub) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(REVOCATION_CHANNEL, this.onMessage);
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  listen(listener: Listener): void {
    this.listeners.add(listener);
  }

  async publish(message: RevocationMessage): Promise<void> {
    this.dispatch(message);
    await this.pubsub.publish(REVOCATION_CHANNEL, JSON.stringify(message));
  }

  private readonly onMessage = (raw: string): void => {
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
