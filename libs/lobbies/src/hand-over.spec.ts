import { describe, expect, it } from 'vitest';
import { nextLeader } from './hand-over.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe(nextLeader.name, () => {
  it('keeps a leader who is still present', () => {
    expect(
      nextLeader('b', [
        { playerId: 'a', joinedAt: at(1) },
        { playerId: 'b', joinedAt: at(2) },
      ]),
    ).toBe('b');
  });

  it('hands over to the longest-present member when the leader is gone', () => {
    const sut = nextLeader('leader', [
      { playerId: 'late', joinedAt: at(30) },
      { playerId: 'early', joinedAt: at(10) },
      { playerId: 'middle', joinedAt: at(20) },
    ]);
    expect(sut).toBe('early');
  });

  it('breaks a tie of join times by player id', () => {
    expect(
      nextLeader('gone', [
        { playerId: 'zed', joinedAt: at(5) },
        { playerId: 'amy', joinedAt: at(5) },
      ]),
    ).toBe('amy');
  });

  it('returns null when nobody is left', () => {
    expect(nextLeader('gone', [])).toBeNull();
  });

  it('keeps a server-owned lobby leaderless', () => {
    expect(nextLeader(null, [{ playerId: 'a', joinedAt: at(1) }])).toBeNull();
  });
});
