import { Injectable } from '@nestjs/common';
import { PartiesRepository, type PartyRecord } from './parties.repository.js';

@Injectable()
export class PartiesService {
  constructor(private readonly parties: PartiesRepository) {}

  /** The party of a player, used by lobbies and matchmaking to move a party as one. */
  partyOf(gameId: string, playerId: string): Promise<PartyRecord | null> {
    return this.parties.findByMember(gameId, playerId);
  }
}
