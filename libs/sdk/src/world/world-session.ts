import { MessageType } from '../../../worlds/src/engine/codec.js';
import { WorldMirror, type MirrorEntity } from '../../../worlds/src/engine/mirror.js';
import type { JoinWorldAck, WorldWireMessage } from '../realtime/events.js';
import { SnapshotInterpolator, type Point } from './interpolation.js';
import { arenaStep, Predictor, type MoveStep } from './prediction.js';

export interface WorldSessionOptions {
  /** The interval the game sends inputs at (default 50 ms): each input steers the entity for that long. */
  inputIntervalMs?: number;
  /** The client's copy of the module's movement (default: the arena's, at `speed`). */
  step?: MoveStep;
  /** The arena's `speed` module option, when the world was created with another (default 8). */
  speed?: number;
  /** How far in the past others are drawn (default: two snapshot intervals). */
  interpolationDelayMs?: number;
}

/** An entity as the game draws it: interpolated (others) or predicted (the player's own). */
export interface WorldEntity extends Point {
  id: number;
  kind: number;
  hp: number;
  flags: number;
  own: boolean;
}

/** What the session needs from the connection: send an event, without and with a reply. */
export interface WorldTransport {
  emit(event: 'input', payload: { move_x: number; move_y: number; action?: number; seq: number }): void;
  emit(event: 'request_state', payload: Record<string, never>): void;
}

/**
 * The player's view of one world: the mirror of what the server sent (either encoding, checked
 * against the server's checksum and resynchronised on a mismatch), others interpolated, and the
 * player's own entity predicted from its inputs and reconciled with the acknowledged `seq`.
 */
export class WorldSession {
  readonly mirror = new WorldMirror();
  readonly interpolator: SnapshotInterpolator;
  readonly predictor: Predictor;
  /** Checksum mismatches (or unknown ids in a delta) so far, each answered with `request_state`. */
  resyncs = 0;
  private seq = -1;
  private awaitingState = false;
  private lastRender: number | null = null;
  private readonly dt: number;

  constructor(
    private readonly transport: WorldTransport,
    /** The `join_world` acknowledgement: own entity, rates, world size. */
    public info: JoinWorldAck,
    options: WorldSessionOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.dt = (options.inputIntervalMs ?? 50) / 1000;
    const interval = 1000 / info.snapshot_rate;
    this.interpolator = new SnapshotInterpolator({ delayMs: options.interpolationDelayMs ?? 2 * interval, intervalMs: interval });
    this.predictor = new Predictor(options.step ?? arenaStep({ speed: options.speed ?? 8, worldSize: info.world_size }));
  }

  /** The player's own entity as the server last reported it. */
  get own(): MirrorEntity | undefined {
    return this.mirror.entities.get(this.info.entity);
  }

  /** The last input seq sent. */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Sends one input and predicts its effect. Call at a fixed rate (`inputIntervalMs`), also while
   * standing still (a zero move), so the server and the prediction agree on how long each lasted.
   */
  input(moveX: number, moveY: number, action?: number): number {
    // After a reconnect the server may know a later seq than this object sent (another tab, a reload).
    this.seq = Math.max(this.seq, this.mirror.seq) + 1;
    this.transport.emit('input', { move_x: moveX, move_y: moveY, seq: this.seq, ...(action === undefined ? {} : { action }) });
    this.predictor.apply({ seq: this.seq, moveX, moveY, dt: this.dt });
    return this.seq;
  }

  /** Applies a `world_state`, `state_delta` or `checksum` (JSON or bytes), in arrival order. */
  apply(message: WorldWireMessage): void {
    const fullState = message instanceof Uint8Array ? message[0] === MessageType.WorldState : message.type === 'world_state';
    if (fullState) this.awaitingState = false;
    if (this.mirror.apply(message) === 'resync') {
      if (!this.awaitingState) {
        this.awaitingState = true;
        this.resyncs++;
        this.transport.emit('request_state', {});
      }
      return;
    }
    const isChecksum = message instanceof Uint8Array ? message[0] === MessageType.Checksum : message.type === 'checksum';
    if (isChecksum) return;
    const others = [...this.mirror.entities.values()].filter((e) => e.id !== this.info.entity);
    this.interpolator.push(this.now(), others);
    const own = this.own;
    if (own) this.predictor.reconcile(this.mirror.seq, own);
  }

  /** Every entity in view, where to draw it now. */
  entities(): WorldEntity[] {
    const now = this.now();
    const dt = this.lastRender === null ? 0 : (now - this.lastRender) / 1000;
    this.lastRender = now;
    const positions = this.interpolator.sample(now);
    const out: WorldEntity[] = [];
    for (const e of this.mirror.entities.values()) {
      const own = e.id === this.info.entity;
      const at = own ? this.predictor.render(dt) : positions.get(e.id);
      const { x, y } = at ?? e;
      out.push({ id: e.id, x, y, kind: e.kind, hp: e.hp, flags: e.flags, own });
    }
    return out;
  }

  /** Starts over after a rejoin (a new connection outside the resume grace period). */
  rejoined(info: JoinWorldAck): void {
    this.info = info;
    this.interpolator.clear();
    this.predictor.reset();
  }
}
