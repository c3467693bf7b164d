import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MATCHER_MAX_TICKETS, Matchmaker, type MatcherRunSummary } from '@spawnpoint/matchmaking';
import { JobName, QueueName, type JobPayloads } from '@spawnpoint/shared';
import type { Job, Queue } from 'bullmq';
import { HandlesJobs } from '../job-handlers.js';
import { validateJob } from '../job-validation.js';

/** How often the matcher runs over every active queue. */
export const MATCHER_INTERVAL_MS = 500;
/** Schedulers live in Redis: re-upserting now and then restores them after Redis lost its data. */
const SCHEDULE_REFRESH_MS = 60_000;

/**
 * Runs the matcher on a BullMQ job scheduler. The scheduler is one Redis record however many
 * workers upsert it, so ticks never double; a tick that overlaps another worker's skips the
 * (game, mode) pairs whose lease that worker holds. Rules live in Matchmaker; this only dispatches.
 */
@Processor(QueueName.Matchmaking)
@HandlesJobs(JobName.RunMatchmaker)
export class MatchmakingProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MatchmakingProcessor.name);
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly matchmaker: Matchmaker,
    @InjectQueue(QueueName.Matchmaking) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.upsertSchedule();
    this.refresh = setInterval(() => {
      this.upsertSchedule().catch((error: unknown) =>
        this.logger.warn(`could not refresh the matcher schedule: ${(error as Error).message}`),
      );
    }, SCHEDULE_REFRESH_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refresh);
  }

  async process(job: Job): Promise<MatcherRunSummary> {
    switch (job.name) {
      case JobName.RunMatchmaker: {
        const payload = validateJob<JobPayloads[typeof JobName.RunMatchmaker]>(job, { maxTicketsPerMode: 'positive-int' });
        const summary = await this.matchmaker.runAll(payload.maxTicketsPerMode);
        if (summary.matches > 0 || summary.expired > 0)
          this.logger.log(`matcher: ${summary.matches} match(es), ${summary.expired} expired`);
        return summary;
      }
      default:
        throw new Error(`matchmaking: no handler for job "${job.name}"`);
    }
  }

  private async upsertSchedule(): Promise<void> {
    const data: JobPayloads[typeof JobName.RunMatchmaker] = { maxTicketsPerMode: MATCHER_MAX_TICKETS };
    await this.queue.upsertJobScheduler(
      JobName.RunMatchmaker,
      { every: MATCHER_INTERVAL_MS },
      { name: JobName.RunMatchmaker, data, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}
