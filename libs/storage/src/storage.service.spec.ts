import type { GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import { AppError } from '@spawnpoint/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { WritePrecondition } from './preconditions.js';
import type { BatchOutcome, StorageRecord, StorageRepository, StorageWriteInput, WriteGuard, WriteOutcome } from './storage.repository.js';
import { StorageService } from './storage.service.js';

const GAME = 'g';
const server: GamePrincipal = { kind: 'server', gameId: GAME, keyId: 'k' };
const client: GamePrincipal = { kind: 'client', gameId: GAME, keyId: 'k' };
const alice: GamePrincipal = { kind: 'player', gameId: GAME, playerId: 'alice', sessionId: 's1' };
const bob: GamePrincipal = { kind: 'player', gameId: GAME, playerId: 'bob', sessionId: 's2' };

function record(key: string, fields: Partial<StorageRecord> = {}): StorageRecord {
  const now = new Date();
  return {
    playerId: 'alice',
    collection: 'c',
    key,
    value: { key },
    version: 1,
    readAccess: 'owner',
    writeAccess: 'owner',
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

/** An in-memory stand-in with the repository's contract: conditional writes that report the current row on refusal. */
class FakeStorageRepository {
  rows = new Map<string, StorageRecord>();
  lastListAccess: unknown = 'unset';

  async find(_g: string, playerId: string, collection: string, key: string): Promise<StorageRecord | null> {
    return this.rows.get(`${playerId}/${collection}/${key}`) ?? null;
  }

  async list(
    _g: string,
    playerId: string,
    collection: string,
    options: { after?: string; limit: number; readAccess?: string[] },
  ): Promise<StorageRecord[]> {
    this.lastListAccess = options.readAccess;
    return [...this.rows.values()]
      .filter((r) => r.playerId === playerId && r.collection === collection && (options.after === undefined || r.key > options.after))
      .filter((r) => !options.readAccess || options.readAccess.includes(r.readAccess))
      .sort((x, y) => (x.key < y.key ? -1 : 1))
      .slice(0, options.limit);
  }

  async write(_g: string, playerId: string, input: StorageWriteInput, guard: WriteGuard): Promise<WriteOutcome> {
    const id = `${playerId}/${input.collection}/${input.key}`;
    const current = this.rows.get(id) ?? null;
    if (!holds(input.precondition, current) || (guard.ownerWritableOnly && current?.writeAccess === 'none')) return { ok: false, current };
    const next = record(input.key, {
      playerId,
      collection: input.collection,
      value: input.value,
      version: (current?.version ?? 0) + 1,
      readAccess: input.read ?? current?.readAccess ?? 'owner',
      writeAccess: input.write ?? current?.writeAccess ?? 'owner',
    });
    this.rows.set(id, next);
    return { ok: true, record: next };
  }

  async writeAll(g: string, playerId: string, inputs: StorageWriteInput[], guard: WriteGuard): Promise<BatchOutcome> {
    const before = new Map(this.rows);
    const records: StorageRecord[] = [];
    const failures: Array<{ index: number; current: StorageRecord | null }> = [];
    for (const [index, input] of inputs.entries()) {
      const outcome = await this.write(g, playerId, input, guard);
      if (outcome.ok) records.push(outcome.record);
      else failures.push({ index, current: outcome.current });
    }
    if (failures.length === 0) return { ok: true, records };
    this.rows = before;
    return { ok: false, failures };
  }
}

function holds(precondition: WritePrecondition, current: StorageRecord | null): boolean {
  switch (precondition.kind) {
    case 'none':
      return true;
    case 'absent':
      return current === null;
    case 'exists':
      return current !== null;
    case 'version':
      return current?.version === precondition.version;
  }
}

class FakePlayersRepository {
  known = new Set(['alice', 'bob']);
  ensured: string[] = [];
  async ensure(_g: string, id: string): Promise<void> {
    this.ensured.push(id);
    this.known.add(id);
  }
  async findById(_g: string, id: string): Promise<unknown> {
    return this.known.has(id) ? { id, email: null, bannedAt: null } : null;
  }
}

const none: WritePrecondition = { kind: 'none' };

describe(StorageService.name, () => {
  let repo: FakeStorageRepository;
  let players: FakePlayersRepository;
  let sut: StorageService;
  beforeEach(() => {
    repo = new FakeStorageRepository();
    players = new FakePlayersRepository();
    const playersService = new PlayersService(
      players as unknown as ConstructorParameters<typeof PlayersService>[0],
      {} as ConstructorParameters<typeof PlayersService>[1],
    );
    sut = new StorageService(repo as unknown as StorageRepository, playersService);
  });

  const seed = (...rows: StorageRecord[]) => rows.forEach((r) => repo.rows.set(`${r.playerId}/${r.collection}/${r.key}`, r));

  describe('get', () => {
    it.each([
      ['server', server, 'none', true],
      ['owner', alice, 'owner', true],
      ['owner', alice, 'public', true],
      ['owner', alice, 'none', false],
      ['other player', bob, 'public', true],
      ['other player', bob, 'owner', false],
      ['other player', bob, 'none', false],
    ] as const)('lets the %s read a read=%s document: %s', async (_who, caller, readAccess, allowed) => {
      seed(record('k', { readAccess }));
      const result = sut.get(caller, 'alice', 'c', 'k');
      if (allowed) await expect(result).resolves.toMatchObject({ key: 'k', read: readAccess });
      else await expect(result).rejects.toMatchObject({ code: 'not_found' });
    });

    it('refuses a client key with forbidden', async () => {
      await expect(sut.get(client, 'alice', 'c', 'k')).rejects.toMatchObject({ code: 'forbidden' });
    });
  });

  describe('list', () => {
    it('filters by what the caller may read', async () => {
      await sut.list(server, 'alice', 'c', { limit: 10 });
      expect(repo.lastListAccess).toBeUndefined();
      await sut.list(alice, 'alice', 'c', { limit: 10 });
      expect(repo.lastListAccess).toEqual(['owner', 'public']);
      await sut.list(bob, 'alice', 'c', { limit: 10 });
      expect(repo.lastListAccess).toEqual(['public']);
    });

    it('pages with an opaque cursor and answers an unknown player with not_found', async () => {
      seed(record('a'), record('b'), record('c'));
      const first = await sut.list(server, 'alice', 'c', { limit: 2 });
      expect(first.objects.map((o) => o.key)).toEqual(['a', 'b']);
      const last = await sut.list(server, 'alice', 'c', { limit: 2, cursor: first.next! });
      expect(last.objects.map((o) => o.key)).toEqual(['c']);
      expect(last.next).toBeNull();
      await expect(sut.list(server, 'nobody', 'c', { limit: 2 })).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('put', () => {
    it('creates an unknown player for an unconditional server write, but not for an If-Match one', async () => {
      await sut.put(server, 'new_player', { collection: 'c', key: 'k', value: {}, precondition: none });
      await expect(
        sut.put(server, 'other_new', { collection: 'c', key: 'k', value: {}, precondition: { kind: 'version', version: 1 } }),
      ).rejects.toMatchObject({
        code: 'precondition_failed',
      });
      expect(players.ensured).toEqual(['new_player']);
    });

    it('answers a player writing its write=none document with forbidden, even with a stale If-Match', async () => {
      seed(record('k', { writeAccess: 'none', version: 3 }));
      await expect(sut.put(alice, 'alice', { collection: 'c', key: 'k', value: {}, precondition: none })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(
        sut.put(alice, 'alice', { collection: 'c', key: 'k', value: {}, precondition: { kind: 'version', version: 1 } }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(sut.put(server, 'alice', { collection: 'c', key: 'k', value: { ok: 1 }, precondition: none })).resolves.toMatchObject({
        version: 4,
      });
    });

    it("answers another player's document with not_found and a client key with forbidden", async () => {
      await expect(sut.put(bob, 'alice', { collection: 'c', key: 'k', value: {}, precondition: none })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(sut.put(client, 'alice', { collection: 'c', key: 'k', value: {}, precondition: none })).rejects.toMatchObject({
        code: 'forbidden',
      });
    });

    it('refuses bad names and values with the field that is wrong', async () => {
      const put = (collection: string, key: string, value: unknown) =>
        sut.put(server, 'alice', { collection, key, value, precondition: none });
      await expect(put('bad name', 'k', {})).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'collection' }] });
      await expect(put('c', '', {})).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'key' }] });
      await expect(put('c', 'k', [1])).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'value' }] });
      await expect(put('c', 'k', { b: 'x'.repeat(70_000) })).rejects.toMatchObject({
        code: 'payload_too_large',
        details: [{ field: 'value' }],
      });
      expect(repo.rows.size).toBe(0);
    });
  });

  describe('writeBatch', () => {
    it('names every failing item and writes nothing', async () => {
      seed(record('x', { version: 2 }));
      const error = (await sut
        .writeBatch(server, 'alice', [
          { collection: 'c', key: 'a', value: {}, precondition: none },
          { collection: 'c', key: 'x', value: {}, precondition: { kind: 'version', version: 1 } },
          { collection: 'c', key: 'y', value: {}, precondition: { kind: 'exists' } },
        ])
        .catch((e: unknown) => e)) as AppError;
      expect(error.code).toBe('precondition_failed');
      expect(error.details?.map((d) => d.field)).toEqual(['writes[1]', 'writes[2]']);
      expect([...repo.rows.keys()]).toEqual(['alice/c/x']);
    });

    it('reports a permission refusal before stale versions', async () => {
      seed(record('locked', { writeAccess: 'none' }));
      const error = (await sut
        .writeBatch(alice, 'alice', [
          { collection: 'c', key: 'a', value: {}, precondition: { kind: 'version', version: 9 } },
          { collection: 'c', key: 'locked', value: {}, precondition: none },
        ])
        .catch((e: unknown) => e)) as AppError;
      expect(error.code).toBe('forbidden');
      expect(error.details?.map((d) => d.field)).toEqual(['writes[1]']);
    });

    it('refuses a document written twice and values out of bounds, naming the item', async () => {
      await expect(
        sut.writeBatch(server, 'alice', [
          { collection: 'c', key: 'a', value: {}, precondition: none },
          { collection: 'c', key: 'a', value: {}, precondition: none },
        ]),
      ).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'writes[1]' }] });
      await expect(
        sut.writeBatch(server, 'alice', [
          { collection: 'c', key: 'a', value: {}, precondition: none },
          { collection: 'c', key: 'b', value: 'no', precondition: none },
        ]),
      ).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'writes[1].value' }] });
      expect(repo.rows.size).toBe(0);
    });
  });
});
