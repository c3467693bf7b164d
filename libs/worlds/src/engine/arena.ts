// The default world module: movement, circle collisions, health, a melee attack with a cooldown,
// death and respawn, plus optional wandering bots so demos and benchmarks have moving entities.
import { EntityFlag, NO_OWNER, resized } from './ecs.js';
import { WorldModule, type PlayerInput, type SavedState, type WorldContext, type WorldPlayer } from './world-module.js';

export const ArenaKind = {
  Player: 1,
  Bot: 2,
} as const;

const KIND_NAMES: Record<number, string> = { [ArenaKind.Player]: 'player', [ArenaKind.Bot]: 'bot' };

export const ArenaAction = {
  None: 0,
  Attack: 1,
} as const;

export interface ArenaOptions {
  /** Wandering NPCs spawned at creation. */
  bots: number;
  /** Player speed at full input, world units per second (the world's maxSpeed still caps it). */
  speed: number;
  botSpeed: number;
  radius: number;
  maxHp: number;
  attackRange: number;
  attackDamage: number;
  /** Seconds between two attacks of one entity; attack inputs in between are ignored. */
  attackCooldown: number;
  respawnDelay: number;
  /** Bots also push each other apart (costly with many bots: off by default). */
  botCollisions: boolean;
}

export const DEFAULT_ARENA_OPTIONS: ArenaOptions = {
  bots: 0,
  speed: 8,
  botSpeed: 4,
  radius: 0.5,
  maxHp: 100,
  attackRange: 3,
  attackDamage: 25,
  attackCooldown: 0.5,
  respawnDelay: 3,
  botCollisions: false,
};

const NUMBER_LIMITS: Record<Exclude<keyof ArenaOptions, 'botCollisions'>, [number, number]> = {
  bots: [0, 1_000_000],
  speed: [0, 1e6],
  botSpeed: [0, 1e6],
  radius: [0.01, 1e3],
  maxHp: [1, 1e9],
  attackRange: [0, 1e4],
  attackDamage: [0, 1e9],
  attackCooldown: [0, 3600],
  respawnDelay: [0, 3600],
};

/** Options from `POST /worlds` (untrusted JSON): unknown keys ignored, bad values refused. */
export function parseArenaOptions(raw: Record<string, unknown> = {}): ArenaOptions {
  const options = { ...DEFAULT_ARENA_OPTIONS };
  for (const [key, [min, max]] of Object.entries(NUMBER_LIMITS) as Array<[keyof typeof NUMBER_LIMITS, [number, number]]>) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(`arena option ${key} must be a number in [${min}, ${max}]`);
    }
    options[key] = key === 'bots' ? Math.floor(value) : value;
  }
  if (raw.botCollisions !== undefined) {
    if (typeof raw.botCollisions !== 'boolean') throw new RangeError('arena option botCollisions must be a boolean');
    options.botCollisions = raw.botCollisions;
  }
  return options;
}

const FREE_SPOT_TRIES = 16;

