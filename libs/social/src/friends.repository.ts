import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';
import type { FriendPair, FriendState } from './friend-rules.js';

type TransactionFn = Parameters<PrismaService['$transaction']>[0];
type Tx = Parameters<Extract<TransactionFn, (...args: never[]) => unknown>>[0];

export interface FriendRecord {
  otherId: string;
  username: string | null;
  displayName: string | null;
  state: FriendState;
  updatedAt: Date;
}

// Lock waits under a burst of requests on one pair should queue, not fail on Prisma's 2 s / 5 s defaults.
const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 20_000 } as const;

/** The statements one friendship change runs inside its transaction, after locking the pair. */
export class FriendTransaction {
  constructor(
    private readonly tx: Tx,
    private readonly gameId: string,
  ) {}

  /**
   * Serialises every change to the pair (a, b) — in either direction — until commit. The rows may
   * not exist yet, so a row lock cannot do it; a transaction-scoped advisory lock on the ordered pair can.
   */
  async lockPair(a: string, b: string): Promise<void> {
    const [low, high] = a < b ? [a, b] : [b, a];
    const key = `friends:${this.gameId}:${low}:${high}`;
    await this.tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
  }

  async readPair(me: string, other: string): Promise<FriendPair> {
    const rows = await this.tx.friendship.findMany({
      where: {
        gameId: this.gameId,
        OR: [
          { playerId: me, otherId: other },
          { playerId: other, otherId: me },
        ],
      },
      select: { playerId: true, state: true },
    });
    return {
      mine: rows.find((r) => r.playerId === me)?.state ?? null,
      theirs: rows.find((r) => r.playerId === other)?.state ?? null,
    };
  }

  /** Sets (or deletes, for null) the row player → other. */
  async write(playerId: string, otherId: string, state: FriendState | null): Promise<void> {
    const id = { gameId_playerId_otherId: { gameId: this.gameId, playerId, otherId } };
    if (state === null) {
      await this.tx.friendship.deleteMany({ where: { gameId: this.gameId, playerId, otherId } });
      return;
    }
    await this.tx.friendship.upsert({ where: id, create: { gameId: this.gameId, playerId, otherId, state }, update: { state } });
  }
}

@Injectable()
export class FriendsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs one change atomically; whatever `work` throws rolls it back and is rethrown. */
  transaction<T>(gameId: string, work: (tx: FriendTransaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction((tx) => work(new FriendTransaction(tx, gameId)), TRANSACTION_OPTIONS);
  }

  /** One row with the other player's names; null when there is none. */
  async find(gameId: string, playerId: string, otherId: string): Promise<FriendRecord | null> {
    const row = await this.prisma.friendship.findUnique({ where: { gameId_playerId_otherId: { gameId, playerId, otherId } } });
    if (!row) return null;
    return (await this.withNames(gameId, [row]))[0]!;
  }

  /** A player's rows ordered by the other's id, after `after` (exclusive). */
  async list(gameId: string, playerId: string, options: { state?: FriendState; after?: string; limit: number }): Promise<FriendRecord[]> {
    const rows = await this.prisma.friendship.findMany({
      where: {
        gameId,
        playerId,
        ...(options.state ? { state: options.state } : {}),
        ...(options.after !== undefined ? { otherId: { gt: options.after } } : {}),
      },
      orderBy: { otherId: 'asc' },
      take: options.limit,
    });
    return this.withNames(gameId, rows);
  }

  /** Ids of the player's friends (accepted), at most `limit`. */
  async friendIds(gameId: string, playerId: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.friendship.findMany({
      where: { gameId, playerId, state: 'friend' },
      select: { otherId: true },
      orderBy: { otherId: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.otherId);
  }

  // Friendship rows carry no relation to players (a player may be deleted later), so names are joined here.
  private async withNames(gameId: string, rows: { otherId: string; state: FriendState; updatedAt: Date }[]): Promise<FriendRecord[]> {
    if (rows.length === 0) return [];
    const players = await this.prisma.player.findMany({
      where: { gameId, id: { in: rows.map((r) => r.otherId) } },
      select: { id: true, username: true, displayName: true },
    });
    const byId = new Map(players.map((p) => [p.id, p]));
    return rows.map((r) => ({
      otherId: r.otherId,
      username: byId.get(r.otherId)?.username ?? null,
      displayName: byId.get(r.otherId)?.displayName ?? null,
      state: r.state,
      updatedAt: r.updatedAt,
    }));
  }
}
