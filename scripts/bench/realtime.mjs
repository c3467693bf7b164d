#!/usr/bin/env node
// `npm run bench:realtime` — how many messages the realtime gateway delivers per second of its own
// CPU, at what latency, and what an idle authenticated connection costs, next to a bare socket.io
// server and a bare `ws` server doing the same fan-out, in the same run, on the same machine.
// A benchmark, not a test: it asserts nothing.
//
//   npm run bench:realtime                         build, boot the platform, measure everything
//   npm run bench:realtime -- --quick              fewer clients, shorter phases (for development)
//   npm run bench:realtime -- --no-build           skip `node scripts/build.mjs`
//   npm run bench:realtime -- --clients 2000       clients in the broadcast and per-client phases
//   npm run bench:realtime -- --duration 10        measured seconds per server and scenario
//   npm run bench:realtime -- --rounds 5           …split in this many rounds, the servers taking turns
//   npm run bench:realtime -- --rate 10            broadcast messages per second (each to every client)
//   npm run bench:realtime -- --per-client-rate 2000   per-client messages per second (in total)
//   npm run bench:realtime -- --idle 10000         idle connections per server (0: skip the idle phase)
//   npm run bench:realtime -- --procs 4            client processes
//   npm run bench:realtime -- --only gateway-sio,bare-sio   servers to measure (gateway-sio, bare-sio, gateway-ws, bare-ws)
//   npm run bench:realtime -- --profile            run the gateway under --cpu-prof; print where its CPU goes per phase
//
// Servers: the built platform (`--role api,realtime`, NODE_ENV=production, LOG_LEVEL=warn) on
// 127.0.0.1, over Socket.IO and over /ws, plus scripts/bench/realtime-bare.mjs as a bare socket.io
// and a bare ws server. Clients run in child processes (scripts/bench/realtime-clients.mjs). The
// publisher is this process: for the gateway it XADDs delivery entries to the realtime stream, as
// RealtimePublisher does; for the bare servers the same entries to a stream they XREAD the same way.
// Gateway clients authenticate for real: players are created in bulk in the bench database and
// each connection presents the server key + its player_id (the handshake reads the player).
// DATABASE_URL / REDIS_URL (default: the local servers) say where a private database
// (spawnpoint_bench_<id>, dropped at the end) and Redis key prefix (bench_<id>:) are made.
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../lib/services.mjs';
import { stop } from './lib/child.mjs';
import { describeMachine, processCpu, processRss } from './lib/machine.mjs';
import { buildPlatform, createDatabase, createPlayers, createStudio, PREFIX, REDIS_URL, RUN_ID, startPlatform } from './lib/platform.mjs';
import { printShares, readCpuProfile, selfTime } from './lib/profile.mjs';
import { log, onCleanup, runBench } from './lib/run.mjs';
import { histogramQuantile, mergeHistograms } from './lib/stats.mjs';

const BARE = fileURLToPath(new URL('./realtime-bare.mjs', import.meta.url));
const CLIENTS_SCRIPT = fileURLToPath(new URL('./realtime-clients.mjs', import.meta.url));

