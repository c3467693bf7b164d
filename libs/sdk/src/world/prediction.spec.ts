import { describe, expect, it } from 'vitest';
import { arenaStep, Predictor, type PredictedInput } from './prediction.js';

const step = arenaStep({ speed: 10, worldSize: 100 });
const right = (seq: number): PredictedInput => ({ seq, moveX: 1, moveY: 0, dt: 0.1 });

describe(Predictor.name, () => {
  it('moves the entity at once for each input after the first snapshot', () => {
    const sut = new Predictor(step);
    sut.reconcile(-1, { x: 50, y: 50 });
    sut.apply(right(0));
    sut.apply(right(1));

    expect(sut.position).toEqual({ x: 52, y: 50 });
    expect(sut.unacknowledged.map((i) => i.seq)).toEqual([0, 1]);
  });

  it('reconciles: drops acknowledged inputs and replays the rest on the server position', () => {
    const sut = new Predictor(step);
    sut.reconcile(-1, { x: 50, y: 50 });
    for (let seq = 0; seq < 5; seq++) sut.apply(right(seq));

    // The server applied 0–2 but was pushed 0.5 units down meanwhile.
    sut.reconcile(2, { x: 53, y: 50.5 });

    expect(sut.unacknowledged.map((i) => i.seq)).toEqual([3, 4]);
    expect(sut.position).toEqual({ x: 55, y: 50.5 });
  });

  it('fades a small correction out over frames instead of jumping', () => {
    const sut = new Predictor(step, { smoothingRate: 10 });
    sut.reconcile(-1, { x: 50, y: 50 });
    sut.apply(right(0));
    sut.reconcile(0, { x: 50.5, y: 50 }); // predicted 51, the server says 50.5

    expect(sut.render(0)).toEqual({ x: 51, y: 50 });
    const later = sut.render(0.1)!;
    expect(later.x).toBeCloseTo(50.5 + 0.5 * Math.exp(-1), 6);
    expect(sut.render(10)!.x).toBeCloseTo(50.5, 6);
  });

  it('snaps to a far correction (a respawn)', () => {
    const sut = new Predictor(step, { snapDistance: 4 });
    sut.reconcile(-1, { x: 50, y: 50 });
    sut.reconcile(-1, { x: 10, y: 90 });

    expect(sut.render(0)).toEqual({ x: 10, y: 90 });
  });

  it('keeps inputs sent before the first snapshot and applies them to it', () => {
    const sut = new Predictor(step);
    sut.apply(right(0));
    expect(sut.position).toBeNull();

    sut.reconcile(-1, { x: 20, y: 20 });
    expect(sut.position).toEqual({ x: 21, y: 20 });
  });
});

describe(arenaStep.name, () => {
  it('caps a diagonal or oversized move at full speed and clamps to the world', () => {
    const diagonal = step({ x: 50, y: 50 }, { seq: 0, moveX: 50, moveY: 50, dt: 1 });
    expect(diagonal.x).toBeCloseTo(50 + 10 / Math.SQRT2, 9);
    expect(diagonal.y).toBeCloseTo(50 + 10 / Math.SQRT2, 9);
    expect(step({ x: 95, y: 3 }, { seq: 0, moveX: 1, moveY: -1, dt: 1 })).toEqual({ x: 100, y: 0 });
  });
});
