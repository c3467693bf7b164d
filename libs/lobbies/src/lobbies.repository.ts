import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';

type TransactionFn = Parameters<PrismaService['$transaction']>[0];
type Tx = Parameters<Extract<TransactionFn, (...args: never[]) => unknown>>[0];

export type LobbyStatus = 'open' | 'started' | 'closed';

export interface LobbyMemberRecord {
  playerId: string;
  name: string;
  ready: boolean;
  joinedAt: Date;
}

export interface LobbyRecord {
  id: string;
  gameId: string;
  /** The code the lobby was opened with; joinable only while `status` is open. */
  code: string;
  name: string;
  mode: string;
  maxPlayers: number;
  private: boolean;
  locked: boolean;
  status: LobbyStatus;
  /** Null for a lobby owned by the game server (created by a server key without a player). */
  leaderId: string | null;
  worldId: string | null;
  createdAt: Date;
  /** In join order. */
  members: LobbyMemberRecord[];
}

export interface NewLobby {
  name: string;
  mode: string;
  maxPlayers: number;
  private: boolean;
}

export interface NewMember {
  playerId: string;
  name: string;
}

export interface LobbyListFilter {
  mode?: string;
  hasSpace: boolean;
  limit: number;
  /** Keyset position: the last lobby of the previous page. */
  after?: { createdAt: Date; id: string };
}

/**
 * The writes available while a lobby row is locked (`SELECT … FOR UPDATE`): every other writer
 * of that lobby waits, so what the callback read stays true until the transaction commits.
 */
export interface LockedLobby {
  readonly lobby: LobbyRecord;
  /**
   * Adds members in one statement each; returns the ids that are already in an open lobby (a
   * non-empty answer means the caller must abort — throw — to undo the members just added).
   */
  addMembers(members: NewMember[]): Promise<string[]>;
  removeMember(playerId: string): Promise<void>;
  setReady(playerId: string, ready: boolean): Promise<void>;
  setLeader(leaderId: string | null): Promise<void>;
  setLocked(locked: boolean): Promise<void>;
  /** Status started, the world recorded, the code freed for other lobbies. */
  start(worldId: string): Promise<void>;
  /** Status closed, the code freed. */
  close(): Promise<void>;
  /** The lobby as this transaction sees it now. */
  reload(): Promise<LobbyRecord>;
}

export type LobbyTarget = { lobbyId: string } | { code: string };

const CODE_ATTEMPTS = 20;

// A burst of joins into one lobby queues on its row lock; Prisma's 2 s / 5 s defaults would fail
// healthy but queued requests.
const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 20_000 } as const;

/** Thrown when no free code was found; never leaves the service layer unexplained. */
export class LobbyCodeExhaustedError extends Error {}

