#!/usr/bin/env node
// `npm test [-- <vitest args>]`: the one test command, for a newcomer and for CI alike.
//
// Steps, stopping at the first failure: install dependencies if needed, build (generates the
// Prisma client the code imports), typecheck, lint (when an ESLint config exists), then vitest
// against the Postgres and Redis that lib/services.mjs finds or starts. Arguments go to vitest;
// with arguments (usually a file filter) typecheck and lint are skipped to keep the loop short.
// Exits with the failing step's code, else vitest's; always stops the services it started.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureDependencies, REPO, run, shutdownSignal, signalExitCode, startServices } from './lib/services.mjs';

const ESLINT_CONFIGS = ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts'].map((ext) => `eslint.config.${ext}`);

const log = (message) => console.log(`[test] ${message}`);
const signal = shutdownSignal();
const vitestArgs = process.argv.slice(2);
const bin = (name) => join(REPO, 'node_modules', '.bin', name);

const code = await main().catch((error) => {
  if (signal.aborted) return signalExitCode(signal.reason);
  console.error(`[test] ${error.message}`);
  return 1;
});
process.exit(code);

async function main() {
  await ensureDependencies({ signal, log });
  const steps = [['build', process.execPath, ['scripts/build.mjs']]];
  if (vitestArgs.length === 0) {
    steps.push(['typecheck', bin('tsc'), ['-p', 'tsconfig.json']], ['typecheck web', bin('tsc'), ['-p', 'web/tsconfig.json']]);
    if (ESLINT_CONFIGS.some((file) => existsSync(join(REPO, file)))) steps.push(['lint', bin('eslint'), ['.']]);
  } else {
    log('arguments given: skipping typecheck and lint');
  }
  for (const [name, cmd, args] of steps) {
    const code = await step(name, cmd, args);
    if (code !== 0) return code;
  }

  // Services last: nothing before this needs them, and a type error should not wait for a database.
  const services = await startServices({ signal, log });
  try {
    const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl };
    return await step('vitest', bin('vitest'), ['run', ...vitestArgs], env);
  } finally {
    await services.stop();
  }
}

async function step(name, cmd, args, env) {
  log(`── ${name}: ${[basename(cmd), ...args].join(' ')}`);
  const started = Date.now();
  const code = await run(cmd, args, { env, signal });
  log(`── ${name}: ${code === 0 ? 'ok' : `failed (exit code ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}
