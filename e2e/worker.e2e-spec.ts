import { getQueueToken } from '@nestjs/bullmq';
import { PrismaService } from '@spawnpoint/prisma';
import { JobName, QueueName } from '@spawnpoint/shared';
import { type Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin } from './support/fixtures.js';

describe('worker role', () => {
  let t: TestApp;
  let queue: Queue;
  let events: QueueEvents;
  beforeAll(async () => {
    t = await startApp({ SESSION_RETENTION_DAYS: '7' });
    queue = t.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    events = new QueueEvents(QueueName.Maintenance, { connection: { url: process.env.REDIS_URL }, prefix: queue.opts.prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    await t.close();
  });

  it('keeps the maintenance schedule registered once', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual([JobName.PurgeExpiredSessions]);
  });

  it('purges sessions that ended before the retention window, and keeps live ones', async () => {
    const studio = await createStudio(t);
    const [old, live] = await Promise.all([deviceLogin(t, studio.clientKey), deviceLogin(t, studio.clientKey)]);
    const prisma = t.app.get(PrismaService);
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    await prisma.playerSession.updateMany({ where: { playerId: old.id }, data: { expiresAt: longAgo } });

    const job = await queue.add(JobName.PurgeExpiredSessions, { olderThanSeconds: 86_400 });
    const result = (await job.waitUntilFinished(events, 15_000)) as { purged: number };

    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await prisma.playerSession.count({ where: { playerId: old.id } })).toBe(0);
    expect(await prisma.playerSession.count({ where: { playerId: live.id } })).toBe(1);
  });

  it('fails a job with a malformed payload without touching anything', async () => {
    const job = await queue.add(JobName.PurgeExpiredSessions, { olderThanSeconds: 'soon' } as never);
    await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow('olderThanSeconds must be a positive-int');
  });
});
