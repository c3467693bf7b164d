#!/usr/bin/env node
// `npm run bench:world` — the world engine (libs/worlds/src/engine) on its own: no Nest, no
// network. A benchmark, not a test. Needs the built engine: run `npm run build` first.
//
//   node scripts/bench/world-sim.mjs            full run (~30 s)
//   node scripts/bench/world-sim.mjs --quick    smoke run (~10 s)
//   options: --ticks N (scenario 1 timed ticks), --seconds S (scenario 2), --visible V (size the
//            AOI radius for ~V visible entities instead of the default radius 100), --seed N,
//            --only sim|loop
//
// Scenario 1 (simulation only): N wandering bots + 1,000 joined players (binary encoding) that send
// one input per tick, 60 Hz ticks, 20 Hz snapshots, ticks called back to back. Observers are
// staggered over the 3 ticks of a snapshot period, so EVERY tick carries a third of the snapshot
// work: "tick" below includes it. "sim" is the same world with no players (movement, grid and
// rules only). Overruns = ticks longer than the 16.7 ms period.
// Scenario 2 (scheduler): 1,000 entities (900 bots + 100 players each sending 60 inputs/s) at
// 10,000 Hz through WorldLoop for S seconds after 1 s of warm-up (JIT); p50/p99 are over every tick's own work, overruns are
// the loop's count (late starts included).
// Floor: the same WorldLoop at 10 kHz for S seconds with an empty tick; its overruns are what the
// machine and runtime cost any such loop (interrupts, the hypervisor, GC), the world's included.
// CPU/tick: process CPU time per tick, steadier than wall time when the machine is shared.
// Bytes per update: total binary state_delta bytes (headers, entered and left included) divided
// by the number of entity updates carrying a position change, over one snapshot period.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32, quantile, round } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENGINE = `${ROOT}dist/libs/worlds/src/engine/index.js`;
if (!existsSync(ENGINE)) {
  console.error(`world-sim: ${ENGINE} is missing; run \`npm run build\` first`);
  process.exit(1);
}
const { World, WorldLoop, decodeBinary, Field } = await import(pathToFileURL(ENGINE).href);

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    ticks: { type: 'string' },
    seconds: { type: 'string' },
    visible: { type: 'string' },
    seed: { type: 'string', default: '42' },
    only: { type: 'string' },
  },
});
const QUICK = opts.quick;
const TICKS = Number(opts.ticks ?? (QUICK ? 90 : 600));
const SECONDS = Number(opts.seconds ?? (QUICK ? 2 : 10));
const VISIBLE = opts.visible === undefined ? undefined : Number(opts.visible);
const DEFAULT_AOI = 100;
const SEED = Number(opts.seed);
const WORLD_SIZE = 10_000;
const OBSERVERS = 1000;
/** Scenario 2 runs this long before its window opens (JIT warm-up). */
const LOOP_WARMUP_MS = 1000;

const random = mulberry32(SEED);

let gcCount = 0;
new PerformanceObserver((list) => (gcCount += list.getEntries().length)).observe({ entryTypes: ['gc'] });

function summarise(samples, periodMs) {
  const sorted = Float64Array.from(samples).sort();
  return {
    cpuMsPerTick: samples.cpuMsPerTick,
    p50: round(quantile(sorted, 0.5), 3),
    p99: round(quantile(sorted, 0.99), 3),
    max: round(sorted[sorted.length - 1], 3),
    overruns: samples.filter((ms) => ms > periodMs).length,
  };
}

/** AOI radius that puts ~VISIBLE entities in view at this density. */
const radiusFor = (entities) =>
  VISIBLE === undefined ? DEFAULT_AOI : Math.sqrt((VISIBLE * WORLD_SIZE * WORLD_SIZE) / (Math.PI * entities));

/** Scenario 1's world: 60 Hz ticks, 20 Hz snapshots, `bots` bots and room for `players` players. */
const worldOptions = (name, bots, players) => ({
  name,
  maxPlayers: Math.max(players, 1),
  worldSize: WORLD_SIZE,
  tickRate: 60,
  snapshotRate: 20,
  aoiRadius: radiusFor(bots + players),
  capacity: bots + players + 16,
  seed: SEED,
  moduleOptions: { bots },
});

