import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@spawnpoint/config';
import { ObservabilityModule } from '@spawnpoint/observability';
import { PrismaModule } from '@spawnpoint/prisma';
import { QueuesModule, RedisModule } from '@spawnpoint/redis';
import type { RoleDefinition } from '@spawnpoint/shared';

/** What every process has (config, Postgres, Redis, queues, health, metrics) plus its roles' modules. */
@Module({})
export class PlatformModule {
  static forRoles(config: AppConfig, roles: RoleDefinition[]): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        PrismaModule,
        RedisModule,
        QueuesModule,
        ObservabilityModule,
        ...roles.map((role) => role.module),
      ],
    };
  }
}
