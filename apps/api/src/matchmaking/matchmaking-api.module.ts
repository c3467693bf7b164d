import { Module } from '@nestjs/common';

/** REST endpoints of the matchmaking domain (controllers and DTOs in this folder). */
@Module({})
export class MatchmakingApiModule {}
