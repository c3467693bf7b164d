import { Injectable } from '@nestjs/common';
import { PrismaService, type Game } from '@spawnpoint/prisma';

@Injectable()
export class GamesRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(developerId: string, name: string): Promise<Game> {
    return this.prisma.game.create({ data: { developerId, name } });
  }

  listByDeveloper(developerId: string): Promise<Game[]> {
    return this.prisma.game.findMany({ where: { developerId }, orderBy: { createdAt: 'asc' } });
  }

  /** Scoped by owner: another developer's game reads as missing. */
  findOwned(developerId: string, gameId: string): Promise<Game | null> {
    return this.prisma.game.findFirst({ where: { id: gameId, developerId } });
  }

  findById(gameId: string): Promise<Game | null> {
    return this.prisma.game.findUnique({ where: { id: gameId } });
  }

  async updateOwned(
    developerId: string,
    gameId: string,
    data: { name?: string; sessionTtlSeconds?: number; refreshTtlSeconds?: number },
  ): Promise<Game | null> {
    const { count } = await this.prisma.game.updateMany({ where: { id: gameId, developerId }, data });
    return count === 0 ? null : this.findById(gameId);
  }
}
