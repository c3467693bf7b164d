import { Injectable, Logger } from '@nestjs/common';
import { LocationService, locationRooms } from '@spawnpoint/social';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PartiesService } from '@spawnpoint/parties';
import { PlayersService } from '@spawnpoint/players';
import { RateLimiter, RealtimePublisher } from '@spawnpoint/redis';
import {
  AppError,
  ErrorCode,
  NotFoundError,
  RateLimitedError,
  Rooms,
  ServerEvent,
  type ChatMessagePayload,
  type JsonObject,
} from '@spawnpoint/shared';
import { parseChatChannel, type ChatChannel } from './chat-channel.js';
import {
  ChatRepository,
  type ChatChannelActivity,
  type ChatMessageKind,
  type ChatMessageRecord,
  type ChatMuteRecord,
} from './chat.repository.js';

export const CHAT_LIMITS = {
  contentMin: 1,
  contentMax: 2000,
  /** Bytes of `data` as compact JSON. */
  dataMaxBytes: 4096,
  pageDefault: 50,
  pageMax: 100,
  reasonMax: 500,
  /** Messages one player session may send per window, across all channels. */
  sendsPerWindow: 10,
  sendWindowMs: 10_000,
} as const;

/** Message ids are positive 64-bit integers, written in decimal. */
const MESSAGE_ID = /^[1-9][0-9]{0,18}$/;
const MESSAGE_ID_MAX = 2n ** 63n - 1n;

export interface SendChatInput {
  content: string;
  data?: JsonObject;
  /** With a server key: the player the message is sent as (required unless `kind` is system). */
  senderId?: string;
  /** `system` (server keys only): a notification with no sender. */
  kind?: ChatMessageKind;
}