const { values: opts } = parseArgs({
  options: {
    clients: { type: 'string' },
    duration: { type: 'string' },
    rate: { type: 'string', default: '10' },
    'per-client-rate': { type: 'string', default: '2000' },
    idle: { type: 'string' },
    procs: { type: 'string', default: '4' },
    rounds: { type: 'string' },
    only: { type: 'string', default: 'gateway-sio,bare-sio,gateway-ws,bare-ws' },
    profile: { type: 'boolean', default: false },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(opts.clients ?? (opts.quick ? 500 : 2000));
const DURATION = Number(opts.duration ?? (opts.quick ? 4 : 10));
const WARMUP = opts.quick ? 1 : 2;
const TAIL_MS = 5_000;
const ROUNDS = Number(opts.rounds ?? (opts.quick ? 2 : 5));
const RATE = Number(opts.rate);
const PER_CLIENT_RATE = Number(opts['per-client-rate']);
const IDLE = Number(opts.idle ?? (opts.quick ? 2000 : 10000));
const IDLE_HOLD_S = 10;
const PROCS = Number(opts.procs);
const ONLY = new Set(opts.only.split(','));
/** The gateway's resume grace (REALTIME_RESUME_GRACE_MS): waited out between gateway phases so offline timers don't land in a measurement. */
const GRACE_MS = 3_000;
const EVENT = 'chat_message';

/**
 * Pub/sub channels every platform on this Redis publishes to without its key prefix: other
 * platforms' messages reach our gateway too (and cost it CPU). Counted so a noisy run shows.
 */
const SHARED_CHANNELS = ['leaderboards:updates', 'leaderboards:config', 'auth:revocations'];
let foreignMessages = 0;
/** Measured phases of the gateway, on the monotonic clock V8 stamps profile samples with (µs). */
const profileWindows = [];
const playerId = (i) => `b${i}`;

async function main() {
  log(`machine: ${describeMachine()}, load ${loadavg()[0].toFixed(1)}`);
  if (opts.build && !opts['no-build']) buildPlatform();
  const database = await createDatabase();
  const profileDir = join(tmpdir(), `spawnpoint-bench-realtime-${RUN_ID}`);
  const platform = await startPlatform(database, {
    roles: 'api,realtime',
    nodeArgs: opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    env: { REALTIME_RESUME_GRACE_MS: String(GRACE_MS) },
  });
  // One game per gateway transport, so that a game's rooms hold the clients of one transport only.
  const sioGame = await createStudio(platform.url, 'sio');
  const wsGame = await createStudio(platform.url, 'ws');
  const players = Math.max(CLIENTS, IDLE);
  for (const game of [sioGame, wsGame]) await createPlayers(database, game.gameId, players);
  log(`${players} players created in each of games ${sioGame.gameId} (Socket.IO) and ${wsGame.gameId} (/ws)`);

  const publisher = new Redis(REDIS_URL, { keyPrefix: PREFIX });
  onCleanup(() => publisher.quit());
  const fleet = await startFleet(PROCS);
  await listenForForeignTraffic();

  const gatewayWs = platform.url.replace('http', 'ws');
  /** A gateway target whose clients are the players of `game`; its messages go through the realtime stream. */
  const gateway = (game, target) => ({
    ...target,
    waitFor: 'welcome',
    pid: platform.child.pid,
    gateway: true,
    entry: (rooms, payload) => ({ kind: 'deliver', rooms, event: EVENT, payload }),
    stream: 'realtime:stream',
    everyone: `${game.gameId}|global`,
    player: (i) => `${game.gameId}|player:${playerId(i)}`,
  });
  const targets = [
    gateway(sioGame, {
      key: 'gateway-sio',
      name: 'gateway, Socket.IO',
      transport: 'socket.io',
      url: gatewayWs,
      client: (i) => ({ auth: { api_key: sioGame.key, player_id: playerId(i) } }),
    }),
    {
      key: 'bare-sio',
      name: 'bare socket.io 4.8',
      transport: 'socket.io',
      mode: 'socket.io',
      client: (i) => ({ auth: { player_id: playerId(i) } }),
    },
    gateway(wsGame, {
      key: 'gateway-ws',
      name: 'gateway, /ws',
      transport: 'ws',
      url: `${gatewayWs}/ws`,
      client: (i) => ({ query: { api_key: wsGame.key, player_id: playerId(i) } }),
    }),
    { key: 'bare-ws', name: 'bare ws', transport: 'ws', mode: 'ws', client: (i) => ({ query: { player_id: playerId(i) } }) },
  ].filter((t) => ONLY.has(t.key));

  // Every server gets its clients up front; the measured phases then take turns in rounds, so a
  // change in the machine's load (it is shared) hits every server alike.
  const bares = [];
  for (const target of targets) {
    if (!target.mode) continue;
    const bare = await startBare(target.mode);
    bares.push(bare);
    Object.assign(target, {
      url: target.mode === 'ws' ? `ws://127.0.0.1:${bare.port}/ws` : `ws://127.0.0.1:${bare.port}`,
      waitFor: null,
      pid: bare.child.pid,
      entry: (rooms, payload) => ({ rooms, event: EVENT, payload }),
      stream: `bare:${target.mode}:stream`,
      everyone: 'global',
      player: (i) => `player:${playerId(i)}`,
    });
  }
  for (const target of targets) {
    const opened = await connectAll(fleet, target, CLIENTS);
    log(`${target.name}: connected ${opened.connected}/${CLIENTS} in ${opened.seconds.toFixed(1)} s${describeErrors(opened)}`);
    target.connected = opened.connected;
  }
  const scenarios = [
    { label: 'broadcast', load: (t) => ({ rate: RATE, rooms: () => [t.everyone], fanout: t.connected }) },
    { label: 'per-client', load: (t) => ({ rate: PER_CLIENT_RATE, rooms: (seq) => [t.player(seq % CLIENTS)], fanout: 1 }) },
  ];
  const results = targets.map((target) => ({ target: target.name }));
  for (const scenario of scenarios) {
    for (const target of targets) await run(publisher, target, scenario.load(target), WARMUP, 'warm-up');
    await sleep(1_000);
    const totals = targets.map(() => emptyTotals());
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [i, target] of targets.entries()) {
        addRound(
          totals[i],
          await measure(fleet, publisher, target, scenario.load(target), DURATION / ROUNDS, `${scenario.label} ${round}/${ROUNDS}`),
        );
      }
    }
    for (const [i, target] of targets.entries()) {
      results[i][scenario.label === 'broadcast' ? 'broadcast' : 'perClient'] = summarize(totals[i]);
      log(`${target.name}, ${scenario.label}: ${describe(summarize(totals[i]))}`);
    }
  }
  await closeAll(fleet);
  if (IDLE > 0) {
    await sleep(GRACE_MS + 1_000);
    for (const [i, target] of targets.entries()) {
      results[i].idle = await idlePhase(fleet, target);
      if (target.gateway) await sleep(GRACE_MS + 1_000);
    }
  }
  for (const bare of bares) await stop(bare.child);

  if (opts.profile) {
    await platform.stop();
    printProfile(profileDir);
  }
  report(results);
}

/** Connects `count` clients (players 0…count-1), split over the fleet. */
async function connectAll(fleet, target, count) {
  const started = Date.now();
  const share = Math.ceil(count / fleet.length);
  const replies = await Promise.all(
    fleet.map((child, p) => {
      const clients = [];
      for (let i = p * share; i < Math.min(count, (p + 1) * share); i++) clients.push(target.client(i));
      return call(child, {
        op: 'connect',
        transport: target.transport,
        url: target.url,
        clients,
        waitFor: target.waitFor,
        concurrency: 50,
      });
    }),
  );
  const errors = {};
  for (const reply of replies) for (const [k, v] of Object.entries(reply.errors ?? {})) errors[k] = (errors[k] ?? 0) + v;
  return {
    connected: replies.reduce((sum, r) => sum + (r.connected ?? 0), 0),
    failed: replies.reduce((sum, r) => sum + (r.failed ?? 0), 0),
    errors,
    seconds: (Date.now() - started) / 1000,
  };
}

const closeAll = (fleet) => Promise.all(fleet.map((child) => call(child, { op: 'close' })));

/** Publishes `load.rate` messages per second for `seconds`, each an entry of its own (one XADD each, pipelined per 10 ms tick). */
async function run(publisher, target, load, seconds, phase) {
  const pad = 'x'.repeat(40);
  const started = performance.now();
  let seq = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * load.rate);
    if (due > seq) {
      const pipeline = publisher.pipeline();
      const minId = String(Math.max(0, Date.now() - 60_000));
      for (; seq < due; seq++) {
        const payload = {
          id: `m${seq}`,
          channel: 'global',
          author: 'bench',
          body: pad,
          p: phase,
          t: Number(process.hrtime.bigint() / 1000n),
        };
        pipeline.xadd(target.stream, 'MINID', '~', minId, '*', 'e', JSON.stringify(target.entry(load.rooms(seq), payload)));
      }
      await pipeline.exec();
    }
    await sleep(10);
  }
  return seq;
}

