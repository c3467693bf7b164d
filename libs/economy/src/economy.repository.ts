import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';
import { ECONOMY_LIMITS, type ChangeType } from './transaction-plan.js';

type TransactionFn = Parameters<PrismaService['$transaction']>[0];
type Tx = Parameters<Extract<TransactionFn, (...args: never[]) => unknown>>[0];

/** One change to apply: a net, non-zero delta on one balance or stack. */
export interface ChangeToApply {
  playerId: string;
  type: ChangeType;
  code: string;
  delta: number;
}

export interface AppliedChange extends ChangeToApply {
  balanceAfter: number;
}

export interface TransactionResult {
  transactionId: string;
  idempotencyKey: string;
  appliedAt: Date;
  changes: AppliedChange[];
}

export type ApplyOutcome =
  | { outcome: 'applied'; result: TransactionResult }
  /** The key was already used (possibly by a concurrent request that committed first). */
  | { outcome: 'existing'; requestHash: string; result: TransactionResult }
  /** `index` is the position in the changes passed in; `balance` what the player holds. */
  | { outcome: 'insufficient'; index: number; balance: number }
  | { outcome: 'overflow'; index: number; balance: number };

export interface LedgerRow {
  id: bigint;
  transactionId: string;
  type: ChangeType;
  code: string;
  delta: number;
  balanceAfter: number;
  createdAt: Date;
}

/** Thrown inside the Postgres transaction to roll it back; never leaves this file. */
class Rejection extends Error {
  constructor(readonly outcome: Extract<ApplyOutcome, { outcome: 'insufficient' | 'overflow' }>) {
    super(outcome.outcome);
  }
}

// Connection waits and lock waits both grow under a burst of trades on one wallet; Prisma's
// defaults (2 s / 5 s) would fail a healthy but queued transaction.
const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 20_000 } as const;

@Injectable()
export class EconomyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Applies `changes` (already netted and in lock order) in one Postgres transaction, or nothing.
   *
   * The transaction row is inserted first: a concurrent request with the same key blocks on the
   * unique index until this one commits, then finds the committed row and replays it (READ
   * COMMITTED: the follow-up SELECT is a new snapshot). Every balance moves in one conditional
   * statement, never read-then-write, so the non-negative invariant holds without a CHECK.
   */
  async apply(gameId: string, idempotencyKey: string, requestHash: string, changes: ChangeToApply[]): Promise<ApplyOutcome> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const id = randomUUID();
        const inserted = await tx.$queryRaw<{ created_at: Date }[]>`
          INSERT INTO economy_transactions (id, game_id, idempotency_key, request_hash, result)
          VALUES (${id}::uuid, ${gameId}::uuid, ${idempotencyKey}, ${requestHash}, '{}'::jsonb)
          ON CONFLICT (game_id, idempotency_key) DO NOTHING
          RETURNING created_at`;
        if (inserted.length === 0) return existing(tx, gameId, idempotencyKey);

        const applied: AppliedChange[] = [];
        for (const [index, change] of changes.entries()) {
          const balanceAfter = await applyOne(tx, gameId, change, index);
          applied.push({ playerId: change.playerId, type: change.type, code: change.code, delta: change.delta, balanceAfter });
        }
        await tx.ledgerEntry.createMany({
          data: applied.map((change) => ({
            gameId,
            transactionId: id,
            playerId: change.playerId,
            kind: change.type,
            code: change.code,
            delta: BigInt(change.delta),
            balanceAfter: BigInt(change.balanceAfter),
          })),
        });
        const result: TransactionResult = { transactionId: id, idempotencyKey, appliedAt: inserted[0]!.created_at, changes: applied };
        await tx.economyTransaction.update({ where: { id }, data: { result: serialise(result) } });
        return { outcome: 'applied', result };
      }, TRANSACTION_OPTIONS);
    } catch (error) {
      if (error instanceof Rejection) return error.outcome;
      throw error;
    }
  }

  async balances(gameId: string, playerId: string): Promise<{ currency: string; amount: number }[]> {
    const rows = await this.prisma.walletBalance.findMany({
      where: { gameId, playerId },
      orderBy: { currency: 'asc' },
      select: { currency: true, amount: true },
    });
    return rows.map((row) => ({ currency: row.currency, amount: Number(row.amount) }));
  }

  /** Stacks with a positive quantity (a fully consumed stack keeps its row at 0). */
  async stacks(gameId: string, playerId: string): Promise<{ itemId: string; quantity: number }[]> {
    const rows = await this.prisma.inventoryStack.findMany({
      where: { gameId, playerId, quantity: { gt: 0 } },
      orderBy: { itemId: 'asc' },
      select: { itemId: true, quantity: true },
    });
    return rows.map((row) => ({ itemId: row.itemId, quantity: Number(row.quantity) }));
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async ledger(gameId: string, playerId: string, options: { before?: bigint; limit: number }): Promise<LedgerRow[]> {
    const rows = await this.prisma.ledgerEntry.findMany({
      where: { gameId, playerId, ...(options.before !== undefined ? { id: { lt: options.before } } : {}) },
      orderBy: { id: 'desc' },
      take: options.limit,
    });
    return rows.map((row) => ({
      id: row.id,
      transactionId: row.transactionId,
      type: row.kind,
      code: row.code,
      delta: Number(row.delta),
      balanceAfter: Number(row.balanceAfter),
      createdAt: row.createdAt,
    }));
  }
}

