// Struct-of-arrays entity store: every component is a typed-array column indexed by slot, so the
// hot loops touch contiguous memory and never allocate per entity.

/** Low bits of a handle hold the slot index; the bits above hold the slot's generation. */
export const INDEX_BITS = 20;
export const MAX_ENTITIES = 1 << INDEX_BITS;
const INDEX_MASK = MAX_ENTITIES - 1;
// 11 generation bits keep a handle below 2^31, so ids fit Int32Array columns and stay small
// integers (SMIs) in V8. A stale handle only aliases after 2048 reuses of the same slot.
const GENERATION_MASK = (1 << 11) - 1;

/** Entity flag bits (the `flags` column); modules may define bits from 1 << 4 upwards. */
export const EntityFlag = {
  Dead: 1,
} as const;

export const NO_OWNER = -1;

export function handleIndex(id: number): number {
  return id & INDEX_MASK;
}

export function handleGeneration(id: number): number {
  return id >>> INDEX_BITS;
}

export class EntityStore {
  capacity: number;
  /** Number of live entities; `dense[0..count)` are their slot indices. */
  count = 0;
  dense: Int32Array;
  x: Float64Array;
  y: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
  radius: Float32Array;
  hp: Int32Array;
  kind: Uint8Array;
  flags: Uint8Array;
  /** Player slot that controls the entity, or NO_OWNER. */
  owner: Int32Array;
  generation: Uint16Array;
  alive: Uint8Array;
  /** Position of each live slot inside `dense`, for O(1) swap-remove. */
  private denseAt: Int32Array;
  private free: Int32Array;
  private freeCount = 0;
  /** Slots never used yet are handed out in order before recycled ones. */
  private highWater = 0;
  private readonly growListeners: Array<(capacity: number) => void> = [];

  constructor(capacity = 1024) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_ENTITIES) {
      throw new RangeError(`capacity must be an integer in [1, ${MAX_ENTITIES}]`);
    }
    this.capacity = capacity;
    this.dense = new Int32Array(capacity);
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.vx = new Float64Array(capacity);
    this.vy = new Float64Array(capacity);
    this.radius = new Float32Array(capacity);
    this.hp = new Int32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.owner = new Int32Array(capacity);
    this.generation = new Uint16Array(capacity);
    this.alive = new Uint8Array(capacity);
    this.denseAt = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
  }

  /** Called with the new capacity after the columns doubled (companion arrays resize then). */
  onGrow(listener: (capacity: number) => void): void {
    this.growListeners.push(listener);
  }

  create(kind: number, x: number, y: number): number {
    let index: number;
    if (this.freeCount > 0) {
      index = this.free[--this.freeCount]!;
    } else {
      if (this.highWater === this.capacity) this.grow();
      index = this.highWater++;
    }
    this.alive[index] = 1;
    this.x[index] = x;
    this.y[index] = y;
    this.vx[index] = 0;
    this.vy[index] = 0;
    this.radius[index] = 0;
    this.hp[index] = 0;
    this.kind[index] = kind;
    this.flags[index] = 0;
    this.owner[index] = NO_OWNER;
    this.denseAt[index] = this.count;
    this.dense[this.count++] = index;
    return this.idAt(index);
  }

  /** Returns false (and does nothing) for a dead or stale handle. */
  destroy(id: number): boolean {
    const index = this.indexOf(id);
    if (index < 0) return false;
    this.alive[index] = 0;
    this.generation[index] = (this.generation[index]! + 1) & GENERATION_MASK;
    const at = this.denseAt[index]!;
    const last = this.dense[--this.count]!;
    this.dense[at] = last;
    this.denseAt[last] = at;
    this.free[this.freeCount++] = index;
    return true;
  }

  isAlive(id: number): boolean {
    return this.indexOf(id) >= 0;
  }

  /** Slot index of a live handle, or -1 when the handle is dead or stale. */
  indexOf(id: number): number {
    if (!Number.isInteger(id) || id < 0) return -1;
    const index = id & INDEX_MASK;
    if (index >= this.highWater || this.alive[index] === 0 || this.generation[index] !== id >>> INDEX_BITS) return -1;
    return index;
  }

  /** Current handle of a live slot. */
  idAt(index: number): number {
    return (this.generation[index]! << INDEX_BITS) | index;
  }

  private grow(): void {
    const capacity = Math.min(this.capacity * 2, MAX_ENTITIES);
    if (capacity === this.capacity) throw new RangeError(`entity store is full (${MAX_ENTITIES} entities)`);
    this.capacity = capacity;
    this.dense = resized(this.dense, capacity);
    this.x = resized(this.x, capacity);
    this.y = resized(this.y, capacity);
    this.vx = resized(this.vx, capacity);
    this.vy = resized(this.vy, capacity);
    this.radius = resized(this.radius, capacity);
    this.hp = resized(this.hp, capacity);
    this.kind = resized(this.kind, capacity);
    this.flags = resized(this.flags, capacity);
    this.owner = resized(this.owner, capacity);
    this.generation = resized(this.generation, capacity);
    this.alive = resized(this.alive, capacity);
    this.denseAt = resized(this.denseAt, capacity);
    this.free = resized(this.free, capacity);
    for (const listener of this.growListeners) listener(capacity);
  }
}

type TypedArray = Int32Array | Uint16Array | Uint8Array | Float32Array | Float64Array;

/** A copy of `source` with `length` elements (zero-filled past the old end). */
export function resized<T extends TypedArray>(source: T, length: number): T {
  const target = new (source.constructor as new (length: number) => T)(length);
  target.set(source.subarray(0, Math.min(source.length, length)) as never);
  return target;
}
