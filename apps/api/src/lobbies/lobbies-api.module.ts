import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { LobbiesModule } from '@spawnpoint/lobbies';
import { LobbiesController } from './lobbies.controller.js';

/** REST endpoints of the lobbies domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, LobbiesModule],
  controllers: [LobbiesController],
})
export class LobbiesApiModule {}
