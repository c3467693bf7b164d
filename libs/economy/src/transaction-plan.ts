import { createHash } from 'node:crypto';
import type { ErrorDetail } from '@spawnpoint/shared';

// Pure rules of an economy transaction: bounds, netting duplicates, lock order and the request
// hash that idempotency compares. No I/O, so they are unit-tested on their own.

export const ECONOMY_LIMITS = {
  idempotencyKeyMax: 128,
  changesMax: 50,
  playersMax: 10,
  /** Largest |delta| of one change. */
  deltaMax: 1_000_000_000_000,
  /** Balances are BigInt in Postgres but JSON numbers on the wire, so they stay exact doubles. */
  balanceMax: Number.MAX_SAFE_INTEGER,
} as const;

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Currency and item ids. */
export const ECONOMY_CODE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export type ChangeType = 'currency' | 'item';
export const CHANGE_TYPES: readonly ChangeType[] = ['currency', 'item'];

/** One requested change; `code` is the currency or the item id, `playerId` defaults to the path player. */
export interface ChangeRequest {
  type: ChangeType;
  code: string;
  delta: number;
  playerId?: string;
}

export interface TransactionRequest {
  idempotencyKey: string;
  changes: ChangeRequest[];
}

/** A net change to one balance or stack, with the indexes of the requested changes it merges. */
export interface PlannedChange {
  playerId: string;
  type: ChangeType;
  code: string;
  delta: number;
  sources: number[];
}

export interface TransactionPlan {
  /** Sorted by (player, type, code): every transaction takes row locks in this one order. */
  changes: PlannedChange[];
  /** Distinct players, sorted. */
  players: string[];
  /** SHA-256 of the canonical request; the same key with another hash is a reused key. */
  requestHash: string;
}

/**
 * Checks the bounds the HTTP layer also checks, so the domain stays safe for any caller, plus the
 * rule only the whole request can tell (at most `playersMax` distinct players). Field paths use
 * the public JSON names (`changes.2.delta`).
 */
export function validateTransaction(defaultPlayerId: string, request: TransactionRequest): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (typeof request.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(request.idempotencyKey)) {
    details.push({ field: 'idempotency_key', message: 'idempotency_key must be 1-128 letters, digits, _ . : or -' });
  }
  const changes = Array.isArray(request.changes) ? request.changes : [];
  if (changes.length < 1 || changes.length > ECONOMY_LIMITS.changesMax) {
    details.push({ field: 'changes', message: `changes must hold 1-${ECONOMY_LIMITS.changesMax} changes` });
  }
  changes.forEach((change, index) => {
    const at = `changes.${index}`;
    if (!CHANGE_TYPES.includes(change.type)) details.push({ field: `${at}.type`, message: `${at}.type must be currency or item` });
    if (typeof change.code !== 'string' || !ECONOMY_CODE_PATTERN.test(change.code)) {
      const name = change.type === 'item' ? 'item_id' : 'currency';
      details.push({ field: `${at}.${name}`, message: `${at}.${name} must be 1-64 letters, digits, _ . or -` });
    }
    if (!isValidDelta(change.delta)) {
      details.push({
        field: `${at}.delta`,
        message: `${at}.delta must be a non-zero integer between -${ECONOMY_LIMITS.deltaMax} and ${ECONOMY_LIMITS.deltaMax}`,
      });
    }
  });
  const players = new Set(changes.map((change) => change.playerId ?? defaultPlayerId));
  if (players.size > ECONOMY_LIMITS.playersMax) {
    details.push({
      field: 'changes',
      message: `a transaction may change at most ${ECONOMY_LIMITS.playersMax} players (this one names ${players.size})`,
    });
  }
  return details;
}

export function isValidDelta(delta: unknown): delta is number {
  return typeof delta === 'number' && Number.isSafeInteger(delta) && delta !== 0 && Math.abs(delta) <= ECONOMY_LIMITS.deltaMax;
}

/**
 * Nets the changes per (player, type, code) and sorts them, so two concurrent trades touching the
 * same rows lock them in the same order and cannot deadlock. A net of zero is kept here (it is part
 * of the request, hence of its hash); the service skips it when applying.
 */
export function planTransaction(defaultPlayerId: string, changes: ChangeRequest[]): TransactionPlan {
  const merged = new Map<string, PlannedChange>();
  changes.forEach((change, index) => {
    const playerId = change.playerId ?? defaultPlayerId;
    // NUL cannot occur in player ids or codes, so the key is unambiguous.
    const key = [playerId, change.type, change.code].join('\u0000');
    const existing = merged.get(key);
    if (existing) {
      existing.delta += change.delta;
      existing.sources.push(index);
    } else {
      merged.set(key, { playerId, type: change.type, code: change.code, delta: change.delta, sources: [index] });
    }
  });
  const sorted = [...merged.values()].sort(compareChanges);
  const players = [...new Set(sorted.map((change) => change.playerId))].sort(compareStrings);
  return { changes: sorted, players, requestHash: requestHash(defaultPlayerId, sorted) };
}

/** Code-unit order, identical in every process (unlike localeCompare). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareChanges(
  a: Pick<PlannedChange, 'playerId' | 'type' | 'code'>,
  b: Pick<PlannedChange, 'playerId' | 'type' | 'code'>,
): number {
  return compareStrings(a.playerId, b.playerId) || compareStrings(a.type, b.type) || compareStrings(a.code, b.code);
}

/**
 * The canonical request is the path player and the netted, sorted changes: two bodies that differ
 * only in field order, change order or how a delta is split are the same request.
 */
function requestHash(defaultPlayerId: string, changes: PlannedChange[]): string {
  const canonical = JSON.stringify({ player_id: defaultPlayerId, changes: changes.map((c) => [c.playerId, c.type, c.code, c.delta]) });
  return createHash('sha256').update(canonical).digest('hex');
}
