import { Module } from '@nestjs/common';
import { WorldModuleRegistry } from './engine/module-registry.js';
import { WorldRegistry } from './world-registry.js';
import { WorldsRepository } from './worlds.repository.js';
import { WorldsService } from './worlds.service.js';

/**
 * Worlds: definitions (Postgres), the host registry (Redis) and the world-module registry. Studios
 * add their own game logic with `app.get(WorldModuleRegistry).register('my-mode', factory)`.
 */
@Module({
  providers: [
    WorldsRepository,
    WorldRegistry,
    WorldsService,
    { provide: WorldModuleRegistry, useFactory: () => new WorldModuleRegistry() },
  ],
  exports: [WorldsRepository, WorldRegistry, WorldsService, WorldModuleRegistry],
})
export class WorldsModule {}
