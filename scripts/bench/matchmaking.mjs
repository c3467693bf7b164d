#!/usr/bin/env node
// `npm run bench:matchmaking` — how fast the pure matcher (libs/matchmaking/src/matcher.ts) drains a
// queue, and what matches it makes. A benchmark, not a test: it asserts nothing except that no
// player lands in two matches.
//
//   npm run bench:matchmaking                      10,000 tickets, default seed
//   npm run bench:matchmaking -- --tickets 50000   more tickets
//   npm run bench:matchmaking -- --seed 7          another random (but repeatable) population
//   npm run bench:matchmaking -- --e2e             also: build, boot the platform (all roles) on a
//                                                  private database and Redis prefix, queue
//                                                  --e2e-tickets (default 2000) over HTTP and time
//                                                  the drain through the worker (--no-build to skip
//                                                  `node scripts/build.mjs`)
//
// Two phases, both in-process (no Postgres, no Redis, no HTTP):
//   steady  tickets arrive over simulated time (1v1 and 5v5 rules, 4 regions, skills ~ N(1500, 300),
//           5v5 parties of 2-3), the matcher runs once per simulated second per mode, as the worker does.
//   burst   every ticket queued at once in one 1v1 queue, then in one 5v5 queue, drained by one
//           matcher call per simulated second: the worst case for one call.
// CPU is process.cpuUsage() (user + system) around the matcher calls only; generating tickets and
// bookkeeping are not counted. "Wait" is simulated time from arrival to the tick that matched it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import ts from 'typescript';
import { processCpu } from './lib/machine.mjs';
import { apiRequest, buildPlatform, createDatabase, createStudio, ROOT, startPlatform } from './lib/platform.mjs';
import { onCleanup, runBench } from './lib/run.mjs';
import { mulberry32, quantile } from './lib/stats.mjs';

const { values: opts } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '42' },
    rate: { type: 'string', default: '100', short: 'r' },
    e2e: { type: 'boolean', default: false },
    'e2e-tickets': { type: 'string', default: '2000' },
    'no-build': { type: 'boolean', default: false },
  },
});
const TICKETS = Number(opts.tickets);
const ARRIVALS_PER_SECOND = Number(opts.rate);

