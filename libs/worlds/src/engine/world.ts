// One world = one single-writer simulation. Callers (gateway, REST) only enqueue inputs and
// join/leave between ticks; everything else happens inside `tick()`, so no locks are needed.
import { ByteWriter, encodeChecksumBinary, encodeSnapshotBinary, encodeSnapshotJson, type ChecksumJson } from './codec.js';
import { EntityStore, NO_OWNER } from './ecs.js';
import { DEFAULT_POSITION_SCALE, InterestManager, Observer, SnapshotDelta, type Encoding } from './interest.js';
import { DEFAULT_WORLD_MODULE, WorldModuleRegistry } from './module-registry.js';
import { SpatialHash } from './spatial-hash.js';
import type { PlayerInput, SavedState, WorldContext, WorldModule, WorldPlayer } from './world-module.js';

export interface WorldSettings {
  name: string;
  maxPlayers?: number;
  worldSize?: number;
  /** Ticks per second, 1..10000. */
  tickRate?: number;
  /** Snapshots per second per observer, ≤ tickRate. */
  snapshotRate?: number;
  aoiRadius?: number;
  /** Grid cell size; defaults to the AOI radius (a view query then spans 3×3 cells). */
  cellSize?: number;
  module?: string;
  moduleOptions?: Record<string, unknown>;
  /** Speed cap applied to every entity, world units per second. */
  maxSpeed?: number;
  /** At most this many inputs per player are applied per tick; extras are dropped and counted. */
  inputsPerTick?: number;
  /** A checksum message follows every N-th snapshot of an observer (0: never). */
  checksumEvery?: number;
  /** Positions are quantised to 1 / positionScale world units. */
  positionScale?: number;
  /** Position changes smaller than this many quantisation steps are not sent. */
  positionThreshold?: number;
  /** Initial entity capacity (doubles when exceeded). */
  capacity?: number;
  /** PRNG seed (deterministic spawns and bots). */
  seed?: number;
}

export type ResolvedWorldSettings = Required<Omit<WorldSettings, 'seed'>> & { seed: number };

export const WORLD_DEFAULTS = {
  maxPlayers: 100,
  worldSize: 10_000,
  tickRate: 60,
  snapshotRate: 20,
  aoiRadius: 100,
  maxSpeed: 20,
  inputsPerTick: 4,
  checksumEvery: 20,
  positionThreshold: 1,
  capacity: 1024,
} as const;

/** Input as it arrives from a client (shape already validated by the transport). */
export interface RawInput {
  move_x: number;
  move_y: number;
  action?: number;
  seq?: number;
  timestamp?: number;
}

export type WorldMessageKind = 'world_state' | 'state_delta' | 'checksum' | 'player_joined' | 'player_left' | 'event';

/** One outgoing message; only the encoding the recipient asked for is filled in. */
export interface WorldMessage {
  kind: WorldMessageKind;
  json?: object;
  /** A view of the world's encode buffer: valid during the sink call only (copy it to keep it). */
  binary?: Uint8Array;
}

/** `playerId` null = everyone in the world. Called during a tick: send or copy, do not keep `binary`. */
export type WorldSink = (playerId: string | null, message: WorldMessage) => void;

export interface WorldHooks {
  sink: WorldSink;
  registry?: WorldModuleRegistry;
  /** Critical-event saves requested by the module, delivered at the end of the tick. */
  onSave?: (playerId: string, state: SavedState) => void;
}

/** One entity as tools see it: position, the module's name for its kind, the player controlling it. */
export interface EntitySample {
  id: number;
  x: number;
  y: number;
  kind: string;
  playerId: string | null;
}

export type JoinResult = { ok: true; entity: number } | { ok: false; reason: string };
export type EnqueueResult = 'queued' | 'unknown_player' | 'dropped';

export interface WorldStats {
  name: string;
  tick: number;
  entities: number;
  players: number;
  maxPlayers: number;
  avgTickUs: number;
  p50TickUs: number;
  p99TickUs: number;
  maxTickUs: number;
  overruns: number;
  droppedInputs: number;
  invalidInputs: number;
}