/** One measured round of one server: publishes for `seconds`, then waits for the tail. */
async function measure(fleet, publisher, target, load, seconds, label) {
  const phase = `${target.key}:${label}`;
  await Promise.all(fleet.map((child) => call(child, { op: 'reset', phase })));
  const cpu0 = processCpu(target.pid);
  const foreign0 = foreignMessages;
  const started = performance.now();
  const from = Number(process.hrtime.bigint() / 1000n);
  const published = await run(publisher, target, load, seconds, phase);
  const expected = published * load.fanout;
  // Wait for the tail: until everything arrived or nothing more arrives for TAIL_MS (the machine is
  // shared: a client process or the server may stall for a second or two).
  let received = 0;
  let stable = 0;
  let stats;
  while (stable < TAIL_MS / 100) {
    await sleep(100);
    stats = await collect(fleet);
    if (stats.received >= expected) break;
    stable = stats.received === received ? stable + 1 : 0;
    received = stats.received;
  }
  const wall = (performance.now() - started) / 1000;
  const cpuSeconds = (processCpu(target.pid) - cpu0) / 100;
  if (target.gateway) profileWindows.push({ label: `${target.name}, ${label}`, from, to: Number(process.hrtime.bigint() / 1000n) });
  const foreign = target.gateway ? foreignMessages - foreign0 : 0;
  if (stats.received < expected)
    log(`  ${target.name}, ${label}: only ${stats.received} of ${expected} arrived within ${TAIL_MS / 1000} s of the last publish`);
  return { published, expected, received: stats.received, histogram: stats.histogram, bucketUs: stats.bucketUs, wall, cpuSeconds, foreign };
}

