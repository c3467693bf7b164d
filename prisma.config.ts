import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs through the Prisma CLI here; migrations are created and applied by
// scripts/db (see docs/database.md). `prisma migrate deploy` elsewhere reads DATABASE_URL.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/spawnpoint' },
});
