import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppError, ErrorCode, NotFoundError } from '@spawnpoint/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredRecord } from './leaderboard.types.js';
import { LeaderboardsRepository, WRITE_POOL_SIZE, type RecordWrite } from './leaderboards.repository.js';
import { WriterLeases } from './writer-leases.service.js';

/**
 * Batches committing at the same time, each on a connection of the write pool. Two: one commits
 * while the next fills. On the 2-core bench machine 1 and 4 were no better (more only made
 * batches smaller, and every statement costs a Postgres wake-up).
 */
const MAX_IN_FLIGHT = WRITE_POOL_SIZE;
/** Submissions per statement. */
const MAX_BATCH = 500;
const DRAIN_TIMEOUT_MS = 10_000;

interface Pending {
  write: RecordWrite;
  /** The season the caller believes is current (the statement uses the locked row's). */
  season: number;
  resolve(record: StoredRecord): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Submissions arriving while earlier batches are committing queue up and go to
 * Postgres together in ONE multi-row upsert; every caller still waits for the commit of the
 * statement that holds its own row. At low load a submission commits alone on the next tick,
 * so batching costs no latency; under load batches grow and statements stay few.
 */
@Injectable()
export class ScoreWriter implements OnModuleDestroy {
  private readonly logger = new Logger(ScoreWriter.name);
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private closing = false;

  constructor(
    private readonly records: LeaderboardsRepository,
    private readonly leases: WriterLeases,
  ) {}

  /** Resolves once the submission is committed, with the record as stored. */
  write(write: RecordWrite, season: number): Promise<StoredRecord> {
    if (this.closing) return Promise.reject(new AppError(ErrorCode.Unavailable, 'Shutting down; retry on another instance'));
    return new Promise((resolve, reject) => {
      this.queue.push({ write, season, resolve, reject });
      this.schedule();
    });
  }

  /** Lets every accepted submission commit, then leaves nothing for crash recovery. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while ((this.queue.length > 0 || this.inFlight > 0) && Date.now() < deadline) await sleep(10);
    if (this.queue.length === 0 && this.inFlight === 0) await this.leases.release().catch(() => undefined);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate: everything that arrived in this turn of the event loop shares the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
        const batch = this.take();
        this.inFlight++;
        void this.commit(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  /** The oldest submissions, at most one per player and leaderboard (an upsert cannot touch a row twice). */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const seen = new Set<string>();
    for (const pending of this.queue) {
      const key = rowKey(pending.write);
      if (batch.length >= MAX_BATCH || seen.has(key)) {
        rest.push(pending);
      } else {
        seen.add(key);
        batch.push(pending);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const seasons = new Map(
      batch.map((p) => [
        `${p.write.gameId}|${p.write.leaderboardId}|${p.season}`,
        { gameId: p.write.gameId, leaderboardId: p.write.leaderboardId, season: p.season },
      ]),
    );
    try {
      await this.leases.register([...seasons.values()]);
    } catch (error) {
      const refused = new AppError(
        ErrorCode.Unavailable,
        `Scores cannot be accepted while Redis is unavailable (${(error as Error).message})`,
      );
      for (const pending of batch) pending.reject(refused);
      return;
    }
    let stored: StoredRecord[];
    try {
      stored = await this.records.writeBatch(batch.map((p) => p.write));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad submission must not fail its neighbours: commit them one by one.
      this.logger.warn(`group commit of ${batch.length} failed (${(error as Error).message}); retrying one by one`);
      await Promise.all(batch.map((pending) => this.commit([pending])));
      return;
    }
    const byKey = new Map(stored.map((record) => [rowKey(record), record]));
    for (const pending of batch) {
      const record = byKey.get(rowKey(pending.write));
      if (record) pending.resolve(record);
      else pending.reject(new NotFoundError('Leaderboard'));
    }
  }
}

function rowKey(r: { gameId: string; leaderboardId: string; playerId: string }): string {
  return `${r.gameId}|${r.leaderboardId}|${r.playerId}`;
}
