export interface Point {
  x: number;
  y: number;
}

export interface InterpolatorOptions {
  /** How far in the past entities are drawn: one to two snapshot intervals hides network jitter. */
  delayMs: number;
  /** The expected time between snapshots (default: half the delay). */
  intervalMs?: number;
  /** Snapshots kept at most (older ones are never needed once the render time passed them). */
  maxSnapshots?: number;
}

interface Snapshot {
  time: number;
  positions: Map<number, Point>;
}

/**
 * Snapshot interpolation for entities the player does not control: positions arrive a few times a
 * second, and drawing them `delayMs` in the past means there is almost always a snapshot on each
 * side of the render time to blend between, so others move smoothly instead of jumping.
 */
export class SnapshotInterpolator {
  private readonly snapshots: Snapshot[] = [];
  private readonly intervalMs: number;
  private readonly maxSnapshots: number;

  constructor(readonly options: InterpolatorOptions) {
    this.intervalMs = options.intervalMs ?? options.delayMs / 2;
    this.maxSnapshots = options.maxSnapshots ?? 32;
  }

  /** Records the positions the server reported at `time` (ms, the clock `sample` is given). */
  push(time: number, entities: Iterable<{ id: number; x: number; y: number }>): void {
    const last = this.snapshots.at(-1);
    // Nothing arrives while nothing in view moves. Blending straight from that old snapshot would
    // jump most of the first step at once; repeat it one interval back so motion starts smoothly.
    if (last && time - last.time > 2 * this.intervalMs) this.snapshots.push({ time: time - this.intervalMs, positions: last.positions });
    const positions = new Map<number, Point>();
    for (const e of entities) positions.set(e.id, { x: e.x, y: e.y });
    this.snapshots.push({ time, positions });
    if (this.snapshots.length > this.maxSnapshots) this.snapshots.splice(0, this.snapshots.length - this.maxSnapshots);
  }

  /** Where each entity is drawn at `now`: blended between the two snapshots around `now - delayMs`, the newest one held after it. */
  sample(now: number): Map<number, Point> {
    const t = now - this.options.delayMs;
    let before = -1;
    while (before + 1 < this.snapshots.length && this.snapshots[before + 1]!.time <= t) before++;
    // Snapshots before `before` are behind the render time for good.
    if (before > 0) {
      this.snapshots.splice(0, before);
      before = 0;
    }
    const a = this.snapshots[before];
    const b = this.snapshots[before + 1];
    if (!b) return new Map(a?.positions ?? []);
    if (!a) return new Map(b.positions);
    const f = (t - a.time) / (b.time - a.time);
    const out = new Map<number, Point>();
    for (const [id, to] of b.positions) {
      const from = a.positions.get(id);
      // An entity that just came into view is drawn where it was first seen; one that left is not drawn.
      out.set(id, from ? { x: from.x + (to.x - from.x) * f, y: from.y + (to.y - from.y) * f } : to);
    }
    return out;
  }

  clear(): void {
    this.snapshots.length = 0;
  }
}
