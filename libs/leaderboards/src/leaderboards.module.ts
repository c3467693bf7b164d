import { Module } from '@nestjs/common';
import { PlayersModule } from '@spawnpoint/players';
import { LeaderboardConfigs } from './leaderboard-configs.service.js';
import { LeaderboardIndex } from './leaderboard-index.service.js';
import { LeaderboardRedis } from './leaderboard-redis.service.js';
import { LeaderboardResets } from './leaderboard-resets.service.js';
import { LeaderboardsRepository } from './leaderboards.repository.js';
import { LeaderboardsService } from './leaderboards.service.js';
import { ScoreWriter } from './score-writer.service.js';
import { WriterLeases } from './writer-leases.service.js';

/**
 * Leaderboards: records durable in Postgres (group-committed), ranks from a Redis index that is
 * rebuilt from Postgres whenever it is missing, seasons reset on a schedule.
 */
@Module({
  imports: [PlayersModule],
  providers: [
    LeaderboardConfigs,
    LeaderboardIndex,
    LeaderboardRedis,
    LeaderboardResets,
    LeaderboardsRepository,
    LeaderboardsService,
    ScoreWriter,
    WriterLeases,
  ],
  exports: [LeaderboardResets, LeaderboardsService],
})
export class LeaderboardsModule {}
