import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { decodeNotificationCursor, NotificationsService } from '@spawnpoint/social';
import { NotFoundError } from '@spawnpoint/shared';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { ActingPlayerDto } from '../dto/player.dto.js';
import { PlayerIdPipe } from '../controllers/player-id.pipe.js';
import {
  CreateNotificationDto,
  ListNotificationsQueryDto,
  NotificationDto,
  NotificationListDto,
  NotificationsQueryDto,
  ReadNotificationsDto,
} from './social.dto.js';

// Notification ids are UUIDs; anything else names no notification.
const notificationIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Notification') });

/**
 * The acting player's notifications: a player session reads its own; a server key names the player
 * with `player_id` (or uses `/players/:playerId/notifications`).
 */
@ApiTags('notifications')
@Controller('notifications')
@GameAuth('server', 'player')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: "The acting player's notifications, newest first (`unread=true`: unread only)" })
  @ApiOkResponse({ type: NotificationListDto })
  @ApiErrors(400, 401, 403, 404)
  async list(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ListNotificationsQueryDto): Promise<NotificationListDto> {
    return NotificationListDto.from(
      await this.notifications.list(caller, query.player_id, {
        unreadOnly: query.unread === 'true',
        limit: query.limit,
        before: decodeNotificationCursor(query.cursor),
      }),
    );
  }

  @Post('read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark notifications read (all or nothing: 404 when any id is not the player’s)' })
  @ApiNoContentResponse({ description: 'Marked read' })
  @ApiErrors(400, 401, 403, 404)
  async read(@CurrentPrincipal() caller: GamePrincipal, @Body() body: ReadNotificationsDto): Promise<void> {
    await this.notifications.markRead(caller, body.player_id, body.ids);
  }

  @Delete(':notificationId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a notification (404 when it is not the player’s)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 401, 403, 404)
  async delete(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('notificationId', notificationIdPipe) id: string,
    @Query() query: ActingPlayerDto,
  ): Promise<void> {
    await this.notifications.delete(caller, query.player_id, id);
  }
}

/** A game server sends a player a notification, and reads a player's. */
@ApiTags('notifications')
@Controller('players/:playerId/notifications')
export class PlayerNotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @GameAuth('server')
  @ApiOperation({
    summary: 'Server key: store a notification for a player and push it live as `notification`',
    description: 'An unknown player id is created first. Each player keeps the 1,000 newest notifications.',
  })
  @ApiCreatedResponse({ type: NotificationDto })
  @ApiErrors(400, 401, 403, 413)
  async create(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: CreateNotificationDto,
  ): Promise<NotificationDto> {
    return NotificationDto.from(
      await this.notifications.create(caller, playerId, {
        subject: body.subject,
        content: body.content,
        code: body.code,
        senderId: body.sender_id,
      }),
    );
  }

  @Get()
  @GameAuth('server', 'player')
  @ApiOperation({ summary: "A player's notifications, newest first (a player session: only its own, others 404)" })
  @ApiOkResponse({ type: NotificationListDto })
  @ApiErrors(400, 401, 403, 404)
  async list(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() query: NotificationsQueryDto,
  ): Promise<NotificationListDto> {
    return NotificationListDto.from(
      await this.notifications.list(caller, playerId, {
        unreadOnly: query.unread === 'true',
        limit: query.limit,
        before: decodeNotificationCursor(query.cursor),
      }),
    );
  }
}
