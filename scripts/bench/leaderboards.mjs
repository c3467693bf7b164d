#!/usr/bin/env node
// `npm run bench:leaderboards` — how many submit-or-rank requests per second the platform serves
// with durable scores, next to the ceiling of a bare Fastify + ioredis handler doing the same
// Redis work, in the same run, on the same machine. A benchmark, not a test: it asserts nothing
// except that every request got a 2xx.
//
//   npm run bench:leaderboards                       boot the built platform and measure
//   npm run bench:leaderboards -- --duration 5       seconds per phase (default 10)
//   npm run bench:leaderboards -- --profile          also CPU-profile the platform during the mixed phase
//   npm run bench:leaderboards -- --no-build         skip `node scripts/build.mjs`
//   npm run bench:leaderboards -- --quick            only the two headline phases
//   BENCH_URL=http://host:8500 BENCH_SERVER_KEY=sp_sk_… npm run bench:leaderboards
//                                                    measure a running platform instead (no bare run)
//
// DATABASE_URL / REDIS_URL (default: the local servers) say where a private database
// (spawnpoint_bench_<id>, dropped at the end) and Redis key prefix (bench_<id>:) are made.
// Everything listens on 127.0.0.1 only; every phase is bounded by --duration.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'dist/apps/spawnpoint/src/main.js');
const BARE = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const BOARD = 'bench';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    players: { type: 'string', default: '10000' },
    'submit-ratio': { type: 'string', default: '0.5' },
    profile: { type: 'boolean', default: false },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const DURATION = Number(opts.duration);
const CONNECTIONS = Number(opts.connections);
const PLAYERS = Number(opts.players);
const SUBMIT_RATIO = Number(opts['submit-ratio']);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_ID = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const PREFIX = `bench_${RUN_ID}:`;

const log = (...args) => console.error('[bench]', ...args);
const cleanups = [];

async function main() {
  log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  const results = [];
  let target;
  if (process.env.BENCH_URL) {
    target = { url: process.env.BENCH_URL.replace(/\/$/, ''), key: process.env.BENCH_SERVER_KEY };
    if (!target.key) throw new Error('BENCH_URL needs BENCH_SERVER_KEY (a server key of a game on that platform)');
  } else {
    if (opts.build && !opts['no-build']) {
      log('building (node scripts/build.mjs)…');
      const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      if (built.status !== 0) throw new Error('build failed');
    }
    const database = await createDatabase();
    const platform = await startPlatform(database);
    target = { url: platform.url, key: await createStudio(platform.url), platform };
  }

  log(`warming up: one score for each of ${PLAYERS} players…`);
  await warmUp(target);

  const platformPid = target.platform?.child.pid;
  results.push(
    await phase('platform: submit-or-rank 50/50 (auth + durable write or rank)', target.url, mixed(target.key, SUBMIT_RATIO), platformPid),
  );

  if (!process.env.BENCH_URL) {
    const bare = await startBare(0);
    await seedBare(bare.url);
    results.push(
      await phase('bare Fastify + ioredis: submit-or-rank 50/50 (ceiling)', bare.url, mixed(null, SUBMIT_RATIO), bare.child.pid),
    );
    await stop(bare.child);

    if (!opts.quick) {
      results.push(await phase('platform: submit only', target.url, mixed(target.key, 1), platformPid));
      results.push(await phase('platform: rank only', target.url, mixed(target.key, 0), platformPid));
      results.push(
        await phase(
          'platform: GET /leaderboards/bench/config (auth + cached config only)',
          target.url,
          fixed('GET', `/leaderboards/${BOARD}/config`, target.key),
          platformPid,
        ),
      );
      results.push(await phase('platform: GET /healthz (no auth, no rate limit)', target.url, fixed('GET', '/healthz', null), platformPid));
      const bareAuth = await startBare(2);
      await seedBare(bareAuth.url);
      results.push(
        await phase('bare + 2 Redis round trips (what auth costs today)', bareAuth.url, mixed(null, SUBMIT_RATIO), bareAuth.child.pid),
      );
      await stop(bareAuth.child);
    }
    await checkDurability(target);
    if (opts.profile) await profile(target);
  }

  const [platform, bare] = results;
  console.log(`\n## Leaderboards benchmark (${new Date().toISOString()})\n`);
  console.log(
    `Machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}; Node ${process.version}; ${CONNECTIONS} connections, ${DURATION} s per phase, ${PLAYERS} players\n`,
  );
  console.log(
    '| Phase | req/s | p50 ms | p99 ms | non-2xx | server CPU (one core = 100 %) | server CPU per request | machine CPU (both cores) | load (1 min) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} | ${r.serverCpu} | ${r.cpuPerRequest} µs | ${r.machineCpu} | ${r.load} |`,
    );
  }
  if (platform && bare) console.log(`\nPlatform / bare: ${((platform.rps / bare.rps) * 100).toFixed(1)} %`);
}

