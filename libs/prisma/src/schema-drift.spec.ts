import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/db/schema-engine.mjs is plain JavaScript and tsconfig has no allowJs, so the one function
// used here is typed by hand and loaded by URL.
type DiffMigrationsToSchema = (options: { serverUrl: string; migrationsDir?: string; schemaPath?: string }) => Promise<string>;
const schemaEngineUrl = new URL('../../../scripts/db/schema-engine.mjs', import.meta.url).href;

const schemaPath = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));
const migrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? '';

let diffMigrationsToSchema: DiffMigrationsToSchema;
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spawnpoint-schema-'));
  tempDirs.push(dir);
  return dir;
}

async function shadowDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'prisma\\_migrate\\_shadow\\_db\\_%'",
    );
    return result.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  ({ diffMigrationsToSchema } = (await import(schemaEngineUrl)) as { diffMigrationsToSchema: DiffMigrationsToSchema });
});

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('prisma/schema.prisma and prisma/migrations', () => {
  it('describe the same database (if not, run `npm run db:migration -- <name>`)', async () => {
    expect(serverUrl, 'TEST_DATABASE_SERVER_URL is set by e2e/support/global-setup.ts').not.toBe('');
    const missingMigration = await diffMigrationsToSchema({ serverUrl, migrationsDir, schemaPath });
    expect(missingMigration, 'schema.prisma has changes that no migration creates').toBe('');
  });

  it('are reported as different when the schema gains a model no migration creates', async () => {
    const changedSchemaPath = path.join(await tempDir(), 'schema.prisma');
    const schema = await readFile(schemaPath, 'utf8');
    await writeFile(changedSchemaPath, `${schema}\nmodel DriftProbe {\n  id Int @id\n\n  @@map("drift_probe")\n}\n`);

    const missingMigration = await diffMigrationsToSchema({ serverUrl, migrationsDir, schemaPath: changedSchemaPath });

    expect(missingMigration).toContain('CREATE TABLE "drift_probe"');
  });

  it('are compared in a shadow database that is dropped even when a migration fails', async () => {
    const brokenMigrationsDir = await tempDir();
    await writeFile(path.join(brokenMigrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    await mkdir(path.join(brokenMigrationsDir, '20250101000000_broken'));
    await writeFile(path.join(brokenMigrationsDir, '20250101000000_broken', 'migration.sql'), 'CREATE TABLE t (id int REFERENCES missing(id));');
    const before = await shadowDatabases();

    await expect(diffMigrationsToSchema({ serverUrl, migrationsDir: brokenMigrationsDir, schemaPath })).rejects.toThrow(
      /20250101000000_broken` failed to apply cleanly to the shadow database/,
    );

    const leaked = (await shadowDatabases()).filter((name) => !before.includes(name));
    expect(leaked).toEqual([]);
  });
});
