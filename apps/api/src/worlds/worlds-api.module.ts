import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { WorldsModule } from '@spawnpoint/worlds';
import { WorldsController } from './worlds.controller.js';

/** REST endpoints of the worlds domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, WorldsModule],
  controllers: [WorldsController],
})
export class WorldsApiModule {}
