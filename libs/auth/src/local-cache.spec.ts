import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalCache } from './local-cache.js';

describe(LocalCache.name, () => {
  afterEach(() => vi.useRealTimers());

  it('forgets entries after the time bound', () => {
    vi.useFakeTimers();
    const sut = new LocalCache<number>(1_000, 10);
    sut.set('a', 1);
    vi.advanceTimersByTime(999);
    expect(sut.get('a')).toBe(1);
    vi.advanceTimersByTime(2);
    expect(sut.get('a')).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const sut = new LocalCache<number>(60_000, 2);
    sut.set('a', 1);
    sut.set('b', 2);
    sut.set('c', 3);
    expect([sut.get('a'), sut.get('b'), sut.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('deletes by predicate', () => {
    const sut = new LocalCache<{ id: string }>(60_000, 10);
    sut.set('x', { id: 'k1' });
    sut.set('y', { id: 'k2' });
    sut.deleteWhere((v) => v.id === 'k1');
    expect(sut.get('x')).toBeUndefined();
    expect(sut.get('y')).toEqual({ id: 'k2' });
  });
});
