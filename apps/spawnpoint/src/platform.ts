import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { apiRole } from '../../api/src/api.role.js';
import { realtimeRole } from '../../realtime/src/realtime.role.js';
import { workerRole } from '../../worker/src/worker.role.js';
import type { AppConfig } from '@spawnpoint/config';
import { createLogger, NestPinoLogger } from '@spawnpoint/observability';
import type { Role, RoleDefinition } from '@spawnpoint/shared';
import { HttpErrorFilter } from './http/error-filter.js';
import { installHttpHooks } from './http/http-hooks.js';
import { createValidationPipe } from './http/validation.js';
import { PlatformModule } from './platform.module.js';

export const ROLE_DEFINITIONS: Record<Role, RoleDefinition> = { api: apiRole, realtime: realtimeRole, worker: workerRole };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds (but does not start listening) one process running the roles in `config.ROLES`. Every
 * role gets an HTTP server for /healthz, /readyz and /metrics; the api role adds REST and /docs,
 * the realtime role adds Socket.IO on the same port, the worker role adds BullMQ processors.
 */
export async function createPlatform(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config.LOG_LEVEL);
  const roles = config.ROLES.map((role) => ROLE_DEFINITIONS[role]);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Path parameters carry player-chosen ids (a DM channel holds two of up to 128 characters):
    // Fastify's default of 100 would answer longer ones with its own 414 outside our error shape.
    routerOptions: { maxParamLength: 512 },
    trustProxy: config.TRUST_PROXY,
    // A caller's own request id is kept (for tracing across services) when it is well-formed.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(PlatformModule.forRoles(config, roles), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  installHttpHooks(app, config);
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  for (const role of roles) await role.configure?.(app);
  await app.init();
  return app;
}