export interface ChatPage {
  messages: ChatMessageRecord[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

type ChatEvent = typeof ServerEvent.ChatMessage | typeof ServerEvent.ChatMessageUpdated | typeof ServerEvent.ChatMessageDeleted;

/**
 * Chat: messages on named channels (see chat-channel.ts), with membership rules per channel type,
 * mutes, per-player send limits, and live pushes to the channel's audience. Player sessions act
 * as themselves; server keys read and write any channel of their game.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    private readonly chat: ChatRepository,
    private readonly parties: PartiesService,
    private readonly players: PlayersService,
    private readonly limiter: RateLimiter,
    private readonly publisher: RealtimePublisher,
    private readonly locations: LocationService,
  ) {}

  async send(principal: GamePrincipal, channelName: string, input: SendChatInput): Promise<ChatMessageRecord> {
    const channel = requireChannel(channelName);
    const { gameId } = principal;
    assertContent(input.content);
    assertData(input.data);
    const kind = input.kind ?? 'chat';
    const senderId = this.senderOf(principal, input, kind);

    if (principal.kind === 'player') {
      const audience = await this.authorize(principal, channel);
      if (channel.type === 'dm') {
        const other = channel.players[0] === principal.playerId ? channel.players[1] : channel.players[0];
        await this.players.get(gameId, other);
        if (await this.chat.isBlockedEitherWay(gameId, principal.playerId, other)) {
          throw new AppError(ErrorCode.Forbidden, 'You cannot message this player: one of you has blocked the other');
        }
      }
      await this.assertNotMuted(gameId, principal.playerId);
      await this.consumeSend(gameId, principal.playerId);
      return this.store(gameId, channelName, audience, { senderId, kind, content: input.content, data: input.data });
    }

    if (senderId !== null) {
      await this.players.ensureExists(gameId, senderId);
      await this.assertNotMuted(gameId, senderId);
    }
    const audience = await this.roomsOf(gameId, channel);
    if (!audience) throw new NotFoundError(channel.type === 'party' ? 'Party' : 'Lobby');
    return this.store(gameId, channelName, audience, { senderId, kind, content: input.content, data: input.data });
  }

  /** Newest first; deleted messages stay in place (without content) so paging never skips. */
  async list(principal: GamePrincipal, channelName: string, options: { limit?: number; before?: string }): Promise<ChatPage> {
    const channel = requireChannel(channelName);
    assertNotClient(principal);
    if (principal.kind === 'player') await this.authorize(principal, channel);
    const limit = options.limit ?? CHAT_LIMITS.pageDefault;
    const before = options.before === undefined ? undefined : parseCursor(options.before);
    const messages = await this.chat.page(principal.gameId, channelName, limit, before);
    const last = messages[messages.length - 1];
    return { messages, next: messages.length === limit && last ? last.id.toString() : null };
  }

  /** The author (or a server key) replaces the content; sets `editedAt`. */
  async edit(principal: GamePrincipal, rawId: string, content: string): Promise<ChatMessageRecord> {
    assertContent(content);
    const id = parseMessageId(rawId);
    const { gameId } = principal;
    const message = await this.requireOwn(principal, id);
    const edited = await this.chat.edit(gameId, id, content, new Date());
    if (!edited) throw new NotFoundError('Message');
    await this.push(gameId, (await this.roomsOf(gameId, requireChannel(message.channel))) ?? [], ServerEvent.ChatMessageUpdated, edited);
    return edited;
  }

  /** The author (or a server key) deletes a message: kept for moderation, never served again. */
  async remove(principal: GamePrincipal, rawId: string): Promise<void> {
    const id = parseMessageId(rawId);
    const { gameId } = principal;
    const message = await this.requireOwn(principal, id);
    const deleted = await this.chat.softDelete(gameId, id, new Date());
    if (!deleted) throw new NotFoundError('Message');
    await this.push(gameId, (await this.roomsOf(gameId, requireChannel(message.channel))) ?? [], ServerEvent.ChatMessageDeleted, deleted);
  }

  /** Server keys: mutes a player until `until`, or indefinitely (a chat ban) without it. Replaces any earlier mute. */
  async mute(principal: GamePrincipal, playerId: string, options: { until?: Date; reason?: string }): Promise<ChatMuteRecord> {
    assertServer(principal);
    if (options.until && options.until.getTime() <= Date.now()) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'until', message: 'until must be in the future' },
      ]);
    }
    await this.players.ensureExists(principal.gameId, playerId);
    return this.chat.upsertMute(principal.gameId, playerId, options.until ?? null, options.reason ?? null);
  }

  /** Server keys: the mutes in force, newest first. */
  async mutes(principal: GamePrincipal, limit: number): Promise<ChatMuteRecord[]> {
    assertServer(principal);
    return this.chat.activeMutes(principal.gameId, new Date(), clampPage(limit));
  }

  /** Server keys: the game's channels with messages, the most recently active first. */
  async channels(principal: GamePrincipal, limit: number): Promise<ChatChannelActivity[]> {
    assertServer(principal);
    return this.chat.channels(principal.gameId, clampPage(limit));
  }

  /** Server keys: lifts a mute; 404 when the player has none. */
  async unmute(principal: GamePrincipal, playerId: string): Promise<void> {
    assertServer(principal);
    if (!(await this.chat.deleteMute(principal.gameId, playerId))) throw new NotFoundError('Mute');
  }

  private senderOf(principal: GamePrincipal, input: SendChatInput, kind: ChatMessageKind): string | null {
    switch (principal.kind) {
      case 'client':
        throw clientForbidden();
      case 'player':
        if (kind === 'system') throw new AppError(ErrorCode.Forbidden, 'Only a server key can send system messages');
        if (input.senderId !== undefined && input.senderId !== principal.playerId) throw new NotFoundError('Player');
        return principal.playerId;
      case 'server':
        if (kind === 'system') {
          if (input.senderId !== undefined) throw invalid('sender_id', 'a system message has no sender_id');
          return null;
        }
        if (input.senderId === undefined) throw invalid('sender_id', 'sender_id is required with a server key (or send kind "system")');
        return input.senderId;
    }
  }

  /**
   * A player may use a channel: global is open to every player; world, sector and team channels to
   * the players the world host (or game server) placed there; party and lobby channels to their
   * members; a DM to its two players. Returns the rooms that hear the channel. Non-members get 403,
   * existing or not.
   */
  private async authorize(principal: GamePrincipal & { kind: 'player' }, channel: ChatChannel): Promise<string[]> {
    const { gameId, playerId } = principal;
    switch (channel.type) {
      case 'global':
        return [Rooms.game(gameId)];
      case 'world':
      case 'sector':
      case 'team': {
        const room = hierarchyRoom(gameId, channel);
        const rooms = locationRooms(gameId, await this.locations.get(gameId, playerId));
        if (!rooms.includes(room)) throw notMember(channel.type);
        return [room];
      }
      case 'party': {
        const party = await this.parties.partyOf(gameId, playerId);
        if (!party || party.id !== channel.partyId) throw notMember('party');
        return party.members.map((id) => Rooms.player(gameId, id));
      }
      case 'lobby': {
        const members = await this.chat.lobbyMembers(gameId, channel.lobbyId);
        if (!members?.includes(playerId)) throw notMember('lobby');
        return members.map((id) => Rooms.player(gameId, id));
      }
      case 'dm':
        if (!channel.players.includes(playerId))
          throw new AppError(ErrorCode.Forbidden, 'Only its two players can use a direct-message channel');
        return channel.players.map((id) => Rooms.player(gameId, id));
    }
  }

  /**
   * The rooms that hear a channel, for server keys and for edits and deletes; null when the party
   * or lobby no longer exists (an edit after a party disbanded then reaches nobody, but succeeds).
   */
  private async roomsOf(gameId: string, channel: ChatChannel): Promise<string[] | null> {
    switch (channel.type) {
      case 'global':
        return [Rooms.game(gameId)];
      case 'world':
      case 'sector':
      case 'team':
        return [hierarchyRoom(gameId, channel)];
      case 'party': {
        const members = await this.chat.partyMembers(gameId, channel.partyId);
        return members?.map((id) => Rooms.player(gameId, id)) ?? null;
      }
      case 'lobby': {
        const members = await this.chat.lobbyMembers(gameId, channel.lobbyId);
        return members?.map((id) => Rooms.player(gameId, id)) ?? null;
      }
      case 'dm':
        return channel.players.map((id) => Rooms.player(gameId, id));
    }
  }

  /** The message, if the caller may change it: its author or a server key. Deleted messages are gone (404). */
  private async requireOwn(principal: GamePrincipal, id: bigint): Promise<ChatMessageRecord> {
    assertNotClient(principal);
    const message = await this.chat.find(principal.gameId, id);
    if (!message || message.deletedAt) throw new NotFoundError('Message');
    if (principal.kind === 'player' && message.senderId !== principal.playerId) {
      throw new AppError(ErrorCode.Forbidden, 'Only the author of a message can change it');
    }
    return message;
  }

  private async assertNotMuted(gameId: string, playerId: string): Promise<void> {
    const mute = await this.chat.findMute(gameId, playerId);
    if (!mute || (mute.until && mute.until.getTime() <= Date.now())) return;
    const until = mute.until ? ` until ${mute.until.toISOString()}` : '';
    const reason = mute.reason ? ` (${mute.reason})` : '';
    throw new AppError(ErrorCode.Forbidden, `This player is muted in chat${until}${reason}`);
  }

  private async consumeSend(gameId: string, playerId: string): Promise<void> {
    const result = await this.limiter.consume([
      { key: `chat-send:${gameId}:${playerId}`, limit: CHAT_LIMITS.sendsPerWindow, periodMs: CHAT_LIMITS.sendWindowMs },
    ]);
    if (!result.allowed) throw new RateLimitedError(result.retryAfterMs / 1000, 'Too many chat messages');
  }

  private async store(
    gameId: string,
    channel: string,
    audience: string[],
    message: { senderId: string | null; kind: ChatMessageKind; content: string; data: JsonObject | undefined },
  ): Promise<ChatMessageRecord> {
    const created = await this.chat.create(gameId, { channel, ...message });
    await this.push(gameId, audience, ServerEvent.ChatMessage, created);
    return created;
  }

  /** A push is best effort: the message is committed, so a Redis hiccup must not turn it into an error. */
  private async push(gameId: string, rooms: string[], event: ChatEvent, message: ChatMessageRecord): Promise<void> {
    if (rooms.length === 0) return;
    try {
      await this.publisher.emit(rooms, event, chatMessagePayload(message));
    } catch (error) {
      this.logger.warn(`chat push of message ${message.id} in game ${gameId} failed: ${String(error)}`);
    }
  }
}

