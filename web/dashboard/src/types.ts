/**
 * Shapes of the API answers the dashboard reads, as in openapi/openapi.json (only the fields it
 * uses). Endpoints marked "new" in docs/dashboard.md may be missing on an older server.
 */

export interface Developer {
  id: string;
  email: string;
  name: string;
}

export interface Game {
  id: string;
  name: string;
  session_ttl_seconds: number;
  refresh_ttl_seconds: number;
  created_at: string;
}

export type KeyKind = 'server' | 'client';

export interface ApiKey {
  id: string;
  name: string;
  kind: KeyKind;
  prefix: string;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface Player {
  id: string;
  username: string | null;
  display_name: string | null;
  email: string | null;
  anonymous: boolean;
  banned: boolean;
  created_at: string;
  last_seen_at: string | null;
}

export interface PlayerSession {
  id: string;
  created_at: string;
  refreshed_at: string | null;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
}

export interface StorageObject {
  collection: string;
  key: string;
  player_id: string;
  value: Record<string, unknown>;
  version: number;
  read: 'none' | 'owner' | 'public';
  write: 'none' | 'owner';
  created_at: string;
  updated_at: string;
}

export interface LedgerEntry {
  id: string;
  transaction_id: string;
  type: 'currency' | 'item';
  currency?: string;
  item_id?: string;
  delta: number;
  balance_after: number;
  created_at: string;
}

export interface InventoryItem {
  item_id: string;
  quantity: number;
}

export type SortOrder = 'desc' | 'asc';
export type Operator = 'best' | 'set' | 'increment' | 'decrement';

export interface Leaderboard {
  id: string;
  sort_order: SortOrder;
  operator: Operator;
  reset_schedule: string | null;
  authoritative: boolean;
  season: number;
  season_started_at: string;
  next_reset_at: string | null;
}

export interface LeaderboardEntry {
  rank: number;
  player_id: string;
  score: number;
  subscore: number;
}

/** `GET /leaderboards/{id}/seasons` (new): the current season, then the archived ones. */
export interface Season {
  season: number;
  current: boolean;
  started_at: string;
  ended_at: string | null;
  /** Players with a score in that season. */
  entries: number;
}

export interface Lobby {
  lobby_id: string;
  code: string | null;
  name: string;
  game_mode: string;
  max_players: number;
  private: boolean;
  locked: boolean;
  status: string;
  players: unknown[];
  created_at: string;
}

export interface ModeStats {
  game_mode: string;
  queued: number;
  wait_p50_ms: number | null;
  wait_p95_ms: number | null;
  matches_last_hour: number;
}

export interface RecentMatch {
  match_id: string;
  game_mode: string;
  region: string;
  players: string[];
  world_id: string | null;
  created_at: string;
}

export interface World {
  name: string;
  players: number;
  max_players: number;
  tick: number;
  entities: number;
  avg_tick_us: number;
  p99_tick_us: number;
  overruns: number;
  tick_rate: number;
  world_size: number;
  module: string;
  status: 'running' | 'starting';
}

export interface WorldEntity {
  id: number | string;
  x: number;
  y: number;
  kind: string;
  player_id: string | null;
}

export interface WorldEntities {
  tick: number;
  world_size: number;
  entities: WorldEntity[];
  /** More than the server sends at once: `entities` holds `total` minus the rest. */
  truncated: boolean;
  total: number;
}

export interface ChatChannel {
  channel: string;
  messages: number;
  last_message_at: string | null;
}

export interface ChatMessage {
  id: string;
  channel: string;
  sender_id: string | null;
  kind: 'chat' | 'system';
  content: string | null;
  deleted: boolean;
  created_at: string;
}

export interface ChatMute {
  player_id: string;
  until: string | null;
  reason: string | null;
  created_at: string;
}

export interface UsagePoint {
  at: string;
  requests: number;
  client_errors: number;
  server_errors: number;
  connected_players: number;
}
