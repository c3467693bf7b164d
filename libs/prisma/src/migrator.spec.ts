import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrator.js';

const repoMigrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

// Each case gets its own database on the test server, dropped at the end, so the cases can run in
// any order and never touch the per-run database other tests use.
const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? '';
const scratchDatabases: string[] = [];
const tempDirs: string[] = [];

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function scratchDatabase(): Promise<string> {
  const name = `spawnpoint_migrator_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  scratchDatabases.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function migrationsDir(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spawnpoint-migrations-'));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const history = (url: string): Promise<HistoryRow[]> =>
  withClient(url, async (client) => (await client.query<HistoryRow>('SELECT * FROM "_prisma_migrations" ORDER BY started_at')).rows);

const tableExists = (url: string, table: string): Promise<boolean> =>
  withClient(url, async (client) => (await client.query('SELECT to_regclass($1) AS t', [table])).rows[0].t !== null);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

afterAll(async () => {
  if (serverUrl) {
    await withClient(serverUrl, async (client) => {
      for (const name of scratchDatabases) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  }
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('applyMigrations', () => {
  it('has a test database server to work on', () => {
    expect(serverUrl, 'TEST_DATABASE_SERVER_URL is set by e2e/support/global-setup.ts').not.toBe('');
  });

  it("applies the repository's migrations to an empty database and records them as Prisma does", async () => {
    const url = await scratchDatabase();
    const names = (await readdir(repoMigrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(names.length).toBeGreaterThan(0);

    const result = await applyMigrations({ databaseUrl: url, migrationsDir: repoMigrationsDir });

    expect(result.applied).toEqual(names);
    const rows = await history(url);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const script = await readFile(path.join(repoMigrationsDir, row.migration_name, 'migration.sql'), 'utf8');
      expect(row.checksum).toBe(sha256(script));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await tableExists(url, 'public.players')).toBe(true);

    // Column for column what `prisma migrate deploy` creates, so either tool can take over.
    const columns = await withClient(url, async (client) =>
      (
        await client.query(
          `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
             FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
        )
      ).rows,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', len: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', len: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', len: null, is_nullable: 'NO', column_default: '0' },
    ]);

    const again = await applyMigrations({ databaseUrl: url, migrationsDir: repoMigrationsDir });
    expect(again.applied).toEqual([]);
    expect(await history(url)).toEqual(rows);
  });

  it("leaves a history that Prisma's own engine (what `prisma migrate deploy` runs) finds up to date, and vice versa", async () => {
    // scripts/db is plain JavaScript and tsconfig has no allowJs: the part used here is typed by hand.
    type Engine = {
      diagnoseMigrationHistory(input: object): Promise<{ history: unknown; failedMigrationNames: string[]; editedMigrationNames: string[] }>;
      applyMigrations(input: object): Promise<{ appliedMigrationNames: string[] }>;
    };
    const { withSchemaEngine, readMigrationsList } = (await import(
      new URL('../../../scripts/db/schema-engine.mjs', import.meta.url).href
    )) as {
      withSchemaEngine: <T>(options: { serverUrl: string }, fn: (engine: Engine) => Promise<T>) => Promise<T>;
      readMigrationsList: (dir: string) => Promise<object>;
    };
    const migrationsList = await readMigrationsList(repoMigrationsDir);
    const filters = { externalTables: [], externalEnums: [] };

    const ours = await scratchDatabase();
    await applyMigrations({ databaseUrl: ours, migrationsDir: repoMigrationsDir });
    await withSchemaEngine({ serverUrl: ours }, async (engine) => {
      const diagnosis = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters });
      expect(diagnosis).toMatchObject({ history: null, failedMigrationNames: [], editedMigrationNames: [] });
      expect((await engine.applyMigrations({ migrationsList, filters })).appliedMigrationNames).toEqual([]);
    });

    const prismas = await scratchDatabase();
    const appliedByPrisma = await withSchemaEngine({ serverUrl: prismas }, (engine) => engine.applyMigrations({ migrationsList, filters }));
    expect(appliedByPrisma.appliedMigrationNames.length).toBeGreaterThan(0);
    const messages: string[] = [];
    const result = await applyMigrations({ databaseUrl: prismas, migrationsDir: repoMigrationsDir, log: (m) => messages.push(m) });
    expect(result.applied).toEqual([]);
    expect(messages.filter((m) => m.startsWith('Warning'))).toEqual([]);
  });

  it('applies only the migrations added since the last call', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsDir({ '20250101000000_a': 'CREATE TABLE a (id int);' });
    expect((await applyMigrations({ databaseUrl: url, migrationsDir: dir })).applied).toEqual(['20250101000000_a']);

    await mkdir(path.join(dir, '20250102000000_b'));
    await writeFile(path.join(dir, '20250102000000_b', 'migration.sql'), 'CREATE TABLE b (id int);');
    expect((await applyMigrations({ databaseUrl: url, migrationsDir: dir })).applied).toEqual(['20250102000000_b']);
    expect((await history(url)).map((row) => row.migration_name)).toEqual(['20250101000000_a', '20250102000000_b']);
  });

  it('applies each pending migration once under concurrent callers', async () => {
    const url = await scratchDatabase();
    // Not idempotent on purpose: a second application would fail on CREATE TABLE or double the
    // row, and the sleep keeps the first caller inside the lock while the others arrive.
    const dir = await migrationsDir({
      '20250101000000_first': 'CREATE TABLE applied_log (migration text NOT NULL);\nSELECT pg_sleep(0.3);',
      '20250102000000_second': "INSERT INTO applied_log VALUES ('second');\nCREATE TABLE second_table (id int);",
      '20250103000000_third': "INSERT INTO applied_log VALUES ('third');",
    });

    // allSettled: every caller must have finished (and closed its connection) before we look.
    const settled = await Promise.allSettled(
      Array.from({ length: 5 }, () => applyMigrations({ databaseUrl: url, migrationsDir: dir })),
    );

    const results = settled.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    });
    const appliedCounts = results.map((result) => result.applied.length).sort();
    expect(appliedCounts).toEqual([0, 0, 0, 0, 3]);
    const rows = await history(url);
    expect(rows.map((row) => row.migration_name)).toEqual([
      '20250101000000_first',
      '20250102000000_second',
      '20250103000000_third',
    ]);
    const log = await withClient(url, async (client) => (await client.query('SELECT migration FROM applied_log ORDER BY 1')).rows);
    expect(log).toEqual([{ migration: 'second' }, { migration: 'third' }]);
  });

  it('rolls a failing migration back, records it as failed, and refuses to continue until it is resolved', async () => {
    const url = await scratchDatabase();
    const failing = "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT 1 / 0;";
    const dir = await migrationsDir({
      '20250101000000_good': 'CREATE TABLE good (id int);',
      '20250102000000_broken': failing,
      '20250103000000_later': 'CREATE TABLE later (id int);',
    });

    await expect(applyMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(
      /Migration 20250102000000_broken failed; its transaction was rolled back[\s\S]*division by zero/,
    );

    expect(await tableExists(url, 'public.good')).toBe(true);
    expect(await tableExists(url, 'public.half_done')).toBe(false);
    expect(await tableExists(url, 'public.later')).toBe(false);
    const rows = await history(url);
    expect(rows.map((row) => row.migration_name)).toEqual(['20250101000000_good', '20250102000000_broken']);
    const failed = rows[1]!;
    expect(failed.finished_at).toBeNull();
    expect(failed.rolled_back_at).toBeNull();
    expect(failed.applied_steps_count).toBe(0);
    expect(failed.checksum).toBe(sha256(failing));
    expect(failed.logs).toContain('division by zero');

    // Fixing the file is not enough: the failure stays on record until someone resolves it, as
    // with `prisma migrate deploy` (error P3009).
    await writeFile(path.join(dir, '20250102000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);');
    const refusal = applyMigrations({ databaseUrl: url, migrationsDir: dir });
    await expect(refusal).rejects.toThrow(/Found failed migrations in the target database/);
    await expect(refusal).rejects.toThrow(/`20250102000000_broken` migration started at .* failed/);
    expect(await tableExists(url, 'public.later')).toBe(false);

    // What `prisma migrate resolve --rolled-back` records.
    await withClient(url, (client) =>
      client.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '20250102000000_broken'`),
    );
    const resumed = await applyMigrations({ databaseUrl: url, migrationsDir: dir });
    expect(resumed.applied).toEqual(['20250102000000_broken', '20250103000000_later']);
    expect(await tableExists(url, 'public.later')).toBe(true);
  });

  it('copes with scripts that manage their own transaction, as Prisma renders some enum changes', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsDir({
      '20250101000000_enum': "CREATE TYPE role AS ENUM ('a', 'b');\nCREATE TABLE member (r role);",
      '20250102000000_drop_value':
        "BEGIN;\nCREATE TYPE role_new AS ENUM ('a');\n" +
        'ALTER TABLE member ALTER COLUMN r TYPE role_new USING (r::text::role_new);\n' +
        'ALTER TYPE role RENAME TO role_old;\nALTER TYPE role_new RENAME TO role;\nDROP TYPE role_old;\nCOMMIT;',
      '20250103000000_fails_after_commit': 'BEGIN;\nCREATE TABLE committed_early (id int);\nCOMMIT;\nSELECT 1 / 0;',
    });

    await expect(applyMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/20250103000000_fails_after_commit failed/);

    const rows = await history(url);
    expect(rows.map((row) => [row.migration_name, row.finished_at !== null])).toEqual([
      ['20250101000000_enum', true],
      ['20250102000000_drop_value', true],
      ['20250103000000_fails_after_commit', false],
    ]);
    expect(rows[2]!.logs).toContain('division by zero');
    expect(rows[2]!.rolled_back_at).toBeNull();
  });

  it('warns when an applied migration was edited, and accepts line-ending changes', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsDir({
      '20250101000000_edited': 'CREATE TABLE edited (id int);\n',
      '20250102000000_crlf': 'CREATE TABLE crlf (id int);\n',
    });
    await applyMigrations({ databaseUrl: url, migrationsDir: dir });

    await writeFile(path.join(dir, '20250101000000_edited', 'migration.sql'), 'CREATE TABLE edited (id bigint);\n');
    await writeFile(path.join(dir, '20250102000000_crlf', 'migration.sql'), 'CREATE TABLE crlf (id int);\r\n');
    const messages: string[] = [];
    const result = await applyMigrations({ databaseUrl: url, migrationsDir: dir, log: (message) => messages.push(message) });

    expect(result.applied).toEqual([]);
    const warnings = messages.filter((message) => message.startsWith('Warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/20250101000000_edited was modified after it was applied/);
  });

  it('refuses a migrations directory that does not exist', async () => {
    const url = await scratchDatabase();
    await expect(
      applyMigrations({ databaseUrl: url, migrationsDir: path.join(tmpdir(), `missing-${randomBytes(4).toString('hex')}`) }),
    ).rejects.toThrow(/Cannot read the migrations directory/);
  });
});
