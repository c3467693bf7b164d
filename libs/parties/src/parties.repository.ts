import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';
import type { Tenure } from './party-rules.js';
import type { PartyInviteView, PartyView, ReceivedInvite } from './party.types.js';

type TransactionFn = Parameters<PrismaService['$transaction']>[0];
type Tx = Parameters<Extract<TransactionFn, (...args: never[]) => unknown>>[0];

export interface PartyRecord {
  id: string;
  gameId: string;
  leaderId: string;
  maxSize: number;
  /** Player ids in join order. */
  members: string[];
}

/** A party row, locked for the rest of the transaction that read it. */
export interface LockedParty {
  id: string;
  leaderId: string;
  maxSize: number;
}

export interface TakenInvite {
  invitedBy: string;
  /** By the database clock, at the start of the transaction. */
  expired: boolean;
}

// Every write of a party first locks its row, so the operations on one party run one at a time
// and read committed state. Lock waits grow under a burst of accepts; Prisma's defaults (2 s
// connection wait, 5 s transaction) would fail a healthy but queued request.
const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 20_000 } as const;

/**
 * The statements one party operation runs inside its transaction. The service holds the rules and
 * calls these; an error thrown by the service rolls everything back.
 */
export class PartyTransaction {
  constructor(private readonly tx: Tx) {}

  async createParty(gameId: string, leaderId: string, maxSize: number): Promise<LockedParty> {
    const party = await this.tx.party.create({ data: { gameId, leaderId, maxSize }, select: { id: true, leaderId: true, maxSize: true } });
    return party;
  }

  /** Locks the party (of this game) until commit; null when there is none. */
  async lockParty(gameId: string, partyId: string): Promise<LockedParty | null> {
    const rows = await this.tx.$queryRaw<{ id: string; leader_id: string; max_size: number }[]>`
      SELECT id::text, leader_id, max_size FROM parties
      WHERE id = ${partyId}::uuid AND game_id = ${gameId}::uuid
      FOR UPDATE`;
    const row = rows[0];
    return row ? { id: row.id, leaderId: row.leader_id, maxSize: row.max_size } : null;
  }

  /** Members, longest-present first. */
  async members(partyId: string): Promise<Tenure[]> {
    return this.tx.partyMember.findMany({
      where: { partyId },
      orderBy: [{ joinedAt: 'asc' }, { playerId: 'asc' }],
      select: { playerId: true, joinedAt: true },
    });
  }

  /**
   * Adds a member; false when the player is already in a party (this one or another). The primary
   * key is (game, player): a concurrent insert of the same player waits for the other transaction
   * and then does nothing if it committed, so a player lands in at most one party.
   * `clock_timestamp()` (not the transaction start) orders members by when they really joined.
   */
  async addMember(gameId: string, partyId: string, playerId: string): Promise<boolean> {
    const rows = await this.tx.$queryRaw<unknown[]>`
      INSERT INTO party_members (game_id, player_id, party_id, joined_at)
      VALUES (${gameId}::uuid, ${playerId}, ${partyId}::uuid, clock_timestamp())
      ON CONFLICT (game_id, player_id) DO NOTHING
      RETURNING player_id`;
    return rows.length === 1;
  }

  async removeMember(gameId: string, partyId: string, playerId: string): Promise<boolean> {
    const { count } = await this.tx.partyMember.deleteMany({ where: { gameId, partyId, playerId } });
    return count === 1;
  }

  async setLeader(partyId: string, leaderId: string): Promise<void> {
    await this.tx.party.update({ where: { id: partyId }, data: { leaderId } });
  }

  /** Deletes the party with its members and invites (cascade). */
  async deleteParty(partyId: string): Promise<void> {
    await this.tx.party.delete({ where: { id: partyId } });
  }

  /** Drops the party's expired invites; returns how many unexpired ones remain. */
  async pruneInvites(partyId: string): Promise<number> {
    await this.tx.$executeRaw`DELETE FROM party_invites WHERE party_id = ${partyId}::uuid AND expires_at <= now()`;
    return this.tx.partyInvite.count({ where: { partyId } });
  }

  /**
   * Creates the invite, or renews an expired one; null when an unexpired invite exists. Expiry is
   * reckoned on the database clock, the one every node shares.
   */
  async putInvite(gameId: string, partyId: string, playerId: string, invitedBy: string, ttlMs: number): Promise<PartyInviteView | null> {
    const rows = await this.tx.$queryRaw<{ created_at: Date; expires_at: Date }[]>`
      INSERT INTO party_invites AS i (party_id, game_id, player_id, invited_by, created_at, expires_at)
      VALUES (${partyId}::uuid, ${gameId}::uuid, ${playerId}, ${invitedBy}, now(), now() + ${ttlMs}::bigint * interval '1 millisecond')
      ON CONFLICT (party_id, player_id) DO UPDATE
        SET invited_by = EXCLUDED.invited_by, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE i.expires_at <= now()
      RETURNING created_at, expires_at`;
    const row = rows[0];
    return row ? { playerId, invitedBy, createdAt: row.created_at, expiresAt: row.expires_at } : null;
  }

