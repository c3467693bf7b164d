import { describe, expect, it } from 'vitest';
import { decodeCursor, decodeDocumentCursor, encodeCursor, encodeDocumentCursor } from './cursor.js';

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

describe(decodeDocumentCursor.name, () => {
  it('round-trips every valid (collection, key)', () => {
    for (const position of [
      { collection: 'a', key: 'b' },
      { collection: 'x'.repeat(64), key: 'Z.1_-'.repeat(12) },
    ]) {
      expect(decodeDocumentCursor(encodeDocumentCursor(position))).toEqual(position);
    }
  });

  it('refuses cursors it did not issue', () => {
    expect(decodeDocumentCursor(encodeCursor('only-a-key'))).toBeNull();
    expect(decodeDocumentCursor(Buffer.from('a/b/c').toString('base64url'))).toBeNull();
    expect(decodeDocumentCursor(encodeDocumentCursor({ collection: 'has space', key: 'k' }))).toBeNull();
    expect(decodeDocumentCursor('')).toBeNull();
  });
});