/** submit-or-rank: each request picks a random player; `ratio` of them submit, the rest read a rank. */
function mixed(key, ratio) {
  const headers = key ? { 'x-api-key': key } : {};
  return {
    setupRequest: (req) => {
      const player = `p${randomInt(PLAYERS)}`;
      if (Math.random() < ratio) {
        return {
          ...req,
          method: 'POST',
          path: `/leaderboards/${BOARD}/scores`,
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ player_id: player, score: randomInt(1_000_000) }),
        };
      }
      return { ...req, method: 'GET', path: `/leaderboards/${BOARD}/rank/${player}`, headers, body: undefined };
    },
  };
}

function fixed(method, path, key) {
  return { setupRequest: (req) => ({ ...req, method, path, headers: key ? { 'x-api-key': key } : {}, body: undefined }) };
}

async function phase(name, url, request, pid) {
  log(`${name}: ${DURATION} s…`);
  const cpuBefore = { process: processCpu(pid), machine: machineCpu() };
  const started = Date.now();
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests: [request] });
  const wall = (Date.now() - started) / 1000;
  const processSeconds = (processCpu(pid) - cpuBefore.process) / 100;
  const machine = machineCpu();
  const busy = machine.busy - cpuBefore.machine.busy;
  const total = machine.total - cpuBefore.machine.total;
  const summary = {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    serverCpu: `${Math.round((processSeconds / wall) * 100)} %`,
    cpuPerRequest: result.requests.total > 0 ? Math.round((processSeconds * 1e6) / result.requests.total) : 0,
    machineCpu: `${Math.round((busy / total) * 100)} %`,
    // Other work on the machine moves every number here; the 1-minute load says how much there was.
    load: loadavg()[0].toFixed(1),
  };
  log(
    `  ${Math.round(summary.rps)} req/s, p50 ${summary.p50} ms, p99 ${summary.p99} ms, non-2xx ${summary.non2xx}, errors ${summary.errors}, ` +
      `server CPU ${summary.serverCpu} of one core (${summary.cpuPerRequest} µs/request), machine ${summary.machineCpu}, load ${summary.load}`,
  );
  return summary;
}

/** utime + stime of a process, in clock ticks (1/100 s). */
function processCpu(pid) {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function machineCpu() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const values = ticks.map(Number);
    const idle = values[3] + (values[4] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 1 };
  }
}

