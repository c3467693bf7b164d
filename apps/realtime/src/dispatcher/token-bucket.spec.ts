import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe(TokenBucket.name, () => {
  it('allows a burst, then refills at the rate', () => {
    const sut = new TokenBucket(10, 5, 0);
    const burst = Array.from({ length: 7 }, () => sut.take(0));
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    expect(sut.take(100)).toBe(true); // 100 ms at 10/s = one token
    expect(sut.take(100)).toBe(false);
  });

  it('never holds more than the burst', () => {
    const sut = new TokenBucket(10, 3, 0);
    const later = Array.from({ length: 5 }, () => sut.take(60_000));
    expect(later.filter(Boolean)).toHaveLength(3);
  });
});
