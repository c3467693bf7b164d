import { describe, expect, it } from 'vitest';
import { EntityStore } from './ecs.js';
import { Field, InterestManager, OBSERVER_STRIDE, Observer, ObserverWord, SnapshotDelta } from './interest.js';
import { SpatialHash } from './spatial-hash.js';

function setup(radius = 100) {
  const store = new EntityStore(16);
  const grid = new SpatialHash({ worldSize: 1000, cellSize: 50 }, store);
  store.onGrow((capacity) => grid.ensureCapacity(capacity));
  const sut = new InterestManager(store, grid, { radius, scale: 16 });
  const observer = new Observer('binary');
  const delta = new SnapshotDelta();
  const spawn = (x: number, y: number) => {
    const id = store.create(1, x, y);
    grid.insert(store.indexOf(id), x, y);
    return id;
  };
  const moveTo = (id: number, x: number, y: number) => {
    const index = store.indexOf(id);
    store.x[index] = x;
    store.y[index] = y;
    grid.move(index, x, y);
  };
  const snapshot = (cx: number, cy: number) => {
    sut.prepare();
    sut.update(observer, cx, cy, delta);
    const idAt = (at: number) => observer.view[at * OBSERVER_STRIDE + ObserverWord.Id]!;
    const ids = (positions: Int32Array, count: number) => Array.from(positions.subarray(0, count), idAt);
    return {
      full: delta.full,
      entered: ids(delta.entered, delta.enteredCount),
      updated: ids(delta.updated, delta.updatedCount),
      masks: Array.from(delta.mask.subarray(0, delta.updatedCount)),
      left: Array.from(delta.left.subarray(0, delta.leftCount)),
      visible: Array.from({ length: observer.count }, (_, at) => idAt(at)),
    };
  };
  return { sut, store, grid, observer, spawn, moveTo, snapshot };
}

describe(InterestManager.name, () => {
  it('starts with a full state of exactly the entities inside the radius, sorted by id', () => {
    const { spawn, snapshot } = setup();
    const near = [spawn(500, 500), spawn(560, 500), spawn(500, 430)];
    spawn(700, 700);
    spawn(500, 620);
    const first = snapshot(500, 500);
    expect(first.full).toBe(true);
    expect(first.visible).toEqual([...near].sort((a, b) => a - b));
  });

  it('never shows a far entity, shows it once walked into range, drops it once far again', () => {
    const { spawn, moveTo, snapshot } = setup();
    const me = spawn(100, 100);
    const far = spawn(900, 900);
    snapshot(100, 100);
    for (let step = 0; step < 5; step++) expect(snapshot(100, 100).visible).toEqual([me]);
    let entered: number[] = [];
    for (let x = 100; x <= 900 && entered.length === 0; x += 20) {
      moveTo(me, x, x);
      entered = snapshot(x, x).entered;
    }
    expect(entered).toEqual([far]);
    moveTo(me, 100, 100);
    const leaving = snapshot(100, 100);
    expect(leaving.left).toEqual([far]);
    expect(leaving.visible).toEqual([me]);
  });

  it('keeps an entity on the edge in view until it passes the hysteresis margin', () => {
    const { spawn, moveTo, snapshot } = setup(100);
    const other = spawn(595, 500);
    snapshot(500, 500);
    moveTo(other, 605, 500);
    expect(snapshot(500, 500).left).toEqual([]);
    moveTo(other, 615, 500);
    expect(snapshot(500, 500).left).toEqual([other]);
  });

  it('sends nothing for entities that did not change', () => {
    const { spawn, snapshot } = setup();
    spawn(500, 500);
    spawn(520, 520);
    snapshot(500, 500);
    expect(snapshot(500, 500)).toMatchObject({ entered: [], updated: [], left: [] });
  });

  it('does not send moves below one quantisation step but sends the accumulated drift', () => {
    const { spawn, moveTo, snapshot, observer } = setup();
    const id = spawn(500, 500);
    snapshot(500, 500);
    let x = 500;
    const sentAt: number[] = [];
    for (let step = 1; step <= 20; step++) {
      x += 0.01;
      moveTo(id, x, 500);
      if (snapshot(500, 500).updated.length > 0) sentAt.push(step);
    }
    // 1/16 = 0.0625 units per step: the first send is after ~4 moves of 0.01 (rounding), not never.
    expect(sentAt.length).toBeGreaterThan(0);
    expect(sentAt.length).toBeLessThan(20);
    expect(Math.abs(observer.view[ObserverWord.Qx]! - Math.round(x * 16))).toBeLessThan(1);
  });

  it('reports hp changes with the hp bit only', () => {
    const { spawn, snapshot, store } = setup();
    const id = spawn(500, 500);
    snapshot(500, 500);
    store.hp[store.indexOf(id)] = 42;
    const next = snapshot(500, 500);
    expect(next.updated).toEqual([id]);
    expect(next.masks).toEqual([Field.Hp]);
  });

  it('treats a recycled slot as one entity leaving and another entering', () => {
    const { spawn, store, grid, snapshot } = setup();
    const old = spawn(500, 500);
    snapshot(500, 500);
    const index = store.indexOf(old);
    grid.remove(index);
    store.destroy(old);
    const replacement = spawn(500, 500);
    expect(store.indexOf(replacement)).toBe(index);
    const next = snapshot(500, 500);
    expect(next.left).toEqual([old]);
    expect(next.entered).toEqual([replacement]);
  });

  it('sends a full state again after a reset, without a left list', () => {
    const { spawn, snapshot, observer } = setup();
    const id = spawn(500, 500);
    snapshot(500, 500);
    observer.reset();
    const again = snapshot(500, 500);
    expect(again).toMatchObject({ full: true, entered: [id], left: [] });
  });
});
