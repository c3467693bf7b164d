import { InjectQueue } from '@nestjs/bullmq';
import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { LeaderboardsModule } from '@spawnpoint/leaderboards';
import { MatchmakingModule } from '@spawnpoint/matchmaking';
import { WorldsModule } from '@spawnpoint/worlds';
import { JobName, QueueName, type JobPayloads } from '@spawnpoint/shared';
import type { Queue } from 'bullmq';
import { assertEveryJobHandled } from './job-handlers.js';
import {
  LEADERBOARD_SWEEP_INTERVAL_MS,
  LEADERBOARD_SWEEP_MAX_RESETS,
  LeaderboardsProcessor,
} from './leaderboards/leaderboards.processor.js';
import { MaintenanceProcessor } from './maintenance/maintenance.processor.js';
import { MatchmakingProcessor } from './matchmaking/matchmaking.processor.js';
import { WorldsProcessor } from './worlds/worlds.processor.js';

export const PROCESSORS = [LeaderboardsProcessor, MaintenanceProcessor, MatchmakingProcessor, WorldsProcessor];
/** Schedulers live in Redis: re-upserting them now and then restores them after Redis lost its data. */
const SCHEDULES_REFRESH_MS = 60_000;

/** The worker role: BullMQ processors and the schedules that feed them. */
@Module({
  imports: [AuthModule, LeaderboardsModule, MatchmakingModule, WorldsModule],
  providers: PROCESSORS,
})
export class WorkerModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkerModule.name);
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
    @InjectQueue(QueueName.Leaderboards) private readonly leaderboards: Queue,
  ) {
    assertEveryJobHandled(PROCESSORS);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.upsertSchedules();
    this.logger.log('maintenance schedules in place');
    this.refresh = setInterval(() => {
      this.upsertSchedules().catch((error: unknown) => this.logger.warn(`could not refresh job schedules: ${(error as Error).message}`));
    }, SCHEDULES_REFRESH_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refresh);
  }

  private async upsertSchedules(): Promise<void> {
    // A job scheduler is one Redis record however many workers upsert it, so schedules never double.
    const payload: JobPayloads[typeof JobName.PurgeExpiredSessions] = { olderThanSeconds: 86_400 };
    await this.maintenance.upsertJobScheduler(
      JobName.PurgeExpiredSessions,
      { every: 60 * 60 * 1000 },
      { name: JobName.PurgeExpiredSessions, data: payload, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    // Resets are due times in Postgres, so one sweeper finds them even after Redis lost every job.
    const sweep: JobPayloads[typeof JobName.SweepLeaderboards] = { maxResets: LEADERBOARD_SWEEP_MAX_RESETS };
    await this.leaderboards.upsertJobScheduler(
      JobName.SweepLeaderboards,
      { every: LEADERBOARD_SWEEP_INTERVAL_MS },
      { name: JobName.SweepLeaderboards, data: sweep, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
  }
}
