import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

// Integration: the GCRA script runs in the real Redis the test run uses.
describe(RateLimiter.name, () => {
  const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
  const sut = new RateLimiter(redis);
  afterAll(() => redis.quit());

  const bucket = (limit: number, periodMs = 60_000) => ({ key: `spec:${randomBytes(4).toString('hex')}`, limit, periodMs });

  it('allows the burst then refuses with the time until the next request fits', async () => {
    const limit = bucket(3);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await sut.consume([limit]));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    // One request per 20 s is the steady rate here.
    expect(results[3]!.retryAfterMs).toBeGreaterThan(15_000);
    expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(20_000);
  });

  it('takes from every bucket or from none', async () => {
    const roomy = bucket(10);
    const tight = bucket(1);
    expect((await sut.consume([roomy, tight])).allowed).toBe(true);
    expect((await sut.consume([roomy, tight])).allowed).toBe(false);
    // The refused request cost the roomy bucket nothing: 9 more still fit.
    for (let i = 0; i < 9; i++) expect((await sut.consume([roomy])).allowed).toBe(true);
    expect((await sut.consume([roomy])).allowed).toBe(false);
  });

  it('peeks without consuming', async () => {
    const limit = bucket(1);
    expect((await sut.peek([limit])).allowed).toBe(true);
    expect((await sut.peek([limit])).allowed).toBe(true);
    expect((await sut.consume([limit])).allowed).toBe(true);
    expect((await sut.peek([limit])).allowed).toBe(false);
  });

  it('refills at the steady rate', async () => {
    const limit = bucket(2, 200);
    await sut.consume([limit]);
    await sut.consume([limit]);
    expect((await sut.consume([limit])).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await sut.consume([limit])).allowed).toBe(true);
  });

  it('handles limits far above one request per millisecond', async () => {
    const limit = bucket(1_000_000_000);
    expect((await sut.consume([limit])).allowed).toBe(true);
    expect((await sut.consume([limit])).allowed).toBe(true);
  });

  describe('consumeReserved', () => {
    it('is exact for small limits', async () => {
      const limit = bucket(3);
      const results = [];
      for (let i = 0; i < 4; i++) results.push((await sut.consumeReserved([limit])).allowed);
      expect(results).toEqual([true, true, true, false]);
    });

    it('spends a reserved block locally and never lets two processes exceed the limit by more than a block each', async () => {
      const limit = bucket(1_000); // blocks of 10
      const other = new RateLimiter(redis);
      let allowed = 0;
      for (let i = 0; i < 1_100; i++) {
        if ((await (i % 2 === 0 ? sut : other).consumeReserved([limit])).allowed) allowed++;
      }
      expect(allowed).toBeGreaterThanOrEqual(1_000);
      expect(allowed).toBeLessThanOrEqual(1_000 + 2 * 10);
    });

    it('refuses with the time until the next request fits once the budget is spent', async () => {
      const limit = bucket(200, 60_000); // blocks of 2
      for (let i = 0; i < 200; i++) expect((await sut.consumeReserved([limit])).allowed).toBe(true);
      const refused = await sut.consumeReserved([limit]);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
    });
  });

  it('shares one reservation between callers that find the block spent at the same time', async () => {
    const limit = bucket(1_000_000); // blocks of 100
    const scripts = vi.spyOn(redis as unknown as { spGcra: (...args: unknown[]) => Promise<unknown> }, 'spGcra');
    const results = await Promise.all(Array.from({ length: 150 }, () => sut.consumeReserved([limit])));
    expect(results.every((r) => r.allowed)).toBe(true);
    // 150 requests fit in two blocks: one reservation for the first 100 callers, one for the rest.
    expect(scripts).toHaveBeenCalledTimes(2);
    scripts.mockRestore();
  });

  it('spends held blocks synchronously only when every bucket has one', async () => {
    const ip = bucket(1_000_000); // blocks of 100
    const key = bucket(1_000_000);
    expect(sut.consumeHeld([ip])).toBe(false);
    await sut.consumeReserved([ip]);
    // The key bucket holds no block yet: nothing is spent from the ip bucket either.
    expect(sut.consumeHeld([ip, key])).toBe(false);
    await sut.consumeReserved([key]);
    const scripts = vi.spyOn(redis as unknown as { spGcra: (...args: unknown[]) => Promise<unknown> }, 'spGcra');
    expect(sut.consumeHeld([key])).toBe(true);
    for (let i = 0; i < 98; i++) expect(sut.consumeHeld([ip, key])).toBe(true);
    // The key block is spent (1 + 1 + 98), and a refusal took nothing from the ip block: 1 left.
    expect(sut.consumeHeld([ip, key])).toBe(false);
    expect(sut.consumeHeld([ip])).toBe(true);
    expect(sut.consumeHeld([ip])).toBe(false);
    expect(scripts).not.toHaveBeenCalled();
    scripts.mockRestore();
  });

  it('keeps exactly the limit under concurrent callers', async () => {
    const limit = bucket(25);
    const results = await Promise.all(Array.from({ length: 60 }, () => sut.consume([limit])));
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
  });
});
