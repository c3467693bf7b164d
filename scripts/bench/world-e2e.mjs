#!/usr/bin/env node
// `npm run bench:world` (scenario 3) — a hosted world end to end: N connected clients in one world
// of 10,000 wandering arena bots (plus one entity per client), 20 Hz snapshots over /ws in the
// binary encoding, every client sending inputs; then the same scenario on Colyseus 0.18, in the
// same run. A benchmark, not a test: it asserts nothing except that every Spawnpoint client got in.
// Needs the build (`npm run build`): the platform from dist/, and the engine's WorldMirror.
//
//   node scripts/bench/world-e2e.mjs                    1,000 clients on each server, then both at --also
//   node scripts/bench/world-e2e.mjs --quick            100 clients, 5 s (for development)
//   options: --clients N, --also N[,M] (extra client counts to run on both servers; 0: none),
//            --duration S (measured seconds), --warmup S, --bots N, --world-size N, --aoi N,
//            --tick-rate N, --snapshot-rate N, --input-rate N (inputs per client per second),
//            --procs N (client processes), --mirrors N (Spawnpoint: clients that also keep a
//            WorldMirror; Colyseus: clients that decode, default 50),
//            --client-nice N (the client processes' nice value, default 10),
//            --connect-seconds S (how long Colyseus joins may go on; whoever is in then is measured),
//            --servers spawnpoint,colyseus (either or both), --profile (CPU-profile the platform; print where it goes)
//
// Servers, each alone on the machine while it is measured: the built platform
// (dist/apps/spawnpoint/src/main.js --role api,realtime, NODE_ENV=production, LOG_LEVEL=warn, on
// 127.0.0.1; a private database spawnpoint_bench_<id> and Redis prefix bench_<id>:, both removed
// at the end), and scripts/bench/world-e2e-colyseus.mjs. Clients run in child processes
// (scripts/bench/world-e2e-clients.mjs), so their CPU is not the server's. Spawnpoint clients
// authenticate for real: players are created in bulk in the bench database and each connects with
// the server key + its player_id.
//
// Metrics, over the measured window only (after the warm-up):
// - server CPU: utime + stime of the server process from /proc (one core = 100 %);
// - entity updates: updates of an entity already in view that carry a position change, counted by
//   the clients in what they received (entering entities are not counted). Every Spawnpoint client
//   counts exactly (a non-allocating walk of the binary messages); Colyseus clients beyond
//   --mirrors do not decode, and their updates are estimated from their patch bytes at the
//   decoding clients' bytes per update (their input latency is not measured either);
// - bytes per update: all state_delta / state-patch payload bytes (headers, entering and leaving
//   entities included) over those updates; "on the wire" adds the WebSocket frame headers;
// - snapshot interval: time between two state messages of one client;
// - input-to-delta latency: from sending input seq s to the first state message acknowledging
//   it (Spawnpoint: the seq in every delta's header; Colyseus: a per-client `Ack` in its view);
// - ticks: Spawnpoint's from GET /worlds/:name (average and p99 over the world's last 1,024 ticks,
//   overruns counted over the window); Colyseus's simulation callback and broadcastPatch timed
//   in-process (late = a tick that came more than two periods after the previous one).
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'dist/apps/spawnpoint/src/main.js');
const ENGINE = join(ROOT, 'dist/libs/worlds/src/engine/index.js');
const CLIENTS_SCRIPT = fileURLToPath(new URL('./world-e2e-clients.mjs', import.meta.url));
const COLYSEUS_SCRIPT = fileURLToPath(new URL('./world-e2e-colyseus.mjs', import.meta.url));
const WORLD = 'bench';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    clients: { type: 'string' },
    also: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    bots: { type: 'string', default: '10000' },
    'world-size': { type: 'string', default: '1000' },
    aoi: { type: 'string', default: '52' },
    'tick-rate': { type: 'string', default: '20' },
    'snapshot-rate': { type: 'string', default: '20' },
    'input-rate': { type: 'string', default: '20' },
    procs: { type: 'string', default: '4' },
    mirrors: { type: 'string', default: '50' },
    'client-nice': { type: 'string', default: '10' },
    'connect-seconds': { type: 'string', default: '120' },
    servers: { type: 'string', default: 'spawnpoint,colyseus' },
    profile: { type: 'boolean', default: false },
  },
});
const QUICK = opts.quick;
const CLIENTS = Number(opts.clients ?? (QUICK ? 100 : 1000));
const ALSO = (opts.also ?? (QUICK ? '0' : '150'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0 && n !== CLIENTS);
const DURATION = Number(opts.duration ?? (QUICK ? 5 : 20));
const WARMUP = Number(opts.warmup ?? (QUICK ? 3 : 5));
const BOTS = Number(opts.bots);
const WORLD_SIZE = Number(opts['world-size']);
const AOI = Number(opts.aoi);
const TICK_RATE = Number(opts['tick-rate']);
const SNAPSHOT_RATE = Number(opts['snapshot-rate']);
const INPUT_RATE = Number(opts['input-rate']);
const PROCS = Number(opts.procs);
const MIRRORS = Number(opts.mirrors);
const CLIENT_NICE = Number(opts['client-nice']);
const CONNECT_SECONDS = Number(opts['connect-seconds']);
const SERVERS = opts.servers.split(',');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_ID = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const PREFIX = `bench_${RUN_ID}:`;
const BUCKET_MS = 0.1;

const log = (...args) => console.error('[world-e2e]', ...args);
const cleanups = [];

async function main() {
  for (const file of [ENTRY, ENGINE]) if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  log(
    `machine: ${machine}; load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const counts = [CLIENTS, ...ALSO];
  const results = [];
  if (SERVERS.includes('spawnpoint')) {
    const database = await createDatabase();
    const platform = await startPlatform(database, opts.profile ? profileArgs() : []);
    const studio = await createStudio(platform.url);
    await createPlayers(database, studio.gameId, Math.max(...counts));
    for (const count of counts) results.push(await runSpawnpoint(platform, studio, count));
    await platform.stopper();
    if (opts.profile) printProfile();
  }
  if (SERVERS.includes('colyseus')) for (const count of counts) results.push(await runColyseus(count));
  report(results, machine);
}

// ---------------------------------------------------------------- the two servers

async function runSpawnpoint(platform, studio, count) {
  const world = `${WORLD}-${count}`;
  await request(platform.url, 'POST', '/worlds', studio.key, {
    name: world,
    max_players: count,
    world_size: WORLD_SIZE,
    tick_rate: TICK_RATE,
    snapshot_rate: SNAPSHOT_RATE,
    aoi_radius: AOI,
    module: 'arena',
    module_options: { bots: BOTS },
    // The periodic save is a BullMQ job for a worker; this run has none and measures hosting.
    persist_interval_seconds: 3600,
  });
  for (let i = 0; ; i++) {
    const live = await request(platform.url, 'GET', `/worlds/${world}`, studio.key);
    if (live.status === 'running') break;
    if (i > 100) throw new Error(`world ${world} did not start`);
    await sleep(100);
  }
  const fleet = await startFleet();
  const players = Array.from({ length: count }, (_, i) => `b${i}`);
  const url = platform.url.replace('http://', 'ws://');
  const mirrorsPerProc = Math.ceil(MIRRORS / fleet.length);
  await connectFleet(fleet, (i, n) => ({
    op: 'connect',
    kind: 'spawnpoint',
    url,
    key: studio.key,
    world,
    players: players.filter((_, p) => p % n === i),
    mirrors: mirrorsPerProc,
    concurrency: 16,
    deadlineMs: 300_000,
    joinTimeoutMs: 60_000,
  }));
  const before = () => request(platform.url, 'GET', `/worlds/${world}`, studio.key);
  const result = await measure(`Spawnpoint (/ws binary), ${count} clients`, fleet, platform.child.pid, before);
  result.server = 'spawnpoint';
  await closeFleet(fleet);
  await request(platform.url, 'DELETE', `/worlds/${world}`, studio.key);
  return result;
}

async function runColyseus(count) {
  const port = await freePort();
  const child = fork(COLYSEUS_SCRIPT, [], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      WORLD_SIZE: String(WORLD_SIZE),
      AOI_RADIUS: String(AOI),
      BOTS: String(BOTS),
      TICK_RATE: String(TICK_RATE),
      PATCH_RATE: String(SNAPSHOT_RATE),
      MAX_CLIENTS: String(count),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  cleanups.push(() => stop(child));
  const { roomId } = await reply(child, 'ready', 60_000);
  log(`Colyseus ready on port ${port} (pid ${child.pid}), room ${roomId}`);
  const fleet = await startFleet();
  const per = (i, n) => Math.floor(count / n) + (i < count % n ? 1 : 0);
  await connectFleet(
    fleet,
    (i, n) => ({
      op: 'connect',
      kind: 'colyseus',
      url: `http://127.0.0.1:${port}`,
      roomId,
      count: per(i, n),
      decoders: Math.ceil(MIRRORS / n),
      concurrency: 8,
      deadlineMs: CONNECT_SECONDS * 1000,
      joinTimeoutMs: 20_000,
    }),
    true,
  );
  const ticks = async () => {
    child.send({ op: 'stats' });
    return reply(child, 'stats');
  };
  const result = await measure(`Colyseus 0.18 (StateView + grid), ${count} clients`, fleet, child.pid, ticks);
  result.server = 'colyseus';
  result.attempted = count;
  await closeFleet(fleet);
  await stop(child);
  return result;
}

