import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@spawnpoint/config';
import type { Role } from '@spawnpoint/shared';
import request from 'supertest';
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
