import { describe, expect, it, vi } from 'vitest';
import { WorldLoop, type Tickable } from './world-loop.js';

/** A world whose ticks advance a fake clock by `cost(tick)` milliseconds. */
function fakeWorld(tickRate: number, clock: { t: number }, cost: (tick: number) => number = () => 0) {
  const world = {
    tickRate,
    ticks: 0,
    overruns: 0,
    tick() {
      world.ticks++;
      clock.t += cost(world.ticks);
    },
    recordOverrun() {
      world.overruns++;
    },
  } satisfies Tickable & Record<string, unknown>;
  return world;
}

describe(WorldLoop.name, () => {
  it('runs exactly the ticks that are due, anchored to the start time (no drift)', () => {
    const clock = { t: 1000 };
    const world = fakeWorld(100, clock);
    const sut = new WorldLoop(world, { now: () => clock.t });
    sut.start();
    expect(sut.runDue()).toBe(0);
    clock.t = 1000 + 10 * 10 + 5; // 10.5 periods later
    expect(sut.runDue()).toBe(10);
    clock.t = 1000 + 20 * 10;
    expect(sut.runDue()).toBe(10);
    sut.stop();
    expect(world.ticks).toBe(20);
  });

  it('runs missed ticks back to back and counts each late one as an overrun', () => {
    const clock = { t: 0 };
    const world = fakeWorld(100, clock);
    const sut = new WorldLoop(world, { now: () => clock.t });
    sut.start();
    clock.t = 55; // ticks 1..5 were due at 10..50: ticks 1-4 started more than a period late
    expect(sut.runDue()).toBe(5);
    expect(sut.overruns).toBe(4);
    expect(world.overruns).toBe(4);
    sut.stop();
  });

  it('counts a tick whose work took longer than the period', () => {
    const clock = { t: 0 };
    const world = fakeWorld(100, clock, (tick) => (tick === 2 ? 25 : 1));
    const sut = new WorldLoop(world, { now: () => clock.t });
    sut.start();
    clock.t = 20;
    // Tick 1 (due 10) starts exactly one period late: fine. Tick 2 (due 20) takes 25 ms: overrun.
    // The clock is then 46: tick 3 (due 30) starts 16 ms late: overrun; tick 4 (due 40) 6 ms
    // late: fine; tick 5 is not due yet at 48.
    expect(sut.runDue()).toBe(4);
    expect(sut.overruns).toBe(2);
    sut.stop();
  });

  it('times every tick on its own clock and reports the duration to the world', () => {
    const clock = { t: 0 };
    const durations: number[] = [];
    const world = { ...fakeWorld(100, clock, (tick) => tick), recordTickTime: (ms: number) => durations.push(ms) };
    const sut = new WorldLoop(world, { now: () => clock.t });
    sut.start();
    clock.t = 30; // ticks 1..3 due at 10, 20, 30; they cost 1, 2 and 3 ms, and tick 4 is due at 40
    expect(sut.runDue()).toBe(3);
    expect(durations).toEqual([1, 2, 3]);
    sut.stop();
  });

  it('stops after a tick throws and reports the error', () => {
    const clock = { t: 0 };
    const onError = vi.fn();
    const world = fakeWorld(100, clock, (tick) => {
      if (tick === 2) throw new Error('boom');
      return 0;
    });
    const sut = new WorldLoop(world, { now: () => clock.t, onError });
    sut.start();
    clock.t = 100;
    sut.runDue();
    expect(onError).toHaveBeenCalledWith(new Error('boom'));
    expect(sut.isRunning).toBe(false);
    expect(sut.ticks).toBe(1);
  });

  it('ticks on real timers until stopped, then not once more', async () => {
    const world = fakeWorld(1000, { t: 0 });
    const sut = new WorldLoop(world);
    sut.start();
    await vi.waitFor(() => expect(world.ticks).toBeGreaterThanOrEqual(50), { timeout: 5000, interval: 5 });
    sut.stop();
    const ticks = world.ticks;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(world.ticks).toBe(ticks);
    expect(sut.ticks).toBe(ticks);
  });

  it('runs several worlds on one process, each on its own loop', async () => {
    const fast = fakeWorld(2000, { t: 0 });
    const slow = fakeWorld(100, { t: 0 });
    const loops = [new WorldLoop(fast), new WorldLoop(slow)];
    loops.forEach((loop) => loop.start());
    await vi.waitFor(() => expect(slow.ticks).toBeGreaterThanOrEqual(5), { timeout: 5000, interval: 5 });
    loops.forEach((loop) => loop.stop());
    // Both advanced; the 20× faster world ran more ticks (a ratio from one run, not a timing).
    expect(fast.ticks).toBeGreaterThan(slow.ticks);
  });
});
