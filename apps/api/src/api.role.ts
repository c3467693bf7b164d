import { SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import type { RoleDefinition } from '@spawnpoint/shared';
import { ApiModule } from './api.module.js';
import { buildOpenApiDocument } from './openapi.js';
import { serveWebApps } from './web-apps.js';

export const apiRole: RoleDefinition = {
  name: 'api',
  module: ApiModule,
  async configure(app) {
    await serveWebApps(app);
    if (!app.get<AppConfig>(APP_CONFIG).DOCS_ENABLED) return;
    SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  },
};
