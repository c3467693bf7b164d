import type { Job } from 'bullmq';

type FieldRule = 'string' | 'positive-int' | 'array';

/**
 * Job payloads enter from Redis, which anyone with access can write to: check the shape before
 * use. A malformed job fails (and is kept for inspection) instead of being half-processed.
 */
export function validateJob<T>(job: Job, rules: Record<keyof T & string, FieldRule>): T {
  const data = job.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null) throw new Error(`job ${job.name}: payload must be an object`);
  for (const [field, rule] of Object.entries(rules) as Array<[string, FieldRule]>) {
    const value = data[field];
    const ok =
      rule === 'string'
        ? typeof value === 'string'
        : rule === 'array'
          ? Array.isArray(value)
          : Number.isInteger(value) && (value as number) > 0;
    if (!ok) throw new Error(`job ${job.name}: ${field} must be a ${rule}`);
  }
  return data as T;
}
