import type { RoleDefinition } from '@spawnpoint/shared';
import { WorkerModule } from './worker.module.js';

export const workerRole: RoleDefinition = { name: 'worker', module: WorkerModule };
