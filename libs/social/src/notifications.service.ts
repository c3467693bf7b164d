import { Injectable, Logger } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import { RealtimePublisher } from '@spawnpoint/redis';
import { AppError, ErrorCode, NotFoundError, Rooms, ServerEvent, type JsonObject, type NotificationPayload } from '@spawnpoint/shared';
import { NotificationsRepository, type NotificationPosition, type NotificationRecord } from './notifications.repository.js';

/** Notifications kept per player: creating one drops the oldest beyond this many. */
export const NOTIFICATIONS_KEPT_PER_PLAYER = 1_000;
export const NOTIFICATION_CONTENT_MAX_BYTES = 4_096;
export const NOTIFICATIONS_PAGE_DEFAULT = 50;
export const NOTIFICATIONS_PAGE_MAX = 100;

export interface NotificationPage {
  notifications: NotificationRecord[];
  /** Position of the last notification of the page when more may follow. */
  next: NotificationPosition | null;
}

/**
 * Persistent notifications a game server sends to a player: stored (bounded per player), pushed
 * live as `notification` to the player's sockets, and listed/marked read/deleted by the player.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly players: PlayersService,
    private readonly publisher: RealtimePublisher,
  ) {}

  /** Server key only. An unknown player id is created first, as for every server-key write. */
  async create(
    principal: GamePrincipal,
    playerId: string,
    input: { subject: string; content: JsonObject; code: number; senderId?: string },
  ): Promise<NotificationRecord> {
    if (principal.kind !== 'server') throw new AppError(ErrorCode.Forbidden, 'Only a server key can send notifications');
    const bytes = Buffer.byteLength(JSON.stringify(input.content), 'utf8');
    if (bytes > NOTIFICATION_CONTENT_MAX_BYTES) {
      throw new AppError(ErrorCode.PayloadTooLarge, `content is ${bytes} bytes; at most ${NOTIFICATION_CONTENT_MAX_BYTES} are allowed`);
    }
    await this.players.ensureExists(principal.gameId, playerId);
    const created = await this.notifications.create(
      principal.gameId,
      { playerId, subject: input.subject, content: input.content, code: input.code, senderId: input.senderId ?? null },
      NOTIFICATIONS_KEPT_PER_PLAYER,
    );
    try {
      await this.publisher.emit([Rooms.player(principal.gameId, playerId)], ServerEvent.Notification, notificationPayload(created));
    } catch (error) {
      // Stored all the same: the player lists it (or gets it on connect) later.
      this.logger.warn(`could not push ${ServerEvent.Notification}: ${(error as Error).message}`);
    }
    return created;
  }

  async list(
    principal: GamePrincipal,
    actingId: string | undefined,
    options: { unreadOnly?: boolean; before?: NotificationPosition; limit?: number },
  ): Promise<NotificationPage> {
    const playerId = this.actor(principal, actingId);
    const limit = options.limit ?? NOTIFICATIONS_PAGE_DEFAULT;
    const rows = await this.notifications.list(principal.gameId, playerId, {
      unreadOnly: options.unreadOnly ?? false,
      before: options.before,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { notifications: page, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }

  /**
   * Unread notifications, newest first, for the realtime gateway to deliver when a player connects
   * (the caller is trusted: it authenticated the socket).
   */
  async unreadFor(gameId: string, playerId: string, limit: number): Promise<NotificationRecord[]> {
    return this.notifications.list(gameId, playerId, { unreadOnly: true, limit });
  }

  /** All or nothing: 404 when any id is not one of the player's notifications. Already-read ones stay as they were. */
  async markRead(principal: GamePrincipal, actingId: string | undefined, ids: string[]): Promise<void> {
    const playerId = this.actor(principal, actingId);
    if (!(await this.notifications.markRead(principal.gameId, playerId, [...new Set(ids)]))) throw new NotFoundError('Notification');
  }

  async delete(principal: GamePrincipal, actingId: string | undefined, id: string): Promise<void> {
    const playerId = this.actor(principal, actingId);
    if (!(await this.notifications.delete(principal.gameId, playerId, id))) throw new NotFoundError('Notification');
  }

  /** The player acted for: a player session is itself (another id → 404); a server key must name one. */
  private actor(principal: GamePrincipal, playerId: string | undefined): string {
    if (principal.kind === 'server' && playerId === undefined) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'player_id', message: 'player_id is required with a server key' },
      ]);
    }
    const actor = playerId ?? (principal.kind === 'player' ? principal.playerId : '');
    this.players.assertCanActFor(principal, actor);
    return actor;
  }
}

export function notificationPayload(n: NotificationRecord): NotificationPayload {
  return {
    id: n.id,
    subject: n.subject,
    content: n.content,
    code: n.code,
    sender_id: n.senderId,
    created_at: n.createdAt.toISOString(),
  };
}
