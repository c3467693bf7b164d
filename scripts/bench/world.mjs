#!/usr/bin/env node
// `npm run bench:world` — all the world benchmarks, one after the other: the engine on its own
// (scripts/bench/world-sim.mjs, scenarios 1 and 2), then a hosted world end to end against the
// same scenario on Colyseus (scripts/bench/world-e2e.mjs, scenario 3). Needs `npm run build`.
//
//   npm run bench:world                      both
//   npm run bench:world -- --quick           both, shortened (for development)
//   npm run bench:world -- --only sim        just world-sim.mjs
//   npm run bench:world -- --only e2e        just world-e2e.mjs
//
// Every other flag goes to the script(s) that know it (see their headers), e.g.
// `--only e2e --clients 500 --servers spawnpoint`. Results go to stdout, progress to stderr.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SIM = {
  script: fileURLToPath(new URL('./world-sim.mjs', import.meta.url)),
  flags: ['--quick', '--ticks', '--seconds', '--visible', '--seed'],
};
const E2E = {
  script: fileURLToPath(new URL('./world-e2e.mjs', import.meta.url)),
  flags: [
    '--quick',
    '--clients',
    '--also',
    '--duration',
    '--warmup',
    '--bots',
    '--world-size',
    '--aoi',
    '--tick-rate',
    '--snapshot-rate',
    '--input-rate',
    '--procs',
    '--mirrors',
    '--client-nice',
    '--inputs',
    '--servers',
    '--connect-seconds',
    '--profile',
  ],
};
const BOOLEAN = new Set(['--quick', '--profile']);

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
if (only !== undefined && only !== 'sim' && only !== 'e2e') {
  console.error(`world: --only takes sim or e2e, not ${only}`);
  process.exit(2);
}

/** The flags (with their values) that `known` lists; the rest belong to the other script. */
function pick(known) {
  const picked = [];
  for (let i = 0; i < args.length; i++) {
    const [name] = args[i].split('=');
    const takesValue = !BOOLEAN.has(name) && !args[i].includes('=');
    if (known.includes(name)) picked.push(...(takesValue ? args.slice(i, i + 2) : [args[i]]));
    if (takesValue && args[i].startsWith('--')) i++;
  }
  return picked;
}

let status = 0;
for (const [name, bench] of [
  ['sim', SIM],
  ['e2e', E2E],
]) {
  if (only !== undefined && only !== name) continue;
  const run = spawnSync(process.execPath, [bench.script, ...pick(bench.flags)], { stdio: 'inherit' });
  if (run.status !== 0) status = run.status ?? 1;
}
process.exit(status);
