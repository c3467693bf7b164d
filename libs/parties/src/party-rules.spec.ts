import { describe, expect, it } from 'vitest';
import { nextLeader } from './party-rules.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe(nextLeader.name, () => {
  const sut = nextLeader;

  it('hands leadership to the longest-present remaining member', () => {
    const members = [
      { playerId: 'leader', joinedAt: at(0) },
      { playerId: 'late', joinedAt: at(30) },
      { playerId: 'early', joinedAt: at(10) },
    ];
    expect(sut(members, 'leader')).toBe('early');
  });

  it('ignores the leaving player even when it is the longest present', () => {
    expect(
      sut(
        [
          { playerId: 'a', joinedAt: at(0) },
          { playerId: 'b', joinedAt: at(5) },
        ],
        'a',
      ),
    ).toBe('b');
  });

  it('breaks a tie on joined_at by the smaller player id, whatever the order given', () => {
    const members = [
      { playerId: 'leader', joinedAt: at(0) },
      { playerId: 'zed', joinedAt: at(7) },
      { playerId: 'amy', joinedAt: at(7) },
    ];
    expect(sut(members, 'leader')).toBe('amy');
    expect(sut([...members].reverse(), 'leader')).toBe('amy');
  });

  it('returns null when the leaving player was the last member', () => {
    expect(sut([{ playerId: 'solo', joinedAt: at(0) }], 'solo')).toBeNull();
    expect(sut([], 'solo')).toBeNull();
  });
});
