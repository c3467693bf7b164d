import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MatcherLock } from './matcher-lock.js';

// Integration: against the run's real Redis (its key prefix keeps parallel runs apart).
describe(MatcherLock.name, () => {
  const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
  afterAll(() => redis.quit());
  const key = () => `mm:lock:test:${randomBytes(4).toString('hex')}`;

  it('lets exactly one of many concurrent contenders hold a key', async () => {
    const name = key();
    const holders = (await Promise.all(Array.from({ length: 20 }, () => MatcherLock.acquire(redis, name, 5000)))).filter(Boolean);
    expect(holders).toHaveLength(1);
    await holders[0]!.release();
    expect(await MatcherLock.acquire(redis, name, 5000)).not.toBeNull();
  });

  it("never lets a holder whose lease expired release or extend the next holder's lease", async () => {
    const name = key();
    const stale = (await MatcherLock.acquire(redis, name, 50))!;
    await new Promise((resolve) => setTimeout(resolve, 80));
    const sut = await MatcherLock.acquire(redis, name, 5000);
    expect(sut).not.toBeNull();
    expect(await stale.extend()).toBe(false);
    await stale.release();
    expect(await MatcherLock.acquire(redis, name, 5000)).toBeNull();
    expect(await sut!.extend()).toBe(true);
  });
});
