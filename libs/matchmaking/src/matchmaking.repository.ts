import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '@spawnpoint/prisma';

export type TicketStatus = 'queued' | 'matched' | 'cancelled' | 'expired';

export interface TicketPlayer {
  playerId: string;
  skill: number;
}

export interface TicketRecord {
  id: string;
  gameId: string;
  mode: string;
  region: string;
  status: TicketStatus;
  skill: number;
  players: TicketPlayer[];
  partyId: string | null;
  properties: Record<string, string | number>;
  matchId: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface MatchRecord {
  id: string;
  gameId: string;
  mode: string;
  region: string;
  worldId: string;
  server: string;
  teams: string[][];
  skillSpread: number;
  createdAt: Date;
}

export interface ModeStats {
  mode: string;
  queued: number;
  /** Null when no ticket of the mode was matched in the window. */
  waitP50Ms: number | null;
  waitP95Ms: number | null;
  matches: number;
}

export interface NewTicket {
  gameId: string;
  mode: string;
  region: string;
  skill: number;
  players: TicketPlayer[];
  partyId: string | null;
  properties: Record<string, string | number>;
  expiresAt: Date;
}

export type CreateTicketOutcome =
  | { outcome: 'created'; ticket: TicketRecord }
  /** Some player already holds a queued ticket. */
  | { outcome: 'queued_elsewhere' }
  /** Some player holds a seat in a match that has not been released yet. */
  | { outcome: 'seated' };

export type CancelOutcome =
  { outcome: 'cancelled'; ticket: TicketRecord } | { outcome: 'not_queued'; ticket: TicketRecord } | { outcome: 'not_found' };

export interface NewMatch {
  id: string;
  gameId: string;
  mode: string;
  region: string;
  worldId: string;
  server: string;
  teams: string[][];
  skillSpread: number;
  ticketIds: string[];
  seatsUntil: Date;
}

/** Why a match could not be recorded; nothing was written. */
export type FormMatchOutcome = 'formed' | 'ticket_gone' | 'seat_taken';

/** Thrown inside a Postgres transaction to roll it back; never leaves this file. */
class Rollback extends Error {
  constructor(readonly reason: Exclude<FormMatchOutcome, 'formed'> | 'queued_elsewhere' | 'seated') {
    super(reason);
  }
}

const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 10_000, timeout: 15_000 } as const;

