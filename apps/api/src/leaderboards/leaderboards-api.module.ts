import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { LeaderboardsModule } from '@spawnpoint/leaderboards';
import { LeaderboardHotRoutes } from './leaderboards-hot-routes.js';
import { LeaderboardsController } from './leaderboards.controller.js';

/** REST endpoints of the leaderboards domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, LeaderboardsModule],
  controllers: [LeaderboardsController],
  providers: [LeaderboardHotRoutes],
})
export class LeaderboardsApiModule {}
