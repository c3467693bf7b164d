// Uniform grid over [0, worldSize)². Each cell is an intrusive doubly linked list threaded through
// typed arrays indexed by entity slot, so insert/move/remove are O(1) and nothing is allocated.

export interface PositionSource {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export interface SpatialHashOptions {
  worldSize: number;
  cellSize: number;
  /** Initial slot capacity; grows with `ensureCapacity`. */
  capacity?: number;
}

/** Above this many cells per side the cell size is raised: 2048² heads = 16 MB. */
export const MAX_GRID_COLUMNS = 2048;

export class SpatialHash {
  readonly worldSize: number;
  readonly cellSize: number;
  readonly columns: number;
  /** First slot in each cell, or -1. */
  readonly cellHead: Int32Array;
  next: Int32Array;
  prev: Int32Array;
  /** Cell of each slot, or -1 when the slot is not in the grid. */
  cellOf: Int32Array;
  private readonly inverseCell: number;

  /** `positions` is read at query time: callers keep it equal to the coordinates they insert/move with. */
  constructor(
    options: SpatialHashOptions,
    private readonly positions: PositionSource,
  ) {
    if (!(options.worldSize > 0) || !(options.cellSize > 0)) throw new RangeError('worldSize and cellSize must be positive');
    this.worldSize = options.worldSize;
    this.columns = Math.min(MAX_GRID_COLUMNS, Math.ceil(options.worldSize / options.cellSize));
    this.cellSize = options.worldSize / this.columns;
    this.inverseCell = 1 / this.cellSize;
    this.cellHead = new Int32Array(this.columns * this.columns).fill(-1);
    const capacity = options.capacity ?? 1024;
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.cellOf = new Int32Array(capacity).fill(-1);
  }

  ensureCapacity(capacity: number): void {
    if (capacity <= this.cellOf.length) return;
    const cellOf = new Int32Array(capacity).fill(-1);
    cellOf.set(this.cellOf);
    const next = new Int32Array(capacity);
    next.set(this.next);
    const prev = new Int32Array(capacity);
    prev.set(this.prev);
    this.cellOf = cellOf;
    this.next = next;
    this.prev = prev;
  }

  /** Column or row of a coordinate, clamped into the grid. */
  private axis(v: number): number {
    const c = Math.floor(v * this.inverseCell);
    return c < 0 ? 0 : c >= this.columns ? this.columns - 1 : c;
  }

  cellAt(x: number, y: number): number {
    return this.axis(y) * this.columns + this.axis(x);
  }

  insert(index: number, x: number, y: number): void {
    if (index >= this.cellOf.length) this.ensureCapacity(Math.max(index + 1, this.cellOf.length * 2));
    if (this.cellOf[index] !== -1) this.unlink(index);
    this.link(index, this.cellAt(x, y));
  }

  /** Relinks a slot whose position changed (inserting it if it was not in the grid). */
  move(index: number, x: number, y: number): void {
    if (index >= this.cellOf.length) return this.insert(index, x, y);
    const cell = this.cellAt(x, y);
    const current = this.cellOf[index]!;
    if (cell === current) return;
    if (current !== -1) this.unlink(index);
    this.link(index, cell);
  }

  remove(index: number): void {
    if (index < this.cellOf.length && this.cellOf[index] !== -1) this.unlink(index);
  }

  /**
   * Slots within distance `r` of (x, y) (inclusive), excluding `exclude`. Writes at most
   * `out.length` of them and returns how many matched, so a caller whose buffer was too small can
   * grow it and ask again.
   */
  queryRadius(x: number, y: number, r: number, out: Int32Array, exclude = -1): number {
    const xs = this.positions.x;
    const ys = this.positions.y;
    const r2 = r * r;
    const c0 = this.axis(x - r);
    const c1 = this.axis(x + r);
    const r0 = this.axis(y - r);
    const r1 = this.axis(y + r);
    const columns = this.columns;
    const head = this.cellHead;
    const next = this.next;
    const capacity = out.length;
    let found = 0;
    for (let row = r0; row <= r1; row++) {
      const base = row * columns;
      for (let col = c0; col <= c1; col++) {
        for (let i = head[base + col]!; i !== -1; i = next[i]!) {
          const dx = xs[i]! - x;
          const dy = ys[i]! - y;
          if (dx * dx + dy * dy <= r2 && i !== exclude) {
            if (found < capacity) out[found] = i;
            found++;
          }
        }
      }
    }
    return found;
  }

  /** Slots within `r` of slot `index`'s own position, itself excluded (collision candidates). */
  queryNeighbours(index: number, r: number, out: Int32Array): number {
    return this.queryRadius(this.positions.x[index]!, this.positions.y[index]!, r, out, index);
  }

  private link(index: number, cell: number): void {
    const first = this.cellHead[cell]!;
    this.next[index] = first;
    this.prev[index] = -1;
    if (first !== -1) this.prev[first] = index;
    this.cellHead[cell] = index;
    this.cellOf[index] = cell;
  }

  private unlink(index: number): void {
    const before = this.prev[index]!;
    const after = this.next[index]!;
    if (before === -1) this.cellHead[this.cellOf[index]!] = after;
    else this.next[before] = after;
    if (after !== -1) this.prev[after] = before;
    this.cellOf[index] = -1;
  }
}
