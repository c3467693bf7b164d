#!/usr/bin/env node
// `npm run db:check`: fails when prisma/schema.prisma and prisma/migrations describe different
// databases, printing the SQL a new migration would need (`npm run db:migration -- <name>` writes it).
// The migrations are replayed in a temporary database on DATABASE_URL's server.
import { DEFAULT_SERVER_URL, diffMigrationsToSchema } from './schema-engine.mjs';

let exitCode = 0;
try {
  const sql = await diffMigrationsToSchema({ serverUrl: process.env.DATABASE_URL || DEFAULT_SERVER_URL });
  if (sql === '') {
    console.log('db:check: prisma/schema.prisma and prisma/migrations are in sync');
  } else {
    console.error('db:check: prisma/schema.prisma differs from prisma/migrations; the missing migration is:\n');
    console.log(sql);
    console.error('Create it with: npm run db:migration -- <name>');
    exitCode = 1;
  }
} catch (error) {
  console.error(`db:check failed: ${error instanceof Error ? error.message : error}`);
  exitCode = 1;
}
// The wasm engine can leave timers and handles behind; the work is done.
process.exit(exitCode);
