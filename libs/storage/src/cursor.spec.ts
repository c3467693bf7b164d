import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

describe(decodeCursor.name, () => {
  it('round-trips every valid key', () => {
    for (const key of ['a', 'k-1.2_x', 'Z'.repeat(64)]) expect(decodeCursor(encodeCursor(key))).toBe(key);
  });

  it('refuses cursors it did not issue', () => {
    expect(decodeCursor('not*a*cursor')).toBeNull();
    expect(decodeCursor(encodeCursor('has space'))).toBeNull();
    expect(decodeCursor(encodeCursor('x'.repeat(65)))).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });
});
