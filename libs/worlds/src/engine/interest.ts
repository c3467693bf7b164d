// Area of interest and delta extraction. An Observer remembers, per entity it sees, the values it
// last SENT (quantised); a snapshot diffs the grid query against that baseline. The transport is
// reliable and ordered, so "last sent" is "last acknowledged" and no per-client acks are needed.
import { recordsChecksum } from './checksum.js';
import { INDEX_BITS, MAX_ENTITIES, type EntityStore } from './ecs.js';
import type { SpatialHash } from './spatial-hash.js';

const INDEX_MASK = MAX_ENTITIES - 1;

/** Change-mask bits, one per synchronised field (also the binary encoding's mask byte). */
export const Field = {
  X: 1,
  Y: 2,
  Hp: 4,
  Kind: 8,
  Flags: 16,
} as const;

export type Encoding = 'json' | 'binary';

/** Word offsets inside an observer record (see `Observer.view`). */
export const ObserverWord = {
  Id: 0,
  Slot: 1,
  Qx: 2,
  Qy: 3,
  Hp: 4,
  /** kind | flags << 8 */
  KindFlags: 5,
} as const;
export const OBSERVER_STRIDE = 6;
const O_ID = ObserverWord.Id;
const O_SLOT = ObserverWord.Slot;
const O_QX = ObserverWord.Qx;
const O_QY = ObserverWord.Qy;
const O_HP = ObserverWord.Hp;
const O_KF = ObserverWord.KindFlags;

/**
 * One player's view: the visible entities in ascending id order, each with the values last sent
 * to that player. Records are interleaved in one array (a snapshot touches a thousand of these
 * views per tick, mostly cold: one array is a few cache misses, fourteen columns were dozens).
 */
export class Observer {
  count = 0;
  /** `count` records of OBSERVER_STRIDE words: id, entity slot, quantised x and y, hp, kind | flags << 8. */
  view: Int32Array;
  /** The next snapshot is a full `world_state` that resets the baseline. */
  needsFull = true;
  snapshots = 0;
  /** Last input seq reported to the client, -1 before any. */
  sentSeq = -1;
  /** Back buffer: a snapshot writes the new list here, then the two swap. */
  private back: Int32Array;

  constructor(
    readonly encoding: Encoding = 'binary',
    capacity = 64,
  ) {
    this.view = new Int32Array(capacity * OBSERVER_STRIDE);
    this.back = new Int32Array(capacity * OBSERVER_STRIDE);
  }

  /** Grows the back buffer so a list of `n` entries fits (the front keeps its contents). */
  reserveBack(n: number): void {
    if (n * OBSERVER_STRIDE <= this.back.length) return;
    this.back = new Int32Array(Math.max(n * OBSERVER_STRIDE, this.back.length * 2));
  }

  /** Writes entry `at` of the back list (the caller reserved room). */
  pushBack(at: number, id: number, slot: number, qx: number, qy: number, hp: number, kindFlags: number): void {
    const back = this.back;
    const o = at * OBSERVER_STRIDE;
    back[o + O_ID] = id;
    back[o + O_SLOT] = slot;
    back[o + O_QX] = qx;
    back[o + O_QY] = qy;
    back[o + O_HP] = hp;
    back[o + O_KF] = kindFlags;
  }

  swap(count: number): void {
    const view = this.view;
    this.view = this.back;
    this.back = view;
    this.count = count;
  }

  /** Forget the baseline: the next snapshot is a `world_state` (join, resync request). */
  reset(): void {
    this.needsFull = true;
  }

  /** `viewChecksum` of what this player was sent (what its mirror must hold). */
  checksum(): number {
    return recordsChecksum(this.count, this.view, OBSERVER_STRIDE);
  }
}

/**
 * What one observer's snapshot changed, as positions into its (new, front) list. Shared scratch:
 * valid until the next `InterestManager.update`, so encode right after extracting.
 */
export class SnapshotDelta {
  full = false;
  enteredCount = 0;
  entered = new Int32Array(64);
  updatedCount = 0;
  updated = new Int32Array(64);
  mask = new Uint8Array(64);
  /** Quantised position change since the value last sent (binary sends these). */
  dqx = new Int32Array(64);
  dqy = new Int32Array(64);
  dhp = new Int32Array(64);
  leftCount = 0;
  left = new Int32Array(64);