export class ArenaModule extends WorldModule {
  readonly options: ArenaOptions;
  /** Per-slot tick numbers: next allowed attack, respawn time, next bot direction change. */
  private cooldownUntil = new Int32Array(0);
  private respawnAt = new Int32Array(0);
  private turnAt = new Int32Array(0);
  private scratch = new Int32Array(64);
  private cooldownTicks = 0;
  private respawnTicks = 0;

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = parseArenaOptions(options);
  }

  override onCreate(ctx: WorldContext): void {
    super.onCreate(ctx);
    this.cooldownTicks = Math.round(this.options.attackCooldown * ctx.tickRate);
    this.respawnTicks = Math.round(this.options.respawnDelay * ctx.tickRate);
    this.sizeColumns(ctx.store.capacity);
    ctx.store.onGrow((capacity) => this.sizeColumns(capacity));
    for (let i = 0; i < this.options.bots; i++) {
      const id = ctx.spawn(ArenaKind.Bot, ctx.random() * ctx.worldSize, ctx.random() * ctx.worldSize);
      const index = ctx.store.indexOf(id);
      ctx.store.radius[index] = this.options.radius;
      ctx.store.hp[index] = this.options.maxHp;
      this.turnAt[index] = 0;
    }
  }

  override onJoin(player: WorldPlayer, saved?: SavedState): number {
    const { store, worldSize } = this.ctx;
    const x = saved?.x;
    const y = saved?.y;
    const hp = saved?.hp;
    const restorable =
      typeof x === 'number' &&
      typeof y === 'number' &&
      x >= 0 &&
      x <= worldSize &&
      y >= 0 &&
      y <= worldSize &&
      typeof hp === 'number' &&
      hp > 0;
    let id: number;
    if (restorable) {
      id = this.ctx.spawn(ArenaKind.Player, x, y);
    } else {
      id = this.ctx.spawn(ArenaKind.Player, 0, 0);
      this.placeAtFreeSpot(store.indexOf(id));
    }
    const index = store.indexOf(id);
    store.owner[index] = player.slot;
    store.radius[index] = this.options.radius;
    store.hp[index] = restorable ? Math.min(Math.floor(hp), this.options.maxHp) : this.options.maxHp;
    this.cooldownUntil[index] = 0;
    return id;
  }

  override onInput(player: WorldPlayer, input: PlayerInput): void {
    const { store, tick } = this.ctx;
    const index = store.indexOf(player.entity);
    if (index < 0 || store.flags[index]! & EntityFlag.Dead) return;
    store.vx[index] = input.moveX * this.options.speed;
    store.vy[index] = input.moveY * this.options.speed;
    if (input.action === ArenaAction.Attack && tick >= this.cooldownUntil[index]!) {
      this.cooldownUntil[index] = tick + this.cooldownTicks;
      this.attack(index);
    }
  }

  override onTick(ctx: WorldContext): void {
    const { store, tick } = ctx;
    const { dense, flags, kind, x, y, vx, vy } = store;
    const size = ctx.worldSize;
    const botSpeed = this.options.botSpeed;
    for (let d = 0; d < store.count; d++) {
      const i = dense[d]!;
      if (flags[i]! & EntityFlag.Dead) {
        if (tick >= this.respawnAt[i]!) this.respawn(i);
        continue;
      }
      if (kind[i] !== ArenaKind.Bot) continue;
      if (tick >= this.turnAt[i]!) {
        // The world stops an entity at its edge; a bot there heads back inwards on its next turn.
        const angle = ctx.random() * 2 * Math.PI;
        const dx = Math.cos(angle) * botSpeed;
        const dy = Math.sin(angle) * botSpeed;
        vx[i] = (x[i]! <= 0 && dx < 0) || (x[i]! >= size && dx > 0) ? -dx : dx;
        vy[i] = (y[i]! <= 0 && dy < 0) || (y[i]! >= size && dy > 0) ? -dy : dy;
        this.turnAt[i] = tick + Math.ceil((1 + 2 * ctx.random()) * ctx.tickRate);
      }
      if (this.options.botCollisions) this.separate(i);
    }
    const players = ctx.players;
    for (let p = 0; p < players.length; p++) {
      const index = store.indexOf(players[p]!.entity);
      if (index >= 0 && !(flags[index]! & EntityFlag.Dead)) this.separate(index);
    }
  }

  override saveState(player: WorldPlayer): SavedState {
    const { store } = this.ctx;
    const index = store.indexOf(player.entity);
    if (index < 0) return {};
    return { x: store.x[index], y: store.y[index], hp: store.hp[index] };
  }

  override kindName(kind: number): string {
    return KIND_NAMES[kind] ?? super.kindName(kind);
  }

  /** Pushes overlapping circles apart, half each, along the line between their centres. */
  private separate(i: number): void {
    const { store, grid } = this.ctx;
    const { x, y, radius, flags } = store;
    const reach = radius[i]! + this.options.radius * 2;
    let n = grid.queryNeighbours(i, reach, this.scratch);
    if (n > this.scratch.length) {
      this.scratch = new Int32Array(n * 2);
      n = grid.queryNeighbours(i, reach, this.scratch);
    }
    for (let k = 0; k < n; k++) {
      const j = this.scratch[k]!;
      if (flags[j]! & EntityFlag.Dead) continue;
      let dx = x[j]! - x[i]!;
      let dy = y[j]! - y[i]!;
      const minDistance = radius[i]! + radius[j]!;
      let distance = Math.sqrt(dx * dx + dy * dy);
      if (distance >= minDistance) continue;
      if (distance === 0) {
        dx = 1;
        dy = 0;
        distance = 1;
      }
      const push = (minDistance - distance) / 2 / distance;
      this.ctx.setPosition(j, x[j]! + dx * push, y[j]! + dy * push);
      this.ctx.setPosition(i, x[i]! - dx * push, y[i]! - dy * push);
    }
  }

  /** Hits the nearest living entity within range. */
  private attack(attacker: number): void {
    const { store, grid } = this.ctx;
    const { x, y, flags, hp } = store;
    let n = grid.queryNeighbours(attacker, this.options.attackRange, this.scratch);
    if (n > this.scratch.length) {
      this.scratch = new Int32Array(n * 2);
      n = grid.queryNeighbours(attacker, this.options.attackRange, this.scratch);
    }
    let target = -1;
    let best = Infinity;
    for (let k = 0; k < n; k++) {
      const j = this.scratch[k]!;
      if (flags[j]! & EntityFlag.Dead) continue;
      const dx = x[j]! - x[attacker]!;
      const dy = y[j]! - y[attacker]!;
      const d2 = dx * dx + dy * dy;
      if (d2 < best) {
        best = d2;
        target = j;
      }
    }
    if (target < 0) return;
    hp[target] = Math.max(0, hp[target]! - this.options.attackDamage);
    if (hp[target]! > 0) return;
    flags[target] = flags[target]! | EntityFlag.Dead;
    store.vx[target] = 0;
    store.vy[target] = 0;
    this.respawnAt[target] = this.ctx.tick + this.respawnTicks;
    this.ctx.emit('entity_died', { entity: store.idAt(target), by: store.idAt(attacker) });
    this.saveOwner(target);
  }

  private respawn(index: number): void {
    const { store } = this.ctx;
    store.flags[index] = store.flags[index]! & ~EntityFlag.Dead;
    store.hp[index] = this.options.maxHp;
    this.placeAtFreeSpot(index);
    this.saveOwner(index);
  }

  private saveOwner(index: number): void {
    const slot = this.ctx.store.owner[index]!;
    if (slot === NO_OWNER) return;
    const owner = this.ctx.players.find((p) => p.slot === slot);
    if (owner) this.ctx.requestSave(owner.id);
  }

  /** A random spot no other entity overlaps (or the last one tried when the arena is crowded). */
  private placeAtFreeSpot(index: number): void {
    const { grid, worldSize } = this.ctx;
    const r = this.options.radius;
    let x = 0;
    let y = 0;
    for (let attempt = 0; attempt < FREE_SPOT_TRIES; attempt++) {
      x = r + this.ctx.random() * (worldSize - 2 * r);
      y = r + this.ctx.random() * (worldSize - 2 * r);
      if (grid.queryRadius(x, y, 2 * r, this.scratch, index) === 0) break;
    }
    this.ctx.setPosition(index, x, y);
  }

  private sizeColumns(capacity: number): void {
    this.cooldownUntil = resized(this.cooldownUntil, capacity);
    this.respawnAt = resized(this.respawnAt, capacity);
    this.turnAt = resized(this.turnAt, capacity);
  }
}
