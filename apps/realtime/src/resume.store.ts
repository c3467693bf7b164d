import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { REDIS } from '@spawnpoint/redis';
import type { Redis } from 'ioredis';

/** What a dropped connection leaves behind for its resume (kept for the grace period). */
export interface ResumeRecord {
  gameId: string;
  playerId: string | null;
  rooms: string[];
  /** Last stream id written to it: the replay starts after the client's offset, else after this. */
  lastOffset: string | null;
}

/** Resume records in Redis, so a client may come back on any realtime node. */
@Injectable()
export class ResumeStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async save(token: string, record: ResumeRecord): Promise<void> {
    await this.redis.set(key(token), JSON.stringify(record), 'PX', this.config.REALTIME_RESUME_GRACE_MS);
  }

  /** One use only: a token resumes at most one connection. */
  async take(token: string): Promise<ResumeRecord | null> {
    const raw = await this.redis.getdel(key(token));
    return raw ? (JSON.parse(raw) as ResumeRecord) : null;
  }
}

function key(token: string): string {
  return `realtime:resume:${token}`;
}
