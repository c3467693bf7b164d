// The leaderboards domain's own types: no Prisma type leaves the repository.

export const SORT_ORDERS = ['desc', 'asc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const OPERATORS = ['best', 'set', 'increment', 'decrement'] as const;
export type Operator = (typeof OPERATORS)[number];

/** Leaderboard ids: safe in URLs, logs and Redis key hash tags (no braces). */
export const LEADERBOARD_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Scores and subscores are 64-bit integers in Postgres, but JSON numbers are exact only up to
 * 2^53 - 1, so the API accepts and returns that range and increments saturate at its bounds.
 */
export const SCORE_MAX = Number.MAX_SAFE_INTEGER;
export const SCORE_MIN = -Number.MAX_SAFE_INTEGER;

/** Largest record metadata, as UTF-8 JSON. */
export const RECORD_METADATA_MAX_BYTES = 2048;
/** Largest leaderboard metadata, as UTF-8 JSON. */
export const LEADERBOARD_METADATA_MAX_BYTES = 16_384;

export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1000;

export type JsonObject = Record<string, unknown>;

export interface LeaderboardConfig {
  gameId: string;
  id: string;
  sortOrder: SortOrder;
  operator: Operator;
  resetSchedule: string | null;
  authoritative: boolean;
  metadata: JsonObject;
  season: number;
  seasonStartedAt: Date;
  nextResetAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConfigChanges {
  sortOrder?: SortOrder;
  operator?: Operator;
  /** null: never resets. */
  resetSchedule?: string | null;
  authoritative?: boolean;
  metadata?: JsonObject;
}

/** A score as submitted: the value for best/set, the amount for increment/decrement. */
export interface ScoreSubmission {
  playerId: string;
  score: number;
  subscore?: number;
  metadata?: JsonObject;
}

/** A player's record as stored, after the leaderboard's operator was applied. */
export interface StoredRecord {
  gameId: string;
  leaderboardId: string;
  season: number;
  sortOrder: SortOrder;
  playerId: string;
  score: bigint;
  subscore: bigint;
  metadata: JsonObject | null;
  /** How many submissions made this record; it only grows, so it versions the record. */
  submissions: number;
  reachedAt: Date;
  /** reached_at to the microsecond (Postgres precision), for exact tie-breaks. */
  reachedAtMicros: bigint;
  /** This submission created the record or changed its score or subscore. */
  changed: boolean;
}

export interface RecordView {
  leaderboardId: string;
  season: number;
  playerId: string;
  score: number;
  subscore: number;
  metadata: JsonObject | null;
  submissions: number;
  reachedAt: Date;
  rank: number;
}

export interface RankedEntry {
  rank: number;
  playerId: string;
  score: number;
  subscore: number;
  metadata: JsonObject | null;
}

export interface LeaderboardPage {
  leaderboardId: string;
  season: number;
  entries: RankedEntry[];
  nextCursor: string | null;
}

export interface PlayerRank {
  playerId: string;
  season: number;
  score: number;
  subscore: number;
  rank: number;
}

/** One season of a leaderboard: the current one, or an archived one. */
export interface SeasonView {
  season: number;
  current: boolean;
  startedAt: Date;
  /** Null for the current season. */
  endedAt: Date | null;
  /** Players with a record in that season. */
  entries: number;
}

export interface PageQuery {
  limit: number;
  cursor?: string;
  around?: string;
  season?: number;
}
