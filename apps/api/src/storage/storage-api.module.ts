import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { PlayersModule } from '@spawnpoint/players';
import { StorageModule } from '@spawnpoint/storage';
import { PlayerDataController } from './player-data.controller.js';
import { StorageController } from './storage.controller.js';

/** REST endpoints of the storage domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, PlayersModule, StorageModule],
  controllers: [PlayerDataController, StorageController],
})
export class StorageApiModule {}
