// Drift-free scheduler: tick n is due at start + n·period, whatever earlier ticks cost. Sleeps
// with setTimeout while the next tick is far, spins on setImmediate when it is close and waits in
// place for the last quarter millisecond (so 10 kHz works), runs late ticks back to back and
// counts them: a tick is never skipped silently.

export interface Tickable {
  readonly tickRate: number;
  tick(): void;
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
const SPIN_CHUNK = 1024;
/** Longest stretch of ticking and waiting in place before I/O gets a turn. */
const YIELD_MS = 1;

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
    this.schedule();
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
    const batchStart = this.now();
    let now = batchStart;
    let ran = 0;
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
      this.ticks++;
      ran++;
      const after = this.now();
      if (late > this.period || after - now > this.period) {
        this.overruns++;
        this.world.recordOverrun?.();
      }
      now = after;
      if (now - batchStart >= this.maxBatchMs) break;
    }
    return ran;
  }

  private readonly step = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (!this.running) return;
    const entered = this.now();
    this.runDue();
    // Ticks that are about to be due run in this same callback, waiting in place, until I/O has
    // waited YIELD_MS: at 10 kHz that is ~10 ticks per setImmediate instead of one.
    for (;;) {
      const due = this.startedAt + (this.ticks + 1) * this.period;
      const now = this.now();
      if (!this.running || due - now > BUSY_WAIT_MS || now - entered >= YIELD_MS) break;
      this.waitUntil(due);
      this.runDue();
    }
    if (this.running) this.schedule();
  };

  /**
   * Busy-waits until `due`. The clock is read every SPIN_CHUNK iterations only: each read of
   * performance.now() allocates a heap number, and reading it in a tight loop at 10 kHz feeds
   * the GC enough to make ticks late.
   */
  private waitUntil(due: number): void {
    while (this.now() < due) for (let k = 0; k < SPIN_CHUNK; k++) this.spins++;
  }

  private schedule(): void {
    const wait = this.startedAt + (this.ticks + 1) * this.period - this.now();
    if (wait > SPIN_WINDOW_MS) this.timer = setTimeout(this.step, wait - SPIN_WINDOW_MS / 2);
    else this.immediate = setImmediate(this.step);
  }
}