  /** Deletes the player's invite to the party (expired or not) and returns it. */
  async takeInvite(partyId: string, playerId: string): Promise<TakenInvite | null> {
    const rows = await this.tx.$queryRaw<{ invited_by: string; expired: boolean }[]>`
      DELETE FROM party_invites WHERE party_id = ${partyId}::uuid AND player_id = ${playerId}
      RETURNING invited_by, expires_at <= now() AS expired`;
    const row = rows[0];
    return row ? { invitedBy: row.invited_by, expired: row.expired } : null;
  }

  /** The party as its members see it, from inside the transaction (after its own writes). */
  view(gameId: string, partyId: string): Promise<PartyView | null> {
    return loadView(this.tx, gameId, partyId);
  }
}

@Injectable()
export class PartiesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs one party operation atomically; whatever `work` throws rolls it all back and is rethrown. */
  transaction<T>(work: (tx: PartyTransaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction((tx) => work(new PartyTransaction(tx)), TRANSACTION_OPTIONS);
  }

  /** The party a player is in, if any (a player is in at most one). */
  async findByMember(gameId: string, playerId: string): Promise<PartyRecord | null> {
    const membership = await this.prisma.partyMember.findUnique({
      where: { gameId_playerId: { gameId, playerId } },
      include: { party: { include: { members: { orderBy: { joinedAt: 'asc' } } } } },
    });
    if (!membership) return null;
    const { party } = membership;
    return {
      id: party.id,
      gameId: party.gameId,
      leaderId: party.leaderId,
      maxSize: party.maxSize,
      members: party.members.map((m) => m.playerId),
    };
  }

  async partyIdOf(gameId: string, playerId: string): Promise<string | null> {
    const membership = await this.prisma.partyMember.findUnique({
      where: { gameId_playerId: { gameId, playerId } },
      select: { partyId: true },
    });
    return membership?.partyId ?? null;
  }

  view(gameId: string, partyId: string): Promise<PartyView | null> {
    return loadView(this.prisma, gameId, partyId);
  }

  /** Unexpired invites of a player, oldest first; its expired ones are deleted on the way. */
  async invitesOf(gameId: string, playerId: string, limit: number): Promise<ReceivedInvite[]> {
    await this.prisma.$executeRaw`
      DELETE FROM party_invites WHERE game_id = ${gameId}::uuid AND player_id = ${playerId} AND expires_at <= now()`;
    const rows = await this.prisma.$queryRaw<
      {
        party_id: string;
        leader_id: string;
        invited_by: string;
        member_count: number;
        max_size: number;
        created_at: Date;
        expires_at: Date;
      }[]
    >`
      SELECT i.party_id::text, p.leader_id, i.invited_by, p.max_size, i.created_at, i.expires_at,
             (SELECT count(*)::int FROM party_members m WHERE m.party_id = i.party_id) AS member_count
      FROM party_invites i JOIN parties p ON p.id = i.party_id
      WHERE i.game_id = ${gameId}::uuid AND i.player_id = ${playerId} AND i.expires_at > now()
      ORDER BY i.created_at, i.party_id
      LIMIT ${limit}::int`;
    return rows.map((row) => ({
      partyId: row.party_id,
      leaderId: row.leader_id,
      invitedBy: row.invited_by,
      memberCount: row.member_count,
      maxSize: row.max_size,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    }));
  }
}

async function loadView(db: Tx, gameId: string, partyId: string): Promise<PartyView | null> {
  const party = await db.party.findFirst({
    where: { id: partyId, gameId },
    include: { members: { orderBy: [{ joinedAt: 'asc' }, { playerId: 'asc' }] } },
  });
  if (!party) return null;
  const invites = await db.$queryRaw<{ player_id: string; invited_by: string; created_at: Date; expires_at: Date }[]>`
    SELECT player_id, invited_by, created_at, expires_at FROM party_invites
    WHERE party_id = ${partyId}::uuid AND expires_at > now()
    ORDER BY created_at, player_id`;
  // Members are players of the game; their names are read for display only.
  const players = await db.player.findMany({
    where: { gameId, id: { in: party.members.map((m) => m.playerId) } },
    select: { id: true, displayName: true, username: true },
  });
  const names = new Map(players.map((p) => [p.id, p.displayName ?? p.username ?? null]));
  return {
    id: party.id,
    leaderId: party.leaderId,
    maxSize: party.maxSize,
    createdAt: party.createdAt,
    members: party.members.map((m) => ({ playerId: m.playerId, name: names.get(m.playerId) ?? null, joinedAt: m.joinedAt })),
    invites: invites.map((i) => ({ playerId: i.player_id, invitedBy: i.invited_by, createdAt: i.created_at, expiresAt: i.expires_at })),
  };
}
