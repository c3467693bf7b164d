import { AppError } from '@spawnpoint/shared';
import { describe, expect, it } from 'vitest';
import type { StoredRecord } from './leaderboard.types.js';
import type { LeaderboardsRepository, RecordWrite } from './leaderboards.repository.js';
import { ScoreWriter } from './score-writer.service.js';
import type { SeasonRef, WriterLeases } from './writer-leases.service.js';

/** A repository that records each statement and answers like Postgres would (or fails on demand). */
class FakeRecords {
  readonly statements: RecordWrite[][] = [];
  failWhen: (writes: RecordWrite[]) => boolean = () => false;
  missingBoards = new Set<string>();
  private release: (() => void) | null = null;
  private gate: Promise<void> | null = null;

  /** Holds every statement until `open()`, so submissions pile up as they do under load. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.gate = null;
  }

  async writeBatch(writes: RecordWrite[]): Promise<StoredRecord[]> {
    this.statements.push(writes);
    if (this.gate) await this.gate;
    if (this.failWhen(writes)) throw new Error('statement failed');
    return writes
      .filter((w) => !this.missingBoards.has(w.leaderboardId))
      .map((w) => ({
        gameId: w.gameId,
        leaderboardId: w.leaderboardId,
        season: 1,
        sortOrder: 'desc',
        playerId: w.playerId,
        score: w.score,
        subscore: w.subscore,
        metadata: w.metadata,
        submissions: 1,
        reachedAt: new Date(0),
        reachedAtMicros: 0n,
        changed: true,
      }));
  }
}

class FakeLeases {
  readonly registered: SeasonRef[][] = [];
  down = false;
  released = false;

  async register(seasons: SeasonRef[]): Promise<void> {
    if (this.down) throw new Error('connection refused');
    this.registered.push(seasons);
  }

  async release(): Promise<void> {
    this.released = true;
  }
}

const write = (playerId: string, score = 1, leaderboardId = 'weekly'): RecordWrite => ({
  gameId: 'g1',
  leaderboardId,
  playerId,
  score: BigInt(score),
  subscore: 0n,
  metadata: null,
});

function setup() {
  const records = new FakeRecords();
  const leases = new FakeLeases();
  const sut = new ScoreWriter(records as unknown as LeaderboardsRepository, leases as unknown as WriterLeases);
  return { sut, records, leases };
}

describe(ScoreWriter.name, () => {
  it('commits submissions that arrive together in one statement, each caller getting its own row', async () => {
    const { sut, records, leases } = setup();
    const results = await Promise.all([sut.write(write('a', 1), 1), sut.write(write('b', 2), 1), sut.write(write('c', 3), 1)]);
    expect(records.statements).toHaveLength(1);
    expect(results.map((r) => [r.playerId, r.score])).toEqual([
      ['a', 1n],
      ['b', 2n],
      ['c', 3n],
    ]);
    // Registered for crash recovery before the commit, once per leaderboard season.
    expect(leases.registered).toEqual([[{ gameId: 'g1', leaderboardId: 'weekly', season: 1 }]]);
  });

  it('queues what arrives during a commit for the next statement (group commit under load)', async () => {
    const { sut, records } = setup();
    records.hold();
    const first = [sut.write(write('a'), 1), sut.write(write('b'), 1)];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [sut.write(write('c'), 1), sut.write(write('d'), 1), sut.write(write('e'), 1)];
    await new Promise((resolve) => setImmediate(resolve));
    const third = [sut.write(write('f'), 1)];
    await new Promise((resolve) => setImmediate(resolve));
    records.open();
    await Promise.all([...first, ...second, ...third]);
    // Two statements may run at once; the third waits and takes everything queued meanwhile.
    expect(records.statements.map((s) => s.map((w) => w.playerId))).toEqual([['a', 'b'], ['c', 'd', 'e'], ['f']]);
  });

  it('never puts one player twice in a statement (an upsert cannot touch a row twice): the second waits', async () => {
    const { sut, records } = setup();
    const results = await Promise.all([sut.write(write('a', 1), 1), sut.write(write('a', 2), 1), sut.write(write('b', 3), 1)]);
    expect(records.statements.map((s) => s.map((w) => `${w.playerId}:${w.score}`))).toEqual([['a:1', 'b:3'], ['a:2']]);
    expect(results.map((r) => r.score)).toEqual([1n, 2n, 3n]);
  });

  it('retries a failed statement one submission at a time, so one bad submission fails alone', async () => {
    const { sut, records } = setup();
    records.failWhen = (writes) => writes.some((w) => w.playerId === 'bad');
    const results = await Promise.allSettled([sut.write(write('a'), 1), sut.write(write('bad'), 1), sut.write(write('c'), 1)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(records.statements).toHaveLength(4);
  });

  it('answers 404 for a submission whose leaderboard row is gone', async () => {
    const { sut, records } = setup();
    records.missingBoards.add('gone');
    await expect(sut.write(write('a', 1, 'gone'), 1)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses (503) and commits nothing when it cannot register the write for crash recovery', async () => {
    const { sut, records, leases } = setup();
    leases.down = true;
    const error = await sut.write(write('a'), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'service_unavailable' });
    expect(records.statements).toHaveLength(0);
  });

  it('drains accepted submissions on shutdown, deregisters, and refuses new ones', async () => {
    const { sut, records, leases } = setup();
    records.hold();
    const pending = sut.write(write('a'), 1);
    await new Promise((resolve) => setImmediate(resolve));
    const closing = sut.onModuleDestroy();
    await expect(sut.write(write('b'), 1)).rejects.toMatchObject({ code: 'service_unavailable' });
    records.open();
    await closing;
    await expect(pending).resolves.toMatchObject({ playerId: 'a' });
    expect(leases.released).toBe(true);
  });
});
