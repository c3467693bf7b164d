// Bounds on the free-form JSON objects attached to records and leaderboards.
import { containsNul, jsonDepth } from '@spawnpoint/shared';

export { jsonDepth } from '@spawnpoint/shared';

/** Nesting depth allowed in metadata (the object itself is 1). */
export const METADATA_MAX_DEPTH = 16;

/** Why a metadata value cannot be stored, or null when it can. */
export function metadataProblem(value: unknown, maxBytes: number): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  if (jsonDepth(value, METADATA_MAX_DEPTH) > METADATA_MAX_DEPTH) return `must not nest deeper than ${METADATA_MAX_DEPTH} levels`;
  // Postgres jsonb refuses U+0000 anywhere; one such value must not fail a whole group commit.
  if (containsNul(value)) return 'must not contain the character U+0000';
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > maxBytes) return `must be at most ${maxBytes} bytes as JSON`;
  return null;
}
