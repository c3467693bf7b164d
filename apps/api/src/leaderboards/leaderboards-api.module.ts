import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { LeaderboardsModule } from '@spawnpoint/leaderboards';
import { LeaderboardsController } from './leaderboards.controller.js';

/** REST endpoints of the leaderboards domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, LeaderboardsModule],
  controllers: [LeaderboardsController],
})
export class LeaderboardsApiModule {}
