#!/usr/bin/env node
// `npm run db:migration -- <name>`: writes prisma/migrations/<UTC timestamp>_<name>/migration.sql with
// the changes from the existing migrations to prisma/schema.prisma, like
// `prisma migrate dev --create-only`, which cannot run offline (see docs/database.md).
// The migrations are replayed in a temporary database on DATABASE_URL's server; nothing else there
// is touched.
import path from 'node:path';
import { createMigration, DEFAULT_SERVER_URL } from './schema-engine.mjs';

const name = process.argv.slice(2).join('_');
if (!name) {
  console.error('usage: npm run db:migration -- <name>   (e.g. add_leaderboards)');
  process.exit(2);
}

let exitCode = 0;
try {
  const created = await createMigration({ name, serverUrl: process.env.DATABASE_URL || DEFAULT_SERVER_URL });
  if (created === null) {
    console.log('no changes: schema.prisma matches prisma/migrations, nothing written');
  } else {
    console.log(`created ${path.relative(process.cwd(), created.migrationPath)}`);
    console.log('Review it before committing: add any data migration, and check for destructive changes.');
  }
} catch (error) {
  console.error(`db:migration failed: ${error instanceof Error ? error.message : error}`);
  exitCode = 1;
}
// The wasm engine can leave timers and handles behind; the work is done.
process.exit(exitCode);
