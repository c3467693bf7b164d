import { SwaggerModule } from '@nestjs/swagger';
import type { RoleDefinition } from '@spawnpoint/shared';
import { ApiModule } from './api.module.js';
import { buildOpenApiDocument } from './openapi.js';

export const apiRole: RoleDefinition = {
  name: 'api',
  module: ApiModule,
  configure(app) {
    SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  },
};
