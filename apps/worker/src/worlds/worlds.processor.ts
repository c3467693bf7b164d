import { Processor, WorkerHost } from '@nestjs/bullmq';
import { JobName, QueueName, type JobPayloads } from '@spawnpoint/shared';
import { WorldsRepository } from '@spawnpoint/worlds';
import type { Job } from 'bullmq';
import { HandlesJobs } from '../job-handlers.js';
import { validateJob } from '../job-validation.js';

/** Most player states one job may carry (a world's players at one periodic save). */
const STATES_MAX = 10_000;

/** Writes behind the periodic saves of world hosts, one multi-row upsert per job. */
@Processor(QueueName.Worlds)
@HandlesJobs(JobName.PersistWorldPlayers)
export class WorldsProcessor extends WorkerHost {
  constructor(private readonly worlds: WorldsRepository) {
    super();
  }

  async process(job: Job): Promise<{ saved: number }> {
    switch (job.name) {
      case JobName.PersistWorldPlayers: {
        const payload = validateJob<JobPayloads[typeof JobName.PersistWorldPlayers]>(job, {
          gameId: 'string',
          world: 'string',
          states: 'array',
        });
        const states = payload.states;
        if (states.length > STATES_MAX) throw new Error(`job ${job.name}: states must hold at most ${STATES_MAX}`);
        for (const entry of states) {
          if (typeof entry?.playerId !== 'string' || typeof entry.state !== 'object' || entry.state === null) {
            throw new Error(`job ${job.name}: every state needs a playerId and a state object`);
          }
        }
        await this.worlds.saveStates(payload.gameId, payload.world, states);
        return { saved: states.length };
      }
      default:
        throw new Error(`unknown job ${job.name} on ${QueueName.Worlds}`);
    }
  }
}
