// The contract between the world runtime and game logic. Studios subclass WorldModule; the
// runtime owns the loop, the inputs, the grid and the network, the module owns the rules.
import type { EntityStore } from './ecs.js';
import type { SpatialHash } from './spatial-hash.js';

export type SavedState = Record<string, unknown>;

export interface WorldPlayer {
  readonly id: string;
  /** Dense slot number in [0, maxPlayers): index module-side per-player arrays with it. */
  readonly slot: number;
  /** The entity the player controls (its view is centred there), or -1 for a spectator. */
  entity: number;
  /** Last input seq applied for this player (-1: none yet). */
  readonly lastSeq: number;
}

/** A validated input: moves are finite with |(moveX, moveY)| ≤ 1, action an integer 0..255. */
export interface PlayerInput {
  moveX: number;
  moveY: number;
  action: number;
  seq: number;
  /** The client's timestamp, untouched (for lag compensation by modules that want it). */
  timestamp: number;
}

export interface WorldContext {
  readonly store: EntityStore;
  readonly grid: SpatialHash;
  /** Number of the tick being run (1 for the first). */
  readonly tick: number;
  readonly tickRate: number;
  readonly worldSize: number;
  /** Upper bound the runtime applies to every entity's speed, in world units per second. */
  readonly maxSpeed: number;
  /** Players currently joined (do not mutate). */
  readonly players: readonly WorldPlayer[];
  /** Deterministic per-world PRNG in [0, 1). */
  random(): number;
  /** Creates an entity and puts it in the grid; returns its id. */
  spawn(kind: number, x: number, y: number): number;
  /** Removes an entity from the store and the grid. */
  despawn(id: number): boolean;
  /** Moves (or teleports, e.g. respawn) the entity in slot `index`, clamped to the world. */
  setPosition(index: number, x: number, y: number): void;
  player(playerId: string): WorldPlayer | undefined;
  /** Critical event: the player's state is saved at the end of this tick. */
  requestSave(playerId: string): void;
  /** Sends `{type: event, ...payload}` to one player, or to everyone in the world. */
  emit(event: string, payload: Record<string, unknown>, to?: string): void;
}

export abstract class WorldModule {
  protected ctx!: WorldContext;

  /** Called once before the first tick; subclasses call `super.onCreate(ctx)`. */
  onCreate(ctx: WorldContext): void {
    this.ctx = ctx;
  }

  /** `true` to admit, or a reason string to refuse (capacity is checked before this). */
  onJoinAttempt(_player: { readonly id: string }): true | string {
    return true;
  }

  /** Spawns the player's entity, from `saved` when it is a rejoin; returns the entity id. */
  abstract onJoin(player: WorldPlayer, saved?: SavedState): number;

  /** Applied during the input phase, before movement; `input` is reused, copy what you keep. */
  onInput(_player: WorldPlayer, _input: PlayerInput): void {}

  /** Game rules, after inputs and movement. */
  onTick(_ctx: WorldContext, _dtSeconds: number): void {}

  /** The state to persist for a player (periodic saves, critical events). */
  abstract saveState(player: WorldPlayer): SavedState;

  /** Returns the state to save; the runtime then despawns `player.entity` if it is still alive. */
  onLeave(player: WorldPlayer): SavedState {
    return this.saveState(player);
  }

  onDispose(): void {}

  /** A readable name of an entity kind (the numbers are the module's own), for tools such as the dashboard's map. */
  kindName(kind: number): string {
    return String(kind);
  }
}
