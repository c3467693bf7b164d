// The built platform under test, on a private database (spawnpoint_bench_<id>) and Redis key prefix
// (bench_<id>:) made on DATABASE_URL / REDIS_URL (default: the local servers) and removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../../lib/services.mjs';
import { stop, waitFor } from './child.mjs';
import { log, onCleanup } from './run.mjs';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const ENTRY = join(ROOT, 'dist/apps/spawnpoint/src/main.js');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** This run's id: it names the database, the Redis prefix and anything else the run leaves in shared places. */
export const RUN_ID = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
export const PREFIX = `bench_${RUN_ID}:`;

/** `node scripts/build.mjs` (its errors on stderr); throws if it fails. */
export function buildPlatform() {
  log('building (node scripts/build.mjs)…');
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('build failed');
}

/** Creates this run's database (dropped at cleanup) and returns its URL. */
export async function createDatabase() {
  const name = `spawnpoint_bench_${RUN_ID}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  onCleanup(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Players b0…b<count-1> of a game, inserted in one statement (the handshake reads them like any player). */
export async function createPlayers(databaseUrl, gameId, count) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    `INSERT INTO players (game_id, id, updated_at) SELECT $1::uuid, 'b' || g, now() FROM generate_series(0, $2::int - 1) AS g`,
    [gameId, count],
  );
  await client.end();
}

/**
 * Boots dist/apps/spawnpoint/src/main.js on a free port of 127.0.0.1 (NODE_ENV=production,
 * LOG_LEVEL=warn) and waits until it is ready. `roles`: its --role (default: every role);
 * `nodeArgs`: node flags before the entry (e.g. --cpu-prof); `env`: more environment. Stopped, and
 * its Redis keys deleted, at cleanup.
 */
export async function startPlatform(databaseUrl, { roles, nodeArgs = [], env = {} } = {}) {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run node scripts/build.mjs`);
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, ENTRY, ...(roles ? ['--role', roles] : [])], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      JWT_SESSION_SECRET: randomBytes(32).toString('hex'),
      JWT_DEVELOPER_SECRET: randomBytes(32).toString('hex'),
      // The benches measure throughput, not the abuse limits (thousands of clients connect from one
      // IP within seconds). 10 M/min is far above any of them, and small enough that the GCRA
      // interval, 60 000 ms / limit, stays above the precision of an epoch-ms double.
      RATE_LIMIT_KEY_PER_MINUTE: '10000000',
      RATE_LIMIT_IP_PER_MINUTE: '10000000',
      DOCS_ENABLED: 'false',
      ...env,
    },
    // Its logs (warnings and errors only) go to stderr, keeping stdout for the results.
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  onCleanup(() => deleteRedisKeys());
  const stopPlatform = () => stop(child);
  onCleanup(stopPlatform);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/readyz`, child);
  log(`platform ready at ${url} (pid ${child.pid})`);
  return { url, child, databaseUrl, stop: stopPlatform };
}

/** Over HTTP: signs up a developer, creates a game and a server key for it. `name` tells this run's studios apart. */
export async function createStudio(url, name) {
  const post = async (path, body, headers = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const { token } = await post('/developers/signup', {
    email: `bench-${RUN_ID}-${name}@bench.test`,
    password: 'correct horse battery',
    name: 'Bench',
  });
  const auth = { authorization: `Bearer ${token}` };
  const game = await post('/games', { name: `Bench ${name}` }, auth);
  const key = await post(`/games/${game.id}/keys`, { name: 'bench', kind: 'server' }, auth);
  return { gameId: game.id, key: key.key };
}

/** A request with a game's API key and an optional JSON body; the JSON reply (null for a 204), or a throw unless 2xx. */
export async function apiRequest(url, method, path, key, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** Deletes every Redis key under this run's prefix. */
async function deleteRedisKeys() {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