/** The wire shape of a message, for REST and pushes alike: a deleted message keeps only its envelope. */
export function chatMessagePayload(message: ChatMessageRecord): ChatMessagePayload {
  const deleted = message.deletedAt !== null;
  return {
    id: message.id.toString(),
    channel: message.channel,
    sender_id: message.senderId,
    kind: message.kind,
    content: deleted ? null : message.content,
    data: deleted ? null : message.data,
    deleted,
    created_at: message.createdAt.toISOString(),
    edited_at: message.editedAt?.toISOString() ?? null,
  };
}

/** The realtime room of a world, sector or team channel (the same name, in the game's namespace). */
function hierarchyRoom(gameId: string, channel: Extract<ChatChannel, { type: 'world' | 'sector' | 'team' }>): string {
  switch (channel.type) {
    case 'world':
      return Rooms.world(gameId, channel.worldId);
    case 'sector':
      return Rooms.sector(gameId, channel.worldId, channel.cell);
    case 'team':
      return Rooms.team(gameId, channel.matchId, String(channel.team));
  }
}

function requireChannel(name: string): ChatChannel {
  const channel = parseChatChannel(name);
  if (!channel) {
    throw invalid(
      'channel',
      'channel must be global, world:<id>, sector:<world>:<cell>, team:<match>:<n>, party:<uuid>, lobby:<uuid> or dm:<a>:<b> (ids sorted)',
    );
  }
  return channel;
}