/** Inputs whose components exceed this are garbage, not a fast client: ignored, not clamped. */
export const MAX_INPUT_COMPONENT = 1e6;
const TICK_SAMPLES = 1024;

class PlayerState implements WorldPlayer {
  entity = -1;
  lastSeq = -1;
  /** Highest seq queued so far. */
  queuedSeq = -1;
  observer: Observer;
  /** Inputs queued and not yet drained. */
  pending = 0;
  droppedInputs = 0;
  invalidInputs = 0;
  centerX = 0;
  centerY = 0;

  constructor(
    readonly id: string,
    readonly slot: number,
    /** Distinguishes this join from an earlier player in the same slot (stale queued inputs). */
    readonly epoch: number,
    encoding: Encoding,
  ) {
    this.observer = new Observer(encoding);
  }
}

export class World {
  readonly settings: ResolvedWorldSettings;
  readonly store: EntityStore;
  readonly grid: SpatialHash;
  readonly module: WorldModule;
  private readonly interest: InterestManager;
  private readonly delta = new SnapshotDelta();
  private readonly writer = new ByteWriter();
  private readonly sink: WorldSink;
  private readonly onSave?: (playerId: string, state: SavedState) => void;
  private readonly ctx: WorldContext;
  private readonly snapshotEvery: number;
  private readonly dt: number;

  private tickNumber = 0;
  private readonly bySlot: Array<PlayerState | undefined>;
  private readonly byId = new Map<string, PlayerState>();
  private readonly playerList: PlayerState[] = [];
  private readonly freeSlots: number[];
  private epochs = 0;
  private readonly saveRequests = new Set<string>();
  private rngState: number;
  private disposed = false;

  // Bounded input queue in typed arrays: at most inputsPerTick pending per player.
  private readonly queueSize: number;
  private queueHead = 0;
  private queueLength = 0;
  private readonly qSlot: Int32Array;
  private readonly qEpoch: Int32Array;
  private readonly qMoveX: Float64Array;
  private readonly qMoveY: Float64Array;
  private readonly qAction: Float64Array;
  private readonly qSeq: Float64Array;
  private readonly qTimestamp: Float64Array;
  private readonly input: PlayerInput = { moveX: 0, moveY: 0, action: 0, seq: 0, timestamp: 0 };

  private readonly tickSamples = new Float64Array(TICK_SAMPLES);
  private readonly sortedSamples = new Float64Array(TICK_SAMPLES);
  private sampleCount = 0;
  private overrunCount = 0;
  private droppedInputs = 0;
  private invalidInputs = 0;

  constructor(settings: WorldSettings, hooks: WorldHooks) {
    this.settings = resolveSettings(settings);
    const s = this.settings;
    this.sink = hooks.sink;
    this.onSave = hooks.onSave;
    this.rngState = s.seed >>> 0;
    this.dt = 1 / s.tickRate;
    this.snapshotEvery = Math.max(1, Math.round(s.tickRate / s.snapshotRate));
    this.store = new EntityStore(s.capacity);
    this.grid = new SpatialHash({ worldSize: s.worldSize, cellSize: s.cellSize, capacity: s.capacity }, this.store);
    this.store.onGrow((capacity) => this.grid.ensureCapacity(capacity));
    this.interest = new InterestManager(this.store, this.grid, {
      radius: s.aoiRadius,
      scale: s.positionScale,
      positionThreshold: s.positionThreshold,
    });
    this.bySlot = new Array<PlayerState | undefined>(s.maxPlayers);
    this.freeSlots = Array.from({ length: s.maxPlayers }, (_, i) => s.maxPlayers - 1 - i);
    this.queueSize = s.maxPlayers * s.inputsPerTick;
    this.qSlot = new Int32Array(this.queueSize);
    this.qEpoch = new Int32Array(this.queueSize);
    this.qMoveX = new Float64Array(this.queueSize);
    this.qMoveY = new Float64Array(this.queueSize);
    this.qAction = new Float64Array(this.queueSize);
    this.qSeq = new Float64Array(this.queueSize);
    this.qTimestamp = new Float64Array(this.queueSize);
    this.ctx = this.createContext();
    this.module = (hooks.registry ?? new WorldModuleRegistry()).create(s.module, s.moduleOptions);
    this.module.onCreate(this.ctx);
  }