function makeWorld(bots, players) {
  const sent = { bytes: 0, messages: 0 };
  const world = new World(worldOptions(`bench-${bots}`, bots, players), {
    // Kept trivial: the sink runs inside tick() and is timed with it.
    sink: (_player, message) => {
      if (!message.binary) return;
      sent.bytes += message.binary.byteLength;
      sent.messages++;
    },
  });
  for (let p = 0; p < players; p++) world.join(PLAYER_IDS[p]);
  return { world, sent };
}

// One reused input object and precomputed ids: the bench's own garbage would otherwise dominate
// the GC counts (the world copies inputs into its queue, so reuse is safe).
const PLAYER_IDS = Array.from({ length: OBSERVERS }, (_, p) => `p${p}`);
const INPUT = { move_x: 0, move_y: 0, action: 0, seq: 0, timestamp: 0 };
function sendInputs(world, players, seq) {
  for (let p = 0; p < players; p++) {
    INPUT.move_x = random() * 2 - 1;
    INPUT.move_y = random() * 2 - 1;
    INPUT.seq = seq;
    world.enqueueInput(PLAYER_IDS[p], INPUT);
  }
}

/** Wall time of each tick, plus the process CPU time per tick (less sensitive to a busy machine). */
function runTicks(world, players, ticks, startSeq) {
  const samples = new Float64Array(ticks);
  let cpuMicros = 0;
  for (let t = 0; t < ticks; t++) {
    sendInputs(world, players, startSeq + t);
    const cpu = process.cpuUsage();
    const started = performance.now();
    world.tick();
    samples[t] = performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
  }
  samples.cpuMsPerTick = round(cpuMicros / 1000 / ticks, 3);
  return samples;
}

/** Decodes one snapshot period of messages to count entity updates and what they cost. */
function measureBytes(bots, players) {
  let deltaBytes = 0;
  let moving = 0;
  let updates = 0;
  let entered = 0;
  let left = 0;
  let visible = 0;
  let observed = 0;
  const world = new World(worldOptions('bytes', bots, players), {
    sink: (_player, message) => {
      if (message.kind === 'world_state') {
        visible += decodeBinary(message.binary).entities.length;
        observed++;
      }
      if (message.kind !== 'state_delta') return;
      const decoded = decodeBinary(message.binary);
      deltaBytes += message.binary.byteLength;
      updates += decoded.updated.length;
      moving += decoded.updated.filter((u) => u.mask & (Field.X | Field.Y)).length;
      entered += decoded.entered.length;
      left += decoded.left.length;
    },
  });
  for (let p = 0; p < players; p++) world.join(`p${p}`);
  for (let t = 0; t < 6; t++) {
    sendInputs(world, players, t);
    world.tick();
  }
  deltaBytes = moving = updates = entered = left = 0;
  for (let t = 6; t < 9; t++) {
    sendInputs(world, players, t);
    world.tick();
  }
  return {
    avgVisible: round(visible / observed, 1),
    bytesPerMovingUpdate: round(deltaBytes / moving, 2),
    movingUpdates: moving,
    updates,
    entered,
    left,
    deltaBytes,
  };
}

/** GC entries reach the PerformanceObserver asynchronously: let them arrive before reading. */
async function gcsSince(before) {
  await new Promise((resolve) => setImmediate(resolve));
  return gcCount - before;
}

/**
 * Heap bytes allocated per simulation tick (bots only, no observers), measured in a child
 * process started with --expose-gc: collect, then run the ticks, then compare heapUsed. The
 * young generation starts empty, so unless the ticks allocate megabytes no GC hides the growth.
 */
function allocationPerTick(bots, ticks) {
  const code = `
    const { World } = await import(${JSON.stringify(pathToFileURL(ENGINE).href)});
    const world = new World({ name: 'heap', worldSize: ${WORLD_SIZE}, tickRate: 60, capacity: ${bots + 16}, seed: ${SEED}, moduleOptions: { bots: ${bots} } }, { sink: () => {} });
    for (let t = 0; t < 1000; t++) world.tick();
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    for (let t = 0; t < ${ticks}; t++) world.tick();
    const after = process.memoryUsage().heapUsed;
    console.log(JSON.stringify((after - before) / ${ticks}));`;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`heap measurement failed: ${child.stderr}`);
  return round(Number(child.stdout.trim()), 1);
}

