// Bounds on untrusted JSON, shared by the HTTP layer and the domains that store free-form JSON.

export type JsonObject = { [key: string]: unknown };

/** Deepest nesting any request body may have; domains set stricter limits on what they store. */
export const MAX_BODY_DEPTH = 64;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Nesting depth of objects and arrays, the value itself being 1 (scalars are 0). Stops counting
 * past `max` and walks with an explicit stack, so a hostile 1 MiB body of `[[[[…` costs no
 * recursion (class-transformer, which copies bodies recursively, would overflow the stack).
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

/** Postgres `jsonb` refuses U+0000 anywhere in a string or key, so such values are refused up front. */
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
