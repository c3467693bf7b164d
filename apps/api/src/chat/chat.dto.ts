import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHAT_LIMITS,
  chatMessagePayload,
  type ChatChannelActivity,
  type ChatMessageRecord,
  type ChatMuteRecord,
  type ChatPage,
} from '@spawnpoint/chat';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PLAYER_ID } from '../dto/player.dto.js';

const PLAYER_ID_MESSAGE = 'must be 1-128 letters, digits, _ . : @ or -';
const CURSOR = /^[1-9][0-9]{0,18}$/;

export class EditChatMessageDto {
  @ApiProperty({ minLength: CHAT_LIMITS.contentMin, maxLength: CHAT_LIMITS.contentMax, example: 'gg, well played!' })
  @IsString()
  @Length(CHAT_LIMITS.contentMin, CHAT_LIMITS.contentMax)
  content: string;
}

export class SendChatMessageDto extends EditChatMessageDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `Free-form JSON object for the game (at most ${CHAT_LIMITS.dataMaxBytes} bytes as JSON; larger is 413)`,
  })
  @IsOptional()
  @IsObject({ message: 'data must be a JSON object' })
  data?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'player_123',
    pattern: PLAYER_ID.source,
    description:
      'Server keys: the player the message is sent as (required unless kind is system). A player session may omit it or send its own id',
  })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: `sender_id ${PLAYER_ID_MESSAGE}` })
  sender_id?: string;

  @ApiPropertyOptional({
    enum: ['chat', 'system'],
    default: 'chat',
    description: '`system` (server keys only): a notification with no sender',
  })
  @IsOptional()
  @IsIn(['chat', 'system'])
  kind?: 'chat' | 'system';
}

/** A page size for the chat listings (messages, and the moderation lists of channels and mutes). */
export class ChatPageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: CHAT_LIMITS.pageMax, default: CHAT_LIMITS.pageDefault })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(CHAT_LIMITS.pageMax)
  limit?: number;
}

export class ListChatMessagesQueryDto extends ChatPageQueryDto {
  @ApiPropertyOptional({
    example: '1042',
    pattern: CURSOR.source,
    description: 'Only messages older than this id (the `next` of the previous page)',
  })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: 'before must be a message id' })
  before?: string;
}

export class ChatMessageDto {
  @ApiProperty({ example: '1042', description: 'Decimal string: 64-bit, grows with time' })
  id: string;
  @ApiProperty({ example: 'global' })
  channel: string;
  @ApiProperty({ type: String, nullable: true, example: 'player_123', description: 'Null for a system message' })
  sender_id: string | null;
  @ApiProperty({ enum: ['chat', 'system'] })
  kind: 'chat' | 'system';
  @ApiProperty({ type: String, nullable: true, description: 'Null once deleted' })
  content: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Null when absent or once deleted' })
  data: Record<string, unknown> | null;
  @ApiProperty({ description: 'A deleted message keeps its place in the history, without content' })
  deleted: boolean;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  edited_at: string | null;

  static from(message: ChatMessageRecord): ChatMessageDto {
    return chatMessagePayload(message);
  }
}

export class ChatMessagePageDto {
  @ApiProperty({ type: [ChatMessageDto], description: 'Newest first' })
  messages: ChatMessageDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next (older) page; null on the last page' })
  next: string | null;

  static from(page: ChatPage): ChatMessagePageDto {
    return { messages: page.messages.map(ChatMessageDto.from), next: page.next };
  }
}

export class MutePlayerDto {
  @ApiProperty({ example: 'player_123', pattern: PLAYER_ID.source })
  @IsString()
  @Matches(PLAYER_ID, { message: `player_id ${PLAYER_ID_MESSAGE}` })
  player_id: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the mute ends (in the future); omit for a chat ban with no end' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ maxLength: CHAT_LIMITS.reasonMax, example: 'spam' })
  @IsOptional()
  @IsString()
  @MaxLength(CHAT_LIMITS.reasonMax)
  reason?: string;
}

export class ChatMuteDto {
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null: muted until lifted' })
  until: string | null;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(mute: ChatMuteRecord): ChatMuteDto {
    return {
      player_id: mute.playerId,
      until: mute.until?.toISOString() ?? null,
      reason: mute.reason,
      created_at: mute.createdAt.toISOString(),
    };
  }
}

export class ChatChannelDto {
  @ApiProperty({ example: 'global' })
  channel: string;
  @ApiProperty({ example: 120, description: 'Messages in its history, deleted ones left out' })
  messages: number;
  @ApiProperty({ format: 'date-time' })
  last_message_at: string;

  static from(c: ChatChannelActivity): ChatChannelDto {
    return { channel: c.channel, messages: c.messages, last_message_at: c.lastMessageAt.toISOString() };
  }
}

export class ChatChannelListDto {
  @ApiProperty({ type: [ChatChannelDto], description: 'Channels with messages, the most recently active first' })
  channels: ChatChannelDto[];
}

export class ChatMuteListDto {
  @ApiProperty({ type: [ChatMuteDto], description: 'Mutes in force, newest first' })
  mutes: ChatMuteDto[];
}
