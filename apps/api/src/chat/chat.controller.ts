import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { ChatService } from '@spawnpoint/chat';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { PlayerIdPipe } from '../controllers/player-id.pipe.js';
import {
  ChatChannelDto,
  ChatChannelListDto,
  ChatMessageDto,
  ChatMessagePageDto,
  ChatPageQueryDto,
  ChatMuteDto,
  ChatMuteListDto,
  EditChatMessageDto,
  ListChatMessagesQueryDto,
  MutePlayerDto,
  SendChatMessageDto,
} from './chat.dto.js';

/**
 * Chat over REST. A player session sends and reads as itself, on channels it belongs to; a server
 * key reads and writes any channel of its game and moderates (mutes). Every new, edited and
 * deleted message is pushed to the channel's audience as `chat_message`, `chat_message_updated`
 * or `chat_message_deleted`.
 */
// @GameAuth per route, not on the class: the OpenAPI security of a route would list the class's
// schemes too, and so a player session on the moderation routes.
@ApiTags('chat')
@Controller('chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Get('channels')
  @GameAuth('server')
  @ApiOperation({ summary: 'Server keys: the game’s channels with messages, the most recently active first' })
  @ApiOkResponse({ type: ChatChannelListDto })
  @ApiErrors(400, 401, 403)
  async channels(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ChatPageQueryDto): Promise<ChatChannelListDto> {
    return { channels: (await this.chat.channels(caller, query.limit ?? 50)).map(ChatChannelDto.from) };
  }

  @Post('channels/:channel/messages')
  @GameAuth('server', 'player')
  @ApiOperation({
    summary: 'Send a message on a channel',
    description:
      'Channels: global, world:<id>, sector:<world>:<cell>, team:<match>:<n>, party:<uuid>, lobby:<uuid>, dm:<a>:<b> (player ids sorted). ' +
      '403 for a non-member, a muted player or a blocked DM; 429 past 10 messages per 10 s per player.',
  })
  @ApiCreatedResponse({ type: ChatMessageDto })
  @ApiErrors(400, 401, 403, 404, 413, 429)
  async send(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('channel') channel: string,
    @Body() body: SendChatMessageDto,
  ): Promise<ChatMessageDto> {
    return ChatMessageDto.from(
      await this.chat.send(caller, channel, { content: body.content, data: body.data, senderId: body.sender_id, kind: body.kind }),
    );
  }

  @Get('channels/:channel/messages')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'A page of a channel’s history, newest first (deleted messages keep their place, without content)' })
  @ApiOkResponse({ type: ChatMessagePageDto })
  @ApiErrors(400, 401, 403)
  async list(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('channel') channel: string,
    @Query() query: ListChatMessagesQueryDto,
  ): Promise<ChatMessagePageDto> {
    return ChatMessagePageDto.from(await this.chat.list(caller, channel, { limit: query.limit, before: query.before }));
  }

  @Patch('messages/:id')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'Edit a message (its author, or a server key)' })
  @ApiOkResponse({ type: ChatMessageDto })
  @ApiErrors(400, 401, 403, 404)
  async edit(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('id') id: string,
    @Body() body: EditChatMessageDto,
  ): Promise<ChatMessageDto> {
    return ChatMessageDto.from(await this.chat.edit(caller, id, body.content));
  }

  @Delete('messages/:id')
  @GameAuth('server', 'player')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a message (its author, or a server key); it stays in the history without content' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(401, 403, 404)
  async remove(@CurrentPrincipal() caller: GamePrincipal, @Param('id') id: string): Promise<void> {
    await this.chat.remove(caller, id);
  }

  @Get('mutes')
  @GameAuth('server')
  @ApiOperation({ summary: 'Server keys: the mutes in force, newest first' })
  @ApiOkResponse({ type: ChatMuteListDto })
  @ApiErrors(400, 401, 403)
  async mutes(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ChatPageQueryDto): Promise<ChatMuteListDto> {
    return { mutes: (await this.chat.mutes(caller, query.limit ?? 50)).map(ChatMuteDto.from) };
  }

  @Post('mutes')
  @GameAuth('server')
  @ApiOperation({ summary: 'Server keys: mute a player until a time, or with no end (a chat ban); replaces an earlier mute' })
  @ApiCreatedResponse({ type: ChatMuteDto })
  @ApiErrors(400, 401, 403)
  async mute(@CurrentPrincipal() caller: GamePrincipal, @Body() body: MutePlayerDto): Promise<ChatMuteDto> {
    const until = body.until === undefined ? undefined : new Date(body.until);
    return ChatMuteDto.from(await this.chat.mute(caller, body.player_id, { until, reason: body.reason }));
  }

  @Delete('mutes/:playerId')
  @GameAuth('server')
  @HttpCode(204)
  @ApiOperation({ summary: 'Server keys: lift a player’s mute (404 when not muted)' })
  @ApiNoContentResponse({ description: 'Unmuted' })
  @ApiErrors(400, 401, 403, 404)
  async unmute(@CurrentPrincipal() caller: GamePrincipal, @Param('playerId', PlayerIdPipe) playerId: string): Promise<void> {
    await this.chat.unmute(caller, playerId);
  }
}
