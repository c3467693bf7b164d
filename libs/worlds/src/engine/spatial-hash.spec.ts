import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpatialHash } from './spatial-hash.js';

const WORLD = 100;

function bruteForce(xs: Float64Array, ys: Float64Array, inGrid: boolean[], x: number, y: number, r: number, exclude = -1): number[] {
  const found: number[] = [];
  for (let i = 0; i < inGrid.length; i++) {
    if (!inGrid[i] || i === exclude) continue;
    const dx = xs[i]! - x;
    const dy = ys[i]! - y;
    if (dx * dx + dy * dy <= r * r) found.push(i);
  }
  return found;
}

// Integers scaled down (fc.double favours the extremes), with a few points outside the world.
const coordinate = fc.integer({ min: -2000, max: (WORLD + 2) * 1000 }).map((n) => n / 1000);
const operation = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), index: fc.nat(31), x: coordinate, y: coordinate }),
  fc.record({ op: fc.constant('move' as const), index: fc.nat(31), x: coordinate, y: coordinate }),
  fc.record({ op: fc.constant('remove' as const), index: fc.nat(31), x: fc.constant(0), y: fc.constant(0) }),
);

describe(SpatialHash.name, () => {
  it('answers radius queries exactly like a brute-force scan after any insert/move/remove sequence', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 120, size: 'max' }),
        fc.array(
          fc.tuple(
            coordinate,
            coordinate,
            fc.integer({ min: 0, max: 60_000 }).map((n) => n / 1000),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 40 }),
        (operations, queries, cellSize) => {
          const positions = { x: new Float64Array(32), y: new Float64Array(32) };
          const sut = new SpatialHash({ worldSize: WORLD, cellSize, capacity: 8 }, positions);
          sut.ensureCapacity(32);
          const inGrid = new Array<boolean>(32).fill(false);
          for (const { op, index, x, y } of operations) {
            if (op === 'remove') {
              sut.remove(index);
              inGrid[index] = false;
              continue;
            }
            positions.x[index] = x;
            positions.y[index] = y;
            if (op === 'insert' || !inGrid[index]) sut.insert(index, x, y);
            else sut.move(index, x, y);
            inGrid[index] = true;
          }
          const out = new Int32Array(32);
          for (const [x, y, r] of queries) {
            const count = sut.queryRadius(x, y, r, out);
            expect(Array.from(out.subarray(0, count)).sort((a, b) => a - b)).toEqual(bruteForce(positions.x, positions.y, inGrid, x, y, r));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('excludes the entity itself from a neighbour query', () => {
    const positions = { x: Float64Array.from([10, 11, 50]), y: Float64Array.from([10, 10, 50]) };
    const sut = new SpatialHash({ worldSize: WORLD, cellSize: 10, capacity: 3 }, positions);
    for (let i = 0; i < 3; i++) sut.insert(i, positions.x[i]!, positions.y[i]!);
    const out = new Int32Array(4);
    const count = sut.queryNeighbours(0, 2, out);
    expect(Array.from(out.subarray(0, count))).toEqual([1]);
  });

  it('reports the full count when the output buffer is too small, so the caller can grow it', () => {
    const positions = { x: new Float64Array(10).fill(5), y: new Float64Array(10).fill(5) };
    const sut = new SpatialHash({ worldSize: WORLD, cellSize: 10, capacity: 10 }, positions);
    for (let i = 0; i < 10; i++) sut.insert(i, 5, 5);
    const out = new Int32Array(4);
    expect(sut.queryRadius(5, 5, 1, out)).toBe(10);
  });

  it('clamps coordinates outside the world into the border cells', () => {
    const positions = { x: Float64Array.from([-5, WORLD + 5]), y: Float64Array.from([-5, WORLD + 5]) };
    const sut = new SpatialHash({ worldSize: WORLD, cellSize: 10 }, positions);
    sut.insert(0, -5, -5);
    sut.insert(1, WORLD + 5, WORLD + 5);
    expect(sut.cellOf[0]).toBe(0);
    expect(sut.cellOf[1]).toBe(sut.columns * sut.columns - 1);
    const out = new Int32Array(2);
    expect(sut.queryRadius(-5, -5, 1, out)).toBe(1);
  });
});
