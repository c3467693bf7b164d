import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const libs = [
  'auth',
  'chat',
  'config',
  'economy',
  'leaderboards',
  'lobbies',
  'matchmaking',
  'observability',
  'parties',
  'players',
  'prisma',
  'redis',
  'shared',
  'sdk',
  'social',
  'storage',
  'worlds',
];

// One config, three tiers told apart by file name: `*.spec.ts` beside the code (unit and
// integration, against the real Postgres/Redis the test script found), `e2e/**/*.e2e-spec.ts`
// against the booted app. SWC compiles because esbuild cannot emit the decorator metadata Nest needs.
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2023',
        keepClassNames: true,
      },
    }),
  ],
  resolve: {
    alias: Object.fromEntries(
      libs.map((name) => [`@spawnpoint/${name}`, fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url))]),
    ),
  },
  test: {
    include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'scripts/**/*.spec.ts', 'e2e/**/*.e2e-spec.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './e2e/support/summary-reporter.ts'],
  },
});