// ---------------------------------------------------------------- clients and measurement

async function startFleet() {
  const fleet = Array.from({ length: PROCS }, () =>
    fork(CLIENTS_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=2048'] }),
  );
  for (const child of fleet) {
    cleanups.push(() => stop(child));
    // The clients stand in for other machines: when the CPU is short, the server goes first.
    setPriority(child.pid, CLIENT_NICE);
  }
  return fleet;
}

/** Connects the fleet; a Colyseus run (`partial`) keeps going with whoever got in. */
async function connectFleet(fleet, message, partial = false) {
  const started = Date.now();
  const replies = await Promise.all(
    fleet.map((child, i) => {
      child.send(message(i, fleet.length));
      return reply(child, 'connected', 900_000);
    }),
  );
  const failed = replies.reduce((sum, r) => sum + r.failed, 0);
  const ok = replies.reduce((sum, r) => sum + r.ok, 0);
  log(`  ${ok} clients connected in ${((Date.now() - started) / 1000).toFixed(1)} s${failed ? `, ${failed} failed` : ''}`);
  if (failed > 0 && !partial) throw new Error(`${failed} clients failed to connect: ${replies.find((r) => r.error)?.error}`);
  if (failed > 0) log(`  (${failed} did not get in: ${replies.find((r) => r.error)?.error}); measuring the ${ok} that did`);
  if (ok === 0) throw new Error('no client got in');
  return { ok, failed };
}

async function closeFleet(fleet) {
  await Promise.all(
    fleet.map((child) => {
      child.send({ op: 'close' });
      return reply(child, 'closed', 30_000).catch(() => undefined);
    }),
  );
  await Promise.all(fleet.map((child) => stop(child)));
}

async function measure(name, fleet, pid, serverStats) {
  for (const child of fleet) child.send({ op: 'inputs', rate: INPUT_RATE });
  log(`${name}: warm-up ${WARMUP} s, then ${DURATION} s measured…`);
  await sleep(WARMUP * 1000);
  await Promise.all(
    fleet.map((child) => {
      child.send({ op: 'reset' });
      return reply(child, 'reset');
    }),
  );
  const ticksBefore = await serverStats();
  // V8 stamps profile samples with the monotonic clock, as process.hrtime does: keep the window's.
  profileWindows.push({ from: Number(process.hrtime.bigint() / 1000n), to: Infinity });
  const cpuBefore = { process: processCpu(pid), machine: machineCpu(), at: performance.now() };
  await sleep(DURATION * 1000);
  const cpuAfter = { process: processCpu(pid), machine: machineCpu(), at: performance.now() };
  profileWindows.at(-1).to = Number(process.hrtime.bigint() / 1000n);
  const stats = await Promise.all(
    fleet.map((child) => {
      child.send({ op: 'stats' });
      return reply(child, 'stats');
    }),
  );
  const ticksAfter = await serverStats();
  const wall = (cpuAfter.at - cpuBefore.at) / 1000;
  const cpuSeconds = (cpuAfter.process - cpuBefore.process) / 100;
  const machineBusy = (cpuAfter.machine.busy - cpuBefore.machine.busy) / Math.max(1, cpuAfter.machine.total - cpuBefore.machine.total);
  const sum = (field) => stats.reduce((total, s) => total + s[field], 0);
  const merge = (field) => {
    const histogram = new Map();
    for (const s of stats) for (const [bucket, n] of s[field]) histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
    return [...histogram].sort((a, b) => a[0] - b[0]);
  };
  const clients = sum('clients');
  // Clients that did not decode (Colyseus beyond --mirrors) only count bytes: their updates are
  // estimated at the decoding clients' bytes per update.
  const decodedBytes = sum('decodedBytes');
  const movingDecoded = sum('moving');
  const moving = decodedBytes > 0 ? (movingDecoded * sum('payloadBytes')) / decodedBytes : 0;
  const result = {
    name,
    clients,
    wall: round(wall, 1),
    serverCpuPercent: round((cpuSeconds / wall) * 100, 1),
    machineCpuPercent: round(machineBusy * 100, 1),
    cpuMsPerClientSecond: round(((cpuSeconds / wall) * 1000) / clients, 3),
    updatesPerCpuSecond: Math.round(moving / Math.max(cpuSeconds, 1e-9)),
    updatesPerSecond: Math.round(moving / wall),
    snapshotsPerClientSecond: round(sum('messages') / clients / wall, 2),
    avgVisible: round(sum('visibleSum') / Math.max(1, sum('visibleClients')), 1),
    decodedShare: round(decodedBytes / Math.max(1, sum('payloadBytes')), 3),
    bytesPerUpdate: round(decodedBytes / Math.max(movingDecoded, 1), 2),
    wireBytesPerUpdate: round(sum('frameBytes') / Math.max(moving, 1), 2),
    entered: sum('entered'),
    left: sum('left'),
    intervalP50: quantile(merge('intervals'), 0.5),
    intervalP99: quantile(merge('intervals'), 0.99),
    latencyP50: quantile(merge('latencies'), 0.5),
    latencyP99: quantile(merge('latencies'), 0.99),
    inputsSent: sum('inputsSent'),
    inputsAcked: sum('inputsAcked'),
    mirrorMessages: sum('mirrorMessages'),
    checksumsOk: sum('checksumsOk'),
    resyncs: sum('resyncs'),
    mismatches: sum('mismatches'),
    errors: sum('errors'),
    closed: sum('closed'),
    ticks: tickSummary(ticksBefore, ticksAfter),
  };
  log(`  ${JSON.stringify(result)}`);
  return result;
}

function tickSummary(before, after) {
  if ('avg_tick_us' in after) {
    return {
      avg: round(after.avg_tick_us / 1000, 2),
      p99: round(after.p99_tick_us / 1000, 2),
      overruns: after.overruns - before.overruns,
      ticks: after.tick - before.tick,
      entities: after.entities,
    };
  }
  return {
    avg: round(after.tickP50, 2),
    p99: round(after.tickP99, 2),
    patchP50: round(after.patchP50, 2),
    patchP99: round(after.patchP99, 2),
    overruns: after.late - before.late,
    ticks: after.ticks - before.ticks,
    entities: after.entities,
  };
}

function quantile(histogram, q) {
  const total = histogram.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [bucket, n] of histogram) {
    seen += n;
    if (seen >= q * total) return round((bucket + 1) * BUCKET_MS, 1);
  }
  return null;
}