async function existing(tx: Tx, gameId: string, idempotencyKey: string): Promise<ApplyOutcome> {
  const row = await tx.economyTransaction.findUnique({ where: { gameId_idempotencyKey: { gameId, idempotencyKey } } });
  // The row conflicted a statement ago and rows are never deleted, so it is there.
  if (!row) throw new Error(`economy transaction ${idempotencyKey} vanished after a key conflict`);
  return { outcome: 'existing', requestHash: row.requestHash, result: deserialise(row.result) };
}

/** Returns the balance after the change, or throws a Rejection that rolls everything back. */
async function applyOne(tx: Tx, gameId: string, change: ChangeToApply, index: number): Promise<number> {
  const { playerId, code } = change;
  const amount = BigInt(Math.abs(change.delta));
  const max = BigInt(ECONOMY_LIMITS.balanceMax);
  let rows: { amount: bigint }[];
  if (change.delta > 0) {
    // Credit: create the row or add to it, unless the sum would leave the exact-JSON range.
    rows =
      change.type === 'currency'
        ? await tx.$queryRaw`
            INSERT INTO wallet_balances AS w (game_id, player_id, currency, amount, updated_at)
            VALUES (${gameId}::uuid, ${playerId}, ${code}, ${amount}::bigint, now())
            ON CONFLICT (game_id, player_id, currency)
            DO UPDATE SET amount = w.amount + EXCLUDED.amount, updated_at = now()
            WHERE w.amount + EXCLUDED.amount <= ${max}::bigint
            RETURNING amount`
        : await tx.$queryRaw`
            INSERT INTO inventory_stacks AS s (game_id, player_id, item_id, quantity, updated_at)
            VALUES (${gameId}::uuid, ${playerId}, ${code}, ${amount}::bigint, now())
            ON CONFLICT (game_id, player_id, item_id)
            DO UPDATE SET quantity = s.quantity + EXCLUDED.quantity, updated_at = now()
            WHERE s.quantity + EXCLUDED.quantity <= ${max}::bigint
            RETURNING quantity AS amount`;
  } else {
    // Debit: one conditional update; no row, or too little, updates nothing.
    rows =
      change.type === 'currency'
        ? await tx.$queryRaw`
            UPDATE wallet_balances SET amount = amount - ${amount}::bigint, updated_at = now()
            WHERE game_id = ${gameId}::uuid AND player_id = ${playerId} AND currency = ${code} AND amount >= ${amount}::bigint
            RETURNING amount`
        : await tx.$queryRaw`
            UPDATE inventory_stacks SET quantity = quantity - ${amount}::bigint, updated_at = now()
            WHERE game_id = ${gameId}::uuid AND player_id = ${playerId} AND item_id = ${code} AND quantity >= ${amount}::bigint
            RETURNING quantity AS amount`;
  }
  if (rows.length > 0) return Number(rows[0]!.amount);
  const balance = await currentBalance(tx, gameId, change);
  throw new Rejection({ outcome: change.delta > 0 ? 'overflow' : 'insufficient', index, balance });
}

/** Only for the rejection message: the transaction is about to roll back. */
async function currentBalance(tx: Tx, gameId: string, change: ChangeToApply): Promise<number> {
  if (change.type === 'currency') {
    const row = await tx.walletBalance.findUnique({
      where: { gameId_playerId_currency: { gameId, playerId: change.playerId, currency: change.code } },
    });
    return Number(row?.amount ?? 0n);
  }
  const row = await tx.inventoryStack.findUnique({
    where: { gameId_playerId_itemId: { gameId, playerId: change.playerId, itemId: change.code } },
  });
  return Number(row?.quantity ?? 0n);
}

// Type aliases (not interfaces) so they are assignable to Prisma's JSON input type.
type StoredResult = {
  transactionId: string;
  idempotencyKey: string;
  appliedAt: string;
  changes: { playerId: string; type: ChangeType; code: string; delta: number; balanceAfter: number }[];
};

function serialise(result: TransactionResult): StoredResult {
  return {
    transactionId: result.transactionId,
    idempotencyKey: result.idempotencyKey,
    appliedAt: result.appliedAt.toISOString(),
    changes: result.changes.map((c) => ({
      playerId: c.playerId,
      type: c.type,
      code: c.code,
      delta: c.delta,
      balanceAfter: c.balanceAfter,
    })),
  };
}

function deserialise(json: unknown): TransactionResult {
  const stored = json as StoredResult;
  return { ...stored, appliedAt: new Date(stored.appliedAt) };
}
