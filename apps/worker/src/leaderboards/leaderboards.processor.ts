import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { LeaderboardResets, type SweepResult } from '@spawnpoint/leaderboards';
import { JobName, QueueName, type JobPayloads } from '@spawnpoint/shared';
import type { Job } from 'bullmq';
import { HandlesJobs } from '../job-handlers.js';
import { validateJob } from '../job-validation.js';

/** Every SWEEP_INTERVAL_MS: overdue season resets, then index recovery after dead writers. */
export const LEADERBOARD_SWEEP_INTERVAL_MS = 10_000;
export const LEADERBOARD_SWEEP_MAX_RESETS = 500;

/** Season resets on schedule. Rules live in LeaderboardResets; this only dispatches. */
@Processor(QueueName.Leaderboards)
@HandlesJobs(JobName.SweepLeaderboards)
export class LeaderboardsProcessor extends WorkerHost {
  private readonly logger = new Logger(LeaderboardsProcessor.name);

  constructor(private readonly resets: LeaderboardResets) {
    super();
  }

  async process(job: Job): Promise<SweepResult> {
    switch (job.name) {
      case JobName.SweepLeaderboards: {
        const payload = validateJob<JobPayloads[typeof JobName.SweepLeaderboards]>(job, { maxResets: 'positive-int' });
        const result = await this.resets.sweep(payload.maxResets);
        if (result.resets > 0 || result.reindexed > 0)
          this.logger.log(`leaderboard sweep: ${result.resets} reset(s), ${result.reindexed} season(s) re-indexed`);
        return result;
      }
      default:
        throw new Error(`leaderboards: no handler for job "${job.name}"`);
    }
  }
}
