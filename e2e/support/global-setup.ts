import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { applyMigrations } from '../../libs/prisma/src/migrator.js';

// Each test run gets its own fresh database (on the server the test script found) and its own
// Redis key prefix, so runs never see each other's data and nothing is mocked.
export default async function setup(): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!serverUrl || !redisUrl) {
    throw new Error('DATABASE_URL and REDIS_URL must be set: run the tests with `npm test`, which finds or starts them.');
  }
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `spawnpoint_test_${runId}`;
  await withAdmin(serverUrl, async (client) => {
    await dropAbandonedDatabases(client);
    await client.query(`CREATE DATABASE "${database}"`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  await applyMigrations({
    databaseUrl,
    migrationsDir: fileURLToPath(new URL('../../prisma/migrations', import.meta.url)),
  });

  const redisPrefix = `sptest_${runId}:`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    TEST_DATABASE_SERVER_URL: serverUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_DEVELOPER_SECRET: randomBytes(32).toString('hex'),
    JWT_SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });

  return async () => {
    if (process.env.KEEP_TEST_DATABASE) return;
    await withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    const redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  };
}

const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

/** An interrupted run (Ctrl-C skips teardown) leaves its database behind: drop old ones by their timestamp. */
async function dropAbandonedDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'spawnpoint_test_%'");
  for (const { datname } of rows) {
    const created = parseInt(datname.slice('spawnpoint_test_'.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(created) && Date.now() - created > ABANDONED_AFTER_MS) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
}

async function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
