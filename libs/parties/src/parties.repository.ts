import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';

export interface PartyRecord {
  id: string;
  gameId: string;
  leaderId: string;
  maxSize: number;
  /** Player ids in join order. */
  members: string[];
}

@Injectable()
export class PartiesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The party a player is in, if any (a player is in at most one). */
  async findByMember(gameId: string, playerId: string): Promise<PartyRecord | null> {
    const membership = await this.prisma.partyMember.findUnique({
      where: { gameId_playerId: { gameId, playerId } },
      include: { party: { include: { members: { orderBy: { joinedAt: 'asc' } } } } },
    });
    if (!membership) return null;
    const { party } = membership;
    return { id: party.id, gameId: party.gameId, leaderId: party.leaderId, maxSize: party.maxSize, members: party.members.map((m) => m.playerId) };
  }
}
