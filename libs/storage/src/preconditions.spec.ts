import { AppError } from '@spawnpoint/shared';
import { describe, expect, it } from 'vitest';
import { batchItemPrecondition, formatEtag, parseEtag, parseWritePrecondition } from './preconditions.js';

describe(parseEtag.name, () => {
  it('reads "3", bare 3 and weak W/"3" as version 3', () => {
    expect(parseEtag('"3"')).toBe(3);
    expect(parseEtag('3')).toBe(3);
    expect(parseEtag('W/"3"')).toBe(3);
    expect(parseEtag('  "12" ')).toBe(12);
  });

  it('round-trips formatEtag', () => {
    expect(formatEtag(42)).toBe('"42"');
    expect(parseEtag(formatEtag(42))).toBe(42);
  });

  it('names no version for anything else', () => {
    for (const raw of ['', '"abc"', '"3', '3"', 'W/3x', '"0"', '-1', '"1.5"', '"3", "4"', '"2147483648"', '*'])
      expect(parseEtag(raw)).toBeNull();
  });
});

describe(parseWritePrecondition.name, () => {
  it('maps the headers to a precondition', () => {
    expect(parseWritePrecondition({})).toEqual({ kind: 'none' });
    expect(parseWritePrecondition({ ifMatch: '"3"' })).toEqual({ kind: 'version', version: 3 });
    expect(parseWritePrecondition({ ifMatch: '*' })).toEqual({ kind: 'exists' });
    expect(parseWritePrecondition({ ifNoneMatch: '*' })).toEqual({ kind: 'absent' });
  });

  it('refuses a malformed If-Match, an If-None-Match other than * and both at once', () => {
    for (const headers of [{ ifMatch: '"x"' }, { ifMatch: '"1", "2"' }, { ifNoneMatch: '"1"' }, { ifMatch: '"1"', ifNoneMatch: '*' }]) {
      expect(() => parseWritePrecondition(headers)).toThrowError(expect.objectContaining({ code: 'validation_failed' }) as AppError);
    }
  });
});

describe(batchItemPrecondition.name, () => {
  it('maps if_match and if_none_match, and refuses both', () => {
    expect(batchItemPrecondition({}, 'writes[0]')).toEqual({ kind: 'none' });
    expect(batchItemPrecondition({ ifMatch: 2 }, 'writes[0]')).toEqual({ kind: 'version', version: 2 });
    expect(batchItemPrecondition({ ifNoneMatch: true }, 'writes[0]')).toEqual({ kind: 'absent' });
    expect(batchItemPrecondition({ ifNoneMatch: false }, 'writes[0]')).toEqual({ kind: 'none' });
    expect(() => batchItemPrecondition({ ifMatch: 2, ifNoneMatch: true }, 'writes[4]')).toThrowError(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'writes[4]' })] }) as AppError,
    );
  });
});
