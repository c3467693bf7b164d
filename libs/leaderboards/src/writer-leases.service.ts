import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { LeaderboardRedis } from './leaderboard-redis.service.js';

// A score is committed to Postgres first and put into the Redis index right after. A process
// killed between the two leaves a record the index does not have (it was never acknowledged, but
// it is durable and must rank). So before a group commit touches a leaderboard season for the
// first time, the writer records it in Redis, and it keeps a heartbeat. The worker's sweep finds
// writers whose heartbeat stopped and drops those seasons' index markers: the next read rebuilds
// them from Postgres, torn write included.
//
//   lb:writers                 SET of writer ids
//   lb:writer:<id>:alive       "1", expires HEARTBEAT_TTL_SECONDS after the last beat
//   lb:writer:<id>:boards      SET of "<game>|<board>|<season>" the writer has written to
//
// Seasons already registered cost no round trip. Every beat re-adds them all, so a registration
// Redis lost (restart, or a sweep that took this writer for dead during a long pause) is back
// within one beat; a reconnect forgets them so the next batch registers before committing.

const HEARTBEAT_MS = 5000;
const HEARTBEAT_TTL_SECONDS = 15;
/** A season this writer has not written for this long has nothing in flight: deregister it. */
const IDLE_MS = 10 * 60_000;
const WRITERS = 'lb:writers';

// KEYS: alive, boards, writers. ARGV: writer id, then the entries handled. Forgets them only if the
// writer is still dead (a writer that comes back re-adds its entries and heartbeat atomically).
const FORGET_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #ARGV do redis.call('SREM', KEYS[2], ARGV[i]) end
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
return 1
`;

export interface SeasonRef {
  gameId: string;
  leaderboardId: string;
  season: number;
}

@Injectable()
export class WriterLeases implements OnModuleDestroy {
  private readonly logger = new Logger(WriterLeases.name);
  /** This process's writer id: new on every start, so a restarted process never inherits a dead one. */
  readonly id = randomBytes(8).toString('hex');
  private readonly redis: Redis;
  /** Registered entries and when this writer last wrote to each. */
  private readonly registered = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(connection: LeaderboardRedis) {
    this.redis = connection.client;
    this.redis.defineCommand('lbForgetWriter', { numberOfKeys: 3, lua: FORGET_SCRIPT });
    // After a reconnect Redis may have lost everything: register again before the next commit.
    this.redis.on('ready', () => this.registered.clear());
  }

  /** Makes sure (atomically with a heartbeat) Redis knows this process writes to these seasons. */
  async register(seasons: SeasonRef[]): Promise<void> {
    const now = Date.now();
    const fresh: string[] = [];
    for (const season of seasons) {
      const key = entry(season);
      if (!this.registered.has(key)) fresh.push(key);
      this.registered.set(key, now);
    }
    if (fresh.length === 0) return;
    this.heartbeat ??= setInterval(() => void this.beat(), HEARTBEAT_MS).unref();
    try {
      await this.redis
        .multi()
        .sadd(WRITERS, this.id)
        .sadd(boardsKey(this.id), ...fresh)
        .set(aliveKey(this.id), '1', 'EX', HEARTBEAT_TTL_SECONDS)
        .exec();
    } catch (error) {
      for (const key of fresh) this.registered.delete(key);
      throw error;
    }
  }

  /** On a clean shutdown (nothing in flight any more) this writer leaves nothing to recover. */
  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.registered.clear();
    await this.redis.multi().del(boardsKey(this.id), aliveKey(this.id)).srem(WRITERS, this.id).exec();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  /**
   * Finds writers whose heartbeat stopped and hands each season they touched to `invalidate`
   * (which must be idempotent); returns how many seasons were handed over.
   */
  async recoverDeadWriters(invalidate: (season: SeasonRef) => Promise<void>): Promise<number> {
    let recovered = 0;
    for (const writer of await this.redis.smembers(WRITERS)) {
      if ((await this.redis.exists(aliveKey(writer))) === 1) continue;
      const entries = await this.redis.smembers(boardsKey(writer));
      for (const text of entries) {
        const season = parseEntry(text);
        if (season) await invalidate(season);
      }
      await (this.redis as unknown as ForgetCommand).lbForgetWriter(aliveKey(writer), boardsKey(writer), WRITERS, writer, ...entries);
      if (entries.length > 0)
        this.logger.warn(`writer ${writer} stopped without a clean shutdown: ${entries.length} leaderboard season(s) will be re-indexed`);
      recovered += entries.length;
    }
    return recovered;
  }

  private async beat(): Promise<void> {
    const idleBefore = Date.now() - IDLE_MS;
    const idle = [...this.registered].filter(([, last]) => last < idleBefore).map(([key]) => key);
    for (const key of idle) this.registered.delete(key);
    const transaction = this.redis.multi().sadd(WRITERS, this.id).set(aliveKey(this.id), '1', 'EX', HEARTBEAT_TTL_SECONDS);
    if (this.registered.size > 0) transaction.sadd(boardsKey(this.id), ...this.registered.keys());
    if (idle.length > 0) transaction.srem(boardsKey(this.id), ...idle);
    try {
      await transaction.exec();
    } catch (error) {
      this.logger.warn(`leaderboard writer heartbeat failed: ${(error as Error).message}`);
    }
  }
}

interface ForgetCommand {
  lbForgetWriter(alive: string, boards: string, writers: string, ...args: string[]): Promise<number>;
}

const aliveKey = (id: string) => `lb:writer:${id}:alive`;
const boardsKey = (id: string) => `lb:writer:${id}:boards`;
const entry = (s: SeasonRef) => `${s.gameId}|${s.leaderboardId}|${s.season}`;

function parseEntry(text: string): SeasonRef | null {
  const [gameId, leaderboardId, season] = text.split('|');
  if (!gameId || !leaderboardId || !season || !/^\d+$/.test(season)) return null;
  return { gameId, leaderboardId, season: Number(season) };
}
