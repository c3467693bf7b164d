import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError } from '@spawnpoint/shared';
import { LeaderboardConfigs } from './leaderboard-configs.service.js';
import { LeaderboardIndex } from './leaderboard-index.service.js';
import type { LeaderboardConfig } from './leaderboard.types.js';
import { LeaderboardsRepository } from './leaderboards.repository.js';
import { parseResetSchedule } from './reset-schedule.js';
import { WriterLeases } from './writer-leases.service.js';

export interface SweepResult {
  /** Leaderboards whose season was reset by this sweep. */
  resets: number;
  /** Seasons whose index was dropped because the process writing them died. */
  reindexed: number;
}

/**
 * Season resets. A reset archives the finished season (its records stay, readable with
 * `?season=`) and starts the next one in one transaction. They happen three ways, all the same
 * conditional statement, so at most one wins per due time: the worker's periodic sweep (which
 * needs nothing in Redis: the due time lives in Postgres), the first read or write that finds the
 * board overdue (so a reset is exact even between sweeps), and POST /leaderboards/:id/reset.
 */
@Injectable()
export class LeaderboardResets {
  private readonly logger = new Logger(LeaderboardResets.name);

  constructor(
    private readonly boards: LeaderboardsRepository,
    private readonly configs: LeaderboardConfigs,
    private readonly index: LeaderboardIndex,
    private readonly leases: WriterLeases,
  ) {}

  /** Resets now, whatever the schedule (which continues from now). */
  async resetNow(gameId: string, id: string): Promise<LeaderboardConfig> {
    const now = new Date();
    const result = await this.boards.startNextSeason(gameId, id, now, {}, (schedule) => this.nextReset(schedule, now));
    if (!result) throw new NotFoundError('Leaderboard');
    await this.afterReset(result.config, result.endedSeason);
    return result.config;
  }

  /** The leaderboard as it stands now: reset first if its reset time has passed. */
  async current(config: LeaderboardConfig): Promise<LeaderboardConfig> {
    const now = new Date();
    if (config.nextResetAt === null || config.nextResetAt > now) return config;
    const result = await this.boards.startNextSeason(config.gameId, config.id, now, { dueBy: now }, (schedule) =>
      this.nextReset(schedule, now),
    );
    if (result) {
      await this.afterReset(result.config, result.endedSeason);
      return result.config;
    }
    // Another process reset it (or the schedule changed) since this copy was cached.
    const fresh = await this.boards.find(config.gameId, config.id);
    if (!fresh) throw new NotFoundError('Leaderboard');
    return this.configs.remember(fresh);
  }

  /** The worker's periodic job: overdue resets, then recovery after writers that died. */
  async sweep(maxResets: number): Promise<SweepResult> {
    const now = new Date();
    let resets = 0;
    for (const board of await this.boards.due(now, maxResets)) {
      const result = await this.boards.startNextSeason(board.gameId, board.id, now, { season: board.season, dueBy: now }, (schedule) =>
        this.nextReset(schedule, now),
      );
      if (!result) continue;
      await this.afterReset(result.config, result.endedSeason);
      resets++;
    }
    // A write may have landed in the season after the one registered if a reset came in between.
    const reindexed = await this.leases.recoverDeadWriters(async (season) => {
      await this.index.invalidate(season);
      await this.index.invalidate({ ...season, season: season.season + 1 });
    });
    return { resets, reindexed };
  }

  private nextReset(schedule: string | null, now: Date): Date | null {
    if (schedule === null) return null;
    try {
      return parseResetSchedule(schedule).next(now);
    } catch (error) {
      // Only validated schedules are stored; a bad one must not make a board reset in a loop.
      this.logger.error(`stored reset_schedule "${schedule}" is invalid (${(error as Error).message}); not scheduling another reset`);
      return null;
    }
  }

  private async afterReset(config: LeaderboardConfig, endedSeason: number): Promise<void> {
    this.logger.log(`leaderboard ${config.gameId}/${config.id}: season ${endedSeason} archived, season ${config.season} started`);
    await this.configs.changed(config);
    await this.index.retire({ gameId: config.gameId, leaderboardId: config.id, season: endedSeason }).catch((error: unknown) => {
      this.logger.warn(`could not expire the index of an archived season: ${(error as Error).message}`);
    });
  }
}
