import { STORAGE_NAME_PATTERN } from './limits.js';

// Listing cursors are opaque to callers (they may change shape), but carry only the last key seen.

export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

/** The key a cursor continues after, or null when it is not one we issued. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(cursor)) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return STORAGE_NAME_PATTERN.test(key) && encodeCursor(key) === cursor ? key : null;
}
