// Drift-free scheduler: tick n is due at start + n·period, whatever earlier ticks cost. Sleeps
// with setTimeout while the next tick is far, spins on setImmediate when it is close and waits in
// place for the last quarter millisecond (so 10 kHz works), runs late ticks back to back and
// counts them: a tick is never skipped silently.

export interface Tickable {
  readonly tickRate: number;
  tick(): void;
  /**
   * How long the tick just run took (ms), as the loop measured it. The loop times ticks, not the
   * world: it reads the clock after each tick anyway, and every reading allocates a heap number,
   * which at 10 kHz is enough to keep the young generation busy.
   */
  recordTickTime?(ms: number): void;
  recordOverrun?(): void;
}

export interface WorldLoopOptions {
  /** Milliseconds, monotonic (injectable for tests). */
  now?: () => number;
  /** A tick threw: the loop has stopped. */
  onError?: (error: unknown) => void;
  /** After this much catch-up work in one go, yield to I/O before running the rest. */
  maxBatchMs?: number;
}

/** setTimeout fires up to ~1 ms late: sleep only when the next tick is further than this. */
const SPIN_WINDOW_MS = 2;
/**
 * Closer than this, wait in place rather than through another setImmediate: each one allocates,
 * and at 10 kHz hundreds of thousands of them per second feed the GC that then delays ticks.
 */
const BUSY_WAIT_MS = 0.25;
/** Longest stretch of ticking and waiting in place before I/O gets a turn. */
const YIELD_MS = 1;
/** A wait spins for this share of the time left by its estimate, then looks at the clock again. */
const SPIN_SHARE = 0.8;
/** Fewest spins between two clock reads (the estimate may be far off at first). */
const MIN_SPINS = 256;

export class WorldLoop {
  ticks = 0;
  overruns = 0;
  /** Busy-wait iterations (kept so the wait loop is not optimised away). */
  spins = 0;
  private running = false;
  private startedAt = 0;
  private readonly period: number;
  private readonly now: () => number;
  private readonly maxBatchMs: number;
  /** Busy-wait iterations per millisecond, learnt while waiting (clock reads per wait: ~2). */
  private spinsPerMs = 10_000;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly world: Tickable,
    private readonly options: WorldLoopOptions = {},
  ) {
    this.period = 1000 / world.tickRate;
    this.now = options.now ?? (() => performance.now());
    this.maxBatchMs = options.maxBatchMs ?? 50;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.now() - this.ticks * this.period;
    this.schedule(this.now());
  }

  /** Prompt: no tick runs after stop() returns. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /** Runs every tick that is due now (up to maxBatchMs of work); returns how many ran. */
  runDue(): number {
    const before = this.ticks;
    this.runFrom(this.now());
    return this.ticks - before;
  }

  /** Runs the ticks due at `batchStart` and after; returns the last clock reading. */
  private runFrom(batchStart: number): number {
    let now = batchStart;
    while (this.running) {
      const due = this.startedAt + (this.ticks + 1) * this.period;
      if (now < due) break;
      const late = now - due;
      try {
        this.world.tick();
      } catch (error) {
        this.stop();
        this.options.onError?.(error);
        break;
      }
      // The one clock reading of this tick: it times the tick and starts the next wait.
      const after = this.now();
      this.world.recordTickTime?.(after - now);
      this.ticks++;
      if (late > this.period || after - now > this.period) {
        this.overruns++;
        this.world.recordOverrun?.();
      }
      now = after;
      if (now - batchStart >= this.maxBatchMs) break;
    }
    return now;
  }

  private readonly step = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (!this.running) return;
    const entered = this.now();
    let now = this.runFrom(entered);
    // Ticks that are about to be due run in this same callback, waiting in place, until I/O has
    // waited YIELD_MS: at 10 kHz that is ~10 ticks per setImmediate instead of one.
    for (;;) {
      const due = this.startedAt + (this.ticks + 1) * this.period;
      if (!this.running || due - now > BUSY_WAIT_MS || now - entered >= YIELD_MS) break;
      now = this.runFrom(this.waitUntil(due, now));
    }
    if (this.running) this.schedule(now);
  };

  /**
   * Busy-waits from the reading `now` until `due`; returns the clock reading that passed it. Spins
   * for most of the time left by the learnt rate before reading the clock again: each
   * performance.now() allocates a heap number, and reading it in a tight loop at 10 kHz fed the
   * GC enough to make ticks late.
   */
  private waitUntil(due: number, now: number): number {
    while (now < due) {
      const spins = Math.max(MIN_SPINS, Math.floor((due - now) * this.spinsPerMs * SPIN_SHARE));
      for (let k = 0; k < spins; k++) this.spins++;
      const after = this.now();
      // A slow round (descheduled) lowers the rate: the next wait reads the clock more often, never late.
      if (after > now) this.spinsPerMs = this.spinsPerMs * 0.75 + (spins / (after - now)) * 0.25;
      now = after;
    }
    return now;
  }

  private schedule(now: number): void {
    const wait = this.startedAt + (this.ticks + 1) * this.period - now;
    if (wait > SPIN_WINDOW_MS) this.timer = setTimeout(this.step, wait - SPIN_WINDOW_MS / 2);
    else this.immediate = setImmediate(this.step);
  }
}
