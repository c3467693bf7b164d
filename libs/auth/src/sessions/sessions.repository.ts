import { Injectable } from '@nestjs/common';
import { PrismaService, type PlayerSession, type RefreshToken } from '@spawnpoint/prisma';

export type RotateResult =
  | { outcome: 'rotated'; session: PlayerSession }
  | { outcome: 'unknown' }
  | { outcome: 'reused'; session: PlayerSession }
  | { outcome: 'expired' }
  | { outcome: 'revoked' };

@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the session and its first refresh token together. */
  create(data: {
    gameId: string;
    playerId: string;
    expiresAt: Date;
    refreshTokenHash: string;
    userAgent?: string;
    ip?: string;
  }): Promise<PlayerSession> {
    return this.prisma.playerSession.create({
      data: {
        gameId: data.gameId,
        playerId: data.playerId,
        expiresAt: data.expiresAt,
        userAgent: data.userAgent,
        ip: data.ip,
        refreshTokens: { create: { tokenHash: data.refreshTokenHash, expiresAt: data.expiresAt } },
      },
    });
  }

  /**
   * Uses a refresh token exactly once, in one transaction: marks it used (a conditional update,
   * so two concurrent refreshes cannot both win), issues its successor and slides the session.
   */
  rotate(gameId: string, tokenHash: string, next: { tokenHash: string; expiresAt: Date }, now: Date): Promise<RotateResult> {
    return this.prisma.$transaction(async (tx) => {
      const token: (RefreshToken & { session: PlayerSession }) | null = await tx.refreshToken.findUnique({
        where: { tokenHash },
        include: { session: true },
      });
      if (!token || token.session.gameId !== gameId) return { outcome: 'unknown' };
      if (token.session.revokedAt) return { outcome: 'revoked' };
      if (token.usedAt) return { outcome: 'reused', session: token.session };
      if (token.expiresAt <= now || token.session.expiresAt <= now) return { outcome: 'expired' };

      const { count } = await tx.refreshToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: now } });
      if (count === 0) return { outcome: 'reused', session: token.session };
      await tx.refreshToken.create({ data: { sessionId: token.sessionId, tokenHash: next.tokenHash, expiresAt: next.expiresAt } });
      const session = await tx.playerSession.update({
        where: { id: token.sessionId },
        data: { refreshedAt: now, expiresAt: next.expiresAt },
      });
      return { outcome: 'rotated', session };
    });
  }

  findByRefreshToken(gameId: string, tokenHash: string): Promise<PlayerSession | null> {
    return this.prisma.playerSession.findFirst({ where: { gameId, refreshTokens: { some: { tokenHash } } } });
  }

  findById(sessionId: string): Promise<PlayerSession | null> {
    return this.prisma.playerSession.findUnique({ where: { id: sessionId } });
  }

  /** Revokes a live session; false when it was already revoked or does not exist. */
  async revoke(sessionId: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.playerSession.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return count > 0;
  }

  /** Revokes every live session of a player and returns their ids. */
  async revokeAllForPlayer(gameId: string, playerId: string, reason: string): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const live = await tx.playerSession.findMany({ where: { gameId, playerId, revokedAt: null }, select: { id: true } });
      await tx.playerSession.updateMany({
        where: { id: { in: live.map((s) => s.id) } },
        data: { revokedAt: new Date(), revokedReason: reason },
      });
      return live.map((s) => s.id);
    });
  }

  async listForPlayer(gameId: string, playerId: string): Promise<PlayerSession[]> {
    return this.prisma.playerSession.findMany({ where: { gameId, playerId }, orderBy: { createdAt: 'desc' }, take: 50 });
  }

  /** Deletes sessions that ended (expired or revoked) before `before`, with their refresh tokens. */
  async purgeEndedBefore(before: Date): Promise<number> {
    const { count } = await this.prisma.playerSession.deleteMany({
      where: { OR: [{ expiresAt: { lt: before } }, { revokedAt: { lt: before } }] },
    });
    return count;
  }
}
