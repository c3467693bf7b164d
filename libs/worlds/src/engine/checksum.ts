// Drift detection: the server hashes an observer's last-sent baseline, the client hashes its
// mirror, and both must get the same number. FNV-1a 32-bit over little-endian 32-bit words.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mix(hash: number, word: number): number {
  hash = Math.imul(hash ^ (word & 0xff), FNV_PRIME);
  hash = Math.imul(hash ^ ((word >>> 8) & 0xff), FNV_PRIME);
  hash = Math.imul(hash ^ ((word >>> 16) & 0xff), FNV_PRIME);
  return Math.imul(hash ^ ((word >>> 24) & 0xff), FNV_PRIME);
}

/**
 * Hash of a view: `count`, then for each entity in ascending id order: id, quantised x, quantised y,
 * hp, kind, flags (each as a 32-bit two's-complement word). Returns an unsigned 32-bit integer.
 */
export function viewChecksum(
  count: number,
  ids: ArrayLike<number>,
  qx: ArrayLike<number>,
  qy: ArrayLike<number>,
  hp: ArrayLike<number>,
  kind: ArrayLike<number>,
  flags: ArrayLike<number>,
): number {
  let hash = mix(FNV_OFFSET, count);
  for (let i = 0; i < count; i++) {
    hash = mix(hash, ids[i]!);
    hash = mix(hash, qx[i]!);
    hash = mix(hash, qy[i]!);
    hash = mix(hash, hp[i]!);
    hash = mix(hash, kind[i]!);
    hash = mix(hash, flags[i]!);
  }
  return hash >>> 0;
}

/**
 * `viewChecksum` over interleaved records `[id, slot, qx, qy, hp, kind | flags << 8, …]` of
 * `stride` words (the server's observer layout): the same words in the same order.
 */
export function recordsChecksum(count: number, records: Int32Array, stride: number): number {
  let hash = mix(FNV_OFFSET, count);
  for (let i = 0, o = 0; i < count; i++, o += stride) {
    const kindFlags = records[o + 5]!;
    hash = mix(hash, records[o]!);
    hash = mix(hash, records[o + 2]!);
    hash = mix(hash, records[o + 3]!);
    hash = mix(hash, records[o + 4]!);
    hash = mix(hash, kindFlags & 0xff);
    hash = mix(hash, kindFlags >>> 8);
  }
  return hash >>> 0;
}
