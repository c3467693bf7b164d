import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import type { RoleDefinition } from '@spawnpoint/shared';
import { RealtimeModule } from './realtime.module.js';
import { RedisStreamsIoAdapter } from './redis-streams-io.adapter.js';

export const realtimeRole: RoleDefinition = {
  name: 'realtime',
  module: RealtimeModule,
  configure(app) {
    app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, app.get<AppConfig>(APP_CONFIG)));
  },
};
