import type { Point } from './interpolation.js';

/** One input as the predictor replays it: the move vector and how long it steers the entity. */
export interface PredictedInput {
  seq: number;
  moveX: number;
  moveY: number;
  /** Seconds this input moves the entity for (the input interval). */
  dt: number;
}

/** The client's copy of the server's movement rule: where an entity at `from` ends up after `input`. */
export type MoveStep = (from: Point, input: PredictedInput) => Point;

/**
 * The arena module's movement: a move vector longer than 1 is scaled down to 1, times `speed`
 * units per second, clamped to the world (docs/worlds-engine.md, tick phases and the arena).
 */
export function arenaStep(options: { speed: number; worldSize: number }): MoveStep {
  return (from, input) => {
    const length = Math.hypot(input.moveX, input.moveY);
    const scale = length > 1 ? 1 / length : 1;
    const clamp = (v: number) => Math.min(options.worldSize, Math.max(0, v));
    return {
      x: clamp(from.x + input.moveX * scale * options.speed * input.dt),
      y: clamp(from.y + input.moveY * scale * options.speed * input.dt),
    };
  };
}

export interface PredictorOptions {
  /** A correction longer than this (a respawn, a push) is applied at once instead of smoothed away. */
  snapDistance?: number;
  /** How fast a small correction fades out, per second (about 1/s of it is left after 1/rate s). */
  smoothingRate?: number;
}

/**
 * Client-side prediction for the player's own entity: each input moves it at once (no round trip
 * of latency), and every snapshot reconciles: the server's position already includes the inputs up
 * to the acknowledged `seq`, so those are dropped and the newer ones replayed on top of it. The
 * small difference that leaves is faded out over a few frames rather than shown as a jump.
 */
export class Predictor {
  private readonly pending: PredictedInput[] = [];
  private predicted: Point | null = null;
  private correction: Point = { x: 0, y: 0 };
  private readonly snapDistance: number;
  private readonly smoothingRate: number;

  constructor(
    private readonly step: MoveStep,
    options: PredictorOptions = {},
  ) {
    this.snapDistance = options.snapDistance ?? 4;
    this.smoothingRate = options.smoothingRate ?? 10;
  }

  /** The predicted position (server state plus unacknowledged inputs); null before the first snapshot. */
  get position(): Point | null {
    return this.predicted;
  }

  /** Inputs sent and not yet acknowledged. */
  get unacknowledged(): readonly PredictedInput[] {
    return this.pending;
  }

  /** A local input: applied now, kept until the server acknowledges its seq. */
  apply(input: PredictedInput): void {
    this.pending.push(input);
    if (this.predicted) this.predicted = this.step(this.predicted, input);
  }

  /** A snapshot: `server` is the entity's position with every input up to `ackSeq` applied. */
  reconcile(ackSeq: number, server: Point): void {
    let acknowledged = 0;
    while (acknowledged < this.pending.length && this.pending[acknowledged]!.seq <= ackSeq) acknowledged++;
    this.pending.splice(0, acknowledged);
    let position = server;
    for (const input of this.pending) position = this.step(position, input);
    if (this.predicted) {
      const dx = this.predicted.x + this.correction.x - position.x;
      const dy = this.predicted.y + this.correction.y - position.y;
      this.correction = Math.hypot(dx, dy) > this.snapDistance ? { x: 0, y: 0 } : { x: dx, y: dy };
    }
    this.predicted = position;
  }

  /** Where to draw the entity, `dtSeconds` after the last frame: the prediction plus what is left of the last correction. */
  render(dtSeconds: number): Point | null {
    if (!this.predicted) return null;
    const keep = Math.exp(-this.smoothingRate * dtSeconds);
    this.correction = { x: this.correction.x * keep, y: this.correction.y * keep };
    return { x: this.predicted.x + this.correction.x, y: this.predicted.y + this.correction.y };
  }

  /** Forgets everything (the player left the world). */
  reset(): void {
    this.pending.length = 0;
    this.predicted = null;
    this.correction = { x: 0, y: 0 };
  }
}