  get name(): string {
    return this.settings.name;
  }

  get tickRate(): number {
    return this.settings.tickRate;
  }

  /** Number of the last tick run. */
  get currentTick(): number {
    return this.tickNumber;
  }

  get playerCount(): number {
    return this.playerList.length;
  }

  hasPlayer(playerId: string): boolean {
    return this.byId.has(playerId);
  }

  /** The player's current entity handle (it changes on respawn); undefined when not joined. */
  entityOf(playerId: string): number | undefined {
    const entity = this.byId.get(playerId)?.entity;
    return entity === undefined || entity < 0 ? undefined : entity;
  }

  /** Admits a player, spawns its entity and sends it a world_state right away. */
  join(playerId: string, saved?: SavedState, encoding: Encoding = 'binary'): JoinResult {
    if (this.disposed) return { ok: false, reason: 'world_stopped' };
    if (this.byId.has(playerId)) return { ok: false, reason: 'already_joined' };
    const slot = this.freeSlots.pop();
    if (slot === undefined) return { ok: false, reason: 'world_full' };
    const verdict = this.module.onJoinAttempt({ id: playerId });
    if (verdict !== true) {
      this.freeSlots.push(slot);
      return { ok: false, reason: verdict };
    }
    const player = new PlayerState(playerId, slot, ++this.epochs, encoding);
    this.bySlot[slot] = player;
    this.byId.set(playerId, player);
    this.playerList.push(player);
    player.entity = this.module.onJoin(player, saved);
    this.centre(player);
    this.interest.need(player.centerX, player.centerY);
    this.interest.prepare();
    this.snapshot(player);
    this.sink(null, { kind: 'player_joined', json: { type: 'player_joined', player: playerId } });
    return { ok: true, entity: player.entity };
  }

  /** Removes a player; returns the state to persist (undefined if it was not here). */
  leave(playerId: string): SavedState | undefined {
    const player = this.byId.get(playerId);
    if (!player) return undefined;
    const state = this.module.onLeave(player);
    if (player.entity >= 0) this.despawn(player.entity);
    this.byId.delete(playerId);
    this.bySlot[player.slot] = undefined;
    this.playerList.splice(this.playerList.indexOf(player), 1);
    this.freeSlots.push(player.slot);
    this.saveRequests.delete(playerId);
    this.sink(null, { kind: 'player_left', json: { type: 'player_left', player: playerId } });
    return state;
  }

  /** The state to persist for a joined player now (periodic saves). */
  saveState(playerId: string): SavedState | undefined {
    const player = this.byId.get(playerId);
    return player ? this.module.saveState(player) : undefined;
  }

  /** The next snapshot of this player is a full world_state (client detected drift). */
  requestFullState(playerId: string): boolean {
    const player = this.byId.get(playerId);
    if (!player) return false;
    player.observer.reset();
    return true;
  }

  /** Queues an input for the next tick. Per player at most `inputsPerTick` wait; more are dropped. */
  enqueueInput(playerId: string, input: RawInput): EnqueueResult {
    const player = this.byId.get(playerId);
    if (!player) return 'unknown_player';
    if (player.pending >= this.settings.inputsPerTick || this.queueLength === this.queueSize) {
      player.droppedInputs++;
      this.droppedInputs++;
      return 'dropped';
    }
    const at = (this.queueHead + this.queueLength++) % this.queueSize;
    player.pending++;
    this.qSlot[at] = player.slot;
    this.qEpoch[at] = player.epoch;
    this.qMoveX[at] = input.move_x;
    this.qMoveY[at] = input.move_y;
    this.qAction[at] = input.action ?? 0;
    // Without a seq, inputs count up from the last one queued or applied (still monotonic).
    const seq = input.seq ?? Math.max(player.lastSeq, player.queuedSeq) + 1;
    if (Number.isSafeInteger(seq) && seq > player.queuedSeq) player.queuedSeq = seq;
    this.qSeq[at] = seq;
    this.qTimestamp[at] = input.timestamp ?? 0;
    return 'queued';
  }

