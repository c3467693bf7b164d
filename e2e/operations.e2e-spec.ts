import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpenApi, OPENAPI_PATH } from '../apps/spawnpoint/src/generate-openapi.js';
import { startApp, type TestApp } from './support/app.js';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  describe('GET /healthz and /readyz', () => {
    it('reports liveness and that Postgres and Redis answer', async () => {
      await t.http.get('/healthz').expect(200, { status: 'ok' });
      const ready = await t.http.get('/readyz').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', checks: { postgres: { ok: true }, redis: { ok: true } } });
    });
  });

  describe('GET /metrics', () => {
    it('exposes request counts by route in Prometheus text format', async () => {
      await t.http.get('/developers/me').expect(401);
      const res = await t.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.text).toMatch(/spawnpoint_http_requests_total\{method="GET",route="\/developers\/me",status="401"\} \d+/);
      expect(res.text).toContain('spawnpoint_process_cpu_seconds_total');
    });
  });

  describe('GET /docs', () => {
    it('serves the OpenAPI UI and document with every public route', async () => {
      await t.http.get('/docs').expect(200);
      const doc = await t.http.get('/docs/openapi.json').expect(200);
      for (const path of ['/developers/signup', '/games/{gameId}/keys', '/auth/device', '/auth/refresh', '/players/me']) {
        expect(Object.keys(doc.body.paths)).toContain(path);
      }
    });
  });

  describe('openapi/openapi.json', () => {
    it('is what the code generates (run `npm run openapi` after changing the API)', async () => {
      const committed = readFileSync(OPENAPI_PATH.replace('/dist/', '/'), 'utf8');
      expect(await generateOpenApi()).toBe(committed);
    });
  });

  describe('roles', () => {
    it('runs a worker-only process that reports health but serves no REST routes', async () => {
      const worker = await startApp({}, ['worker']);
      try {
        await worker.http.get('/readyz').expect(200);
        await worker.http.post('/developers/signup').send({}).expect(404);
      } finally {
        await worker.close();
      }
    });
  });
});

const ENTRY = fileURLToPath(new URL('../dist/apps/spawnpoint/src/main.js', import.meta.url));

function run(args: string[], env: Record<string, string | undefined>): { exit: Promise<number | null>; output: () => string; kill: (s: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [ENTRY, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))), output: () => output, kill: (s) => child.kill(s) };
}

describe('the executable (dist/apps/spawnpoint/src/main.js)', () => {
  const env = () => ({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
    JWT_SESSION_SECRET: process.env.JWT_SESSION_SECRET,
    JWT_DEVELOPER_SECRET: process.env.JWT_DEVELOPER_SECRET,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
  });

  it('refuses to boot with one readable line naming a missing variable', async () => {
    const proc = run([], { ...env(), DATABASE_URL: undefined });
    expect(await proc.exit).toBe(78);
    expect(proc.output().trim()).toBe('config: DATABASE_URL is missing');
  });

  it('refuses the development secret in production', async () => {
    const proc = run([], { ...env(), JWT_SESSION_SECRET: undefined });
    expect(await proc.exit).toBe(78);
    expect(proc.output()).toContain('config: JWT_SESSION_SECRET is missing: the development default is refused');
  });

  it('boots the selected roles, answers /readyz, and exits 0 on SIGTERM', async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const proc = run(['--role', 'realtime,worker'], { ...env(), PORT: port });
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status, { timeout: 20_000, interval: 200 })
      .toBe(200);
    expect(proc.output()).toContain('spawnpoint ready (realtime, worker)');
    proc.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    expect(proc.output()).toContain('shutting down');
  });
});
