import { randomBytes, randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { compareEntries, decodeMember, encodeMember, type IndexEntry } from './index-encoding.js';
import type { SortOrder } from './leaderboard.types.js';

const EDGES = [-(2n ** 63n), -(2n ** 63n) + 1n, -(2n ** 53n), -1n, 0n, 1n, 2n ** 53n, 2n ** 63n - 2n, 2n ** 63n - 1n];
const ID_CHARS = 'ABCabc019_.:@-';

function randomInt64(): bigint {
  // Mostly a small range so that equal scores (and so the tie-breaks) are common.
  switch (randomInt(4)) {
    case 0:
      return EDGES[randomInt(EDGES.length)]!;
    case 1:
      return BigInt(randomInt(-3, 4));
    default:
      return BigInt.asIntN(64, BigInt(`0x${randomBytes(8).toString('hex')}`));
  }
}

function randomEntry(): IndexEntry {
  const idLength = randomInt(1, 12);
  let playerId = '';
  for (let i = 0; i < idLength; i++) playerId += ID_CHARS[randomInt(ID_CHARS.length)];
  return {
    score: randomInt64(),
    subscore: randomInt(3) === 0 ? randomInt64() : BigInt(randomInt(0, 3)),
    reachedAtMicros: BigInt(1_700_000_000_000_000 + randomInt(0, 5)),
    playerId,
  };
}

/** Entries with distinct player ids, as in one leaderboard season. */
function randomBoard(size: number): IndexEntry[] {
  const byPlayer = new Map<string, IndexEntry>();
  while (byPlayer.size < size) {
    const entry = randomEntry();
    byPlayer.set(entry.playerId, entry);
  }
  return [...byPlayer.values()];
}

/** Redis orders equal-score ZSET members by memcmp, which is what Buffer.compare does. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe(encodeMember.name, () => {
  for (const order of ['desc', 'asc'] as SortOrder[]) {
    it(`sorts byte-wise exactly as the reference ranking (${order}, random boards)`, () => {
      for (let round = 0; round < 200; round++) {
        const board = randomBoard(randomInt(2, 60));
        const expected = [...board].sort((a, b) => compareEntries(a, b, order)).map((e) => e.playerId);
        const actual = board
          .map((e) => encodeMember(e, order))
          .sort(byteOrder)
          .map((m) => decodeMember(m, order).playerId);
        expect(actual).toEqual(expected);
      }
    });

    it(`round-trips every field, including the int64 extremes (${order})`, () => {
      for (const score of EDGES) {
        for (const subscore of EDGES) {
          const entry = { score, subscore, reachedAtMicros: 1_732_000_000_123_456n, playerId: 'player_123' };
          expect(decodeMember(encodeMember(entry, order), order)).toEqual(entry);
        }
      }
    });
  }

  it('ranks a higher score first on desc boards and a lower one first on asc boards', () => {
    const low = { score: 10n, subscore: 0n, reachedAtMicros: 1n, playerId: 'a' };
    const high = { score: 11n, subscore: 0n, reachedAtMicros: 2n, playerId: 'b' };
    expect(byteOrder(encodeMember(high, 'desc'), encodeMember(low, 'desc'))).toBeLessThan(0);
    expect(byteOrder(encodeMember(low, 'asc'), encodeMember(high, 'asc'))).toBeLessThan(0);
  });

  it('breaks ties by subscore (in the board order), then by the earlier time, on both orders', () => {
    for (const order of ['desc', 'asc'] as SortOrder[]) {
      const better = order === 'desc' ? 5n : 1n;
      const worse = order === 'desc' ? 1n : 5n;
      const bySubscore = [
        { score: 7n, subscore: worse, reachedAtMicros: 1n, playerId: 'early' },
        { score: 7n, subscore: better, reachedAtMicros: 9n, playerId: 'late' },
      ].map((e) => encodeMember(e, order));
      expect(bySubscore.sort(byteOrder).map((m) => decodeMember(m, order).playerId)).toEqual(['late', 'early']);
      const byTime = [
        { score: 7n, subscore: 0n, reachedAtMicros: 9n, playerId: 'a' },
        { score: 7n, subscore: 0n, reachedAtMicros: 1n, playerId: 'z' },
      ].map((e) => encodeMember(e, order));
      expect(byTime.sort(byteOrder).map((m) => decodeMember(m, order).playerId)).toEqual(['z', 'a']);
    }
  });

  it('refuses to decode something that is not a member', () => {
    expect(() => decodeMember('player_123', 'desc')).toThrowError('not a leaderboard index member');
    expect(() => decodeMember(`${'g'.repeat(48)}p`, 'desc')).toThrowError('not a leaderboard index member');
  });

  // Integration: the order holds in a real Redis ZSET, not only in Buffer.compare.
  describe('in a Redis ZSET', () => {
    const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
    afterAll(() => redis.quit());

    it('ZRANGE returns the reference ranking and ZRANK the reference position', async () => {
      const key = `spec:encoding:${randomBytes(4).toString('hex')}`;
      const board = randomBoard(300);
      for (const order of ['desc', 'asc'] as SortOrder[]) {
        await redis.del(key);
        await redis.zadd(key, ...board.flatMap((e) => ['0', encodeMember(e, order)]));
        const expected = [...board].sort((a, b) => compareEntries(a, b, order));
        const members = await redis.zrange(key, '0', '-1');
        expect(members.map((m) => decodeMember(m, order).playerId)).toEqual(expected.map((e) => e.playerId));
        const probe = expected[randomInt(expected.length)]!;
        expect(await redis.zrank(key, encodeMember(probe, order))).toBe(expected.indexOf(probe));
      }
      await redis.del(key);
    });
  });
});