  /**
   * Runs one tick: inputs → movement → module rules → snapshots (for the observers due) → saves.
   * Reads no clock: whoever drives the world times it (`recordTickTime`; WorldLoop does).
   */
  tick(): void {
    this.tickNumber++;
    this.applyInputs();
    this.moveEntities();
    this.module.onTick(this.ctx, this.dt);
    // Observers are staggered across the ticks of a snapshot period, so each tick carries an
    // even share of the snapshot work instead of every third tick carrying all of it.
    const phase = this.tickNumber % this.snapshotEvery;
    const players = this.playerList;
    let due = 0;
    for (let p = 0; p < players.length; p++) {
      const player = players[p]!;
      if (player.slot % this.snapshotEvery !== phase) continue;
      this.centre(player);
      this.interest.need(player.centerX, player.centerY);
      due++;
    }
    if (due > 0) {
      this.interest.prepare();
      for (let p = 0; p < players.length; p++) {
        const player = players[p]!;
        if (player.slot % this.snapshotEvery === phase) this.snapshot(player);
      }
    }
    this.flushSaves();
  }

  /** The duration of the tick just run (ms), for `stats()`: the last 1,024 are kept. */
  recordTickTime(ms: number): void {
    this.tickSamples[this.sampleCount % TICK_SAMPLES] = ms * 1000;
    this.sampleCount++;
  }

  /** Counted by the scheduler: a tick started more than a period late or ran longer than one. */
  recordOverrun(): void {
    this.overrunCount++;
  }

