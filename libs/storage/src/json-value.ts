import { containsNul, isJsonObject, jsonDepth as depthUpTo } from '@spawnpoint/shared';
import { STORAGE_VALUE_MAX_BYTES, STORAGE_VALUE_MAX_DEPTH } from './limits.js';

export { containsNul, isJsonObject, type JsonObject } from '@spawnpoint/shared';

/** Nesting depth, counted up to the storage limit by default (see the shared walker). */
export function jsonDepth(value: unknown, max = STORAGE_VALUE_MAX_DEPTH): number {
  return depthUpTo(value, max);
}

export type ValueProblem = 'not_object' | 'too_deep' | 'nul_character' | 'too_large';

export type ValueInspection = { ok: true; bytes: number } | { ok: false; problem: ValueProblem };

/** Checks a document value against the storage bounds; the depth is checked first so the rest never meets a hostile shape. */
export function inspectValue(
  value: unknown,
  limits = { maxBytes: STORAGE_VALUE_MAX_BYTES, maxDepth: STORAGE_VALUE_MAX_DEPTH },
): ValueInspection {
  if (!isJsonObject(value)) return { ok: false, problem: 'not_object' };
  if (jsonDepth(value, limits.maxDepth) > limits.maxDepth) return { ok: false, problem: 'too_deep' };
  if (containsNul(value)) return { ok: false, problem: 'nul_character' };
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > limits.maxBytes) return { ok: false, problem: 'too_large' };
  return { ok: true, bytes };
}