// The matcher is TypeScript with type-only imports: transpile just that file, so the bench needs no build.
const source = readFileSync(join(ROOT, 'libs/matchmaking/src/matcher.ts'), 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
const dir = join(tmpdir(), `spawnpoint-bench-matchmaking-${process.pid}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'matcher.mjs'), js);
const { matchTickets } = await import(pathToFileURL(join(dir, 'matcher.mjs')).href);
rmSync(dir, { recursive: true, force: true }); // imported: the module stays loaded

// Deterministic PRNG so runs are comparable.
const random = mulberry32(Number(opts.seed));
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const REGIONS = ['us-east', 'us-west', 'eu-west', 'ap-south'];
const NEIGHBOURS = { 'us-east': ['us-west'], 'us-west': ['us-east'], 'eu-west': ['us-east'], 'ap-south': [] };
const base = {
  stringProperties: [],
  numericProperties: [],
  seatReservationSeconds: 60,
  region: { policy: 'neighbours', afterSeconds: 10, neighbours: NEIGHBOURS },
};
const MODES = {
  '1v1': {
    ...base,
    minPlayers: 2,
    maxPlayers: 2,
    teams: 2,
    teamSize: 1,
    skillWindow: { initial: 100, perSecond: 50, max: 1000 },
    maxWaitSeconds: 60,
    onTimeout: 'expire',
  },
  '5v5': {
    ...base,
    minPlayers: 6,
    maxPlayers: 10,
    teams: 2,
    teamSize: 5,
    skillWindow: { initial: 100, perSecond: 25, max: 800 },
    maxWaitSeconds: 90,
    onTimeout: 'partial',
  },
};

function makeTicket(id, mode, createdAt) {
  const skill = Math.round(Math.min(3000, Math.max(0, 1500 + 300 * gaussian())));
  const size = mode === '5v5' && random() < 0.1 ? 2 + Math.floor(random() * 2) : 1;
  return {
    id: `t${id}`,
    mode,
    region: REGIONS[Math.floor(random() * REGIONS.length)],
    skill,
    players: Array.from({ length: size }, (_, i) => ({ playerId: `p${id}.${i}`, skill: skill + Math.round(50 * gaussian()) })),
    properties: {},
    createdAt,
    expiresAt: createdAt + MODES[mode].maxWaitSeconds * 1000,
  };
}

/** The p-th percentile (0…100) of an ascending list; 0 when empty. */
const percentile = (sorted, p) => quantile(sorted, p / 100);

function cpuSeconds(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Drains `queue` per mode with one matcher call per tick; returns the numbers. */
function drain(arrivals, tickMs) {
  const queues = { '1v1': [], '5v5': [] };
  const seen = new Set();
  const waits = [];
  const spreads = { '1v1': [], '5v5': [] };
  let cpu = 0;
  let calls = 0;
  let matchedTickets = 0;
  let matchedPlayers = 0;
  let matches = 0;
  let partial = 0;
  let expired = 0;
  let next = 0;
  for (let now = 0; next < arrivals.length || queues['1v1'].length + queues['5v5'].length > 0; now += tickMs) {
    while (next < arrivals.length && arrivals[next].createdAt <= now) {
      const ticket = arrivals[next++];
      queues[ticket.mode].push(ticket);
    }
    for (const mode of Object.keys(queues)) {
      const queue = queues[mode];
      if (queue.length === 0) continue;
      const start = process.cpuUsage();
      const result = matchTickets(queue, MODES[mode], now);
      cpu += cpuSeconds(start);
      calls++;
      const gone = new Set(result.expired);
      expired += result.expired.length;
      for (const match of result.matches) {
        matches++;
        if (match.partial) partial++;
        spreads[mode].push(match.skillSpread);
        for (const ticket of match.tickets) {
          gone.add(ticket.id);
          matchedTickets++;
          waits.push((now - ticket.createdAt) / 1000);
        }
        for (const player of match.teams.flat()) {
          if (seen.has(player)) throw new Error(`player ${player} matched twice`);
          seen.add(player);
          matchedPlayers++;
        }
      }
      if (gone.size > 0) queues[mode] = queue.filter((t) => !gone.has(t.id));
    }
  }
  waits.sort((a, b) => a - b);
  for (const list of Object.values(spreads)) list.sort((a, b) => a - b);
  return { cpu, calls, matchedTickets, matchedPlayers, matches, partial, expired, waits, spreads };
}

function report(name, r) {
  const perCpuSecond = r.matchedTickets / r.cpu;
  console.log(`\n${name}`);
  console.log(`  matcher calls            ${r.calls}`);
  console.log(`  matcher CPU              ${(r.cpu * 1000).toFixed(1)} ms`);
  console.log(
    `  tickets matched          ${r.matchedTickets} (${r.matchedPlayers} players, ${r.matches} matches, ${r.partial} partial), ${r.expired} expired`,
  );
  console.log(`  tickets matched / CPU s  ${Math.round(perCpuSecond).toLocaleString('en-US')}`);
  console.log(`  simulated wait           p50 ${percentile(r.waits, 50).toFixed(1)} s, p99 ${percentile(r.waits, 99).toFixed(1)} s`);
  for (const [mode, list] of Object.entries(r.spreads)) {
    if (list.length)
      console.log(
        `  skill spread ${mode.padEnd(10)} p50 ${percentile(list, 50)}, p99 ${percentile(list, 99)}, max ${list[list.length - 1]}`,
      );
  }
  return perCpuSecond;
}

console.log(
  `matchmaking bench: ${TICKETS} tickets, seed ${opts.seed}, node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`,
);

// Warm up the JIT on a small population so the first phase is not charged for compilation.
drain(
  Array.from({ length: 2000 }, (_, i) => makeTicket(`w${i}`, i % 2 ? '1v1' : '5v5', 0)),
  1000,
);

// Steady: half 1v1, half 5v5, arriving at ARRIVALS_PER_SECOND, matcher every simulated second.
const steady = [];
for (let i = 0, at = 0; i < TICKETS; i++) {
  at += (-Math.log(1 - random()) / ARRIVALS_PER_SECOND) * 1000;
  steady.push(makeTicket(i, random() < 0.5 ? '1v1' : '5v5', Math.round(at)));
}
const steadyRate = report(`steady: ${ARRIVALS_PER_SECOND} tickets/s arriving, matcher every 1 s per mode`, drain(steady, 1000));

// Burst: everything queued at t=0 in one 1v1 queue.
const burst = Array.from({ length: TICKETS }, (_, i) => makeTicket(`b${i}`, '1v1', 0));
const burstRate = report('burst: all tickets queued at once in one 1v1 queue', drain(burst, 1000));
const burst5 = Array.from({ length: TICKETS }, (_, i) => makeTicket(`c${i}`, '5v5', 0));
const burst5Rate = report('burst: all tickets queued at once in one 5v5 queue (10% parties of 2-3)', drain(burst5, 1000));

console.log(
  `\ntarget ≥ 10,000 tickets matched per CPU second: steady ${steadyRate >= 10_000 ? 'met' : 'MISSED'}, 1v1 burst ${burstRate >= 10_000 ? 'met' : 'MISSED'}, 5v5 burst ${burst5Rate >= 10_000 ? 'met' : 'MISSED'}`,
);

if (opts.e2e) runBench(() => endToEnd(Number(opts['e2e-tickets'])));

/**
 * Through HTTP and the worker: queue tickets concurrently (no long poll), then wait until the
 * worker's matcher (500 ms ticks) has ended every ticket. Wait percentiles come from Postgres
 * (ticket updated_at − created_at); platform CPU is the server process's utime + stime.
 */
async function endToEnd(count) {
  if (!opts['no-build']) buildPlatform();
  const database = await createDatabase();
  const { url, child } = await startPlatform(database);
  const { key } = await createStudio(url, 'matchmaking');
  await apiRequest(url, 'PUT', '/matchmaking/modes/duel', key, {
    skill_window: { initial: 100, per_second: 50, max: 1000 },
    max_wait_seconds: 60,
  });

  const cpuBefore = processCpu(child.pid);
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const skill = Math.round(Math.min(3000, Math.max(0, 1500 + 300 * gaussian())));
      await apiRequest(url, 'POST', '/matchmaking/queue', key, {
        player_id: `p${i}`,
        skill_rating: skill,
        game_mode: 'duel',
        region: REGIONS[i % 2],
      });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const queuedIn = (Date.now() - started) / 1000;
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  onCleanup(() => client.end());
  for (;;) {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM matchmaking_tickets WHERE status = 'queued'`);
    if (rows[0].n === 0) break;
    if (Date.now() - started > 180_000) throw new Error(`${rows[0].n} tickets still queued after 180 s`);
    await sleep(100);
  }
  const drainedIn = (Date.now() - started) / 1000;
  const cpu = (processCpu(child.pid) - cpuBefore) / 100;
  const { rows } = await client.query(`
    SELECT count(*) FILTER (WHERE status = 'matched')::int AS matched, count(*) FILTER (WHERE status = 'expired')::int AS expired,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)) FILTER (WHERE status = 'matched') AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)) FILTER (WHERE status = 'matched') AS p99
    FROM matchmaking_tickets`);
  const { rows: dup } = await client.query(`SELECT count(*)::int AS seats, count(DISTINCT player_id)::int AS players FROM match_seats`);
  const r = rows[0];
  console.log(`\nend to end: ${count} tickets over HTTP (32 concurrent clients), one platform process with every role`);
  console.log(`  queued in                ${queuedIn.toFixed(2)} s (${Math.round(count / queuedIn)} tickets/s accepted)`);
  console.log(
    `  all tickets ended after  ${drainedIn.toFixed(2)} s: ${r.matched} matched, ${r.expired} expired; ${dup[0].seats} seats for ${dup[0].players} distinct players`,
  );
  console.log(`  wait (queued → matched)  p50 ${Number(r.p50).toFixed(2)} s, p99 ${Number(r.p99).toFixed(2)} s`);
  console.log(
    `  platform CPU             ${cpu.toFixed(2)} s for queueing and matching (${Math.round(r.matched / cpu)} tickets matched per platform CPU second)`,
  );
}
