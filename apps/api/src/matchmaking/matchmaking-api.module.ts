import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { MatchmakingModule } from '@spawnpoint/matchmaking';
import { MatchmakingController } from './matchmaking.controller.js';

/** REST endpoints of the matchmaking domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, MatchmakingModule],
  controllers: [MatchmakingController],
})
export class MatchmakingApiModule {}
