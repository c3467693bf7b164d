import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';
import type { JsonObject } from '@spawnpoint/shared';

export type ChatMessageKind = 'chat' | 'system';

export interface ChatMessageRecord {
  id: bigint;
  gameId: string;
  channel: string;
  /** Null for system notifications. */
  senderId: string | null;
  kind: ChatMessageKind;
  content: string;
  data: JsonObject | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
}

export interface NewChatMessage {
  channel: string;
  senderId: string | null;
  kind: ChatMessageKind;
  content: string;
  data: JsonObject | undefined;
}

export interface ChatMuteRecord {
  playerId: string;
  until: Date | null;
  reason: string | null;
  createdAt: Date;
}

export interface ChatChannelActivity {
  channel: string;
  messages: number;
  lastMessageAt: Date;
}

type MessageRow = Awaited<ReturnType<PrismaService['chatMessage']['create']>>;
type JsonInput = Parameters<PrismaService['chatMessage']['create']>[0]['data']['data'];

/** Chat messages and mutes, plus the membership reads chat needs that no other lib exports. */
@Injectable()
export class ChatRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(gameId: string, message: NewChatMessage): Promise<ChatMessageRecord> {
    const row = await this.prisma.chatMessage.create({
      data: {
        gameId,
        channel: message.channel,
        senderId: message.senderId,
        kind: message.kind,
        content: message.content,
        // `data` arrives as parsed JSON (a request body), so it is JSON by construction.
        data: message.data as JsonInput,
      },
    });
    return toRecord(row);
  }

  async find(gameId: string, id: bigint): Promise<ChatMessageRecord | null> {
    const row = await this.prisma.chatMessage.findFirst({ where: { id, gameId } });
    return row ? toRecord(row) : null;
  }

  /** Newest first, strictly older than `before` when given (ids grow with time). */
  async page(gameId: string, channel: string, limit: number, before: bigint | undefined): Promise<ChatMessageRecord[]> {
    const rows = await this.prisma.chatMessage.findMany({
      where: { gameId, channel, ...(before === undefined ? {} : { id: { lt: before } }) },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.map(toRecord);
  }

  /** Edits a message that is not deleted; null when it is gone (deleted meanwhile or never there). */
  async edit(gameId: string, id: bigint, content: string, at: Date): Promise<ChatMessageRecord | null> {
    const { count } = await this.prisma.chatMessage.updateMany({ where: { id, gameId, deletedAt: null }, data: { content, editedAt: at } });
    return count === 0 ? null : this.find(gameId, id);
  }

  /** Soft-deletes a message; the content is kept for moderation but never served again. */
  async softDelete(gameId: string, id: bigint, at: Date): Promise<ChatMessageRecord | null> {
    const { count } = await this.prisma.chatMessage.updateMany({ where: { id, gameId, deletedAt: null }, data: { deletedAt: at } });
    return count === 0 ? null : this.find(gameId, id);
  }

  async findMute(gameId: string, playerId: string): Promise<ChatMuteRecord | null> {
    const row = await this.prisma.chatMute.findUnique({ where: { gameId_playerId: { gameId, playerId } } });
    return row ? { playerId: row.playerId, until: row.until, reason: row.reason, createdAt: row.createdAt } : null;
  }

  /** Creates or replaces the player's mute. */
  async upsertMute(gameId: string, playerId: string, until: Date | null, reason: string | null): Promise<ChatMuteRecord> {
    const row = await this.prisma.chatMute.upsert({
      where: { gameId_playerId: { gameId, playerId } },
      create: { gameId, playerId, until, reason },
      update: { until, reason, createdAt: new Date() },
    });
    return { playerId: row.playerId, until: row.until, reason: row.reason, createdAt: row.createdAt };
  }

  /** Mutes in force at `now` (until lifted, or ending later), newest first. */
  async activeMutes(gameId: string, now: Date, limit: number): Promise<ChatMuteRecord[]> {
    const rows = await this.prisma.chatMute.findMany({
      where: { gameId, OR: [{ until: null }, { until: { gt: now } }] },
      orderBy: [{ createdAt: 'desc' }, { playerId: 'asc' }],
      take: limit,
    });
    return rows.map((row) => ({ playerId: row.playerId, until: row.until, reason: row.reason, createdAt: row.createdAt }));
  }

  /** The game's channels with messages, the most recently active first; deleted messages are not counted. */
  async channels(gameId: string, limit: number): Promise<ChatChannelActivity[]> {
    const rows = await this.prisma.$queryRaw<Array<{ channel: string; messages: number; last_message_at: Date }>>`
      SELECT channel, (count(*) FILTER (WHERE deleted_at IS NULL))::int AS messages, max(created_at) AS last_message_at
        FROM chat_messages WHERE game_id = ${gameId}::uuid
       GROUP BY channel ORDER BY max(created_at) DESC, channel LIMIT ${limit}`;
    return rows.map((r) => ({ channel: r.channel, messages: r.messages, lastMessageAt: r.last_message_at }));
  }

  /** True when a mute was removed. */
  async deleteMute(gameId: string, playerId: string): Promise<boolean> {
    const { count } = await this.prisma.chatMute.deleteMany({ where: { gameId, playerId } });
    return count > 0;
  }

  /** True when either player blocked the other. */
  async isBlockedEitherWay(gameId: string, a: string, b: string): Promise<boolean> {
    const row = await this.prisma.friendship.findFirst({
      where: {
        gameId,
        state: 'blocked',
        OR: [
          { playerId: a, otherId: b },
          { playerId: b, otherId: a },
        ],
      },
      select: { playerId: true },
    });
    return row !== null;
  }

  /**
   * Members of a party, longest-present first; null when the party does not exist in this game.
   * Read here because PartiesService only answers "which party is this player in".
   */
  async partyMembers(gameId: string, partyId: string): Promise<string[] | null> {
    const party = await this.prisma.party.findFirst({
      where: { id: partyId, gameId },
      select: { members: { select: { playerId: true }, orderBy: { joinedAt: 'asc' } } },
    });
    return party ? party.members.map((m) => m.playerId) : null;
  }

  /**
   * Members of a lobby, longest-present first; null when the lobby does not exist in this game.
   * Read here because @spawnpoint/lobbies exports no membership read.
   */
  async lobbyMembers(gameId: string, lobbyId: string): Promise<string[] | null> {
    const lobby = await this.prisma.lobby.findFirst({
      where: { id: lobbyId, gameId },
      select: { members: { select: { playerId: true }, orderBy: { joinedAt: 'asc' } } },
    });
    return lobby ? lobby.members.map((m) => m.playerId) : null;
  }
}

function toRecord(row: MessageRow): ChatMessageRecord {
  return {
    id: row.id,
    gameId: row.gameId,
    channel: row.channel,
    senderId: row.senderId,
    kind: row.kind === 'system' ? 'system' : 'chat',
    content: row.content,
    data: (row.data as JsonObject | null) ?? null,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    createdAt: row.createdAt,
  };
}