async function scenarioSim(bots) {
  const period = 1000 / 60;
  const warmup = QUICK ? 30 : 120;
  const plain = makeWorld(bots, 0);
  runTicks(plain.world, 0, warmup, 0);
  let gcBefore = gcCount;
  const simSamples = runTicks(plain.world, 0, TICKS, warmup);
  const simGcs = await gcsSince(gcBefore);

  const full = makeWorld(bots, OBSERVERS);
  runTicks(full.world, OBSERVERS, warmup, 0);
  const { bytes: bytesBefore, messages: messagesBefore } = full.sent;
  gcBefore = gcCount;
  const tickSamples = runTicks(full.world, OBSERVERS, TICKS, warmup);
  const tickGcs = await gcsSince(gcBefore);
  const { bytes, messages } = full.sent;
  return {
    entities: bots + OBSERVERS,
    observers: OBSERVERS,
    aoiRadius: round(radiusFor(bots + OBSERVERS), 1),
    sim: { ...summarise(simSamples, period), gcs: simGcs, heapBytesPerTick: allocationPerTick(bots, QUICK ? 300 : 1000) },
    tick: { ...summarise(tickSamples, period), gcs: tickGcs },
    kbytesPerSecond: round((bytes - bytesBefore) / 1024 / (TICKS / 60), 1),
    messagesPerSnapshot: round((messages - messagesBefore) / (TICKS / 3), 1),
    wire: measureBytes(bots, OBSERVERS),
  };
}

async function scenarioLoop() {
  const players = 100;
  const world = new World(
    {
      name: 'loop',
      maxPlayers: players,
      worldSize: 1000,
      tickRate: 10_000,
      snapshotRate: 20,
      aoiRadius: 100,
      capacity: 1024,
      seed: SEED,
      moduleOptions: { bots: 1000 - players },
    },
    { sink: () => {} },
  );
  for (let p = 0; p < players; p++) world.join(PLAYER_IDS[p]);
  let seq = 0;
  const inputs = setInterval(() => {
    // 100 players × 60 inputs/s, delivered in ~1 ms batches like socket reads (the reused input
    // object and ids keep the bench's own garbage out of the world's GC count).
    seq++;
    for (let p = 0; p < players; p++) {
      if ((seq + p) % 16 !== 0) continue;
      INPUT.move_x = random() * 2 - 1;
      INPUT.move_y = random() * 2 - 1;
      INPUT.seq = seq;
      world.enqueueInput(PLAYER_IDS[p], INPUT);
    }
  }, 1);
  // Every tick timed (the world's own stats keep only the last 1024), and slow ones counted, with
  // the durations the loop measures anyway (see Tickable.recordTickTime): no clock reads of our own.
  const samples = new Float64Array(SECONDS * 10_000 * 2);
  let timed = 0;
  const period = 1000 / 10_000;
  const timedWorld = {
    tickRate: world.tickRate,
    tick: () => world.tick(),
    recordTickTime(ms) {
      world.recordTickTime(ms);
      if (timed < samples.length) samples[timed++] = ms;
    },
    recordOverrun: () => world.recordOverrun(),
  };
  const { elapsed, ...window } = await runLoop(timedWorld, () => (timed = 0));
  clearInterval(inputs);
  const summary = summarise(samples.subarray(0, timed), period);
  return {
    ...window,
    expectedTicks: Math.floor(elapsed * 10_000),
    p50Us: round(summary.p50 * 1000, 1),
    p99Us: round(summary.p99 * 1000, 1),
    maxUs: round(summary.max * 1000, 1),
    // The other overruns started more than a period late (descheduled process, GC, other callbacks).
    slowTicks: summary.overruns,
  };
}

/**
 * The same WorldLoop at 10 kHz with a tick that does nothing, for as long: its overruns are what
 * this machine and runtime cost any 10 kHz loop (timer interrupts, the hypervisor, the loop's own
 * GC), the floor under the world's count.
 */
