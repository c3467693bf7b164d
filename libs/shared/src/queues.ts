// Every BullMQ queue and job name, with its payload type, in one registry. Producers and
// processors import these; a worker refuses to start when a job here has no handler.

export const QueueName = {
  Maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  PurgeExpiredSessions: 'purge_expired_sessions',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Payload of each job, keyed by job name. */
export interface JobPayloads {
  [JobName.PurgeExpiredSessions]: { olderThanSeconds: number };
}

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.PurgeExpiredSessions]: QueueName.Maintenance,
};
