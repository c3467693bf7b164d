import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

// Applies prisma/migrations at boot with plain `pg`, keeping the `_prisma_migrations` table exactly
// as Prisma Migrate keeps it, so that a deployment can switch to `prisma migrate deploy` (or back)
// at any time and see one history. Prisma's own engine is not used here: the CLI needs a native
// binary this environment cannot download, and boot should not load a 5 MB wasm module.

export interface ApplyMigrationsOptions {
  /** The database to migrate (postgresql://…). */
  databaseUrl: string;
  /** Directory holding `<timestamp>_<name>/migration.sql` sub-directories. */
  migrationsDir: string;
  log?: (message: string) => void;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
}

// The key `prisma migrate deploy` locks, so this migrator and Prisma's also exclude each other.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Prisma's DDL for the history table, column for column.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationFile {
  name: string;
  script: string;
}

interface MigrationRecord {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const log = options.log ?? (() => {});
  rejectNonDefaultSchema(options.databaseUrl);
  const migrations = await readMigrations(options.migrationsDir);

  const client = new pg.Client({ connectionString: options.databaseUrl });
  // A dropped connection also fails the pending query, which is where we report it; without a
  // listener the 'error' event would crash the process instead.
  client.on('error', () => {});
  await client.connect();
  try {
    await acquireLock(client, log);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const records = (
        await client.query<MigrationRecord>(
          `SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs
             FROM "_prisma_migrations" ORDER BY started_at`,
        )
      ).rows;

      refuseIfFailedMigrationRecorded(records);
      warnAboutDivergentHistory(migrations, records, log);

      const applied = new Set(records.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
      const pending = migrations.filter((m) => !applied.has(m.name));
      if (pending.length === 0) {
        log('Database schema is up to date: no pending migrations');
        return { applied: [] };
      }

      const appliedNow: string[] = [];
      for (const migration of pending) {
        log(`Applying migration ${migration.name}`);
        await applyOne(client, migration);
        appliedNow.push(migration.name);
      }
      log(`Applied ${appliedNow.length} migration(s): ${appliedNow.join(', ')}`);
      return { applied: appliedNow };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}

// Prisma puts its history in the URL's `?schema=`; pg ignores that parameter and would use the
// default search_path, so two tools would silently keep two histories.
function rejectNonDefaultSchema(databaseUrl: string): void {
  let schema: string | null = null;
  try {
    schema = new URL(databaseUrl).searchParams.get('schema');
  } catch {
    return; // Not a WHATWG URL; pg will report it if it cannot parse it either.
  }
  if (schema !== null && schema !== 'public') {
    throw new Error(`applyMigrations does not support ?schema=${schema} in the database URL; only the public schema is migrated.`);
  }
}

async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  // A wrong path must not look like "nothing to apply" at boot.
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read the migrations directory ${migrationsDir}: ${error.message}`, { cause: error });
  });
  // Same order as Prisma's CLI, which sorts directory names with localeCompare.
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      const script = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`Migration ${name} has no readable migration.sql (${file}): ${error.message}`, { cause: error });
      });
      return { name, script };
    }),
  );
}

async function acquireLock(client: pg.Client, log: (message: string) => void): Promise<void> {
  const attempt = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    PRISMA_ADVISORY_LOCK_KEY,
  ]);
  if (attempt.rows[0]?.locked) return;
  // Another process is migrating; once it is done there is usually nothing left for us to do.
  // No timeout: a long migration must not make the other booting replicas crash.
  log('Waiting for another process to finish applying migrations');
  await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
}

function refuseIfFailedMigrationRecorded(records: MigrationRecord[]): void {
  const failed = records.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length === 0) return;
  const details = failed
    .map((r) => {
      const logs = r.logs?.trim() ? ` with the following logs:\n${r.logs.trim()}` : '';
      return `The \`${r.migration_name}\` migration started at ${r.started_at.toISOString()} failed${logs}`;
    })
    .join('\n');
  const names = failed.map((r) => `'${r.migration_name}'`).join(', ');
  throw new Error(
    `Found failed migrations in the target database, new migrations will not be applied.\n${details}\n` +
      'Fix the cause, make sure the database is in the state before that migration, then mark it rolled back ' +
      `(\`prisma migrate resolve --rolled-back <name>\`, or UPDATE "_prisma_migrations" SET rolled_back_at = now() ` +
      `WHERE migration_name IN (${names}) AND finished_at IS NULL AND rolled_back_at IS NULL) and start again.`,
  );
}

