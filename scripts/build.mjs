#!/usr/bin/env node
// Build: generate the Prisma client (offline: the schema engine is never needed for `generate`),
// compile apps/ and libs/ to dist/ with SWC, then bundle each browser app in web/ (the dashboard,
// the demo) with Vite into dist/web/<app>, which the api role serves. Type checking is `npm run typecheck`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

function run(cmd, args, env = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`build: ${cmd.split('/').pop()} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

// Prisma's CLI tries to download a schema engine unless told where one is; generate does not use it.
run(bin('prisma'), ['generate'], {
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
});
rmSync(`${root}dist`, { recursive: true, force: true });
run(bin('swc'), ['apps', 'libs', '-d', 'dist', '--quiet', '--ignore', '**/*.spec.ts']);

// Each web/<app> with a vite.config.ts is one bundle; the config sets its own outDir and base path.
for (const app of readdirSync(`${root}web`, { withFileTypes: true })) {
  const config = `web/${app.name}/vite.config.ts`;
  if (app.isDirectory() && existsSync(`${root}${config}`)) run(bin('vite'), ['build', '--config', config, '--logLevel', 'warn']);
}
