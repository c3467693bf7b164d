#!/usr/bin/env node
// `npm run bench:leaderboards` — how many submit-or-rank requests per second the platform serves
// with durable scores, next to the ceiling of a bare Fastify + ioredis handler doing the same
// Redis work, in the same run, on the same machine. A benchmark, not a test: it asserts nothing
// except that every request got a 2xx.
//
//   npm run bench:leaderboards                       boot the built platform and measure
//   npm run bench:leaderboards -- --duration 5       seconds per phase (default 10)
//   npm run bench:leaderboards -- --connections 64   concurrent HTTP connections (default 256)
//   npm run bench:leaderboards -- --profile          also CPU-profile the platform during the mixed phase
//   npm run bench:leaderboards -- --no-build         skip `node scripts/build.mjs`
//   npm run bench:leaderboards -- --quick            only the two headline phases, one round
//   npm run bench:leaderboards -- --rounds 5         the headline pair (platform, then bare) this many
//                                                    times, alternating (default 3): on a shared VM one
//                                                    10 s phase can land on a noisy stretch
//   BENCH_URL=http://host:8500 BENCH_SERVER_KEY=sp_sk_… npm run bench:leaderboards
//                                                    measure a running platform instead (no bare run)
//
// DATABASE_URL / REDIS_URL (default: the local servers) say where a private database
// (spawnpoint_bench_<id>, dropped at the end) and Redis key prefix (bench_<id>:) are made.
// Everything listens on 127.0.0.1 only; every phase is bounded by --duration.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../lib/services.mjs';
import { stop, waitFor } from './lib/child.mjs';
import { describeMachine, machineCpu, processCpu } from './lib/machine.mjs';
import { buildPlatform, createDatabase, createStudio, PREFIX, REDIS_URL, RUN_ID, startPlatform } from './lib/platform.mjs';
import { printShares, readCpuProfile, selfTime } from './lib/profile.mjs';
import { log, onCleanup, runBench } from './lib/run.mjs';

const BARE = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const BOARD = 'bench';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    // Enough concurrent clients to saturate both servers. Each submission waits for its group
    // commit, so with 64 the platform idled ~20 % of the time while every connection waited on
    // Postgres: a throughput ratio measured there is a latency ratio (docs/benchmarks.md).
    connections: { type: 'string', default: '256' },
    players: { type: 'string', default: '10000' },
    'submit-ratio': { type: 'string', default: '0.5' },
    profile: { type: 'boolean', default: false },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
  },
});
const DURATION = Number(opts.duration);
const CONNECTIONS = Number(opts.connections);
const PLAYERS = Number(opts.players);
const SUBMIT_RATIO = Number(opts['submit-ratio']);
const ROUNDS = Number(opts.rounds ?? (opts.quick ? 1 : 3));

async function main() {
  log(`machine: ${describeMachine()}`);
  const results = [];
  let target;
  if (process.env.BENCH_URL) {
    target = { url: process.env.BENCH_URL.replace(/\/$/, ''), key: process.env.BENCH_SERVER_KEY };
    if (!target.key) throw new Error('BENCH_URL needs BENCH_SERVER_KEY (a server key of a game on that platform)');
  } else {
    if (opts.build && !opts['no-build']) buildPlatform();
    const database = await createDatabase();
    const platform = await startPlatform(database);
    target = { url: platform.url, key: (await createStudio(platform.url, 'leaderboards')).key, platform };
  }

  log(`warming up: one score for each of ${PLAYERS} players…`);
  await warmUp(target);

  const platformPid = target.platform?.child.pid;
  // The headline pair, alternated: each round measures the platform, then the bare handler.
  const ratios = [];
  const bare = process.env.BENCH_URL ? null : await startBare(0);
  if (bare) await seedBare(bare.url);
  for (let round = 1; round <= ROUNDS; round++) {
    const label = ROUNDS > 1 ? ` [round ${round}]` : '';
    const platform = await phase(
      `platform: submit-or-rank 50/50 (auth + durable write or rank)${label}`,
      target.url,
      mixed(target.key, SUBMIT_RATIO),
      platformPid,
    );
    results.push(platform);
    if (!bare) continue;
    const ceiling = await phase(`bare Fastify + ioredis: submit-or-rank 50/50 (ceiling)${label}`, bare.url, mixed(null, SUBMIT_RATIO), bare.child.pid);
    results.push(ceiling);
    ratios.push({ platform: platform.rps, bare: ceiling.rps });
  }
  if (bare) await stop(bare.child);

  if (!process.env.BENCH_URL) {
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
  if (ratios.length > 0) {
    const percent = (r) => `${((r.platform / r.bare) * 100).toFixed(1)} %`;
    const sum = (field) => ratios.reduce((total, r) => total + r[field], 0);
    console.log(
      `\nPlatform / bare: ${percent({ platform: sum('platform'), bare: sum('bare') })} over ${ratios.length} round(s)` +
        (ratios.length > 1 ? ` (round by round: ${ratios.map(percent).join(', ')})` : ''),
    );
  }
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

async function startBare(extraRoundTrips) {
  const port = await freePort();
  const child = spawn(process.execPath, [BARE], {
    env: { PATH: process.env.PATH, PORT: String(port), REDIS_URL, REDIS_KEY_PREFIX: PREFIX, EXTRA_ROUND_TRIPS: String(extraRoundTrips) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  onCleanup(() => stop(child));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/leaderboards/${BOARD}/rank/nobody`, child, [404]);
  return { url, child };
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
  await target.platform.stop();
  const dir = join(tmpdir(), `spawnpoint-bench-profile-${RUN_ID}`);
  const platform = await startPlatform(target.platform.databaseUrl, {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
  });
  // The new process's caches (known players, configs, API key) are cold: warm them as before.
  await warmUp({ ...target, url: platform.url });
  // V8 stamps samples with the monotonic clock, as process.hrtime does: keep only the phase's.
  const from = Number(process.hrtime.bigint() / 1000n);
  await phase('platform (profiled): submit-or-rank', platform.url, mixed(target.key, SUBMIT_RATIO), platform.child.pid);
  const to = Number(process.hrtime.bigint() / 1000n);
  await platform.stop();
  const cpuProfile = readCpuProfile(dir);
  if (!cpuProfile) return log('no CPU profile was written');
  // Built code by area (apps/api, libs/leaderboards…), functions by name only.
  printShares(
    '### Where the platform process spends its CPU (self time, idle excluded)',
    selfTime(cpuProfile, [{ from, to }], { distDepth: 2, lines: false }),
    { areaTitle: 'Package / area', areas: 18, functions: 25 },
  );
  if (process.env.BENCH_KEEP_PROFILE) {
    writeFileSync(join(dir, 'window.json'), JSON.stringify({ from, to }));
    log(`profile kept in ${dir} (phase window in window.json)`);
  } else rmSync(dir, { recursive: true, force: true });
}

runBench(main);
