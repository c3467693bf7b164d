// Bounds on the free-form JSON objects attached to records and leaderboards.

/** Nesting depth allowed in metadata (the object itself is 1). */
export const METADATA_MAX_DEPTH = 16;

/**
 * Nesting depth of objects and arrays, walked with an explicit stack and stopping past `max`, so
 * a hostile 1 MiB body of `[[[[…` costs no recursion (class-transformer would overflow the stack).
 */
export function jsonDepth(value: unknown, max: number): number {
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

/** Why a metadata value cannot be stored, or null when it can. */
export function metadataProblem(value: unknown, maxBytes: number): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  if (jsonDepth(value, METADATA_MAX_DEPTH) > METADATA_MAX_DEPTH) return `must not nest deeper than ${METADATA_MAX_DEPTH} levels`;
  // Postgres jsonb refuses U+0000 anywhere; one such value must not fail a whole group commit.
  if (containsNul(value)) return 'must not contain the character U+0000';
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > maxBytes) return `must be at most ${maxBytes} bytes as JSON`;
  return null;
}

function containsNul(value: unknown): boolean {
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
