import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RedisPubSub } from '@spawnpoint/redis';
import { MATCHMAKING_TICKETS_CHANNEL } from '@spawnpoint/shared';

/**
 * Wakes long polls when their ticket changes, in any process: the matcher publishes the ticket ids
 * it ended, every process checks them against its own waiters. Nothing polls Postgres in a loop; a
 * lost message only delays an answer until the caller's next fallback check.
 */
@Injectable()
export class TicketWaiter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TicketWaiter.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly pubsub: RedisPubSub) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(MATCHMAKING_TICKETS_CHANNEL, this.onMessage);
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
    for (const set of this.waiters.values()) for (const wake of set) wake();
  }

  async notify(ticketIds: string[]): Promise<void> {
    if (ticketIds.length === 0) return;
    this.wake(ticketIds);
    await this.pubsub.publish(MATCHMAKING_TICKETS_CHANNEL, JSON.stringify({ ticket_ids: ticketIds }));
  }

  /**
   * Starts listening for a ticket now and returns a promise that settles on its next change or after
   * `ms`; call it BEFORE reading the ticket so a change between the read and the wait is not missed.
   */
  listen(ticketId: string, ms: number): { changed: Promise<void>; cancel: () => void } {
    let set = this.waiters.get(ticketId);
    if (!set) this.waiters.set(ticketId, (set = new Set()));
    let wake!: () => void;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(() => done(), ms);
    const done = (): void => {
      clearTimeout(timer);
      const current = this.waiters.get(ticketId);
      current?.delete(done);
      if (current?.size === 0) this.waiters.delete(ticketId);
      wake();
    };
    set.add(done);
    return { changed, cancel: done };
  }

  private readonly onMessage = (raw: string): void => {
    try {
      const message = JSON.parse(raw) as { ticket_ids?: unknown };
      if (Array.isArray(message.ticket_ids)) this.wake(message.ticket_ids.filter((id): id is string => typeof id === 'string'));
    } catch (error) {
      this.logger.warn(`ignored a malformed ticket message: ${(error as Error).message}`);
    }
  };

  private wake(ticketIds: string[]): void {
    for (const id of ticketIds) {
      const set = this.waiters.get(id);
      if (set) for (const wake of [...set]) wake();
    }
  }
}
