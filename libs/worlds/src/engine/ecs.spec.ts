import { describe, expect, it } from 'vitest';
import { EntityStore, INDEX_BITS, NO_OWNER, handleGeneration, handleIndex } from './ecs.js';

function liveIndices(store: EntityStore): number[] {
  return Array.from(store.dense.subarray(0, store.count)).sort((a, b) => a - b);
}

describe(EntityStore.name, () => {
  it('creates entities with their kind and position and reports them alive', () => {
    const sut = new EntityStore(4);
    const id = sut.create(3, 10.5, 20.25);
    const index = sut.indexOf(id);
    expect(sut.isAlive(id)).toBe(true);
    expect([sut.kind[index], sut.x[index], sut.y[index], sut.owner[index]]).toEqual([3, 10.5, 20.25, NO_OWNER]);
    expect(sut.count).toBe(1);
  });

  it('detects a stale handle once its slot is recycled', () => {
    const sut = new EntityStore(4);
    const first = sut.create(1, 0, 0);
    expect(sut.destroy(first)).toBe(true);
    const second = sut.create(1, 0, 0);
    expect(handleIndex(second)).toBe(handleIndex(first));
    expect(handleGeneration(second)).toBe(handleGeneration(first) + 1);
    expect(sut.isAlive(first)).toBe(false);
    expect(sut.indexOf(first)).toBe(-1);
    expect(sut.destroy(first)).toBe(false);
    expect(sut.isAlive(second)).toBe(true);
  });

  it('refuses handles that were never issued', () => {
    const sut = new EntityStore(4);
    sut.create(1, 0, 0);
    expect(sut.isAlive(3)).toBe(false);
    expect(sut.isAlive(-1)).toBe(false);
    expect(sut.isAlive(1.5)).toBe(false);
    expect(sut.isAlive(1 << INDEX_BITS)).toBe(false);
  });

  it('keeps the dense list equal to the live slots through creates and destroys', () => {
    const sut = new EntityStore(2);
    const ids = Array.from({ length: 10 }, (_, i) => sut.create(1, i, i));
    for (const id of [ids[0]!, ids[5]!, ids[9]!, ids[3]!]) sut.destroy(id);
    const alive = ids.filter((id) => sut.isAlive(id));
    expect(alive).toHaveLength(6);
    expect(liveIndices(sut)).toEqual(alive.map((id) => sut.indexOf(id)).sort((a, b) => a - b));
  });

  it('doubles its capacity when full, keeps the columns and tells listeners', () => {
    const sut = new EntityStore(2);
    const grown: number[] = [];
    sut.onGrow((capacity) => grown.push(capacity));
    const ids = [sut.create(1, 1, 2), sut.create(2, 3, 4), sut.create(3, 5, 6)];
    expect(sut.capacity).toBe(4);
    expect(grown).toEqual([4]);
    expect(ids.map((id) => sut.x[sut.indexOf(id)])).toEqual([1, 3, 5]);
    expect(ids.map((id) => sut.kind[sut.indexOf(id)])).toEqual([1, 2, 3]);
  });

  it('never allocates handles above 2^31 so they fit Int32 columns', () => {
    const sut = new EntityStore(1);
    let id = sut.create(1, 0, 0);
    for (let i = 0; i < 5000; i++) {
      sut.destroy(id);
      id = sut.create(1, 0, 0);
      expect(id).toBeLessThan(2 ** 31);
    }
    expect(sut.isAlive(id)).toBe(true);
  });
});