  reserve(n: number): void {
    if (n <= this.entered.length) return;
    const capacity = Math.max(n, this.entered.length * 2);
    this.entered = new Int32Array(capacity);
    this.updated = new Int32Array(capacity);
    this.mask = new Uint8Array(capacity);
    this.dqx = new Int32Array(capacity);
    this.dqy = new Int32Array(capacity);
    this.dhp = new Int32Array(capacity);
    this.left = new Int32Array(capacity);
  }

  get empty(): boolean {
    return !this.full && this.enteredCount === 0 && this.updatedCount === 0 && this.leftCount === 0;
  }
}

export interface InterestOptions {
  /** Area-of-interest radius in world units: entities enter the view inside it. */
  radius: number;
  /** Entities leave only beyond radius × (1 + hysteresis), so ones on the edge do not flicker. */
  hysteresis?: number;
  /** Quantisation: positions are sent in steps of 1/scale world units. */
  scale?: number;
  /** A position is re-sent once it moved at least this many steps from the value last sent. */
  positionThreshold?: number;
}

export const DEFAULT_POSITION_SCALE = 16;

/**
 * Round to the nearest step. Positions are clamped to [0, worldSize] and worldSize × scale < 2^31,
 * so truncating v + 0.5 equals Math.round here, at a fraction of its cost in the hot loop.
 */
function quantise(v: number, scale: number): number {
  return (v * scale + 0.5) | 0;
}

/** Packed record layout (32-bit words): x and y as float32 (offsets 0, 1), then these ints. */
const RECORD = 5;
const R_ID = 2;
const R_HP = 3;
const R_KIND_FLAGS = 4;

/**
 * Diffs observers against the world. One per world; its scratch is shared by all observers.
 *
 * `prepare()` (once per tick with snapshots due) copies the live entities of the cells this
 * tick's views can reach into records sorted by grid cell: a view's query then reads a few
 * contiguous runs (one per row of cells) instead of chasing linked-list pointers across the whole
 * store, which is what bounds the cost of a thousand views per tick (cache misses, not arithmetic).
 */
export class InterestManager {
  readonly radius: number;
  readonly outerRadius: number;
  readonly scale: number;
  readonly threshold: number;
  // The packed, cell-sorted view (rebuilt by prepare()): one RECORD-word record per entity, so
  // building it costs one cache miss per entity and a query reads whole cache lines.
  private cellStart: Int32Array;
  private cellCursor: Int32Array;
  /** Cells the views of this tick can query (1) — see `need`. */
  private needed: Uint8Array;
  private needCount = 0;
  private selected = new Int32Array(0);
  private packedF = new Float32Array(0);
  private packedI = new Int32Array(0);
  // Per-observer scratch.
  private hits = new Int32Array(256);
  private candidates = new Int32Array(256);
  /** Per slot, interleaved (one cache line): stamp of the last query that hit it, record offset. */
  private mark = new Int32Array(0);
  private stamp = 0;

  constructor(
    private readonly store: EntityStore,
    private readonly grid: SpatialHash,
    options: InterestOptions,
  ) {
    if (!(options.radius > 0)) throw new RangeError('radius must be positive');
    this.radius = options.radius;
    this.outerRadius = options.radius * (1 + (options.hysteresis ?? 0.1));
    this.scale = options.scale ?? DEFAULT_POSITION_SCALE;
    this.threshold = options.positionThreshold ?? 1;
    const cells = grid.columns * grid.columns;
    this.cellStart = new Int32Array(cells + 1);
    this.cellCursor = new Int32Array(cells + 1);
    this.needed = new Uint8Array(cells);
  }

  /**
   * Views that the next `prepare()` must cover: only entities in the cells those views can
   * query are packed (a tick serves a third of the observers, so most of the world is skipped).
   * Without any `need` call since the last prepare, everything is packed.
   */
  need(cx: number, cy: number): void {
    const grid = this.grid;
    const columns = grid.columns;
    const last = columns - 1;
    const inverse = 1 / grid.cellSize;
    const r = this.outerRadius;
    const c0 = Math.max(0, Math.floor((cx - r) * inverse));
    const c1 = Math.min(last, Math.floor((cx + r) * inverse));
    const r0 = Math.max(0, Math.floor((cy - r) * inverse));
    const r1 = Math.min(last, Math.floor((cy + r) * inverse));
    for (let row = r0; row <= r1; row++) this.needed.fill(1, row * columns + c0, row * columns + c1 + 1);
    this.needCount++;
  }

