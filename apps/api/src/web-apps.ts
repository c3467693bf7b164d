import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The browser apps bundled by `npm run build` (web/<app> → dist/web/<app>, see scripts/build.mjs),
 * each served by the api role under its own path. They are static files that talk to the public
 * REST and realtime API like any other client; `/` leads a visitor to the dashboard.
 */
export const WEB_APPS = [
  { name: 'dashboard', prefix: '/dashboard/' },
  { name: 'demo', prefix: '/demo/' },
] as const;

export async function serveWebApps(app: NestFastifyApplication, webRoot = resolveWebRoot()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  for (const { name, prefix } of WEB_APPS) {
    const root = `${webRoot}/${name}`;
    // Unbuilt (a source checkout before `npm run build`): the path stays a 404 in the usual error shape.
    if (!existsSync(`${root}/index.html`)) continue;
    await fastify.register(fastifyStatic, { root, prefix, decorateReply: false, index: 'index.html', wildcard: false });
    fastify.get(prefix.slice(0, -1), (_request, reply) => reply.redirect(prefix, 302));
  }
  fastify.get('/', (_request, reply) => reply.redirect('/dashboard/', 302));
}

/** dist/web from a compiled build; the repository's dist/web when this runs from source (tests). */
function resolveWebRoot(): string {
  // This file is apps/api/src/web-apps.ts, or dist/apps/api/src/web-apps.js once built.
  const here = fileURLToPath(new URL('.', import.meta.url));
  const at = here.lastIndexOf('/dist/');
  return at >= 0 ? `${here.slice(0, at)}/dist/web` : fileURLToPath(new URL('../../../dist/web', import.meta.url));
}