function assertContent(content: string): void {
  // UTF-16 code units, as the HTTP edge (class-validator) counts them, so both layers agree.
  const { length } = content;
  if (length < CHAT_LIMITS.contentMin || length > CHAT_LIMITS.contentMax || content.trim().length === 0) {
    throw invalid('content', `content must be ${CHAT_LIMITS.contentMin}-${CHAT_LIMITS.contentMax} characters and not blank`);
  }
}

function assertData(data: JsonObject | undefined): void {
  if (data === undefined) return;
  if (Buffer.byteLength(JSON.stringify(data)) > CHAT_LIMITS.dataMaxBytes) {
    throw new AppError(ErrorCode.PayloadTooLarge, `data must be at most ${CHAT_LIMITS.dataMaxBytes} bytes as JSON`);
  }
}

function parseMessageId(raw: string): bigint {
  const id = MESSAGE_ID.test(raw) ? BigInt(raw) : 0n;
  if (id < 1n || id > MESSAGE_ID_MAX) throw new NotFoundError('Message');
  return id;
}

function parseCursor(raw: string): bigint {
  const id = MESSAGE_ID.test(raw) ? BigInt(raw) : 0n;
  if (id < 1n || id > MESSAGE_ID_MAX) throw invalid('before', 'before must be a message id');
  return id;
}

function assertNotClient(principal: GamePrincipal): void {
  if (principal.kind === 'client') throw clientForbidden();
}

function assertServer(principal: GamePrincipal): void {
  if (principal.kind !== 'server') throw new AppError(ErrorCode.Forbidden, 'Only a server key can moderate chat');
}

function clampPage(limit: number): number {
  return Math.min(Math.max(1, Math.trunc(limit)), CHAT_LIMITS.pageMax);
}

function clientForbidden(): AppError {
  return new AppError(ErrorCode.Forbidden, 'A client key can only create and refresh player sessions');
}

function notMember(what: 'party' | 'lobby' | 'world' | 'sector' | 'team'): AppError {
  return new AppError(ErrorCode.Forbidden, `Only members of the ${what} can use its channel`);
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [{ field, message }]);
}
