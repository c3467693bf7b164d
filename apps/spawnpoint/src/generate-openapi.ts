import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@spawnpoint/config';
import { buildOpenApiDocument, serialiseOpenApi } from '../../api/src/openapi.js';
import { PlatformModule } from './platform.module.js';
import { ROLE_DEFINITIONS } from './platform.js';

/**
 * Writes openapi/openapi.json. Runs Nest in preview mode (modules scanned, no provider
 * instantiated), so it needs no database or Redis. `npm run openapi`; a test fails when stale.
 */
export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({ DATABASE_URL: 'postgresql://preview/none', REDIS_URL: 'redis://preview:6379', NODE_ENV: 'development' }, ['api']);
  const app = await NestFactory.create<NestFastifyApplication>(PlatformModule.forRoles(config, [ROLE_DEFINITIONS.api]), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  const text = serialiseOpenApi(buildOpenApiDocument(app));
  await app.close();
  return text;
}

export const OPENAPI_PATH = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await generateOpenApi();
  writeFileSync(OPENAPI_PATH.replace('/dist/', '/'), text);
  process.stdout.write(`wrote ${OPENAPI_PATH.replace('/dist/', '/')}\n`);
}
