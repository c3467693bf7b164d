import { Module } from '@nestjs/common';
import { PartiesModule } from '@spawnpoint/parties';
import { PlayersModule } from '@spawnpoint/players';
import { LobbiesRepository } from './lobbies.repository.js';
import { LobbiesService } from './lobbies.service.js';

/** Lobbies: join codes, ready checks, leaders, and the start that hands every member a seat. */
@Module({
  imports: [PartiesModule, PlayersModule],
  providers: [LobbiesRepository, LobbiesService],
  exports: [LobbiesService],
})
export class LobbiesModule {}
