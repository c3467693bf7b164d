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

/** A position in a listing across collections: the last (collection, key) seen. */
export interface DocumentPosition {
  collection: string;
  key: string;
}

// Names never contain `/`, so `collection/key` is unambiguous.
export function encodeDocumentCursor(last: DocumentPosition): string {
  return Buffer.from(`${last.collection}/${last.key}`, 'utf8').toString('base64url');
}

/** The document a cursor continues after, or null when it is not one we issued. */
export function decodeDocumentCursor(cursor: string): DocumentPosition | null {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(cursor)) return null;
  const [collection, key, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('/');
  if (collection === undefined || key === undefined || rest.length > 0) return null;
  if (!STORAGE_NAME_PATTERN.test(collection) || !STORAGE_NAME_PATTERN.test(key)) return null;
  return encodeDocumentCursor({ collection, key }) === cursor ? { collection, key } : null;
}
