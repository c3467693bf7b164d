import { Injectable } from '@nestjs/common';
import { MatchmakingRepository, type MatchRecord, type ModeStats } from './matchmaking.repository.js';

/** The window of `matches` and of the wait percentiles in the stats. */
export const STATS_WINDOW_MS = 3_600_000;
export const RECENT_MATCHES_MAX = 100;

/** What the dashboard shows of matchmaking: queue depth and waits per mode, recent matches. */
@Injectable()
export class MatchmakingStatsService {
  constructor(private readonly repository: MatchmakingRepository) {}

  /** Per game mode: tickets queued now; waits and matches formed in the last hour. */
  modes(gameId: string): Promise<ModeStats[]> {
    return this.repository.modeStats(gameId, new Date(Date.now() - STATS_WINDOW_MS));
  }

  /** Newest first. */
  recentMatches(gameId: string, options: { mode?: string; limit: number }): Promise<MatchRecord[]> {
    return this.repository.recentMatches(gameId, {
      mode: options.mode,
      limit: Math.min(Math.max(1, Math.trunc(options.limit)), RECENT_MATCHES_MAX),
    });
  }
}
