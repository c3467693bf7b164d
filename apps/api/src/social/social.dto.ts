import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  FRIEND_STATES,
  FRIENDS_PAGE_DEFAULT,
  FRIENDS_PAGE_MAX,
  NOTIFICATION_CONTENT_MAX_BYTES,
  NOTIFICATIONS_PAGE_DEFAULT,
  NOTIFICATIONS_PAGE_MAX,
  type FriendPage,
  type FriendRecord,
  type FriendState,
  type NotificationPage,
  type NotificationRecord,
  friendPageView,
  friendView,
  notificationPageView,
  notificationView,
} from '@spawnpoint/social';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ActingPlayerDto, PLAYER_ID } from '../dto/player.dto.js';

const PLAYER_ID_MESSAGE = (field: string) => `${field} must be 1-128 letters, digits, _ . : @ or -`;
const ACTING_DESCRIPTION = 'Required with a server key (the player it acts for); a player session may omit it or send only its own id';
export const NOTIFICATIONS_READ_MAX = 100;
export const NOTIFICATION_SUBJECT_MAX = 128;

export class AddFriendDto {
  @ApiProperty({ example: 'player_456', pattern: PLAYER_ID.source, description: 'The player to befriend' })
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE('player_id') })
  player_id: string;

  // `player_id` names the target here, so the acting player of a server key needs its own field.
  @ApiPropertyOptional({ example: 'player_123', pattern: PLAYER_ID.source, description: ACTING_DESCRIPTION })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE('acting_player_id') })
  acting_player_id?: string;
}

export class ListFriendsQueryDto extends ActingPlayerDto {
  @ApiPropertyOptional({ enum: FRIEND_STATES, description: 'Only relationships in this state' })
  @IsOptional()
  @IsIn(FRIEND_STATES)
  state?: FriendState;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: FRIENDS_PAGE_MAX, default: FRIENDS_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(FRIENDS_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class FriendDto {
  @ApiProperty({ example: 'player_456', description: 'The other player' })
  player_id: string;
  @ApiProperty({ type: String, nullable: true, example: 'ada' })
  username: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Ada' })
  display_name: string | null;
  @ApiProperty({ enum: FRIEND_STATES, description: 'The relationship as the acting player sees it' })
  state: FriendState;
  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(f: FriendRecord): FriendDto {
    return friendView(f);
  }
}

export class FriendListDto {
  @ApiProperty({ type: [FriendDto], description: "Ordered by the other player's id" })
  friends: FriendDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;

  static from(page: FriendPage): FriendListDto {
    return friendPageView(page);
  }
}

export class CreateNotificationDto {
  @ApiProperty({ minLength: 1, maxLength: NOTIFICATION_SUBJECT_MAX, example: 'You were challenged' })
  @IsString()
  @Length(1, NOTIFICATION_SUBJECT_MAX)
  subject: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: `Any JSON object, at most ${NOTIFICATION_CONTENT_MAX_BYTES} bytes serialised (413 beyond)`,
    example: { match_id: 'm_1' },
  })
  @IsObject({ message: 'content must be a JSON object' })
  content: Record<string, unknown>;

  @ApiProperty({ type: 'integer', example: 1, description: "The game's own notification type" })
  @IsInt()
  @Min(-2_147_483_648)
  @Max(2_147_483_647)
  code: number;

  @ApiPropertyOptional({ example: 'player_123', pattern: PLAYER_ID.source, description: 'Who it is from, if a player' })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE('sender_id') })
  sender_id?: string;
}

export class NotificationsQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: NOTIFICATIONS_PAGE_MAX, default: NOTIFICATIONS_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(NOTIFICATIONS_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'true: only unread notifications' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'unread must be true or false' })
  unread?: 'true' | 'false';
}

export class ListNotificationsQueryDto extends NotificationsQueryDto {
  @ApiPropertyOptional({ example: 'player_123', pattern: PLAYER_ID.source, description: ACTING_DESCRIPTION })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE('player_id') })
  player_id?: string;
}

export class ReadNotificationsDto extends ActingPlayerDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: NOTIFICATIONS_READ_MAX,
    description: 'All must be the player’s (else 404, nothing changed)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NOTIFICATIONS_READ_MAX)
  @IsUUID('all', { each: true })
  ids: string[];
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'You were challenged' })
  subject: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  content: Record<string, unknown>;
  @ApiProperty({ type: 'integer', example: 1 })
  code: number;
  @ApiProperty({ type: String, nullable: true, example: 'player_123' })
  sender_id: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null while unread' })
  read_at: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(n: NotificationRecord): NotificationDto {
    return notificationView(n);
  }
}

export class NotificationListDto {
  @ApiProperty({ type: [NotificationDto], description: 'Newest first' })
  notifications: NotificationDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;

  static from(page: NotificationPage): NotificationListDto {
    return notificationPageView(page);
  }
}