  /** Snapshots the store into the packed view; call after the tick's simulation, before `update`s. */
  prepare(): void {
    const store = this.store;
    const n = store.count;
    if (this.packedI.length < n * RECORD) {
      const buffer = new ArrayBuffer(Math.max(n, (this.packedI.length / RECORD) * 2) * RECORD * 4);
      this.packedF = new Float32Array(buffer);
      this.packedI = new Int32Array(buffer);
    }
    if (this.mark.length < store.capacity * 2) this.mark = new Int32Array(store.capacity * 2);
    const needed = this.needed;
    if (this.needCount === 0) needed.fill(1);
    if (this.selected.length < n) this.selected = new Int32Array(store.capacity);
    const selected = this.selected;
    const cellOf = this.grid.cellOf;
    const dense = store.dense;
    const start = this.cellStart;
    start.fill(0);
    // Branch-free selection: which cells are needed is random, so a branch here mispredicts.
    let count = 0;
    for (let d = 0; d < n; d++) {
      const i = dense[d]!;
      const c = cellOf[i]!;
      const take = needed[c]!;
      selected[count] = i;
      count += take;
      start[c + 1] += take;
    }
    for (let c = 1; c < start.length; c++) start[c] += start[c - 1]!;
    const cursor = this.cellCursor;
    cursor.set(start);
    const { x, y, hp, kind, flags, generation } = store;
    const pf = this.packedF;
    const pi = this.packedI;
    for (let k = 0; k < count; k++) {
      const i = selected[k]!;
      const b = cursor[cellOf[i]!]++ * RECORD;
      pf[b] = x[i]!;
      pf[b + 1] = y[i]!;
      pi[b + R_ID] = (generation[i]! << INDEX_BITS) | i;
      pi[b + R_HP] = hp[i]!;
      pi[b + R_KIND_FLAGS] = kind[i]! | (flags[i]! << 8);
    }
    needed.fill(0);
    this.needCount = 0;
  }

  /** Packed record offsets within `r` of (x, y), written to `hits`; returns the count (may exceed hits.length). */
  private query(cx: number, cy: number, r: number): number {
    const grid = this.grid;
    const columns = grid.columns;
    const inverse = 1 / grid.cellSize;
    const last = columns - 1;
    const c0 = Math.max(0, Math.floor((cx - r) * inverse));
    const c1 = Math.min(last, Math.floor((cx + r) * inverse));
    const r0 = Math.max(0, Math.floor((cy - r) * inverse));
    const r1 = Math.min(last, Math.floor((cy + r) * inverse));
    const start = this.cellStart;
    const pf = this.packedF;
    const hits = this.hits;
    const capacity = hits.length;
    const r2 = r * r;
    let found = 0;
    for (let row = r0; row <= r1; row++) {
      // The cells c0..c1 of one row are adjacent in the packed view: one contiguous run.
      const end = start[row * columns + c1 + 1]! * RECORD;
      for (let b = start[row * columns + c0]! * RECORD; b < end; b += RECORD) {
        const dx = pf[b]! - cx;
        const dy = pf[b + 1]! - cy;
        if (dx * dx + dy * dy <= r2) {
          if (found < capacity) hits[found] = b;
          found++;
        }
      }
    }
    return found;
  }

