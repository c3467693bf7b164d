import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { QueueName } from '@spawnpoint/shared';
import { Redis } from 'ioredis';

/**
 * Every queue of the registry, injectable anywhere with `@InjectQueue(QueueName.X)`. BullMQ rejects
 * ioredis key prefixes, so it gets its own connection and uses BullMQ's `prefix` instead.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, connectionName: 'spawnpoint:bullmq' }),
        prefix: `${config.REDIS_KEY_PREFIX}bull`,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class QueuesModule {}