function reply(child, op, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no ${op} from pid ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message) => {
      if (message?.op !== op) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

// ---------------------------------------------------------------- report

function report(results, machine) {
  const lines = [];
  lines.push(`\n## World end to end (${new Date().toISOString()})\n`);
  lines.push(
    `Machine: ${machine}; load average before ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}. World: ${BOTS.toLocaleString('en')} bots + 1 entity per client, ${WORLD_SIZE}² units, AOI ${AOI}, ` +
      `${TICK_RATE} Hz ticks, ${SNAPSHOT_RATE} Hz snapshots, ${INPUT_RATE} inputs/s per client; ${DURATION} s measured after ${WARMUP} s warm-up.\n`,
  );
  lines.push(
    '| Server | Clients | Server CPU | CPU per client | Entity updates / CPU-s | Updates/s | Snapshots/client/s | Visible | B/update (payload / wire) | Interval p50 / p99 | Input→delta p50 / p99 | Tick avg / p99 | Overruns |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const patch = r.ticks.patchP50 !== undefined ? ` (patch ${r.ticks.patchP50} / ${r.ticks.patchP99} ms)` : '';
    lines.push(
      `| ${r.server} | ${r.attempted && r.attempted !== r.clients ? `${r.clients} of ${r.attempted}` : r.clients} | ${r.serverCpuPercent} % | ${r.cpuMsPerClientSecond} ms/s | ${r.updatesPerCpuSecond.toLocaleString('en')} | ` +
        `${r.updatesPerSecond.toLocaleString('en')} | ${r.snapshotsPerClientSecond} | ${r.avgVisible} | ${r.bytesPerUpdate} / ${r.wireBytesPerUpdate} | ` +
        `${r.intervalP50} / ${r.intervalP99} ms | ${r.latencyP50} / ${r.latencyP99} ms | ${r.ticks.avg} / ${r.ticks.p99} ms${patch} | ${r.ticks.overruns} / ${r.ticks.ticks} |`,
    );
  }
  for (const r of results.filter((x) => x.server === 'spawnpoint')) {
    lines.push(
      `\nSpawnpoint, ${r.clients} clients: ${r.mirrorMessages} messages applied to WorldMirrors, ${r.checksumsOk} checksums matched, ` +
        `${r.resyncs} resyncs, ${r.mismatches} count mismatches; inputs ${r.inputsSent} sent, ${r.inputsAcked} acknowledged; ` +
        `${r.errors} errors, ${r.closed} closed; machine CPU ${r.machineCpuPercent} %.`,
    );
  }
  const asked = (r) => r.attempted ?? r.clients;
  for (const count of new Set(results.map(asked))) {
    const sp = results.find((r) => r.server === 'spawnpoint' && asked(r) === count);
    const cy = results.find((r) => r.server === 'colyseus' && asked(r) === count);
    if (sp && cy) {
      const held = cy.clients === count ? '' : ` (Colyseus held ${cy.clients} of them)`;
      lines.push(
        `\n${count} clients${held}: Spawnpoint delivers ${round(sp.updatesPerCpuSecond / cy.updatesPerCpuSecond, 2)}× Colyseus's entity updates per server CPU-second (target ≥ 3×).`,
      );
    }
  }
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ scenario: 'world-e2e', machine, results }));
}

