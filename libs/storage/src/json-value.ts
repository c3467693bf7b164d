import { STORAGE_VALUE_MAX_BYTES, STORAGE_VALUE_MAX_DEPTH } from './limits.js';

export type JsonObject = { [key: string]: unknown };

export type ValueProblem = 'not_object' | 'too_deep' | 'nul_character' | 'too_large';

export type ValueInspection = { ok: true; bytes: number } | { ok: false; problem: ValueProblem };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Nesting depth of objects and arrays, the value itself being 1 (scalars are 0). Stops counting
 * at `max + 1`, and walks with an explicit stack, so a hostile 1 MiB body of `[[[[…` costs no
 * recursion and little time.
 */
export function jsonDepth(value: unknown, max = STORAGE_VALUE_MAX_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > max) return deepest;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Postgres `jsonb` refuses U+0000 anywhere in a string or key, so such values are refused up front with a 400. */
export function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return true;
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

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