function emptyTotals() {
  return { published: 0, expected: 0, received: 0, wall: 0, cpuSeconds: 0, foreign: 0, histogram: [], bucketUs: 0 };
}

function addRound(totals, round) {
  for (const key of ['published', 'expected', 'received', 'wall', 'cpuSeconds', 'foreign']) totals[key] += round[key];
  totals.histogram = mergeHistograms([totals.histogram, round.histogram]);
  totals.bucketUs = round.bucketUs;
}

function summarize(t) {
  const histogram = { histogram: t.histogram, bucketUs: t.bucketUs };
  return {
    published: t.published,
    expected: t.expected,
    received: t.received,
    cpuSeconds: t.cpuSeconds,
    foreign: t.foreign,
    perCpuSecond: t.cpuSeconds > 0 ? t.received / t.cpuSeconds : 0,
    cpu: (t.cpuSeconds / t.wall) * 100,
    p50: percentile(histogram, 0.5),
    p99: percentile(histogram, 0.99),
  };
}

function describe(s) {
  return (
    `${s.published} published, ${s.received}/${s.expected} delivered, ${Math.round(s.perCpuSecond)} per server CPU-s ` +
    `(${s.cpuSeconds.toFixed(2)} CPU-s), server CPU ${s.cpu.toFixed(0)} %, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms` +
    (s.foreign > 0 ? `, ${s.foreign} messages of other platforms on shared pub/sub channels meanwhile` : '')
  );
}

async function collect(fleet) {
  const replies = await Promise.all(fleet.map((child) => call(child, { op: 'stats' })));
  return {
    received: replies.reduce((sum, r) => sum + r.received, 0),
    drops: replies.reduce((sum, r) => sum + r.drops, 0),
    up: replies.reduce((sum, r) => sum + r.up, 0),
    histogram: mergeHistograms(replies.map((r) => r.histogram)),
    bucketUs: replies[0].bucketUs,
  };
}

/** The q-quantile of a latency histogram, in ms (0 when empty). */
function percentile({ histogram, bucketUs }, q) {
  return (histogramQuantile(histogram, bucketUs, q) ?? 0) / 1000;
}

async function listenForForeignTraffic() {
  const subscriber = new Redis(REDIS_URL);
  onCleanup(() => subscriber.quit());
  subscriber.on('message', () => foreignMessages++);
  await subscriber.subscribe(...SHARED_CHANNELS);
}

/** Opens IDLE connections, holds them IDLE_HOLD_S, and prices them by the server's RSS growth. */
async function idlePhase(fleet, target) {
  log(`  idle: ${IDLE} connections…`);
  const rss0 = processRss(target.pid);
  const opened = await connectAll(fleet, target, IDLE);
  log(`  idle: connected ${opened.connected}/${IDLE} in ${opened.seconds.toFixed(1)} s${describeErrors(opened)}`);
  await Promise.all(fleet.map((child) => call(child, { op: 'reset' })));
  const cpu0 = processCpu(target.pid);
  const from = Number(process.hrtime.bigint() / 1000n);
  await sleep(IDLE_HOLD_S * 1000);
  const cpuIdle = ((processCpu(target.pid) - cpu0) / 100 / IDLE_HOLD_S) * 100;
  if (target.gateway) profileWindows.push({ label: `${target.name}, idle`, from, to: Number(process.hrtime.bigint() / 1000n) });
  const stats = await collect(fleet);
  const rss1 = processRss(target.pid);
  await closeAll(fleet);
  const summary = {
    connected: opened.connected,
    failed: opened.failed,
    up: stats.up,
    drops: stats.drops,
    connectSeconds: opened.seconds,
    rssMb: rss1 / 1024 / 1024,
    perConnectionKb: opened.connected > 0 ? (rss1 - rss0) / 1024 / opened.connected : 0,
    idleCpu: cpuIdle,
  };
  log(
    `  idle: ${summary.up}/${IDLE} still up after ${IDLE_HOLD_S} s (${summary.drops} dropped), RSS ${summary.rssMb.toFixed(0)} MB, ` +
      `${summary.perConnectionKb.toFixed(1)} KB per connection, idle CPU ${cpuIdle.toFixed(1)} %`,
  );
  return summary;
}

function describeErrors({ failed, errors }) {
  return failed > 0 ? ` (${failed} failed: ${JSON.stringify(errors)})` : '';
}

