import { describe, expect, it } from 'vitest';
import { containsNul, inspectValue, jsonDepth } from './json-value.js';
import { STORAGE_VALUE_MAX_BYTES, STORAGE_VALUE_MAX_DEPTH } from './limits.js';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe(jsonDepth.name, () => {
  it('counts the value itself as 1 and scalars as 0', () => {
    expect(jsonDepth(7)).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth([])).toBe(1);
    expect(jsonDepth({ a: 1, b: 'x' })).toBe(1);
    expect(jsonDepth({ a: [1, { b: [] }] })).toBe(4);
  });

  it('takes the deepest branch', () => {
    expect(jsonDepth({ shallow: {}, deep: nested(5) })).toBe(6);
  });

  it('stops counting past the limit, so a hostile value costs no recursion', () => {
    let hostile: unknown[] = [];
    for (let i = 0; i < 200_000; i++) hostile = [hostile];
    expect(jsonDepth(hostile, 32)).toBe(33);
  });
});

describe(containsNul.name, () => {
  it('finds U+0000 in nested strings and in keys', () => {
    expect(containsNul({ a: ['ok', { b: 'x\u0000' }] })).toBe(true);
    expect(containsNul({ 'k\u0000': 1 })).toBe(true);
    expect(containsNul({ a: ['ok', { b: 'fine \\u0000 escaped' }] })).toBe(false);
  });
});

describe(inspectValue.name, () => {
  it('accepts an object within the bounds and reports its size', () => {
    expect(inspectValue({ gold: 1 })).toEqual({ ok: true, bytes: 10 });
  });

  it('refuses anything but an object', () => {
    for (const value of [[], 'x', 1, true, null, undefined]) expect(inspectValue(value)).toEqual({ ok: false, problem: 'not_object' });
  });

  it(`allows ${STORAGE_VALUE_MAX_DEPTH} levels and refuses one more`, () => {
    expect(inspectValue(nested(STORAGE_VALUE_MAX_DEPTH)).ok).toBe(true);
    expect(inspectValue(nested(STORAGE_VALUE_MAX_DEPTH + 1))).toEqual({ ok: false, problem: 'too_deep' });
  });

  it(`allows exactly ${STORAGE_VALUE_MAX_BYTES} bytes of JSON, in UTF-8, and refuses one more`, () => {
    expect(inspectValue({ b: 'x'.repeat(STORAGE_VALUE_MAX_BYTES - 8) })).toEqual({ ok: true, bytes: STORAGE_VALUE_MAX_BYTES });
    expect(inspectValue({ b: 'x'.repeat(STORAGE_VALUE_MAX_BYTES - 7) })).toEqual({ ok: false, problem: 'too_large' });
    // 'é' is two bytes in UTF-8: the limit is on bytes, not characters.
    expect(inspectValue({ b: 'é'.repeat(STORAGE_VALUE_MAX_BYTES / 2) })).toEqual({ ok: false, problem: 'too_large' });
  });

  it('refuses the NUL character', () => {
    expect(inspectValue({ name: 'a\u0000b' })).toEqual({ ok: false, problem: 'nul_character' });
  });
});
