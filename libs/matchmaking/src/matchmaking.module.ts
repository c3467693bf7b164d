import { Module } from '@nestjs/common';
import { PartiesModule } from '@spawnpoint/parties';
import { PlayersModule } from '@spawnpoint/players';
import { Matchmaker } from './matchmaker.service.js';
import { MatchmakingMetrics } from './matchmaking-metrics.service.js';
import { MatchmakingStatsService } from './matchmaking-stats.service.js';
import { MatchmakingRepository } from './matchmaking.repository.js';
import { MatchmakingService } from './matchmaking.service.js';
import { ModeRulesService } from './mode-rules.service.js';
import { TicketWaiter } from './ticket-waiter.service.js';

/**
 * Matchmaking: tickets in Postgres, a pure matcher run by the worker under a per-(game, mode) Redis
 * lease, matches recorded atomically, players woken by pub/sub and pushed `match_found`.
 */
@Module({
  imports: [PartiesModule, PlayersModule],
  providers: [
    Matchmaker,
    MatchmakingMetrics,
    MatchmakingRepository,
    MatchmakingService,
    MatchmakingStatsService,
    ModeRulesService,
    TicketWaiter,
  ],
  exports: [Matchmaker, MatchmakingService, MatchmakingStatsService, ModeRulesService],
})
export class MatchmakingModule {}
