import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';
import type { JsonObject } from '@spawnpoint/shared';

export interface NotificationRecord {
  id: string;
  playerId: string;
  subject: string;
  content: JsonObject;
  code: number;
  senderId: string | null;
  readAt: Date | null;
  createdAt: Date;
}

/** Where a newest-first page continues: strictly older than this (createdAt, id). */
export interface NotificationPosition {
  createdAt: Date;
  id: string;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts one and, in the same transaction, drops the player's notifications beyond the `keep` newest. */
  async create(
    gameId: string,
    data: { playerId: string; subject: string; content: JsonObject; code: number; senderId: string | null },
    keep: number,
  ): Promise<NotificationRecord> {
    return this.prisma.$transaction(async (tx) => {
      // Per player, created_at strictly increases (1 ms past the newest when the clock has not moved
      // on), so newest-first order and the retention cut are deterministic even for a burst.
      const [row] = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO notifications (id, game_id, player_id, subject, content, code, sender_id, created_at)
        VALUES (gen_random_uuid(), ${gameId}::uuid, ${data.playerId}, ${data.subject}, ${JSON.stringify(data.content)}::jsonb, ${data.code},
          ${data.senderId}, GREATEST(clock_timestamp(), COALESCE(
            (SELECT max(created_at) FROM notifications WHERE game_id = ${gameId}::uuid AND player_id = ${data.playerId}) + interval '1 millisecond',
            '-infinity')))
        RETURNING id::text`;
      await tx.$executeRaw`
        DELETE FROM notifications WHERE id IN (
          SELECT id FROM notifications WHERE game_id = ${gameId}::uuid AND player_id = ${data.playerId}
          ORDER BY created_at DESC, id DESC OFFSET ${keep})`;
      return record(await tx.notification.findUniqueOrThrow({ where: { id: row!.id } }));
    });
  }

  /** Newest first. */
  async list(
    gameId: string,
    playerId: string,
    options: { unreadOnly: boolean; before?: NotificationPosition; limit: number },
  ): Promise<NotificationRecord[]> {
    const { before } = options;
    const rows = await this.prisma.notification.findMany({
      where: {
        gameId,
        playerId,
        ...(options.unreadOnly ? { readAt: null } : {}),
        ...(before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.limit,
    });
    return rows.map(record);
  }

  /**
   * Marks the player's notifications read, all or none: false (and nothing changed) when any id is
   * not one of this player's in this game.
   */
  async markRead(gameId: string, playerId: string, ids: string[]): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const owned = await tx.notification.count({ where: { gameId, playerId, id: { in: ids } } });
      if (owned !== ids.length) return false;
      await tx.notification.updateMany({ where: { gameId, playerId, id: { in: ids }, readAt: null }, data: { readAt: new Date() } });
      return true;
    });
  }

  async delete(gameId: string, playerId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.notification.deleteMany({ where: { gameId, playerId, id } });
    return count === 1;
  }
}

function record(row: Omit<NotificationRecord, 'content'> & { content: unknown }): NotificationRecord {
  return {
    id: row.id,
    playerId: row.playerId,
    subject: row.subject,
    content: row.content as JsonObject,
    code: row.code,
    senderId: row.senderId,
    readAt: row.readAt,
    createdAt: row.createdAt,
  };
}