// ---------------------------------------------------------------- platform plumbing

async function request(url, method, path, key, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

function processCpu(pid) {
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

async function createPlayers(databaseUrl, gameId, count) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    `INSERT INTO players (game_id, id, updated_at) SELECT $1::uuid, 'b' || g, now() FROM generate_series(0, $2::int - 1) AS g`,
    [gameId, count],
  );
  await client.end();
}

const PROFILE_DIR = join(tmpdir(), `spawnpoint-world-e2e-profile-${RUN_ID}`);
/** The measured windows (monotonic µs): only their samples count in the profile. */
const profileWindows = [];

function profileArgs() {
  return ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--cpu-prof-interval=500'];
}

async function startPlatform(databaseUrl, extraArgs) {
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
    // 1,000 clients connect from one IP within seconds: the bench measures worlds, not abuse limits.
    RATE_LIMIT_KEY_PER_MINUTE: '10000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
    DOCS_ENABLED: 'false',
  };
  const child = spawn(process.execPath, [...extraArgs, ENTRY, '--role', 'api,realtime'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stopper = () => stop(child);
  cleanups.push(stopper);
  cleanups.push(() => deleteRedisKeys());
  await waitFor(`${url}/readyz`, child);
  log(`platform ready at ${url} (pid ${child.pid})`);
  return { url, child, stopper };
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
    email: `world-${RUN_ID}@bench.test`,
    password: 'correct horse battery',
    name: 'Bench',
  });
  const auth = { authorization: `Bearer ${token}` };
  const game = await post('/games', { name: 'World bench' }, auth);
  const key = await post(`/games/${game.id}/keys`, { name: 'bench', kind: 'server' }, auth);
  return { gameId: game.id, key: key.key };
}

