import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '@spawnpoint/config';
import { createLogger } from '@spawnpoint/observability';
import { applyMigrations } from '@spawnpoint/prisma';
import { parseRoles } from '@spawnpoint/shared';
import { createPlatform } from './platform.js';

// The one executable. `--role api,realtime` (or ROLES=…) picks roles; all three by default.
async function main(): Promise<void> {
  const roleArg = process.argv.find((arg, i) => process.argv[i - 1] === '--role') ?? process.argv.find((a) => a.startsWith('--role='))?.slice(7);
  let config;
  try {
    config = loadConfig(process.env, roleArg ? parseRoles(roleArg) : undefined);
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof Error && error.message.startsWith('unknown role'))) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  if (config.MIGRATE_ON_BOOT) {
    const migrationsDir = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));
    const logger = createLogger(config.LOG_LEVEL).child({ context: 'migrations' });
    await applyMigrations({ databaseUrl: config.DATABASE_URL, migrationsDir, log: (message) => logger.info(message) });
  }

  const app = await createPlatform(config);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.getHttpAdapter().getInstance().log.info({ signal }, 'shutting down');
    // Hard stop if something hangs (a stuck connection must not keep a deploy waiting forever).
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
  const base = `http://localhost:${config.PORT}`;
  app.getHttpAdapter().getInstance().log.info(
    { roles: config.ROLES, api: base, docs: `${base}/docs`, realtime: `ws://localhost:${config.PORT}` },
    `spawnpoint ready (${config.ROLES.join(', ')})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
