import type { Server as HttpServer } from 'node:http';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import type { RoleDefinition } from '@spawnpoint/shared';
import { RealtimeModule } from './realtime.module.js';
import { RedisStreamsIoAdapter } from './redis-streams-io.adapter.js';
import { WsTransport } from './ws.transport.js';

export const realtimeRole: RoleDefinition = {
  name: 'realtime',
  module: RealtimeModule,
  configure(app) {
    app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, app.get<AppConfig>(APP_CONFIG)));
    app.get(WsTransport).attach(app.getHttpServer() as HttpServer);
  },
};