function scenarioFloor() {
  return runLoop({ tickRate: 10_000, tick: () => undefined, recordTickTime: () => undefined });
}

/**
 * Runs `tickable` through a WorldLoop: LOOP_WARMUP_MS first (the first ticks run while V8 is still
 * compiling, several ms each, then dozens of late ticks behind them; a hosted world runs for
 * hours), then calls `onWindow` and measures SECONDS (`elapsed`: their exact length).
 */
async function runLoop(tickable, onWindow = () => undefined) {
  const loop = new WorldLoop(tickable, { onError: (error) => console.error(error) });
  loop.start();
  await new Promise((resolve) => setTimeout(resolve, LOOP_WARMUP_MS));
  const before = { ticks: loop.ticks, overruns: loop.overruns, gcs: gcCount };
  onWindow();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  loop.stop();
  const elapsed = (performance.now() - started) / 1000;
  return {
    elapsed,
    seconds: round(elapsed, 2),
    ticks: loop.ticks - before.ticks,
    overruns: loop.overruns - before.overruns,
    gcs: await gcsSince(before.gcs),
  };
}

const results = {
  machine: `${cpus().length}× ${cpus()[0]?.model}, ${process.platform} ${process.arch}, node ${process.version}`,
  loadBefore: loadavg().map((l) => round(l, 2)),
  quick: QUICK,
  ticks: TICKS,
};
if (opts.only !== 'loop') {
  results.sim100k = await scenarioSim(100_000 - OBSERVERS);
  results.sim10k = await scenarioSim(10_000 - OBSERVERS);
}
if (opts.only !== 'sim') {
  results.loop10khz = await scenarioLoop();
  results.loopFloor = await scenarioFloor();
}

const lines = ['| scenario | p50 | p99 | max | CPU/tick | overruns | target | notes |', '|---|---|---|---|---|---|---|---|'];
for (const [key, target] of [
  ['sim100k', 8],
  ['sim10k', 1],
]) {
  const r = results[key];
  if (!r) continue;
  lines.push(
    `| ${r.entities.toLocaleString('en')} entities, no observers (sim only) | ${r.sim.p50} ms | ${r.sim.p99} ms | ${r.sim.max} ms | ${r.sim.cpuMsPerTick} ms | ${r.sim.overruns} | — | ${r.sim.gcs} GCs; heap +${r.sim.heapBytesPerTick} B/tick |`,
    `| ${r.entities.toLocaleString('en')} entities, ${r.observers} observers, 20 Hz snapshots | ${r.tick.p50} ms | ${r.tick.p99} ms | ${r.tick.max} ms | ${r.tick.cpuMsPerTick} ms | ${r.tick.overruns} | p99 ≤ ${target} ms | ${r.tick.gcs} GCs; AOI r=${r.aoiRadius}, ~${r.wire.avgVisible} visible, ${r.wire.bytesPerMovingUpdate} B/moving update, ${r.kbytesPerSecond} KiB/s out |`,
  );
}
const l = results.loop10khz;
if (l) {
  lines.push(
    `| 1,000 entities, 100 players, WorldLoop 10 kHz, ${l.seconds} s after 1 s warm-up | ${l.p50Us} µs | ${l.p99Us} µs | ${l.maxUs} µs | — | ${l.overruns} | p99 ≤ 100 µs, 0 overruns | ${l.ticks} of ${l.expectedTicks} ticks run; ${l.slowTicks} overruns from work > 100 µs, the rest from late starts; ${l.gcs} GCs |`,
  );
  const f = results.loopFloor;
  lines.push(
    `| empty tick, same WorldLoop at 10 kHz, ${f.seconds} s (this machine's floor) | — | — | — | — | ${f.overruns} | — | ${f.ticks} ticks; ${f.gcs} GCs |`,
  );
}
results.loadAfter = loadavg().map((l) => round(l, 2));
lines.push('', `${results.machine}; load average before ${results.loadBefore.join(' ')}, after ${results.loadAfter.join(' ')}`);
console.log(lines.join('\n'));
console.log(JSON.stringify(results));