function warnAboutDivergentHistory(migrations: MigrationFile[], records: MigrationRecord[], log: (message: string) => void): void {
  const files = new Map(migrations.map((m) => [m.name, m.script]));
  for (const record of records) {
    if (record.finished_at === null || record.rolled_back_at !== null) continue;
    const script = files.get(record.migration_name);
    if (script === undefined) {
      log(`Warning: migration ${record.migration_name} is recorded in the database but missing from the migrations directory`);
    } else if (!scriptMatchesChecksum(script, record.checksum)) {
      log(
        `Warning: migration ${record.migration_name} was modified after it was applied ` +
          '(its checksum differs from the one recorded in _prisma_migrations); the change is not applied',
      );
    }
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

// Mirrors Prisma's comparison: line endings may have been converted by git since the migration was
// applied, and old Prisma versions stored hex digests without zero padding.
function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  return variants.some((variant) => {
    const digest = sha256(variant);
    const rendered =
      checksum.length !== 64 && checksum.length > 0
        ? Array.from(digest, (byte) => byte.toString(16)).join('')
        : digest.toString('hex');
    return rendered === checksum;
  });
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  const checksum = sha256(migration.script).toString('hex');
  let startedAt = new Date();
  try {
    await client.query('BEGIN');
    // The history row is written inside the migration's transaction: if the process dies half-way,
    // Postgres rolls both back and the next boot simply retries, instead of finding a row that
    // looks failed for a migration that left no trace.
    const started = await client.query<{ started_at: Date }>(
      `INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name, applied_steps_count)
       VALUES ($1, $2, clock_timestamp(), $3, 0) RETURNING started_at`,
      [id, checksum, migration.name],
    );
    startedAt = started.rows[0]?.started_at ?? startedAt;
    // One simple-protocol query for the whole file, as Prisma sends it, so multi-statement scripts
    // and dollar-quoted bodies work unchanged.
    await client.query(migration.script);
    await client.query(
      `UPDATE "_prisma_migrations"
          SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1
        WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    const logs = describeDatabaseError(error);
    // Recorded outside the rolled-back transaction, with finished_at left null: Prisma's "failed"
    // state, which stops every later deploy (ours and `prisma migrate deploy`) until someone
    // resolves it. The row may already exist: scripts may COMMIT themselves (Prisma renders some
    // enum changes as BEGIN; …; COMMIT;), which ends our transaction early.
    const failure = new Error(`Migration ${migration.name} failed; its transaction was rolled back.\n${logs}`, { cause: error });
    await client
      .query(
        `INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name, logs, applied_steps_count)
         VALUES ($1, $2, $3, $4, $5, 0)
         ON CONFLICT (id) DO UPDATE SET logs = EXCLUDED.logs`,
        [id, checksum, startedAt, migration.name, logs],
      )
      .catch((recordError: Error) => {
        failure.message += `\n(The failure could not be recorded in _prisma_migrations: ${recordError.message})`;
      });
    throw failure;
  }
}

function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const db = error as Partial<pg.DatabaseError>;
  const lines = db.code ? [`Database error code: ${db.code}`, '', 'Database error:'] : [];
  lines.push(`${db.severity ?? 'ERROR'}: ${error.message}`);
  if (db.position) lines.push(`Position: character ${db.position} of migration.sql`);
  if (db.detail) lines.push(`DETAIL: ${db.detail}`);
  if (db.hint) lines.push(`HINT: ${db.hint}`);
  return lines.join('\n');
}