async function createDatabase() {
  const name = `spawnpoint_bench_${RUN_ID}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startPlatform(databaseUrl, extraArgs = []) {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run node scripts/build.mjs`);
  const port = await freePort();
  const env = {
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
    // The bench measures throughput, not the abuse limits (10 M/min: far above it, and small enough
    // that the GCRA interval, 60 000 ms / limit, stays above the precision of an epoch-ms double).
    RATE_LIMIT_KEY_PER_MINUTE: '10000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
    DOCS_ENABLED: 'false',
  };
  // Its logs (warnings and errors only) go to stderr, keeping stdout for the results.
  const child = spawn(process.execPath, [...extraArgs, ENTRY], { cwd: ROOT, env, stdio: ['ignore', process.stderr, 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/readyz`, child);
  const stopper = () => stop(child);
  cleanups.push(stopper);
  cleanups.push(() => deleteRedisKeys());
  log(`platform ready at ${url} (pid ${child.pid})`);
  return { url, child, databaseUrl, stopper };
}

async function startBare(extraRoundTrips) {
  const port = await freePort();
  const child = spawn(process.execPath, [BARE], {
    env: { PATH: process.env.PATH, PORT: String(port), REDIS_URL, REDIS_KEY_PREFIX: PREFIX, EXTRA_ROUND_TRIPS: String(extraRoundTrips) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanups.push(() => stop(child));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/leaderboards/${BOARD}/rank/nobody`, child, [404]);
  return { url, child };
}

async function waitFor(url, child, statuses = [200]) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    const status = (await fetch(url).catch(() => null))?.status;
    if (statuses.includes(status)) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer within 30 s`);
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

async function createStudio(url) {
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
    email: `bench-${RUN_ID}@bench.test`,
    password: 'correct horse battery',
    name: 'Bench',
  });
  const auth = { authorization: `Bearer ${token}` };
  const game = await post('/games', { name: 'Bench game' }, auth);
  const key = await post(`/games/${game.id}/keys`, { name: 'bench', kind: 'server' }, auth);
  return key.key;
}

/** One score per player, so every rank read finds a record and every submit updates one. */
async function warmUp(target) {
  let next = 0;
  const worker = async () => {
    while (next < PLAYERS) {
      const i = next++;
      const res = await fetch(`${target.url}/leaderboards/${BOARD}/scores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': target.key },
        body: JSON.stringify({ player_id: `p${i}`, score: randomInt(1_000_000) }),
      });
      if (res.status !== 201) throw new Error(`warm-up submit: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

async function seedBare(url) {
  const redis = new Redis(REDIS_URL, { keyPrefix: PREFIX });
  const args = [];
  for (let i = 0; i < PLAYERS; i++) args.push(randomInt(1_000_000), `p${i}`);
  await redis.zadd(`bare:${BOARD}`, ...args);
  await redis.quit();
  await fetch(`${url}/leaderboards/${BOARD}/rank/p0`);
}

/** Every acknowledged score is a row in Postgres; the index holds exactly those rows. */
async function checkDurability(target) {
  const client = new pg.Client({ connectionString: target.platform.databaseUrl });
  await client.connect();
  const { rows } = await client.query(
    `SELECT game_id::text, count(*)::int AS n, sum(submissions)::int AS submissions FROM leaderboard_records WHERE leaderboard_id = $1 GROUP BY game_id`,
    [BOARD],
  );
  await client.end();
  const redis = new Redis(REDIS_URL, { keyPrefix: PREFIX });
  const indexed = await redis.zcard(`lb:{${rows[0].game_id}:${BOARD}:1}:z`);
  await redis.quit();
  log(`durability: ${rows[0].n} records in Postgres (${rows[0].submissions} submissions applied), ${indexed} in the Redis index`);
  if (rows[0].n !== indexed) throw new Error('the index and Postgres disagree');
}

/** Re-runs the mixed phase with --cpu-prof and prints where the platform's CPU time goes. */
async function profile(target) {
  await target.platform.stopper();
  const dir = join(tmpdir(), `spawnpoint-bench-profile-${RUN_ID}`);
  const platform = await startPlatform(target.platform.databaseUrl, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
  // The new process's caches (known players, configs, API key) are cold: warm them as before.
  await warmUp({ ...target, url: platform.url });
  // V8 stamps samples with the monotonic clock, as process.hrtime does: keep only the phase's.
  const from = Number(process.hrtime.bigint() / 1000n);
  await phase('platform (profiled): submit-or-rank', platform.url, mixed(target.key, SUBMIT_RATIO), platform.child.pid);
  const to = Number(process.hrtime.bigint() / 1000n);
  await platform.stopper();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return log('no CPU profile was written');
  const { nodes, samples, timeDeltas, startTime } = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const selfTime = new Map();
  let at = startTime;
  samples.forEach((id, i) => {
    at += timeDeltas[i] ?? 0;
    if (at >= from && at <= to) selfTime.set(id, (selfTime.get(id) ?? 0) + (timeDeltas[i] ?? 0));
  });
  const byPackage = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const [id, micros] of selfTime) {
    const { callFrame } = byId.get(id);
    const where = category(callFrame);
    if (where === '(idle)') continue;
    total += micros;
    byPackage.set(where, (byPackage.get(where) ?? 0) + micros);
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `| ${k} | ${((v / total) * 100).toFixed(1)} % |`);
  console.log('\n### Where the platform process spends its CPU (self time, idle excluded)\n');
  console.log('| Package / area | share |\n| --- | ---: |');
  console.log(top(byPackage, 18).join('\n'));
  console.log('\n| Function | share |\n| --- | ---: |');
  console.log(top(byFunction, 25).join('\n'));
  if (process.env.BENCH_KEEP_PROFILE) {
    writeFileSync(join(dir, 'window.json'), JSON.stringify({ from, to }));
    log(`profile kept in ${dir} (phase window in window.json)`);
  } else rmSync(dir, { recursive: true, force: true });
}

function category({ url, functionName }) {
  if (functionName === '(idle)') return '(idle)';
  if (!url) return functionName === '(garbage collector)' ? '(garbage collector)' : '(native / program)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return url
      .slice(dist + 6)
      .split('/')
      .slice(0, 2)
      .join('/');
  return url;
}

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

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function cleanup() {
  for (const fn of cleanups.reverse()) await fn().catch((error) => log(`cleanup: ${error.message}`));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

main().then(
  () => cleanup(),
  async (error) => {
    console.error(`[bench] failed: ${error.stack ?? error.message}`);
    await cleanup();
    process.exit(1);
  },
);