  /**
   * Updates `observer` for a view centred on (cx, cy) and writes what changed into `delta`.
   * Reads the packed view: entities created or moved since `prepare()` are not seen until the next
   * one, and a view centred outside the cells `need`ed for that prepare sees nothing.
   */
  update(observer: Observer, cx: number, cy: number, delta: SnapshotDelta): void {
    const full = observer.needsFull;
    observer.needsFull = false;
    const prevCount = full ? 0 : observer.count;
    delta.full = full;
    delta.enteredCount = 0;
    delta.updatedCount = 0;
    delta.leftCount = 0;

    let hitCount = this.query(cx, cy, this.outerRadius);
    if (hitCount > this.hits.length) {
      this.hits = new Int32Array(hitCount * 2);
      this.candidates = new Int32Array(hitCount * 2);
      hitCount = this.query(cx, cy, this.outerRadius);
    }
    const hits = this.hits;
    const mark = this.mark;
    const pf = this.packedF;
    const pi = this.packedI;
    if (++this.stamp === 0x7fffffff) {
      mark.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    for (let h = 0; h < hitCount; h++) {
      const b = hits[h]!;
      const slot = pi[b + R_ID]! & INDEX_MASK;
      mark[slot * 2] = stamp;
      mark[slot * 2 + 1] = b;
    }

    delta.reserve(prevCount + hitCount);
    observer.reserveBack(prevCount + hitCount);

    // Entities already in view stay while inside the outer radius and still the same entity
    // (the slot may have been recycled): keep their packed position, clear their mark so that
    // only newcomers stay marked.
    // The slot word of each kept record is overwritten with its packed record offset (or -1 for
    // one that left): the front view becomes the next back buffer anyway.
    const view = observer.view;
    for (let j = 0, o = 0; j < prevCount; j++, o += OBSERVER_STRIDE) {
      const at = view[o + O_SLOT]! * 2;
      const b = mark[at + 1]!;
      if (mark[at] === stamp && pi[b + R_ID] === view[o + O_ID]) {
        mark[at] = 0;
        view[o + O_SLOT] = b;
      } else {
        delta.left[delta.leftCount++] = view[o + O_ID]!;
        view[o + O_SLOT] = -1;
      }
    }

    // Newcomers must be inside the inner radius (hysteresis); insertion-sorted by id to merge
    // (a handful per snapshot, except on a full state).
    const r2 = this.radius * this.radius;
    const candidates = this.candidates;
    let candCount = 0;
    for (let h = 0; h < hitCount; h++) {
      const b = hits[h]!;
      if (mark[(pi[b + R_ID]! & INDEX_MASK) * 2] !== stamp) continue;
      const dx = pf[b]! - cx;
      const dy = pf[b + 1]! - cy;
      if (dx * dx + dy * dy > r2) continue;
      const id = pi[b + R_ID]!;
      let at = candCount++;
      while (at > 0 && pi[candidates[at - 1]! + R_ID]! > id) {
        candidates[at] = candidates[at - 1]!;
        at--;
      }
      candidates[at] = b;
    }

    // Merge kept entries (in id order) with newcomers into the back list.
    const threshold = this.threshold;
    const scale = this.scale;
    let j = 0;
    let c = 0;
    let out = 0;
    for (;;) {
      while (j < prevCount && view[j * OBSERVER_STRIDE + O_SLOT] === -1) j++;
      const hasKept = j < prevCount;
      const hasNew = c < candCount;
      if (!hasKept && !hasNew) break;
      const o = j * OBSERVER_STRIDE;
      if (hasKept && (!hasNew || view[o + O_ID]! < pi[candidates[c]! + R_ID]!)) {
        const b = view[o + O_SLOT]!;
        let qx = view[o + O_QX]!;
        let qy = view[o + O_QY]!;
        let mask = 0;
        const dqx = quantise(pf[b]!, scale) - qx;
        const dqy = quantise(pf[b + 1]!, scale) - qy;
        if (dqx >= threshold || dqx <= -threshold) {
          mask |= Field.X;
          qx += dqx;
        }
        if (dqy >= threshold || dqy <= -threshold) {
          mask |= Field.Y;
          qy += dqy;
        }
        const hp = pi[b + R_HP]!;
        const dhp = hp - view[o + O_HP]!;
        if (dhp !== 0) mask |= Field.Hp;
        const kindFlags = pi[b + R_KIND_FLAGS]!;
        const changed = kindFlags ^ view[o + O_KF]!;
        if (changed & 0xff) mask |= Field.Kind;
        if (changed >>> 8) mask |= Field.Flags;
        if (mask !== 0) {
          const u = delta.updatedCount++;
          delta.updated[u] = out;
          delta.mask[u] = mask;
          delta.dqx[u] = mask & Field.X ? dqx : 0;
          delta.dqy[u] = mask & Field.Y ? dqy : 0;
          delta.dhp[u] = dhp;
        }
        observer.pushBack(out++, view[o + O_ID]!, pi[b + R_ID]! & INDEX_MASK, qx, qy, hp, kindFlags);
        j++;
      } else {
        const b = candidates[c++]!;
        delta.entered[delta.enteredCount++] = out;
        const id = pi[b + R_ID]!;
        observer.pushBack(
          out++,
          id,
          id & INDEX_MASK,
          quantise(pf[b]!, scale),
          quantise(pf[b + 1]!, scale),
          pi[b + R_HP]!,
          pi[b + R_KIND_FLAGS]!,
        );
      }
    }
    observer.swap(out);
    observer.snapshots++;
  }
}
