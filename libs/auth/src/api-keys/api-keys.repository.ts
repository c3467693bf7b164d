import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey, type ApiKeyKind } from '@spawnpoint/prisma';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { gameId: string; name: string; kind: ApiKeyKind; prefix: string; keyHash: string }): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data });
  }

  listByGame(gameId: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ where: { gameId }, orderBy: { createdAt: 'asc' } });
  }

  findByHash(keyHash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { keyHash } });
  }

  /** Revokes a key of this game; null when no such key (or it belongs to another game). */
  async revoke(gameId: string, keyId: string): Promise<ApiKey | null> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id: keyId, gameId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const key = await this.prisma.apiKey.findFirst({ where: { id: keyId, gameId } });
    return count === 0 && !key ? null : key;
  }

  async touch(keyId: string): Promise<void> {
    await this.prisma.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date() } });
  }
}
