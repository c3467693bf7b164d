import { Module } from '@nestjs/common';
import { PlayersModule } from '@spawnpoint/players';
import { PartiesRepository } from './parties.repository.js';
import { PartiesService } from './parties.service.js';

/** Parties: players who queue and join lobbies as one, with a leader, invites and live updates to members. */
@Module({
  imports: [PlayersModule],
  providers: [PartiesRepository, PartiesService],
  exports: [PartiesService],
})
export class PartiesModule {}
