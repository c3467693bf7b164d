import { Module } from '@nestjs/common';

/** REST endpoints of the leaderboards domain (controllers and DTOs in this folder). */
@Module({})
export class LeaderboardsApiModule {}
