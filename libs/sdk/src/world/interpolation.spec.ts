import { describe, expect, it } from 'vitest';
import { SnapshotInterpolator } from './interpolation.js';

describe(SnapshotInterpolator.name, () => {
  it('draws an entity between the two snapshots around now − delay', () => {
    const sut = new SnapshotInterpolator({ delayMs: 100, intervalMs: 50 });
    sut.push(1000, [{ id: 1, x: 0, y: 10 }]);
    sut.push(1050, [{ id: 1, x: 10, y: 20 }]);
    sut.push(1100, [{ id: 1, x: 20, y: 20 }]);

    expect(sut.sample(1125).get(1)).toEqual({ x: 5, y: 15 }); // render time 1025: halfway through the first step
    expect(sut.sample(1190).get(1)).toEqual({ x: 18, y: 20 }); // 1090: 80 % through the second
  });

  it('holds the newest position once the render time passes it, and the oldest before it', () => {
    const sut = new SnapshotInterpolator({ delayMs: 100, intervalMs: 50 });
    sut.push(1000, [{ id: 1, x: 0, y: 0 }]);
    sut.push(1050, [{ id: 1, x: 10, y: 0 }]);

    expect(sut.sample(1000).get(1)).toEqual({ x: 0, y: 0 });
    expect(sut.sample(2000).get(1)).toEqual({ x: 10, y: 0 });
  });

  it('shows an entity that entered at its first position and drops one that left', () => {
    const sut = new SnapshotInterpolator({ delayMs: 100, intervalMs: 50 });
    sut.push(1000, [{ id: 1, x: 0, y: 0 }]);
    sut.push(1050, [{ id: 2, x: 7, y: 7 }]);

    const drawn = sut.sample(1125);
    expect(drawn.has(1)).toBe(false);
    expect(drawn.get(2)).toEqual({ x: 7, y: 7 });
  });

  it('starts smoothly after an idle gap instead of jumping most of the first step', () => {
    const sut = new SnapshotInterpolator({ delayMs: 100, intervalMs: 50 });
    sut.push(1000, [{ id: 1, x: 0, y: 0 }]);
    sut.push(5000, [{ id: 1, x: 10, y: 0 }]); // nothing moved for 4 s, then one step

    expect(sut.sample(5050).get(1)).toEqual({ x: 0, y: 0 }); // 4950: still at the repeated old position
    expect(sut.sample(5075).get(1)).toEqual({ x: 5, y: 0 }); // 4975: halfway, over one interval
  });

  it('keeps only the newest snapshots', () => {
    const sut = new SnapshotInterpolator({ delayMs: 100, intervalMs: 50, maxSnapshots: 2 });
    for (let i = 0; i < 5; i++) sut.push(1000 + i * 50, [{ id: 1, x: i, y: 0 }]);

    expect(sut.sample(0).get(1)).toEqual({ x: 3, y: 0 }); // the oldest kept is the fourth
  });
});
