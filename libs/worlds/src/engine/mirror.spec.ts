import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewChecksum } from './checksum.js';
import { ByteWriter, encodeChecksumBinary, encodeSnapshotBinary, encodeSnapshotJson, type WorldMessageJson } from './codec.js';
import { EntityStore } from './ecs.js';
import { InterestManager, OBSERVER_STRIDE, Observer, ObserverWord, SnapshotDelta } from './interest.js';
import { WorldMirror } from './mirror.js';
import { SpatialHash } from './spatial-hash.js';

const WORLD = 400;
const SCALE = 16;

/** A server-side view plus a mirror per encoding, fed from the same snapshots. */
function harness(radius: number) {
  const store = new EntityStore(8);
  const grid = new SpatialHash({ worldSize: WORLD, cellSize: 40 }, store);
  store.onGrow((capacity) => grid.ensureCapacity(capacity));
  const interest = new InterestManager(store, grid, { radius, scale: SCALE });
  const observer = new Observer('binary');
  const delta = new SnapshotDelta();
  const writer = new ByteWriter(16);
  const binary = new WorldMirror();
  const json = new WorldMirror();
  let tick = 0;
  const snapshot = (cx: number, cy: number) => {
    tick++;
    interest.prepare();
    interest.update(observer, cx, cy, delta);
    // JSON goes through a real serialisation, as on the wire.
    const wireJson = JSON.parse(JSON.stringify(encodeSnapshotJson(observer, delta, tick, tick - 1, SCALE))) as WorldMessageJson;
    expect(binary.apply(encodeSnapshotBinary(writer, observer, delta, tick, tick - 1, SCALE))).toBe('ok');
    expect(json.apply(wireJson)).toBe('ok');
  };
  const baseline = () =>
    Array.from({ length: observer.count }, (_, i) => {
      const o = i * OBSERVER_STRIDE;
      const kindFlags = observer.view[o + ObserverWord.KindFlags]!;
      return {
        id: observer.view[o + ObserverWord.Id]!,
        qx: observer.view[o + ObserverWord.Qx]!,
        qy: observer.view[o + ObserverWord.Qy]!,
        hp: observer.view[o + ObserverWord.Hp]!,
        kind: kindFlags & 0xff,
        flags: kindFlags >>> 8,
      };
    });
  // The server hashes its interleaved records; it must equal the pure function over the columns.
  const serverChecksum = () => {
    const rows = baseline();
    const column = (pick: (row: (typeof rows)[number]) => number) => rows.map(pick);
    const value = observer.checksum();
    expect(value).toBe(
      viewChecksum(
        rows.length,
        column((r) => r.id),
        column((r) => r.qx),
        column((r) => r.qy),
        column((r) => r.hp),
        column((r) => r.kind),
        column((r) => r.flags),
      ),
    );
    return value;
  };
  const mirrored = (mirror: WorldMirror) =>
    [...mirror.entities.values()].sort((a, b) => a.id - b.id).map(({ id, qx, qy, hp, kind, flags }) => ({ id, qx, qy, hp, kind, flags }));
  return { store, grid, observer, writer, binary, json, snapshot, serverChecksum, baseline, mirrored, tick: () => tick };
}

// Integers scaled down: fc.double favours the extremes, which would put every entity in a corner.
const coordinate = fc.integer({ min: 0, max: WORLD * 1000 }).map((n) => n / 1000);
/** Mostly a few quantisation steps (where off-by-one encodings hide), sometimes a long jump. */
const offset = fc.oneof(
  fc.integer({ min: -8, max: 8 }).map((steps) => steps / SCALE),
  fc.integer({ min: -30_000, max: 30_000 }).map((n) => n / 1000),
);
const entitySpec = fc.record({
  x: coordinate,
  y: coordinate,
  kind: fc.integer({ min: 0, max: 255 }),
  hp: fc.integer({ min: -1000, max: 100_000 }),
});
const stepSpec = fc.record({
  moves: fc.array(fc.tuple(fc.nat(), offset, offset), { maxLength: 20 }),
  drifts: fc.array(
    fc.tuple(
      fc.nat(),
      fc.integer({ min: -50, max: 50 }).map((n) => n / 1000),
    ),
    { maxLength: 10 },
  ),
  hits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: -50, max: 50 })), { maxLength: 5 }),
  flags: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
  destroys: fc.array(fc.nat(), { maxLength: 3 }),
  spawns: fc.array(entitySpec, { maxLength: 3 }),
  center: fc.tuple(fc.integer({ min: -60, max: 60 }), fc.integer({ min: -60, max: 60 })),
  resync: fc.boolean(),
});

