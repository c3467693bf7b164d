import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@spawnpoint/config';
import type { Role } from '@spawnpoint/shared';
import pg from 'pg';
import request from 'supertest';
import { applyMigrations } from '../../libs/prisma/src/migrator.js';
import { createPlatform } from '../../apps/spawnpoint/src/platform.js';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * Boots the real platform (real Postgres and Redis, the run's own database and key prefix) on a
 * free port. `env` overrides settings for one suite, e.g. a low rate limit.
 */
export async function startApp(env: Record<string, string> = {}, roles: Role[] = ['api', 'realtime', 'worker']): Promise<TestApp> {
  const config = loadConfig({ ...process.env, ...env }, roles);
  const app = await createPlatform(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, http: request(url), close: () => app.close() };
}

/**
 * A migrated database of the suite's own, beside the run's. Every worker's matcher (and sweeper)
 * works on all the games of its database: a suite that asserts what its own worker did (the push
 * it sent, the metrics it counted) needs its own database as well as its own key prefix, or a
 * parallel suite's worker may do the work first.
 */
export async function ownDatabase(name: string): Promise<{ env: { DATABASE_URL: string }; drop(): Promise<void> }> {
  const runUrl = new URL(process.env.DATABASE_URL!);
  const database = `${runUrl.pathname.slice(1)}_${name}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_SERVER_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${database}"`);
  const url = new URL(runUrl);
  url.pathname = `/${database}`;
  await applyMigrations({ databaseUrl: url.toString(), migrationsDir: fileURLToPath(new URL('../../prisma/migrations', import.meta.url)) });
  return { env: { DATABASE_URL: url.toString() }, drop: () => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`) };
}
