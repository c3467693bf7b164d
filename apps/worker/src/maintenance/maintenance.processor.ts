import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { SessionsService } from '@spawnpoint/auth';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { JobName, QueueName, type JobPayloads } from '@spawnpoint/shared';
import type { Job } from 'bullmq';
import { validateJob } from '../job-validation.js';
import { HandlesJobs } from '../job-handlers.js';

/** Housekeeping that keeps tables bounded. Rules live in services; this only dispatches. */
@Processor(QueueName.Maintenance)
@HandlesJobs(JobName.PurgeExpiredSessions)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.PurgeExpiredSessions: {
        const payload = validateJob<JobPayloads[typeof JobName.PurgeExpiredSessions]>(job, { olderThanSeconds: 'positive-int' });
        const retentionDays = Math.max(this.config.SESSION_RETENTION_DAYS, payload.olderThanSeconds / 86_400);
        const purged = await this.sessions.purgeEnded(retentionDays);
        this.logger.log(`purged ${purged} ended sessions`);
        return { purged };
      }
      default:
        throw new Error(`maintenance: no handler for job "${job.name}"`);
    }
  }
}
