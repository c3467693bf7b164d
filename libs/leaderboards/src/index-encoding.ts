import type { SortOrder } from './leaderboard.types.js';

// The Redis index of a leaderboard season is a ZSET whose members all have score 0, so Redis
// orders them byte-wise (ZRANGE BYLEX, ZRANK). Each member is a fixed-width encoding whose byte
// order IS the ranking order, followed by the player id:
//
//   16 hex  score      int64 with the sign bit flipped (so it sorts as unsigned); all bits
//                      inverted on `desc` boards, so higher scores come first
//   16 hex  subscore   the same, in the board's order: the first tie-break
//   16 hex  reached_at microseconds since the epoch, never inverted: earlier ranks first
//   rest    player id  unique per record, so members never collide; the last, total tie-break
//
// A ZSET score is a double (53 bits), too small for two int64s and a timestamp; a lexicographic
// member keeps the exact int64 order and makes ties deterministic.

const SIGN = 1n << 63n;
const MASK = (1n << 64n) - 1n;
const FIELD = 16;
/** Length of the sortable prefix; the player id follows. */
export const MEMBER_PREFIX_LENGTH = 3 * FIELD;
const HEX = /^[0-9a-f]+$/;

export interface IndexEntry {
  score: bigint;
  subscore: bigint;
  /** When the player first reached this score, in microseconds since the epoch. */
  reachedAtMicros: bigint;
  playerId: string;
}

export function encodeMember(entry: IndexEntry, order: SortOrder): string {
  return (
    encodeInt64(entry.score, order === 'desc') +
    encodeInt64(entry.subscore, order === 'desc') +
    encodeInt64(entry.reachedAtMicros, false) +
    entry.playerId
  );
}

export function decodeMember(member: string, order: SortOrder): IndexEntry {
  if (member.length <= MEMBER_PREFIX_LENGTH || !HEX.test(member.slice(0, MEMBER_PREFIX_LENGTH))) {
    throw new Error('not a leaderboard index member');
  }
  return {
    score: decodeInt64(member.slice(0, FIELD), order === 'desc'),
    subscore: decodeInt64(member.slice(FIELD, 2 * FIELD), order === 'desc'),
    reachedAtMicros: decodeInt64(member.slice(2 * FIELD, 3 * FIELD), false),
    playerId: member.slice(MEMBER_PREFIX_LENGTH),
  };
}

function encodeInt64(value: bigint, invert: boolean): string {
  let bits = BigInt.asUintN(64, value) ^ SIGN;
  if (invert) bits ^= MASK;
  return bits.toString(16).padStart(FIELD, '0');
}

function decodeInt64(hex: string, invert: boolean): bigint {
  let bits = BigInt(`0x${hex}`);
  if (invert) bits ^= MASK;
  return BigInt.asIntN(64, bits ^ SIGN);
}

/**
 * Compares two entries in ranking order (negative: `a` ranks first), the reference the encoding
 * must agree with and the order a Postgres rebuild reproduces.
 */
export function compareEntries(a: IndexEntry, b: IndexEntry, order: SortOrder): number {
  const direction = order === 'desc' ? -1 : 1;
  if (a.score !== b.score) return (a.score < b.score ? -1 : 1) * direction;
  if (a.subscore !== b.subscore) return (a.subscore < b.subscore ? -1 : 1) * direction;
  if (a.reachedAtMicros !== b.reachedAtMicros) return a.reachedAtMicros < b.reachedAtMicros ? -1 : 1;
  return a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0;
}
