import { InjectQueue } from '@nestjs/bullmq';
import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { JobName, QueueName, type JobPayloads } from '@spawnpoint/shared';
import type { Queue } from 'bullmq';
import { assertEveryJobHandled } from './job-handlers.js';
import { MaintenanceProcessor } from './maintenance/maintenance.processor.js';

const PROCESSORS = [MaintenanceProcessor];

/** The worker role: BullMQ processors and the schedules that feed them. */
@Module({
  imports: [AuthModule],
  providers: PROCESSORS,
})
export class WorkerModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkerModule.name);

  constructor(@InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue) {
    assertEveryJobHandled(PROCESSORS);
  }

  async onApplicationBootstrap(): Promise<void> {
    // A job scheduler is one Redis record however many workers upsert it, so schedules never double.
    const payload: JobPayloads[typeof JobName.PurgeExpiredSessions] = { olderThanSeconds: 86_400 };
    await this.maintenance.upsertJobScheduler(
      JobName.PurgeExpiredSessions,
      { every: 60 * 60 * 1000 },
      { name: JobName.PurgeExpiredSessions, data: payload, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    this.logger.log('maintenance schedules in place');
  }
}