function report(results) {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`\n## Realtime benchmark (${new Date().toISOString()})\n`);
  console.log(
    `Machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}; Node ${process.version}; load ${loadavg()[0].toFixed(1)}; ` +
      `${CLIENTS} clients per server, broadcast ${RATE} msg/s, per-client ${PER_CLIENT_RATE} msg/s, ${DURATION} s per server and scenario in ${ROUNDS} rounds, ${IDLE} idle connections\n`,
  );
  console.log('| Server | Scenario | delivered / published×fan-out | delivered per server CPU-s | p50 / p99 ms | server CPU |');
  console.log('| --- | --- | ---: | ---: | --- | ---: |');
  for (const r of results) {
    for (const [label, s] of [
      ['broadcast', r.broadcast],
      ['per-client', r.perClient],
    ]) {
      console.log(
        `| ${r.target} | ${label} | ${fmt(s.received)} / ${fmt(s.expected)} | ${fmt(s.perCpuSecond)} | ${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} | ${s.cpu.toFixed(0)} % |`,
      );
    }
  }
  if (IDLE > 0) {
    console.log('\n| Server | idle connections opened | up after 10 s | KB per connection (RSS) | server RSS | idle CPU | connect time |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) {
      const i = r.idle;
      console.log(
        `| ${r.target} | ${fmt(i.connected)} | ${fmt(i.up)} | ${i.perConnectionKb > 0 ? i.perConnectionKb.toFixed(1) : 'n/a (RSS fell: GC of an earlier phase)'} | ${fmt(i.rssMb)} MB | ${i.idleCpu.toFixed(1)} % | ${i.connectSeconds.toFixed(1)} s |`,
      );
    }
  }
  const by = Object.fromEntries(results.map((r) => [r.target, r]));
  const ratio = (a, b, k) => (by[a] && by[b] ? by[a][k].perCpuSecond / by[b][k].perCpuSecond : null);
  const ratios = {
    sioBroadcast: ratio('gateway, Socket.IO', 'bare socket.io 4.8', 'broadcast'),
    sioPerClient: ratio('gateway, Socket.IO', 'bare socket.io 4.8', 'perClient'),
    wsBroadcast: ratio('gateway, /ws', 'bare ws', 'broadcast'),
    wsPerClient: ratio('gateway, /ws', 'bare ws', 'perClient'),
  };
  console.log('\nGateway / bare, delivered per server CPU-second (target ≥ 0.90 against bare socket.io):');
  for (const [k, v] of Object.entries(ratios)) if (v !== null) console.log(`- ${k}: ${v.toFixed(2)}`);
  console.log(
    JSON.stringify({
      run: RUN_ID,
      clients: CLIENTS,
      rate: RATE,
      perClientRate: PER_CLIENT_RATE,
      duration: DURATION,
      idle: IDLE,
      results,
      ratios,
    }),
  );
}

async function startFleet(count) {
  const fleet = [];
  for (let i = 0; i < count; i++) {
    const child = fork(CLIENTS_SCRIPT, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=2048'] });
    onCleanup(() => child.kill('SIGKILL'));
    fleet.push(child);
  }
  return fleet;
}

let callSeq = 0;
function call(child, message) {
  const id = ++callSeq;
  return new Promise((resolve, reject) => {
    const onMessage = (reply) => {
      if (reply?.id !== id) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (reply.error) reject(new Error(reply.error));
      else resolve(reply);
    };
    const onExit = (code) => reject(new Error(`client process exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ ...message, id });
  });
}

async function startBare(mode) {
  const port = await freePort();
  const child = fork(BARE, [], {
    env: { PATH: process.env.PATH, MODE: mode, PORT: String(port), REDIS_URL, REDIS_KEY_PREFIX: PREFIX },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  onCleanup(() => stop(child));
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`bare ${mode} server exited with ${code}`)));
  });
  return { port, child };
}

/** Self time of the gateway process by package and by function, in each measured phase. */
function printProfile(dir) {
  const cpuProfile = readCpuProfile(dir);
  if (!cpuProfile) return log('no CPU profile was written');
  for (const window of profileWindows) {
    const shares = selfTime(cpuProfile, [window]);
    printShares(`### Gateway CPU, ${window.label} (self time, idle excluded: ${(shares.total / 1e6).toFixed(2)} s)`, shares, {
      areaTitle: 'Package / area',
      areas: 12,
      functions: 25,
    });
  }
  if (!process.env.BENCH_KEEP_PROFILE) rmSync(dir, { recursive: true, force: true });
  else log(`profile kept in ${dir}`);
}

runBench(main);