  stats(): WorldStats {
    const n = Math.min(this.sampleCount, TICK_SAMPLES);
    const sorted = this.sortedSamples.subarray(0, n);
    sorted.set(this.tickSamples.subarray(0, n));
    sorted.sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    const at = (q: number) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(q * n))]!);
    return {
      name: this.settings.name,
      tick: this.tickNumber,
      entities: this.store.count,
      players: this.playerList.length,
      maxPlayers: this.settings.maxPlayers,
      avgTickUs: n === 0 ? 0 : sum / n,
      p50TickUs: at(0.5),
      p99TickUs: at(0.99),
      maxTickUs: n === 0 ? 0 : sorted[n - 1]!,
      overruns: this.overrunCount,
      droppedInputs: this.droppedInputs,
      invalidInputs: this.invalidInputs,
    };
  }

  /**
   * Up to `limit` live entities, in store order, and how many there are in all. For tools (the
   * dashboard's map), called between ticks: one pass over the dense columns, nothing kept.
   */
  sampleEntities(limit: number): { tick: number; total: number; entities: EntitySample[] } {
    const { dense, x, y, kind, owner, count } = this.store;
    const n = Math.min(count, limit);
    const entities = new Array<EntitySample>(n);
    for (let d = 0; d < n; d++) {
      const i = dense[d]!;
      const slot = owner[i]!;
      entities[d] = {
        id: this.store.idAt(i),
        x: x[i]!,
        y: y[i]!,
        kind: this.module.kindName(kind[i]!),
        playerId: slot === NO_OWNER ? null : (this.bySlot[slot]?.id ?? null),
      };
    }
    return { tick: this.tickNumber, total: count, entities };
  }

  /** Per-player input counters (for abuse metrics). */
  playerStats(playerId: string): { droppedInputs: number; invalidInputs: number; lastSeq: number } | undefined {
    const p = this.byId.get(playerId);
    return p && { droppedInputs: p.droppedInputs, invalidInputs: p.invalidInputs, lastSeq: p.lastSeq };
  }

  /** Players in the world (ids). */
  playerIds(): string[] {
    return this.playerList.map((p) => p.id);
  }

  /** Stops accepting joins and lets the module clean up. Players are not removed: leave them first to save them. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.module.onDispose();
  }

  /** The queue holds at most inputsPerTick inputs per player, so all of them are applied now. */
  private applyInputs(): void {
    const input = this.input;
    while (this.queueLength > 0) {
      const at = this.queueHead;
      this.queueHead = (this.queueHead + 1) % this.queueSize;
      this.queueLength--;
      const player = this.bySlot[this.qSlot[at]!];
      if (!player || player.epoch !== this.qEpoch[at]) continue;
      player.pending--;
      let moveX = this.qMoveX[at]!;
      let moveY = this.qMoveY[at]!;
      const seq = this.qSeq[at]!;
      const action = this.qAction[at]!;
      if (
        !Number.isFinite(moveX) ||
        !Number.isFinite(moveY) ||
        Math.abs(moveX) > MAX_INPUT_COMPONENT ||
        Math.abs(moveY) > MAX_INPUT_COMPONENT ||
        !Number.isSafeInteger(seq) ||
        seq <= player.lastSeq
      ) {
        player.invalidInputs++;
        this.invalidInputs++;
        continue;
      }
      // A longer vector is a client trying to go faster: clamp it (diagonals are not faster).
      const length = Math.sqrt(moveX * moveX + moveY * moveY);
      if (length > 1) {
        moveX /= length;
        moveY /= length;
      }
      player.lastSeq = seq;
      input.moveX = moveX;
      input.moveY = moveY;
      input.action = Number.isInteger(action) && action >= 0 && action <= 255 ? action : 0;
      input.seq = seq;
      input.timestamp = Number.isFinite(this.qTimestamp[at]) ? this.qTimestamp[at]! : 0;
      this.module.onInput(player, input);
    }
  }

  private moveEntities(): void {
    const { dense, x, y, vx, vy, count } = this.store;
    const grid = this.grid;
    const dt = this.dt;
    const size = this.settings.worldSize;
    const maxSpeed = this.settings.maxSpeed;
    const maxSpeed2 = maxSpeed * maxSpeed;
    for (let d = 0; d < count; d++) {
      const i = dense[d]!;
      let dx = vx[i]!;
      let dy = vy[i]!;
      if (dx === 0 && dy === 0) continue;
      const speed2 = dx * dx + dy * dy;
      if (speed2 > maxSpeed2) {
        const k = maxSpeed / Math.sqrt(speed2);
        dx *= k;
        dy *= k;
      }
      let nx = x[i]! + dx * dt;
      let ny = y[i]! + dy * dt;
      // At the edge the entity stops on that axis (rules see a velocity that matches the motion).
      if (nx < 0 || nx > size) {
        nx = nx < 0 ? 0 : size;
        vx[i] = 0;
      }
      if (ny < 0 || ny > size) {
        ny = ny < 0 ? 0 : size;
        vy[i] = 0;
      }
      x[i] = nx;
      y[i] = ny;
      grid.move(i, nx, ny);
    }
  }

  /** A view follows its player's entity; without one (spectator, despawned) it stays put. */
  private centre(player: PlayerState): void {
    const index = this.store.indexOf(player.entity);
    if (index >= 0) {
      player.centerX = this.store.x[index]!;
      player.centerY = this.store.y[index]!;
    }
  }

  private snapshot(player: PlayerState): void {
    const observer = player.observer;
    const delta = this.delta;
    this.interest.update(observer, player.centerX, player.centerY, delta);
    const seq = player.lastSeq;
    if (delta.empty && seq === observer.sentSeq) return;
    observer.sentSeq = seq;
    const scale = this.settings.positionScale;
    const kind = delta.full ? 'world_state' : 'state_delta';
    if (observer.encoding === 'binary') {
      this.sink(player.id, { kind, binary: encodeSnapshotBinary(this.writer, observer, delta, this.tickNumber, seq, scale) });
    } else {
      this.sink(player.id, { kind, json: encodeSnapshotJson(observer, delta, this.tickNumber, seq, scale) });
    }
    const every = this.settings.checksumEvery;
    if (every > 0 && observer.snapshots % every === 0) {
      const value = observer.checksum();
      if (observer.encoding === 'binary') {
        this.sink(player.id, { kind: 'checksum', binary: encodeChecksumBinary(this.writer, this.tickNumber, value) });
      } else {
        const json: ChecksumJson = { type: 'checksum', tick: this.tickNumber, value };
        this.sink(player.id, { kind: 'checksum', json });
      }
    }
  }

  private flushSaves(): void {
    if (this.saveRequests.size === 0) return;
    for (const playerId of this.saveRequests) {
      const player = this.byId.get(playerId);
      if (player && this.onSave) this.onSave(playerId, this.module.saveState(player));
    }
    this.saveRequests.clear();
  }

  private random(): number {
    // mulberry32: small, fast and good enough for spawn points and wandering.
    this.rngState = (this.rngState + 0x6d2b79f5) | 0;
    let t = this.rngState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private despawn(id: number): boolean {
    const index = this.store.indexOf(id);
    if (index < 0) return false;
    this.grid.remove(index);
    return this.store.destroy(id);
  }

  private createContext(): WorldContext {
    const world = this;
    const size = this.settings.worldSize;
    const clamp = (v: number) => (v < 0 ? 0 : v > size ? size : v);
    return {
      store: this.store,
      grid: this.grid,
      get tick() {
        return world.tickNumber;
      },
      tickRate: this.settings.tickRate,
      worldSize: size,
      maxSpeed: this.settings.maxSpeed,
      players: this.playerList,
      random: () => this.random(),
      spawn: (kind, x, y) => {
        const id = this.store.create(kind, clamp(x), clamp(y));
        const index = this.store.indexOf(id);
        this.grid.insert(index, this.store.x[index]!, this.store.y[index]!);
        return id;
      },
      despawn: (id) => this.despawn(id),
      setPosition: (index, x, y) => {
        const nx = Number.isFinite(x) ? clamp(x) : this.store.x[index]!;
        const ny = Number.isFinite(y) ? clamp(y) : this.store.y[index]!;
        this.store.x[index] = nx;
        this.store.y[index] = ny;
        this.grid.move(index, nx, ny);
      },
      player: (playerId) => this.byId.get(playerId),
      requestSave: (playerId) => {
        if (this.byId.has(playerId)) this.saveRequests.add(playerId);
      },
      emit: (event, payload, to) => this.sink(to ?? null, { kind: 'event', json: { ...payload, type: event } }),
    };
  }
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}]`);
  return value;
}

function numberIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`${name} must be a number in [${min}, ${max}]`);
  return value;
}

export function resolveSettings(settings: WorldSettings): ResolvedWorldSettings {
  const tickRate = integerIn('tickRate', settings.tickRate ?? WORLD_DEFAULTS.tickRate, 1, 10_000);
  const worldSize = numberIn('worldSize', settings.worldSize ?? WORLD_DEFAULTS.worldSize, 1, 1_000_000);
  const aoiRadius = numberIn('aoiRadius', settings.aoiRadius ?? WORLD_DEFAULTS.aoiRadius, 1, worldSize * 2);
  return {
    name: settings.name,
    maxPlayers: integerIn('maxPlayers', settings.maxPlayers ?? WORLD_DEFAULTS.maxPlayers, 1, 100_000),
    worldSize,
    tickRate,
    snapshotRate: numberIn('snapshotRate', settings.snapshotRate ?? Math.min(WORLD_DEFAULTS.snapshotRate, tickRate), 0.1, tickRate),
    aoiRadius,
    cellSize: numberIn('cellSize', settings.cellSize ?? aoiRadius, 0.1, worldSize),
    module: settings.module ?? DEFAULT_WORLD_MODULE,
    moduleOptions: settings.moduleOptions ?? {},
    maxSpeed: numberIn('maxSpeed', settings.maxSpeed ?? WORLD_DEFAULTS.maxSpeed, 0, 1e6),
    inputsPerTick: integerIn('inputsPerTick', settings.inputsPerTick ?? WORLD_DEFAULTS.inputsPerTick, 1, 1000),
    checksumEvery: integerIn('checksumEvery', settings.checksumEvery ?? WORLD_DEFAULTS.checksumEvery, 0, 1_000_000),
    positionScale: integerIn('positionScale', settings.positionScale ?? DEFAULT_POSITION_SCALE, 1, 1024),
    positionThreshold: integerIn('positionThreshold', settings.positionThreshold ?? WORLD_DEFAULTS.positionThreshold, 1, 1_000_000),
    capacity: integerIn('capacity', settings.capacity ?? WORLD_DEFAULTS.capacity, 1, 1 << 20),
    seed: settings.seed ?? Math.floor(Math.random() * 2 ** 32),
  };
}