describe(WorldMirror.name, () => {
  it('mirrors the server baseline after every snapshot, in both encodings (property)', () => {
    fc.assert(
      fc.property(
        fc.array(entitySpec, { maxLength: 60, size: 'max' }),
        fc.array(stepSpec, { minLength: 1, maxLength: 25 }),
        (initial, steps) => {
          const radius = 120;
          const h = harness(radius);
          const live: number[] = [];
          const spawn = (e: { x: number; y: number; kind: number; hp: number }) => {
            const id = h.store.create(e.kind, e.x, e.y);
            const index = h.store.indexOf(id);
            h.store.hp[index] = e.hp;
            h.grid.insert(index, e.x, e.y);
            live.push(id);
          };
          const move = (index: number, x: number, y: number) => {
            h.store.x[index] = Math.min(WORLD, Math.max(0, x));
            h.store.y[index] = Math.min(WORLD, Math.max(0, y));
            h.grid.move(index, h.store.x[index]!, h.store.y[index]!);
          };
          initial.forEach(spawn);
          let cx = WORLD / 2;
          let cy = WORLD / 2;
          h.snapshot(cx, cy);
          for (const step of steps) {
            const pick = (n: number) => (live.length === 0 ? -1 : h.store.indexOf(live[n % live.length]!));
            for (const [n, dx, dy] of step.moves) {
              const i = pick(n);
              if (i >= 0) move(i, h.store.x[i]! + dx, h.store.y[i]! + dy);
            }
            for (const [n, d] of step.drifts) {
              const i = pick(n);
              if (i >= 0) move(i, h.store.x[i]! + d, h.store.y[i]! - d);
            }
            for (const [n, d] of step.hits) {
              const i = pick(n);
              if (i >= 0) h.store.hp[i] = h.store.hp[i]! + d;
            }
            for (const [n, f] of step.flags) {
              const i = pick(n);
              if (i >= 0) h.store.flags[i] = f;
            }
            for (const n of step.destroys) {
              if (live.length === 0) break;
              const [id] = live.splice(n % live.length, 1);
              h.grid.remove(h.store.indexOf(id!));
              h.store.destroy(id!);
            }
            step.spawns.forEach(spawn);
            cx = Math.min(WORLD, Math.max(0, cx + step.center[0]));
            cy = Math.min(WORLD, Math.max(0, cy + step.center[1]));
            if (step.resync) h.observer.reset();
            h.snapshot(cx, cy);
            const expected = h.baseline();
            // The baseline follows the world: right entities in view, positions to the step.
            const visible = new Set(expected.map((e) => e.id));
            for (const id of live) {
              const i = h.store.indexOf(id);
              const x = Math.fround(h.store.x[i]!);
              const y = Math.fround(h.store.y[i]!);
              const distance = Math.hypot(x - cx, y - cy);
              if (distance < radius - 1e-3) expect(visible.has(id)).toBe(true);
              if (distance > radius * 1.1 + 1e-3) expect(visible.has(id)).toBe(false);
              if (visible.has(id)) {
                expect(expected.find((e) => e.id === id)).toMatchObject({
                  qx: Math.round(x * SCALE),
                  qy: Math.round(y * SCALE),
                  hp: h.store.hp[i],
                });
              }
            }
            expect(expected.every((e) => live.includes(e.id))).toBe(true);
            expect(h.mirrored(h.binary)).toEqual(expected);
            expect(h.mirrored(h.json)).toEqual(expected);
            expect(h.binary.checksum()).toBe(h.serverChecksum());
            expect(h.json.checksum()).toBe(h.serverChecksum());
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('accepts the server checksum when in sync and asks for a resync when tampered with', () => {
    const h = harness(120);
    for (let i = 0; i < 5; i++) {
      const id = h.store.create(1, 190 + i * 5, 200);
      h.grid.insert(h.store.indexOf(id), 190 + i * 5, 200);
    }
    h.snapshot(200, 200);
    const sut = h.binary;
    expect(sut.apply(encodeChecksumBinary(h.writer, h.tick(), h.serverChecksum()))).toBe('ok');
    expect(h.json.apply({ type: 'checksum', tick: h.tick(), value: h.serverChecksum() })).toBe('ok');

    const tampered = [...sut.entities.values()][2]!;
    tampered.qx += 1;
    expect(sut.apply(encodeChecksumBinary(h.writer, h.tick(), h.serverChecksum()))).toBe('resync');
    expect(sut.stale).toBe(true);
    // Deltas are refused until a fresh world_state arrives.
    h.observer.reset();
    h.snapshot(200, 200);
    expect(sut.stale).toBe(false);
    expect(sut.apply(encodeChecksumBinary(h.writer, h.tick(), h.serverChecksum()))).toBe('ok');
  });

  it('asks for a resync when a delta updates an entity it does not have', () => {
    const sut = new WorldMirror();
    sut.apply({ type: 'world_state', tick: 1, seq: -1, scale: 16, entities: [] });
    expect(sut.apply({ type: 'state_delta', tick: 2, seq: -1, changes: { updated: [{ id: 7, x: 1 }], entered: [], left: [] } })).toBe(
      'resync',
    );
  });

  it('exposes entities in world units and the last processed input seq', () => {
    const sut = new WorldMirror();
    sut.apply({ type: 'world_state', tick: 3, seq: 41, scale: 16, entities: [{ id: 5, x: 10.5, y: 2.25, kind: 1, hp: 90, flags: 0 }] });
    expect(sut.entities.get(5)).toMatchObject({ x: 10.5, y: 2.25, qx: 168, qy: 36, hp: 90 });
    expect([sut.tick, sut.seq]).toEqual([3, 41]);
  });
});
