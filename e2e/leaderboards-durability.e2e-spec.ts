import { getQueueToken } from '@nestjs/bullmq';
import { PrismaService } from '@spawnpoint/prisma';
import { JobName, QueueName } from '@spawnpoint/shared';
import { type Queue, QueueEvents } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, unique, type Studio } from './support/fixtures.js';

// Postgres holds every acknowledged score; the Redis rank index is a cache of it. These tests
// take the index (or a whole process) away and check that every acknowledged score and every
// rank comes back.

interface Entry {
  rank: number;
  player_id: string;
  score: number;
}

/** The ranking Postgres implies: score desc, then who reached it first, then player id. */
async function rankingInPostgres(databaseUrl: string, gameId: string, board: string, season = 1): Promise<Array<[string, number]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ player_id: string; score: string }>(
      `SELECT r.player_id, r.score::text AS score FROM leaderboard_records r WHERE r.game_id = $1 AND r.leaderboard_id = $2 AND r.season = $3
       ORDER BY r.score DESC, r.subscore DESC, r.reached_at, r.player_id COLLATE "C"`,
      [gameId, board, season],
    );
    return rows.map((r) => [r.player_id, Number(r.score)]);
  } finally {
    await client.end();
  }
}

/** Every entry the API serves, page by page, checking the ranks run 1, 2, 3… */
async function rankingServed(http: ReturnType<typeof request>, key: string, board: string): Promise<Array<[string, number]>> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const res = await http
      .get(`/leaderboards/${board}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      .set('x-api-key', key)
      .expect(200);
    entries.push(...(res.body.entries as Entry[]));
    cursor = res.body.next_cursor as string | null;
  } while (cursor);
  expect(entries.map((e) => e.rank)).toEqual(entries.map((_, i) => i + 1));
  return entries.map((e) => [e.player_id, e.score]);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A private redis-server from PATH, nothing on disk, so a kill -9 loses everything in it. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        return child;
      } catch {
        probe.disconnect();
        await sleep(50);
      }
    }
  } finally {
    probe.disconnect();
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('leaderboard durability', () => {
  describe('lost index keys', () => {
    let t: TestApp;
    let s: Studio;
    let redis: Redis;
    beforeAll(async () => {
      t = await startApp();
      s = await createStudio(t);
      redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
    });
    afterAll(async () => {
      await redis.quit();
      await t.close();
    });

    const dropIndex = (board: string, season = 1) => redis.del(...['z', 'h', 'ok'].map((k) => `lb:{${s.gameId}:${board}:${season}}:${k}`));

    it('rebuilds a deleted index from Postgres on the next read: same entries, same ranks', async () => {
      const board = unique('lost_');
      const scores = Array.from({ length: 40 }, (_, i) => ({ player_id: `p${i}`, score: (i * 37) % 23, subscore: i % 3 }));
      for (const body of scores) await t.http.post(`/leaderboards/${board}/scores`).set('x-api-key', s.serverKey).send(body).expect(201);
      const before = await rankingServed(t.http, s.serverKey, board);
      const rankBefore = (await t.http.get(`/leaderboards/${board}/rank/p7`).set('x-api-key', s.serverKey).expect(200)).body;

      expect(await dropIndex(board)).toBe(3);
      expect((await t.http.get(`/leaderboards/${board}/rank/p7`).set('x-api-key', s.serverKey).expect(200)).body).toEqual(rankBefore);
      expect(await rankingServed(t.http, s.serverKey, board)).toEqual(before);
      expect(before).toHaveLength(40);
    });

    it('rebuilds once under concurrent reads and writes, losing none of them', async () => {
      const board = unique('lost_concurrent_');
      for (let i = 0; i < 20; i++)
        await t.http
          .post(`/leaderboards/${board}/scores`)
          .set('x-api-key', s.serverKey)
          .send({ player_id: `old${i}`, score: i })
          .expect(201);
      await dropIndex(board);

      const writes = Array.from({ length: 30 }, (_, i) =>
        t.http
          .post(`/leaderboards/${board}/scores`)
          .set('x-api-key', s.serverKey)
          .send({ player_id: `new${i}`, score: 100 + i }),
      );
      const reads = Array.from({ length: 30 }, () => t.http.get(`/leaderboards/${board}/rank/old5`).set('x-api-key', s.serverKey));
      const results = await Promise.all([...writes, ...reads]);
      expect(results.map((r) => r.status).filter((status) => status !== 201 && status !== 200)).toEqual([]);

      const served = await rankingServed(t.http, s.serverKey, board);
      expect(served).toHaveLength(50);
      expect(served).toEqual(await rankingInPostgres(process.env.DATABASE_URL!, s.gameId, board));
    });

    it('re-indexes the seasons a dead writer touched (a score committed but never indexed)', async () => {
      const board = unique('torn_');
      for (const [player, score] of [
        ['a', 10],
        ['b', 20],
      ] as const) {
        await t.http.post(`/leaderboards/${board}/scores`).set('x-api-key', s.serverKey).send({ player_id: player, score }).expect(201);
      }
      // What a process killed between its commit and its index update leaves behind: a newer
      // record in Postgres, and its writer registration without a heartbeat.
      await t.app.get(PrismaService).leaderboardRecord.update({
        where: { gameId_leaderboardId_season_playerId: { gameId: s.gameId, leaderboardId: board, season: 1, playerId: 'a' } },
        data: { score: 30n, submissions: 2, reachedAt: new Date() },
      });
      const deadWriter = unique('dead');
      await redis.sadd('lb:writers', deadWriter);
      await redis.sadd(`lb:writer:${deadWriter}:boards`, `${s.gameId}|${board}|1`);
      expect(await rankingServed(t.http, s.serverKey, board)).toEqual([
        ['b', 20],
        ['a', 10],
      ]);

      const queue = t.app.get<Queue>(getQueueToken(QueueName.Leaderboards));
      const events = new QueueEvents(QueueName.Leaderboards, { connection: { url: process.env.REDIS_URL }, prefix: queue.opts.prefix });
      try {
        await events.waitUntilReady();
        const job = await queue.add(JobName.SweepLeaderboards, { maxResets: 100 });
        expect(((await job.waitUntilFinished(events, 15_000)) as { reindexed: number }).reindexed).toBeGreaterThanOrEqual(1);
      } finally {
        await events.close();
      }
      expect(await rankingServed(t.http, s.serverKey, board)).toEqual([
        ['a', 30],
        ['b', 20],
      ]);
      expect(await redis.sismember('lb:writers', deadWriter)).toBe(0);
    });
  });

  describe('a Redis restart (kill -9, nothing persisted)', () => {
    let port: number;
    let redisServer: ChildProcess;
    let t: TestApp;
    beforeAll(async () => {
      port = await freePort();
      redisServer = await startRedis(port);
      // The api role is all this needs; the worker's and the socket adapter's blocking Redis
      // connections are what once kept close() from returning after the restart.
      t = await startApp({ REDIS_URL: `redis://127.0.0.1:${port}` }, ['api']);
    });
    afterAll(async () => {
      // Bounded: a shutdown that hangs after a Redis restart must not fail the suite's teardown
      // (production bounds it with SHUTDOWN_TIMEOUT_MS); the assertions above are what matter.
      await Promise.race([t?.close(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      if (redisServer) await kill9(redisServer);
    });

    it('serves every acknowledged score and rank again once Redis is back, and takes new scores', async () => {
      const s = await createStudio(t);
      const board = unique('restart_');
      const acked = await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const res = await t.http
            .post(`/leaderboards/${board}/scores`)
            .set('x-api-key', s.serverKey)
            .send({ player_id: `p${i}`, score: (i * 7919) % 1000 })
            .expect(201);
          return [res.body.player_id as string, res.body.score as number] as const;
        }),
      );
      const before = await rankingServed(t.http, s.serverKey, board);
      expect(before).toHaveLength(60);

      await kill9(redisServer);
      redisServer = await startRedis(port);
      // The app reconnects by itself; the first requests may still meet the old connection.
      await expect
        .poll(async () => (await t.http.get(`/leaderboards/${board}?limit=1000`).set('x-api-key', s.serverKey)).status, {
          timeout: 20_000,
          interval: 200,
        })
        .toBe(200);

      expect(await rankingServed(t.http, s.serverKey, board)).toEqual(before);
      for (const [player, score] of acked.slice(0, 10)) {
        const rank = await t.http.get(`/leaderboards/${board}/rank/${player}`).set('x-api-key', s.serverKey).expect(200);
        expect(rank.body.score).toBe(score);
        expect(rank.body.rank).toBe(before.findIndex(([p]) => p === player) + 1);
      }
      await t.http.post(`/leaderboards/${board}/scores`).set('x-api-key', s.serverKey).send({ player_id: 'late', score: 5000 }).expect(201);
      expect((await rankingServed(t.http, s.serverKey, board))[0]).toEqual(['late', 5000]);
      expect(await rankingServed(t.http, s.serverKey, board)).toEqual(await rankingInPostgres(process.env.DATABASE_URL!, s.gameId, board));
    });
  });

  describe('a kill -9 of the platform process (dist/apps/spawnpoint/src/main.js)', () => {
    const entry = fileURLToPath(new URL('../dist/apps/spawnpoint/src/main.js', import.meta.url));
    let port: number;
    let proc: ChildProcess | undefined;

    const boot = async (): Promise<ChildProcess> => {
      const env = {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: process.env.REDIS_URL,
        REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
        JWT_SESSION_SECRET: process.env.JWT_SESSION_SECRET,
        JWT_DEVELOPER_SECRET: process.env.JWT_DEVELOPER_SECRET,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        RATE_LIMIT_IP_PER_MINUTE: '1000000',
        RATE_LIMIT_KEY_PER_MINUTE: '1000000',
      };
      const child = spawn(process.execPath, [entry], { env, stdio: 'ignore' });
      for (let i = 0; i < 150; i++) {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200) return child;
        await sleep(200);
      }
      await kill9(child);
      throw new Error('the platform did not become ready within 30 s');
    };

    beforeAll(async () => {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`node scripts/build.mjs\` first (npm test does)`);
      port = await freePort();
      proc = await boot();
    });
    afterAll(async () => {
      if (proc) await kill9(proc);
    });

    it('keeps every acknowledged score, and the index converges on Postgres after the restart', async () => {
      const url = `http://127.0.0.1:${port}`;
      const http = request(url);
      const s = await createStudio({ http } as TestApp);
      const board = unique('crash_');
      const acked = new Map<string, number>();
      let next = 0;
      let killed = false;

      // 40 clients submit distinct players until the process dies under them.
      const client = async () => {
        while (!killed) {
          const i = next++;
          const player = `p${i}`;
          const score = (i * 7919) % 100_000;
          try {
            const res = await fetch(`${url}/leaderboards/${board}/scores`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': s.serverKey },
              body: JSON.stringify({ player_id: player, score }),
            });
            if (res.status === 201) acked.set(player, ((await res.json()) as { score: number }).score);
          } catch {
            // The connection died with the process: not acknowledged.
          }
        }
      };
      const clients = Array.from({ length: 40 }, client);
      await expect.poll(() => acked.size, { timeout: 20_000, interval: 10 }).toBeGreaterThanOrEqual(400);
      await kill9(proc!);
      killed = true;
      await Promise.all(clients);
      const acknowledged = new Map(acked);

      proc = await boot();
      const inPostgres = new Map(await rankingInPostgres(process.env.DATABASE_URL!, s.gameId, board));
      for (const [player, score] of acknowledged) expect(inPostgres.get(player), player).toBe(score);

      // A submission committed but not yet indexed when the process died is re-indexed once the
      // dead process's heartbeat expires and the sweeper notices (about 15 s + one sweep).
      await expect
        .poll(
          async () =>
            JSON.stringify(await rankingServed(http, s.serverKey, board)) ===
            JSON.stringify(await rankingInPostgres(process.env.DATABASE_URL!, s.gameId, board)),
          {
            timeout: 60_000,
            interval: 1000,
          },
        )
        .toBe(true);
      const served = await rankingServed(http, s.serverKey, board);
      for (const [player, score] of acknowledged) {
        expect(served.find(([p]) => p === player)?.[1], player).toBe(score);
      }
      const sample = [...acknowledged.keys()].slice(0, 20);
      for (const player of sample) {
        const res = await http.get(`/leaderboards/${board}/rank/${player}`).set('x-api-key', s.serverKey).expect(200);
        expect(res.body.rank).toBe(served.findIndex(([p]) => p === player) + 1);
      }
    }, 120_000);
  });
});
