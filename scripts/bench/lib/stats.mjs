// Small numeric helpers the benches share: quantiles, latency histograms, rounding, a seeded PRNG.

/** The q-quantile (0…1) of an ascending array or typed array: its element at ⌊q·n⌋; 0 when empty. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Adds `value` to a histogram (a typed array of counts) of buckets `width` wide; the last bucket takes the rest. */
export function countInto(histogram, value, width) {
  histogram[Math.min(histogram.length - 1, Math.max(0, Math.floor(value / width)))]++;
}

/** The non-empty buckets of a histogram as [bucket, count] pairs: what crosses IPC instead of every bucket. */
export function sparseHistogram(histogram) {
  const pairs = [];
  for (let i = 0; i < histogram.length; i++) if (histogram[i] > 0) pairs.push([i, histogram[i]]);
  return pairs;
}

/** Sums sparse histograms ([bucket, count] pairs) into one, by ascending bucket. */
export function mergeHistograms(histograms) {
  const merged = new Map();
  for (const pairs of histograms) for (const [bucket, n] of pairs) merged.set(bucket, (merged.get(bucket) ?? 0) + n);
  return [...merged].sort((a, b) => a[0] - b[0]);
}

/** The q-quantile of an ascending sparse histogram of buckets `width` wide: the upper edge of its bucket; null when empty. */
export function histogramQuantile(pairs, width, q) {
  const total = pairs.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [bucket, n] of pairs) {
    seen += n;
    if (seen >= q * total) return (bucket + 1) * width;
  }
  return null;
}

/** `value` rounded to `digits` decimals, as a number. */
export function round(value, digits) {
  return Number(value.toFixed(digits));
}

/** A seeded PRNG (mulberry32) returning numbers in [0, 1): the same seed gives the same sequence, so runs compare. */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
