import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// Compare-and-delete / compare-and-extend: only the holder of the token may release or extend.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A Redis lease with a random token and a TTL: at most one holder per key at any time, and a holder
 * that dies frees it after the TTL. Used so each (game, mode) has ONE active matcher however many
 * worker processes run.
 */
export class MatcherLock {
  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {}

  static async acquire(redis: Redis, key: string, ttlMs: number): Promise<MatcherLock | null> {
    const token = randomBytes(16).toString('hex');
    const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? new MatcherLock(redis, key, token, ttlMs) : null;
  }

  /** False when the lease was lost (expired and maybe taken by another worker): stop writing. */
  async extend(): Promise<boolean> {
    return (await this.redis.eval(EXTEND, 1, this.key, this.token, String(this.ttlMs))) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
