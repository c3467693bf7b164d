#!/usr/bin/env node
// `npm start [-- --role api,worker]`: the whole backend on this machine, from a fresh clone.
//
// Installs dependencies if needed, builds, finds or starts Postgres and Redis (see
// lib/services.mjs), then runs every role in one process until Ctrl-C. Arguments after `--` go to
// the app. Shutdown order matters: the app drains first, the services it needs stop after it.
//
// SPAWNPOINT_SKIP_BUILD=1 skips `npm run build` and runs whatever is in dist/ (for working on this
// script against a hand-made dist/apps/spawnpoint/src/main.js; the build would wipe it).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDependencies, REPO, redactUrl, run, shutdownSignal, signalExitCode, startServices } from './lib/services.mjs';

const ENTRY = 'dist/apps/spawnpoint/src/main.js';
const SECRETS_FILE = join(REPO, '.data', 'secrets.json');
const SECRET_NAMES = ['JWT_DEVELOPER_SECRET', 'JWT_SESSION_SECRET'];

const log = (message) => console.log(`[start] ${message}`);
const signal = shutdownSignal();
const port = process.env.PORT ?? '8500';

const code = await main().catch((error) => {
  if (signal.aborted) return signalExitCode(signal.reason);
  console.error(`[start] ${error.message}`);
  return 1;
});
// Explicitly: fetch keeps its idle /readyz connection open for a few seconds otherwise.
process.exit(code);

async function main() {
  await ensureDependencies({ signal, log });
  if (!process.env.SPAWNPOINT_SKIP_BUILD) {
    log('building (npm run build)');
    const code = await run('npm', ['run', '--silent', 'build'], { signal });
    if (code !== 0) return code;
  }
  await assertPortFree(port);
  const services = await startServices({ signal, log });
  try {
    return await runApp(services);
  } finally {
    await services.stop();
  }
}

async function runApp({ databaseUrl, redisUrl }) {
  const env = {
    ...loadSecrets(),
    ...process.env, // secrets set in the environment win over the generated ones
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    PORT: port,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
  };
  log(`starting node ${[ENTRY, ...process.argv.slice(2)].join(' ')}`);
  // `run` sends the app one SIGTERM when we are told to stop, and SIGKILLs it after 15 s.
  const exited = run(process.execPath, [ENTRY, ...process.argv.slice(2)], { env, signal });
  let running = true;
  exited.then(() => (running = false));
  if (await waitUntilReady(() => running)) {
    console.log(`
  Spawnpoint is ready
    Dashboard  http://localhost:${port}/dashboard/
    Demo       http://localhost:${port}/demo/ (the dashboard's worlds page links it with a key)
    API        http://localhost:${port}
    Docs       http://localhost:${port}/docs
    Realtime   ws://localhost:${port} (Socket.IO) · ws://localhost:${port}/ws (plain WebSocket, JSON)
    Postgres   ${redactUrl(databaseUrl)}
    Redis      ${redactUrl(redisUrl)}
  Press Ctrl-C to stop.
`);
  }
  const code = await exited;
  if (signal.aborted) {
    log(`app stopped (exit code ${code}); stopping services`);
    return code;
  }
  log(`the app exited on its own (exit code ${code}); stopping services`);
  return code || 1;
}

/** Polls GET /readyz until it answers 200; false if the app stopped first. */
async function waitUntilReady(isRunning) {
  const url = `http://127.0.0.1:${port}/readyz`;
  let hintAt = Date.now() + 30_000;
  while (isRunning() && !signal.aborted) {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
    if (response?.status === 200) return true;
    if (Date.now() > hintAt) {
      log(`still waiting for ${url} to answer 200; the app's log above should say why`);
      hintAt = Infinity;
    }
    await sleep(300);
  }
  return false;
}

/** Fails early and clearly, rather than letting a stale server on PORT answer /readyz for us. */
function assertPortFree(value) {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', () => {
      reject(new Error(`port ${value} is already in use (another \`npm start\`?). Stop it, or run with PORT=<other port>.`));
    });
    server.listen(Number(value), () => server.close(resolve));
  });
}

/** .data/secrets.json: random JWT secrets made on first start, so no default secret is ever used. */
function loadSecrets() {
  const secrets = existsSync(SECRETS_FILE) ? JSON.parse(readFileSync(SECRETS_FILE, 'utf8')) : {};
  const missing = SECRET_NAMES.filter((name) => !secrets[name]);
  if (missing.length > 0) {
    for (const name of missing) secrets[name] = randomBytes(32).toString('base64url');
    mkdirSync(join(REPO, '.data'), { recursive: true });
    writeFileSync(SECRETS_FILE, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    log(`wrote ${missing.join(', ')} to .data/secrets.json`);
  }
  return secrets;
}
