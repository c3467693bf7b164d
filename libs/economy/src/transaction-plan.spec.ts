import { describe, expect, it } from 'vitest';
import { ECONOMY_LIMITS, isValidDelta, planTransaction, validateTransaction, type ChangeRequest } from './transaction-plan.js';

describe(planTransaction.name, () => {
  it('nets changes to the same balance into one, remembering which requested changes it came from', () => {
    const sut = planTransaction('alice', [
      { type: 'currency', code: 'gold', delta: 10 },
      { type: 'item', code: 'sword', delta: 1 },
      { type: 'currency', code: 'gold', delta: -4, playerId: 'alice' },
    ]);
    expect(sut.changes).toEqual([
      { playerId: 'alice', type: 'currency', code: 'gold', delta: 6, sources: [0, 2] },
      { playerId: 'alice', type: 'item', code: 'sword', delta: 1, sources: [1] },
    ]);
  });

  it('sorts by player, then type, then code, so every transaction locks rows in one order', () => {
    const sut = planTransaction('bob', [
      { type: 'item', code: 'b', delta: 1 },
      { type: 'currency', code: 'z', delta: 1, playerId: 'alice' },
      { type: 'currency', code: 'a', delta: 1 },
      { type: 'item', code: 'a', delta: -1, playerId: 'alice' },
      { type: 'currency', code: 'B', delta: 1 },
    ]);
    expect(sut.changes.map((c) => `${c.playerId}/${c.type}/${c.code}`)).toEqual([
      'alice/currency/z',
      'alice/item/a',
      'bob/currency/B',
      'bob/currency/a',
      'bob/item/b',
    ]);
    expect(sut.players).toEqual(['alice', 'bob']);
  });

  it('keeps a net of zero in the plan (it is part of the request)', () => {
    const sut = planTransaction('alice', [
      { type: 'currency', code: 'gold', delta: 5 },
      { type: 'currency', code: 'gold', delta: -5 },
    ]);
    expect(sut.changes).toEqual([{ playerId: 'alice', type: 'currency', code: 'gold', delta: 0, sources: [0, 1] }]);
  });

  describe('requestHash', () => {
    const base: ChangeRequest[] = [
      { type: 'currency', code: 'gold', delta: -100 },
      { type: 'item', code: 'sword', delta: 1, playerId: 'bob' },
    ];

    it('is the same for the same net effect in another order or split, with the default player spelled out', () => {
      const reordered = [
        { type: 'item', code: 'sword', delta: 1, playerId: 'bob' },
        { type: 'currency', code: 'gold', delta: -60, playerId: 'alice' },
        { type: 'currency', code: 'gold', delta: -40 },
      ] satisfies ChangeRequest[];
      expect(planTransaction('alice', reordered).requestHash).toBe(planTransaction('alice', base).requestHash);
    });

    it('differs for another delta, code, player or path player', () => {
      const hash = planTransaction('alice', base).requestHash;
      expect(planTransaction('alice', [{ ...base[0]!, delta: -101 }, base[1]!]).requestHash).not.toBe(hash);
      expect(planTransaction('alice', [{ ...base[0]!, code: 'gems' }, base[1]!]).requestHash).not.toBe(hash);
      expect(planTransaction('alice', [base[0]!, { ...base[1]!, playerId: 'carol' }]).requestHash).not.toBe(hash);
      expect(planTransaction('carol', [{ ...base[0]!, playerId: 'alice' }, base[1]!]).requestHash).not.toBe(hash);
    });

    it('differs between two requests that both net to nothing on different balances', () => {
      const gold = planTransaction('alice', [
        { type: 'currency', code: 'gold', delta: 1 },
        { type: 'currency', code: 'gold', delta: -1 },
      ]);
      const gems = planTransaction('alice', [
        { type: 'currency', code: 'gems', delta: 1 },
        { type: 'currency', code: 'gems', delta: -1 },
      ]);
      expect(gold.requestHash).not.toBe(gems.requestHash);
    });
  });
});

describe(validateTransaction.name, () => {
  const change = (over: Partial<ChangeRequest> = {}): ChangeRequest => ({ type: 'currency', code: 'gold', delta: 1, ...over });

  it('accepts a valid request', () => {
    expect(
      validateTransaction('alice', { idempotencyKey: 'purchase-8841:a.b_c', changes: [change(), change({ type: 'item', code: 'sword' })] }),
    ).toEqual([]);
  });

  it('reports each bad field with its path in the request body', () => {
    const sut = validateTransaction('alice', {
      idempotencyKey: 'has space',
      changes: [change(), change({ delta: 0 }), change({ type: 'item', code: 'no/slash' }), change({ delta: 1.5 }), change({ code: '' })],
    });
    expect(sut.map((d) => d.field)).toEqual([
      'idempotency_key',
      'changes.1.delta',
      'changes.2.item_id',
      'changes.3.delta',
      'changes.4.currency',
    ]);
  });

  it('bounds the number of changes', () => {
    expect(validateTransaction('alice', { idempotencyKey: 'k', changes: [] })[0]?.field).toBe('changes');
    const tooMany = Array.from({ length: ECONOMY_LIMITS.changesMax + 1 }, () => change());
    expect(validateTransaction('alice', { idempotencyKey: 'k', changes: tooMany })[0]?.field).toBe('changes');
  });

  it('allows ten distinct players and refuses eleven, counting the default player', () => {
    const players = (n: number) => Array.from({ length: n }, (_, i) => change({ playerId: `p${i}` }));
    expect(validateTransaction('alice', { idempotencyKey: 'k', changes: players(10) })).toEqual([]);
    expect(validateTransaction('alice', { idempotencyKey: 'k', changes: [...players(10), change()] })).toEqual([
      { field: 'changes', message: 'a transaction may change at most 10 players (this one names 11)' },
    ]);
  });
});

describe(isValidDelta.name, () => {
  it('accepts non-zero safe integers within the bound, and nothing else', () => {
    for (const ok of [1, -1, ECONOMY_LIMITS.deltaMax, -ECONOMY_LIMITS.deltaMax]) expect(isValidDelta(ok)).toBe(true);
    for (const bad of [0, -0, 0.5, ECONOMY_LIMITS.deltaMax + 1, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Infinity, '5', null]) {
      expect(isValidDelta(bad)).toBe(false);
    }
  });
});
