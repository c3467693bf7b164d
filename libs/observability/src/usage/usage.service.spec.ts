import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageRecorder } from './usage.recorder.js';
import { UsageService } from './usage.service.js';

// Integration: two recorders stand for two processes writing the same real Redis.
describe(UsageService.name, () => {
  const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
  const first = new UsageRecorder(redis);
  const second = new UsageRecorder(redis);
  const sut = new UsageService(redis, first);
  afterAll(() => redis.quit());

  it('adds up the requests and the connected players of every process', async () => {
    const gameId = randomUUID();
    first.recordRequest(gameId, 200);
    first.recordRequest(gameId, 404);
    second.recordRequest(gameId, 503);
    second.recordRequest(randomUUID(), 200);
    first.addPlayerSampler(() => new Map([[gameId, 3]]));
    second.addPlayerSampler(() => new Map([[gameId, 2]]));
    await second.flush();

    // Two minutes: the clock may have turned a minute between the counting and the read.
    const points = await sut.series(gameId, 2);
    const sum = (field: 'requests' | 'clientErrors' | 'serverErrors') => points.reduce((total, p) => total + p[field], 0);
    expect([sum('requests'), sum('clientErrors'), sum('serverErrors')]).toEqual([3, 1, 1]);
    expect(Math.max(...points.map((p) => p.connectedPlayers))).toBe(5);
  });

  it('keeps the peak of a minute’s player samples, not the last one', async () => {
    const gameId = randomUUID();
    const recorder = new UsageRecorder(redis);
    let players = 4;
    recorder.addPlayerSampler(() => new Map([[gameId, players]]));
    await recorder.flush();
    players = 1;
    await recorder.flush();

    const points = await new UsageService(redis, recorder).series(gameId, 2);
    expect(Math.max(...points.map((p) => p.connectedPlayers))).toBe(4);
  });

  it('zero-fills minutes without traffic, oldest first', async () => {
    const points = await sut.series(randomUUID(), 3);
    expect(points.map((p) => p.requests)).toEqual([0, 0, 0]);
    expect(points[2]!.at.getTime() - points[0]!.at.getTime()).toBe(120_000);
  });
});
