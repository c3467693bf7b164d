import { Injectable } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import { EconomyRepository, type LedgerRow, type TransactionResult } from './economy.repository.js';
import { ECONOMY_LIMITS, planTransaction, validateTransaction, type PlannedChange, type TransactionRequest } from './transaction-plan.js';

export interface AppliedTransaction {
  result: TransactionResult;
  /** True when the key had already been applied and `result` is the first outcome, unchanged. */
  replayed: boolean;
}

export interface LedgerPage {
  entries: LedgerRow[];
  next: string | null;
}

// At most 18 digits: always inside Postgres bigint, and ids will never get there.
export const LEDGER_CURSOR_PATTERN = /^[1-9][0-9]{0,17}$/;

/**
 * The server-authoritative wallet and inventory: balances change only through transactions,
 * which apply all their changes or none, exactly once per idempotency key.
 */
@Injectable()
export class EconomyService {
  constructor(
    private readonly economy: EconomyRepository,
    private readonly players: PlayersService,
  ) {}

  /**
   * Applies a transaction for `playerId` (the default player of changes that name none).
   * Rejected transactions are not recorded, so retrying the same key re-evaluates them.
   */
  async apply(gameId: string, playerId: string, request: TransactionRequest): Promise<AppliedTransaction> {
    const invalid = validateTransaction(playerId, request);
    if (invalid.length > 0) throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', invalid);
    const plan = planTransaction(playerId, request.changes);

    // Sorted, like the balance rows, though creating players takes no lock another trade waits on.
    for (const player of plan.players) await this.players.ensureExists(gameId, player);
    const toApply = plan.changes.filter((change) => change.delta !== 0);
    const outcome = await this.economy.apply(gameId, request.idempotencyKey, plan.requestHash, toApply);
    switch (outcome.outcome) {
      case 'applied':
        return { result: outcome.result, replayed: false };
      case 'existing':
        if (outcome.requestHash !== plan.requestHash) {
          throw new AppError(
            ErrorCode.IdempotencyKeyReused,
            `The idempotency key ${request.idempotencyKey} was already used for a different request`,
            [{ field: 'idempotency_key', message: 'send a new key for a new transaction, or the identical body to get the first result' }],
          );
        }
        return { result: outcome.result, replayed: true };
      case 'insufficient': {
        const change = toApply[outcome.index]!;
        throw new AppError(ErrorCode.InsufficientBalance, `${describe(change)} cannot go below zero; nothing was applied`, [
          {
            field: sourceField(change),
            message: `${change.playerId} holds ${outcome.balance} and ${netOf(change)} needs ${-change.delta}`,
          },
        ]);
      }
      case 'overflow': {
        const change = toApply[outcome.index]!;
        throw new AppError(ErrorCode.Conflict, `${describe(change)} would exceed ${ECONOMY_LIMITS.balanceMax}; nothing was applied`, [
          {
            field: sourceField(change),
            message: `${change.playerId} holds ${outcome.balance}; adding ${change.delta} (${netOf(change)}) passes the maximum balance`,
          },
        ]);
      }
    }
  }

  async wallet(principal: GamePrincipal, playerId: string): Promise<Record<string, number>> {
    await this.requireReadable(principal, playerId);
    const balances = await this.economy.balances(principal.gameId, playerId);
    return Object.fromEntries(balances.map((b) => [b.currency, b.amount]));
  }

  async inventory(principal: GamePrincipal, playerId: string): Promise<{ itemId: string; quantity: number }[]> {
    await this.requireReadable(principal, playerId);
    return this.economy.stacks(principal.gameId, playerId);
  }

  async ledger(principal: GamePrincipal, playerId: string, options: { cursor?: string; limit: number }): Promise<LedgerPage> {
    if (options.cursor !== undefined && !LEDGER_CURSOR_PATTERN.test(options.cursor)) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'cursor', message: 'cursor must be a next_cursor from a previous page' },
      ]);
    }
    await this.requireReadable(principal, playerId);
    const before = options.cursor === undefined ? undefined : BigInt(options.cursor);
    const rows = await this.economy.ledger(principal.gameId, playerId, { before, limit: options.limit + 1 });
    const entries = rows.slice(0, options.limit);
    return { entries, next: rows.length > options.limit ? entries[entries.length - 1]!.id.toString() : null };
  }

  /** Server key: any player of the game; session: only itself (others 404); client key: 403. */
  private async requireReadable(principal: GamePrincipal, playerId: string): Promise<void> {
    this.players.assertCanActFor(principal, playerId);
    // An unknown id (including another game's) is 404, not an empty wallet.
    await this.players.get(principal.gameId, playerId);
  }
}

function describe(change: PlannedChange): string {
  return `${change.type === 'currency' ? 'Currency' : 'Item'} ${change.code} of player ${change.playerId}`;
}

function netOf(change: PlannedChange): string {
  return change.sources.length === 1 ? `change ${change.sources[0]}` : `the net of changes ${change.sources.join(', ')}`;
}

/** The request field to blame: the first change merged into the failing net change. */
function sourceField(change: PlannedChange): string {
  return `changes.${change.sources[0]}`;
}
