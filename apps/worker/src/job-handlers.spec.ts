import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { assertEveryJobHandled, HandlesJobs } from './job-handlers.js';
import { validateJob } from './job-validation.js';
import { PROCESSORS } from './worker.module.js';

describe(assertEveryJobHandled.name, () => {
  it('passes when every registry job has a processor', () => {
    expect(() => assertEveryJobHandled(PROCESSORS)).not.toThrow();
  });

  it('names the jobs nobody handles', () => {
    @HandlesJobs()
    class Idle {}
    expect(() => assertEveryJobHandled([Idle])).toThrowError(/^worker: no handler for job\(s\) .*purge_expired_sessions/);
  });
});

describe(validateJob.name, () => {
  const job = (data: unknown) => ({ name: 'purge_expired_sessions', data }) as Job;

  it('returns a well-formed payload', () => {
    expect(validateJob<{ olderThanSeconds: number }>(job({ olderThanSeconds: 60 }), { olderThanSeconds: 'positive-int' })).toEqual({
      olderThanSeconds: 60,
    });
  });

  it('rejects a missing, mistyped or non-object payload', () => {
    expect(() => validateJob(job({}), { olderThanSeconds: 'positive-int' })).toThrowError('olderThanSeconds must be a positive-int');
    expect(() => validateJob(job({ olderThanSeconds: '60' }), { olderThanSeconds: 'positive-int' })).toThrowError();
    expect(() => validateJob(job(null), { olderThanSeconds: 'positive-int' })).toThrowError('payload must be an object');
  });
});
