import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { REDIS } from '@spawnpoint/redis';
import { REALTIME_STREAM, type RealtimeStreamEntry } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';

export type StreamHandler = (entry: RealtimeStreamEntry, id: string) => void;

/** Entries read per XREAD; a burst larger than this is read over several calls, in order. */
const BATCH = 1_000;
/** Most entries replayed to one resuming connection (the rest: it resyncs as a new session would). */
export const REPLAY_LIMIT = 5_000;
const BLOCK_MS = 1_000;

/**
 * Reads the realtime stream on its own blocking connection and hands every entry, in order, to
 * the gateway. Starts at the end of the stream; after a Redis restart (ids start again from the
 * clock, and the stream may be gone) it continues from whatever is there.
 */
@Injectable()
export class RealtimeStreamReader implements OnModuleDestroy {
  private readonly logger = new Logger(RealtimeStreamReader.name);
  private readonly blocking: Redis;
  private running = false;
  private lastId = '$';
  private loop: Promise<void> | null = null;

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    this.blocking = redis.duplicate({ connectionName: 'spawnpoint:realtime-stream', maxRetriesPerRequest: null });
  }

  start(handler: StreamHandler): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run(handler);
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    // A blocked XREAD does not return on QUIT; dropping the connection ends it.
    this.blocking.disconnect();
    await this.loop?.catch(() => undefined);
  }

  /** The id of the last entry handed to the gateway; null before the first one. */
  get position(): string | null {
    return this.lastId === '$' ? null : this.lastId;
  }

  /** Entries after `afterId` (exclusive) for which `wanted` holds, oldest first. */
  async replay(afterId: string, wanted: (entry: RealtimeStreamEntry) => boolean): Promise<{ id: string; entry: RealtimeStreamEntry }[]> {
    const rows = (await this.redis.xrange(REALTIME_STREAM, `(${afterId}`, '+', 'COUNT', REPLAY_LIMIT)) as [string, string[]][];
    const out: { id: string; entry: RealtimeStreamEntry }[] = [];
    for (const [id, fields] of rows) {
      const entry = parse(fields);
      if (entry && wanted(entry)) out.push({ id, entry });
    }
    return out;
  }

  /** The id of the newest entry, or null when the stream is empty or missing. */
  async newestId(): Promise<string | null> {
    const rows = (await this.redis.xrevrange(REALTIME_STREAM, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return rows[0]?.[0] ?? null;
  }

  private async run(handler: StreamHandler): Promise<void> {
    while (this.running) {
      try {
        const reply = (await this.blocking.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', REALTIME_STREAM, this.lastId)) as
          [string, [string, string[]][]][] | null;
        if (!reply) {
          await this.rewindIfRestarted();
          continue;
        }
        for (const [id, fields] of reply[0]![1]) {
          this.lastId = id;
          const entry = parse(fields);
          if (entry) handler(entry, id);
        }
      } catch (error) {
        if (!this.running) return;
        this.logger.warn(`realtime stream read failed: ${(error as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await this.rewindIfRestarted().catch(() => undefined);
      }
    }
  }

  /** A restarted Redis forgets the stream: ids it hands out may be lower than ours, so read from the start. */
  private async rewindIfRestarted(): Promise<void> {
    if (this.lastId === '$') return;
    const newest = await this.newestId();
    if (newest === null || compareIds(newest, this.lastId) < 0) this.lastId = '0-0';
  }
}

function parse(fields: string[]): RealtimeStreamEntry | null {
  try {
    return JSON.parse(fields[1] ?? '') as RealtimeStreamEntry;
  } catch {
    return null;
  }
}

export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : as - bs;
}
