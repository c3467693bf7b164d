import { describe, expect, it, vi } from 'vitest';
import { TURN_BATCH_MAX, TurnBatches } from './turn-batches.js';

describe(TurnBatches.name, () => {
  const doubling = () => vi.fn(async (_key: string, items: number[]) => items.map((n) => n * 2));

  it('sends the calls collected per key together, and answers each caller its own result', async () => {
    const send = doubling();
    const sut = new TurnBatches<string, number, number>(send);
    const a = [sut.add('a', 'A', 1), sut.add('b', 'B', 10), sut.add('a', 'A', 2)];
    expect(send).not.toHaveBeenCalled();
    sut.flush();
    expect(await Promise.all(a)).toEqual([2, 20, 4]);
    expect(send.mock.calls).toEqual([
      ['A', [1, 2]],
      ['B', [10]],
    ]);
  });

  it('starts a new batch after a flush', async () => {
    const send = doubling();
    const sut = new TurnBatches<string, number, number>(send);
    const first = sut.add('a', 'A', 1);
    sut.flush();
    const second = sut.add('a', 'A', 3);
    sut.flush();
    expect([await first, await second]).toEqual([2, 6]);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('answers null to every caller of a batch the sender cannot serve', async () => {
    const sut = new TurnBatches<string, number, number>(async () => null);
    const calls = [sut.add('a', 'A', 1), sut.add('a', 'A', 2)];
    sut.flush();
    expect(await Promise.all(calls)).toEqual([null, null]);
  });

  it('fails every caller of a failed batch, and only those', async () => {
    const sut = new TurnBatches<string, number, number>(async (key, items) => {
      if (key === 'bad') throw new Error('down');
      return items;
    });
    const bad = [sut.add('bad', 'bad', 1), sut.add('bad', 'bad', 2)];
    const good = sut.add('good', 'good', 3);
    sut.flush();
    for (const call of bad) await expect(call).rejects.toThrow('down');
    expect(await good).toBe(3);
  });

  it('fails the callers when the sender throws before returning a promise', async () => {
    const sut = new TurnBatches<string, number, number>(() => {
      throw new Error('no connection');
    });
    const call = sut.add('a', 'A', 1);
    sut.flush();
    await expect(call).rejects.toThrow('no connection');
  });

  it(`splits a key's calls into sends of at most ${TURN_BATCH_MAX}`, async () => {
    const send = doubling();
    const sut = new TurnBatches<string, number, number>(send);
    const calls = Array.from({ length: TURN_BATCH_MAX + 3 }, (_, i) => sut.add('a', 'A', i));
    sut.flush();
    expect(await Promise.all(calls)).toEqual(calls.map((_, i) => i * 2));
    expect(send.mock.calls.map(([, items]) => items.length)).toEqual([TURN_BATCH_MAX, 3]);
  });
});