@Injectable()
export class MatchmakingRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findModeConfig(gameId: string, mode: string): Promise<unknown> {
    const row = await this.prisma.matchmakingMode.findUnique({ where: { gameId_mode: { gameId, mode } } });
    return row?.config ?? null;
  }

  async saveModeConfig(gameId: string, mode: string, config: object): Promise<void> {
    await this.prisma.matchmakingMode.upsert({
      where: { gameId_mode: { gameId, mode } },
      create: { gameId, mode, config },
      update: { config },
    });
  }

  /**
   * Records a queued ticket and claims its players, or nothing. The claim rows are inserted first:
   * while a concurrent match of the same player is committing, the insert waits for it, so the seat
   * check after it sees that match (READ COMMITTED reads a fresh snapshot per statement).
   */
  async createTicket(input: NewTicket, now: Date): Promise<CreateTicketOutcome> {
    const playerIds = input.players.map((p) => p.playerId);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const ticket = await tx.matchmakingTicket.create({
          data: {
            gameId: input.gameId,
            mode: input.mode,
            region: input.region,
            skill: input.skill,
            players: input.players.map((p) => ({ player_id: p.playerId, skill_rating: p.skill })),
            partyId: input.partyId,
            properties: input.properties,
            expiresAt: input.expiresAt,
          },
        });
        try {
          await tx.matchmakingTicketPlayer.createMany({
            data: playerIds.map((playerId) => ({ gameId: input.gameId, playerId, ticketId: ticket.id })),
          });
        } catch (error) {
          if (isUniqueViolation(error)) throw new Rollback('queued_elsewhere');
          throw error;
        }
        await tx.matchSeat.deleteMany({ where: { gameId: input.gameId, playerId: { in: playerIds }, reservedUntil: { lte: now } } });
        const seated = await tx.matchSeat.count({ where: { gameId: input.gameId, playerId: { in: playerIds } } });
        if (seated > 0) throw new Rollback('seated');
        return { outcome: 'created' as const, ticket: toTicket(ticket) };
      }, TRANSACTION_OPTIONS);
    } catch (error) {
      if (error instanceof Rollback && (error.reason === 'queued_elsewhere' || error.reason === 'seated')) return { outcome: error.reason };
      throw error;
    }
  }

  async findTicket(gameId: string, ticketId: string): Promise<{ ticket: TicketRecord; match: MatchRecord | null } | null> {
    const row = await this.prisma.matchmakingTicket.findFirst({ where: { id: ticketId, gameId } });
    if (!row) return null;
    const match = row.matchId ? await this.prisma.match.findFirst({ where: { id: row.matchId, gameId } }) : null;
    return { ticket: toTicket(row), match: match ? toMatch(match) : null };
  }

  /** The (game, mode) pairs with queued tickets; read from the claim rows, which exist only while queued. */
  async activeModes(): Promise<Array<{ gameId: string; mode: string; queued: number }>> {
    const rows = await this.prisma.$queryRaw<Array<{ game_id: string; mode: string; queued: number }>>`
      SELECT t.game_id::text AS game_id, t.mode, count(DISTINCT t.id)::int AS queued
      FROM matchmaking_ticket_players p JOIN matchmaking_tickets t ON t.id = p.ticket_id
      GROUP BY t.game_id, t.mode`;
    return rows.map((r) => ({ gameId: r.game_id, mode: r.mode, queued: r.queued }));
  }

  /**
   * Per game mode (configured, or with tickets or matches): tickets queued now, and the waits of
   * tickets matched since `since` (queued → match formed) with the number of matches formed.
   */
  async modeStats(gameId: string, since: Date): Promise<ModeStats[]> {
    const rows = await this.prisma.$queryRaw<
      Array<{ mode: string; queued: number; wait_p50_ms: number | null; wait_p95_ms: number | null; matches: number }>
    >`
      WITH queued AS (
        SELECT mode, count(*)::int AS n FROM matchmaking_tickets
         WHERE game_id = ${gameId}::uuid AND status = 'queued' GROUP BY mode),
      waits AS (
        SELECT t.mode,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.created_at - t.created_at) * 1000) AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM m.created_at - t.created_at) * 1000) AS p95
          FROM matches m JOIN matchmaking_tickets t ON t.match_id = m.id AND t.game_id = m.game_id
         WHERE m.game_id = ${gameId}::uuid AND m.created_at >= ${since} GROUP BY t.mode),
      formed AS (
        SELECT mode, count(*)::int AS n FROM matches WHERE game_id = ${gameId}::uuid AND created_at >= ${since} GROUP BY mode),
      modes AS (
        SELECT mode FROM matchmaking_modes WHERE game_id = ${gameId}::uuid
        UNION SELECT mode FROM queued UNION SELECT mode FROM formed)
      SELECT modes.mode, coalesce(queued.n, 0) AS queued, round(waits.p50)::float8 AS wait_p50_ms,
             round(waits.p95)::float8 AS wait_p95_ms, coalesce(formed.n, 0) AS matches
        FROM modes
        LEFT JOIN queued ON queued.mode = modes.mode
        LEFT JOIN waits ON waits.mode = modes.mode
        LEFT JOIN formed ON formed.mode = modes.mode
       ORDER BY modes.mode COLLATE "C"`;
    return rows.map((r) => ({ mode: r.mode, queued: r.queued, waitP50Ms: r.wait_p50_ms, waitP95Ms: r.wait_p95_ms, matches: r.matches }));
  }

  /** The game's newest matches first, of one mode or all. */
  async recentMatches(gameId: string, options: { mode?: string; limit: number }): Promise<MatchRecord[]> {
    const rows = await this.prisma.match.findMany({
      where: { gameId, ...(options.mode !== undefined ? { mode: options.mode } : {}) },
      orderBy: { createdAt: 'desc' },
      take: options.limit,
    });
    return rows.map(toMatch);
  }

  /** Oldest queued tickets of one (game, mode) first. */
  async queuedTickets(gameId: string, mode: string, limit: number): Promise<TicketRecord[]> {
    const rows = await this.prisma.matchmakingTicket.findMany({
      where: { gameId, mode, status: 'queued' },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    return rows.map(toTicket);
  }

  /**
   * Records a match in one transaction: its tickets go from queued to matched only if ALL of them
   * are still queued (a conditional update: a ticket cancelled a moment ago makes the whole match
   * roll back), seats are taken (a seat still held elsewhere rolls back too), claims are released.
   */
  async formMatch(match: NewMatch, now: Date): Promise<FormMatchOutcome> {
    const playerIds = match.teams.flat();
    try {
      await this.prisma.$transaction(async (tx) => {
        const moved = await tx.matchmakingTicket.updateMany({
          where: { id: { in: match.ticketIds }, gameId: match.gameId, status: 'queued' },
          data: { status: 'matched', matchId: match.id },
        });
        if (moved.count !== match.ticketIds.length) throw new Rollback('ticket_gone');
        await tx.matchSeat.deleteMany({ where: { gameId: match.gameId, playerId: { in: playerIds }, reservedUntil: { lte: now } } });
        try {
          await tx.match.create({
            data: {
              id: match.id,
              gameId: match.gameId,
              mode: match.mode,
              region: match.region,
              worldId: match.worldId,
              server: match.server,
              teams: match.teams,
              skillSpread: match.skillSpread,
              seats: {
                createMany: { data: playerIds.map((playerId) => ({ gameId: match.gameId, playerId, reservedUntil: match.seatsUntil })) },
              },
            },
          });
        } catch (error) {
          if (isUniqueViolation(error)) throw new Rollback('seat_taken');
          throw error;
        }
        await tx.matchmakingTicketPlayer.deleteMany({ where: { ticketId: { in: match.ticketIds } } });
      }, TRANSACTION_OPTIONS);
      return 'formed';
    } catch (error) {
      if (error instanceof Rollback && (error.reason === 'ticket_gone' || error.reason === 'seat_taken')) return error.reason;
      throw error;
    }
  }

  /** Ends queued tickets (cancel or expiry) and releases their players' claims; returns those it ended. */
  async endTickets(gameId: string, ticketIds: string[], status: 'cancelled' | 'expired'): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const ended = await tx.$queryRaw<Array<{ id: string }>>`
        UPDATE matchmaking_tickets SET status = ${status}::ticket_status, updated_at = now()
        WHERE game_id = ${gameId}::uuid AND id = ANY(${ticketIds}::uuid[]) AND status = 'queued'
        RETURNING id::text AS id`;
      const ids = ended.map((r) => r.id);
      if (ids.length > 0) await tx.matchmakingTicketPlayer.deleteMany({ where: { ticketId: { in: ids } } });
      return ids;
    }, TRANSACTION_OPTIONS);
  }

  async cancel(gameId: string, ticketId: string): Promise<CancelOutcome> {
    const ended = await this.endTickets(gameId, [ticketId], 'cancelled');
    const found = await this.findTicket(gameId, ticketId);
    if (!found) return { outcome: 'not_found' };
    return ended.length === 1 ? { outcome: 'cancelled', ticket: found.ticket } : { outcome: 'not_queued', ticket: found.ticket };
  }
}

interface TicketRow {
  id: string;
  gameId: string;
  mode: string;
  region: string;
  status: TicketStatus;
  skill: number;
  players: unknown;
  partyId: string | null;
  properties: unknown;
  matchId: string | null;
  createdAt: Date;
  expiresAt: Date;
}

function toTicket(row: TicketRow): TicketRecord {
  const players = (row.players as Array<{ player_id: string; skill_rating: number }>).map((p) => ({
    playerId: p.player_id,
    skill: p.skill_rating,
  }));
  return {
    id: row.id,
    gameId: row.gameId,
    mode: row.mode,
    region: row.region,
    status: row.status,
    skill: row.skill,
    players,
    partyId: row.partyId,
    properties: row.properties as Record<string, string | number>,
    matchId: row.matchId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

function toMatch(row: Omit<MatchRecord, 'teams'> & { teams: unknown }): MatchRecord {
  return { ...row, teams: row.teams as string[][] };
}
