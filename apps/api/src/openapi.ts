import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document, built from the controllers and DTOs; committed as openapi/openapi.json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Spawnpoint')
    .setDescription(
      [
        'Game backend-as-a-service. Errors always have the shape `{"error": {"code", "message", "details?", "request_id"}}`.',
        '',
        'Credentials: dashboard endpoints take a developer token (`Authorization: Bearer`); game endpoints take',
        '`X-API-Key` (a **server** key `sp_sk_…` has full access to its game; a **client** key `sp_ck_…` can only',
        'create and refresh player sessions) or a player session token (`Authorization: Bearer`). A developer token',
        "together with `X-Game-Id: <gameId>` of a game that developer owns acts with that game's server rights",
        "(what the dashboard sends); another developer's game answers 404.",
      ].join('\n'),
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Developer token' }, 'developer')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Player session token' }, 'session')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Server key (sp_sk_…) or client key (sp_ck_…)' }, 'api-key')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Game-Id',
        description: 'With a developer token: the id of one of your games, to act on it with server rights',
      },
      'game-id',
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
}

/** Stable JSON text for the committed file (sorted nowhere: Nest's order is already deterministic). */
export function serialiseOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
