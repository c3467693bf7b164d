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
//            --inputs binary|json (how Spawnpoint clients send inputs; default binary, the SDK's),
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
import { fork } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../lib/services.mjs';
import { stop } from './lib/child.mjs';
import { describeMachine, machineCpu, processCpu } from './lib/machine.mjs';
import { apiRequest, createDatabase, createPlayers, createStudio, ENTRY, ROOT, RUN_ID, startPlatform } from './lib/platform.mjs';
import { printShares, readCpuProfile, selfTime } from './lib/profile.mjs';
import { log, onCleanup, runBench } from './lib/run.mjs';
import { histogramQuantile, mergeHistograms, round } from './lib/stats.mjs';

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
    inputs: { type: 'string', default: 'binary' },
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
const BUCKET_MS = 0.1;
const PROFILE_DIR = join(tmpdir(), `spawnpoint-world-e2e-profile-${RUN_ID}`);
/** The measured windows (monotonic µs): only their samples count in the profile. */
const profileWindows = [];

async function main() {
  for (const file of [ENTRY, ENGINE]) if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  const machine = describeMachine();
  log(
    `machine: ${machine}; load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const counts = [CLIENTS, ...ALSO];
  const results = [];
  if (SERVERS.includes('spawnpoint')) {
    const database = await createDatabase();
    const platform = await startPlatform(database, {
      roles: 'api,realtime',
      nodeArgs: opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--cpu-prof-interval=500'] : [],
    });
    const studio = await createStudio(platform.url, 'world');
    await createPlayers(database, studio.gameId, Math.max(...counts));
    for (const count of counts) results.push(await runSpawnpoint(platform, studio, count));
    await platform.stop();
    if (opts.profile) printProfile();
  }
  if (SERVERS.includes('colyseus')) for (const count of counts) results.push(await runColyseus(count));
  report(results, machine);
}

// ---------------------------------------------------------------- the two servers

async function runSpawnpoint(platform, studio, count) {
  const world = `${WORLD}-${count}`;
  await apiRequest(platform.url, 'POST', '/worlds', studio.key, {
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
    const live = await apiRequest(platform.url, 'GET', `/worlds/${world}`, studio.key);
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
    inputs: opts.inputs,
    concurrency: 16,
    deadlineMs: 300_000,
    joinTimeoutMs: 60_000,
  }));
  const before = () => apiRequest(platform.url, 'GET', `/worlds/${world}`, studio.key);
  const result = await measure(`Spawnpoint (/ws binary, ${opts.inputs} inputs), ${count} clients`, fleet, platform.child.pid, before);
  result.server = 'spawnpoint';
  await closeFleet(fleet);
  await apiRequest(platform.url, 'DELETE', `/worlds/${world}`, studio.key);
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
  onCleanup(() => stop(child));
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
    onCleanup(() => stop(child));
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
  const merge = (field) => mergeHistograms(stats.map((s) => s[field]));
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

/** The q-quantile of a histogram of BUCKET_MS buckets, in ms to 0.1 (null when empty). */
function quantile(histogram, q) {
  const ms = histogramQuantile(histogram, BUCKET_MS, q);
  return ms === null ? null : round(ms, 1);
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

// ---------------------------------------------------------------- profile

/** Self time in the measured windows, by area and by function, idle left out. */
function printProfile() {
  const cpuProfile = readCpuProfile(PROFILE_DIR);
  if (!cpuProfile) return log('no CPU profile was written');
  printShares(
    '### Where the platform spends its CPU in the measured windows (self time, idle excluded)',
    selfTime(cpuProfile, profileWindows, { lumpNative: true }),
    { areaTitle: 'Area', areas: 15, functions: 30 },
  );
  rmSync(PROFILE_DIR, { recursive: true, force: true });
}

runBench(main, 'world-e2e');
