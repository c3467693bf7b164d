import { SetMetadata, type Type } from '@nestjs/common';
import { JOB_QUEUE, type JobName } from '@spawnpoint/shared';

const HANDLED_JOBS = 'spawnpoint:handled-jobs';

/** Declares which registry jobs a processor handles, so boot can prove every job has one. */
export const HandlesJobs = (...jobs: JobName[]): ClassDecorator => SetMetadata(HANDLED_JOBS, jobs);

/** Throws, naming them, when some job of the registry has no processor in this worker. */
export function assertEveryJobHandled(processors: Type<unknown>[]): void {
  const handled = new Set(processors.flatMap((p) => (Reflect.getMetadata(HANDLED_JOBS, p) as JobName[] | undefined) ?? []));
  const missing = (Object.keys(JOB_QUEUE) as JobName[]).filter((job) => !handled.has(job));
  if (missing.length > 0) throw new Error(`worker: no handler for job(s) ${missing.join(', ')}`);
}