/** Self time in the measured windows, by area and by function, idle left out. */
function printProfile() {
  const file = existsSync(PROFILE_DIR) ? readdirSync(PROFILE_DIR).find((f) => f.endsWith('.cpuprofile')) : undefined;
  if (!file) return log('no CPU profile was written');
  const { nodes, samples, timeDeltas, startTime } = JSON.parse(readFileSync(join(PROFILE_DIR, file), 'utf8'));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const byArea = new Map();
  const byFunction = new Map();
  const add = (map, key, micros) => map.set(key, (map.get(key) ?? 0) + micros);
  let total = 0;
  let at = startTime;
  samples.forEach((id, i) => {
    const micros = timeDeltas[i] ?? 0;
    at += micros;
    if (!profileWindows.some((w) => at >= w.from && at <= w.to)) return;
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') return;
    total += micros;
    const where = area(callFrame.url);
    add(byArea, where, micros);
    add(byFunction, `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`, micros);
  });
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, micros]) => `| ${key} | ${((micros / total) * 100).toFixed(1)} % |`)
      .join('\n');
  console.log('\n### Where the platform spends its CPU in the measured windows (self time, idle excluded)\n');
  console.log(`| Area | share |\n| --- | ---: |\n${top(byArea, 15)}\n\n| Function | share |\n| --- | ---: |\n${top(byFunction, 30)}`);
  rmSync(PROFILE_DIR, { recursive: true, force: true });
}

function area(url) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 6) : url;
}

async function waitFor(url, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    if ((await fetch(url).catch(() => null))?.status === 200) return;
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

function round(value, digits) {
  return Number(value.toFixed(digits));
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
    console.error(`[world-e2e] failed: ${error.stack ?? error.message}`);
    await cleanup();
    process.exit(1);
  },
);