@Injectable()
export class LobbiesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Opens a lobby under a fresh code and, in the same transaction, runs `then` with the lobby
   * locked (to add the creator). The code row goes in first: `ON CONFLICT DO NOTHING` on the
   * (game, code) key means a collision — even with a concurrent, uncommitted lobby — just draws again.
   */
  async create<T>(
    gameId: string,
    lobby: NewLobby,
    leaderId: string | null,
    nextCode: () => string,
    then: (locked: LockedLobby) => Promise<T>,
  ): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      const id = randomUUID();
      let code: string | null = null;
      for (let attempt = 0; attempt < CODE_ATTEMPTS && code === null; attempt++) {
        const candidate = nextCode();
        const inserted = await tx.$queryRaw<{ code: string }[]>`
          INSERT INTO lobby_codes (game_id, code, lobby_id) VALUES (${gameId}::uuid, ${candidate}, ${id}::uuid)
          ON CONFLICT DO NOTHING RETURNING code`;
        if (inserted.length > 0) code = candidate;
      }
      if (code === null) throw new LobbyCodeExhaustedError(`no free lobby code after ${CODE_ATTEMPTS} attempts`);
      await tx.lobby.create({
        data: {
          id,
          gameId,
          code,
          name: lobby.name,
          mode: lobby.mode,
          maxPlayers: lobby.maxPlayers,
          private: lobby.private,
          leaderId,
        },
      });
      const locked = await lockLobby(tx, gameId, { lobbyId: id });
      return then(locked!);
    }, TRANSACTION_OPTIONS);
  }

  /**
   * Runs `work` in one transaction with the lobby row locked; null when the game has no such
   * lobby (by id), or no open lobby holds the code. Whatever `work` throws rolls everything back.
   */
  async withLocked<T>(gameId: string, target: LobbyTarget, work: (locked: LockedLobby) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await lockLobby(tx, gameId, target);
      return locked ? work(locked) : null;
    }, TRANSACTION_OPTIONS);
  }

  async lobbyIdOf(gameId: string, playerId: string): Promise<string | null> {
    const member = await this.prisma.lobbyMember.findUnique({
      where: { gameId_playerId: { gameId, playerId } },
      select: { lobbyId: true },
    });
    return member?.lobbyId ?? null;
  }

  async find(gameId: string, lobbyId: string): Promise<LobbyRecord | null> {
    return load(this.prisma, gameId, lobbyId);
  }

  /** Open, public lobbies of the game, newest first. */
  async listPublic(gameId: string, filter: LobbyListFilter): Promise<LobbyRecord[]> {
    const mode = filter.mode ?? null;
    const afterAt = filter.after?.createdAt ?? null;
    const afterId = filter.after?.id ?? null;
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT l.id FROM lobbies l
      WHERE l.game_id = ${gameId}::uuid AND l.status = 'open' AND NOT l.private
        AND (${mode}::text IS NULL OR l.mode = ${mode}::text)
        AND (NOT ${filter.hasSpace}::boolean OR (NOT l.locked
             AND (SELECT count(*) FROM lobby_members m WHERE m.lobby_id = l.id) < l.max_players))
        AND (${afterAt}::timestamptz IS NULL OR (l.created_at, l.id) < (${afterAt}::timestamptz, ${afterId}::uuid))
      ORDER BY l.created_at DESC, l.id DESC
      LIMIT ${filter.limit}`;
    const lobbies = await this.prisma.lobby.findMany({ where: { gameId, id: { in: rows.map((row) => row.id) } }, include: MEMBERS });
    const byId = new Map(lobbies.map((lobby) => [lobby.id, toRecord(lobby)]));
    return rows.map((row) => byId.get(row.id)).filter((lobby) => lobby !== undefined);
  }

  /** Party and members in join order, or null when the game has no such party. */
  async partyMembers(gameId: string, partyId: string): Promise<{ leaderId: string; members: string[] } | null> {
    const party = await this.prisma.party.findFirst({
      where: { id: partyId, gameId },
      include: { members: { orderBy: { joinedAt: 'asc' } } },
    });
    return party ? { leaderId: party.leaderId, members: party.members.map((m) => m.playerId) } : null;
  }
}

type Db = Tx | PrismaService;

async function lockLobby(tx: Tx, gameId: string, target: LobbyTarget): Promise<LockedLobby | null> {
  const rows =
    'lobbyId' in target
      ? await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM lobbies WHERE game_id = ${gameId}::uuid AND id = ${target.lobbyId}::uuid FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`
          SELECT l.id FROM lobby_codes c JOIN lobbies l ON l.id = c.lobby_id
          WHERE c.game_id = ${gameId}::uuid AND c.code = ${target.code} AND l.game_id = ${gameId}::uuid
          FOR UPDATE OF l`;
  const id = rows[0]?.id;
  if (id === undefined) return null;
  const lobby = (await load(tx, gameId, id))!;
  return {
    lobby,
    async addMembers(members) {
      const ids = members.map((m) => m.playerId);
      // A player still listed in a started or closed lobby is free to join: drop that old row.
      await tx.$executeRaw`
        DELETE FROM lobby_members m USING lobbies l
        WHERE m.game_id = ${gameId}::uuid AND m.player_id = ANY(${ids}::text[]) AND l.id = m.lobby_id AND l.status <> 'open'`;
      // Join times are assigned here, under the lobby lock, so they are strictly increasing and in
      // the order given (a party: leader first) even though the column keeps only milliseconds.
      const [{ base }] = (await tx.$queryRaw<{ base: Date }[]>`
        SELECT GREATEST(clock_timestamp(), COALESCE(max(joined_at) + interval '1 millisecond', '-infinity')) AS base
        FROM lobby_members WHERE lobby_id = ${id}::uuid`) as [{ base: Date }];
      const timed = members.map((member, index) => ({ ...member, joinedAt: new Date(base.getTime() + index) }));
      const taken: string[] = [];
      // Inserted in player-id order: two party joins sharing players lock them in the same order (no deadlock).
      for (const member of timed.sort((a, b) => (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0))) {
        // The (game, player) key is the "one lobby per player" rule: a concurrent insert of the
        // same player waits for the other transaction and then conflicts, so one of them wins.
        const inserted = await tx.$queryRaw<{ player_id: string }[]>`
          INSERT INTO lobby_members (game_id, player_id, lobby_id, name, ready, joined_at)
          VALUES (${gameId}::uuid, ${member.playerId}, ${id}::uuid, ${member.name}, false, ${member.joinedAt})
          ON CONFLICT DO NOTHING RETURNING player_id`;
        if (inserted.length === 0) taken.push(member.playerId);
      }
      return taken;
    },
    async removeMember(playerId) {
      await tx.$executeRaw`DELETE FROM lobby_members WHERE game_id = ${gameId}::uuid AND player_id = ${playerId} AND lobby_id = ${id}::uuid`;
    },
    async setReady(playerId, ready) {
      await tx.$executeRaw`
        UPDATE lobby_members SET ready = ${ready} WHERE game_id = ${gameId}::uuid AND player_id = ${playerId} AND lobby_id = ${id}::uuid`;
    },
    async setLeader(leaderId) {
      await tx.$executeRaw`UPDATE lobbies SET leader_id = ${leaderId}, updated_at = now() WHERE id = ${id}::uuid`;
    },
    async setLocked(locked) {
      await tx.$executeRaw`UPDATE lobbies SET locked = ${locked}, updated_at = now() WHERE id = ${id}::uuid`;
    },
    async start(worldId) {
      await tx.$executeRaw`UPDATE lobbies SET status = 'started', world_id = ${worldId}, updated_at = now() WHERE id = ${id}::uuid`;
      await tx.$executeRaw`DELETE FROM lobby_codes WHERE lobby_id = ${id}::uuid`;
    },
    async close() {
      await tx.$executeRaw`UPDATE lobbies SET status = 'closed', updated_at = now() WHERE id = ${id}::uuid`;
      await tx.$executeRaw`DELETE FROM lobby_codes WHERE lobby_id = ${id}::uuid`;
    },
    async reload() {
      return (await load(tx, gameId, id))!;
    },
  };
}

const MEMBERS = { members: { orderBy: [{ joinedAt: 'asc' as const }, { playerId: 'asc' as const }] } };

async function load(db: Db, gameId: string, lobbyId: string): Promise<LobbyRecord | null> {
  const lobby = await db.lobby.findFirst({ where: { gameId, id: lobbyId }, include: MEMBERS });
  return lobby ? toRecord(lobby) : null;
}

type LobbyWithMembers = NonNullable<Awaited<ReturnType<PrismaService['lobby']['findFirst']>>> & {
  members: { playerId: string; name: string; ready: boolean; joinedAt: Date }[];
};

function toRecord(row: LobbyWithMembers): LobbyRecord {
  return {
    id: row.id,
    gameId: row.gameId,
    code: row.code,
    name: row.name,
    mode: row.mode,
    maxPlayers: row.maxPlayers,
    private: row.private,
    locked: row.locked,
    status: row.status,
    leaderId: row.leaderId,
    worldId: row.worldId,
    createdAt: row.createdAt,
    members: row.members.map((m) => ({ playerId: m.playerId, name: m.name, ready: m.ready, joinedAt: m.joinedAt })),
  };
}
