// Realtime event names, in both directions, for every transport (Socket.IO event name = `type`).
// Later issues add to these maps; nothing else spells an event name as a literal.

export const ServerEvent = {
  Welcome: 'welcome',
  Error: 'error',
  LeaderboardUpdated: 'leaderboard_updated',
  PartyUpdated: 'party_updated',
  PartyInvite: 'party_invite',
  LobbyUpdated: 'lobby_updated',
  LobbyStarted: 'lobby_started',
  MatchFound: 'match_found',
  ChatMessage: 'chat_message',
  ChatMessageUpdated: 'chat_message_updated',
  ChatMessageDeleted: 'chat_message_deleted',
  FriendUpdate: 'friend_update',
  Notification: 'notification',
} as const;
export type ServerEvent = (typeof ServerEvent)[keyof typeof ServerEvent];

export const ClientEvent = {
  Ping: 'ping',
} as const;
export type ClientEvent = (typeof ClientEvent)[keyof typeof ClientEvent];

/** A player's leaderboard score changed (1-based rank at the moment of the change). */
export interface LeaderboardUpdatedPayload {
  game_id: string;
  leaderboard_id: string;
  season: number;
  player_id: string;
  score: number;
  rank: number;
}

/** A party as its members see it (the body of `GET /parties/:partyId`). */
export interface PartyPayload {
  party_id: string;
  leader_id: string;
  max_size: number;
  created_at: string;
  /** Longest-present first. */
  members: { player_id: string; name: string | null; joined_at: string }[];
  /** Pending (unexpired) invites, oldest first. */
  invites: { player_id: string; invited_by: string; created_at: string; expires_at: string }[];
}

export type PartyChangeType = 'created' | 'invited' | 'invite_declined' | 'joined' | 'left' | 'kicked' | 'leader_changed' | 'disbanded';

/** A party changed: sent to every member and to the player who left or was kicked. `party` is null once disbanded. */
export interface PartyUpdatedPayload {
  game_id: string;
  party_id: string;
  /** What happened, to whom (`player_id`), and by whose action (`actor_id`, null for a server key). */
  change: { type: PartyChangeType; player_id: string; actor_id: string | null };
  party: PartyPayload | null;
}

/** A player was invited into a party. */
export interface PartyInvitePayload {
  game_id: string;
  party_id: string;
  leader_id: string;
  invited_by: string;
  member_count: number;
  max_size: number;
  expires_at: string;
}

/** A lobby as its members see it (the body of `GET /lobbies/:lobbyId`). */
export interface LobbyPayload {
  lobby_id: string;
  /** Null once the lobby started or closed (the code is free for another lobby). */
  code: string | null;
  name: string;
  game_mode: string;
  max_players: number;
  private: boolean;
  locked: boolean;
  status: 'open' | 'started' | 'closed';
  /** Null for a lobby owned by the game server. */
  leader_id: string | null;
  world_id: string | null;
  created_at: string;
  /** Longest-present first. */
  players: { id: string; name: string; ready: boolean }[];
}

export type LobbyChangeType = 'joined' | 'left' | 'kicked' | 'ready' | 'leader_changed' | 'locked' | 'unlocked' | 'closed';

/** A lobby changed: its state after the change, and what changed (`player_ids` = who it concerns). */
export interface LobbyUpdatedPayload {
  lobby: LobbyPayload;
  change: { type: LobbyChangeType; player_ids: string[] };
}

/** A lobby started: every member's seat in the world (`server` = where to connect). */
export interface LobbyStartedPayload {
  lobby_id: string;
  world_id: string;
  server: string;
  players: { id: string; name: string }[];
}

/** A match was formed for the player: where to go and who plays (teams of player ids). */
export interface MatchFoundPayload {
  match_id: string;
  world_id: string;
  game_mode: string;
  region: string;
  players: string[];
  teams: string[][];
  /** host:port the players connect to. */
  server: string;
}

/** A player's relationship with another changed, as the recipient sees it (`state` null = no row any more). */
export interface FriendUpdatePayload {
  game_id: string;
  other_id: string;
  state: 'friend' | 'invite_sent' | 'invite_received' | 'blocked' | null;
}

/** A persistent notification for the recipient (also listed by `GET /notifications`). */
export interface NotificationPayload {
  id: string;
  subject: string;
  content: Record<string, unknown>;
  code: number;
  sender_id: string | null;
  created_at: string;
}

/** A chat message as the REST API returns it (`content` and `data` are null once deleted). */
export interface ChatMessagePayload {
  /** Decimal string: ids are 64-bit and grow with time. */
  id: string;
  channel: string;
  /** Null for a system notification. */
  sender_id: string | null;
  kind: 'chat' | 'system';
  content: string | null;
  data: Record<string, unknown> | null;
  deleted: boolean;
  created_at: string;
  edited_at: string | null;
}

export interface ServerEventPayloads {
  [ServerEvent.ChatMessage]: ChatMessagePayload;
  [ServerEvent.ChatMessageUpdated]: ChatMessagePayload;
  [ServerEvent.ChatMessageDeleted]: ChatMessagePayload;
  [ServerEvent.FriendUpdate]: FriendUpdatePayload;
  [ServerEvent.Notification]: NotificationPayload;
  [ServerEvent.MatchFound]: MatchFoundPayload;
  [ServerEvent.Welcome]: { player_id: string | null; game_id: string; node_id: string };
  [ServerEvent.Error]: { code: string; message: string };
  [ServerEvent.LeaderboardUpdated]: LeaderboardUpdatedPayload;
  [ServerEvent.PartyUpdated]: PartyUpdatedPayload;
  [ServerEvent.PartyInvite]: PartyInvitePayload;
  [ServerEvent.LobbyUpdated]: LobbyUpdatedPayload;
  [ServerEvent.LobbyStarted]: LobbyStartedPayload;
}

/** Pub/sub channel the API publishes on when a session or key must lose its sockets. */
export const REVOCATION_CHANNEL = 'auth:revocations';

export type RevocationMessage =
  | { kind: 'session'; gameId: string; sessionId: string }
  | { kind: 'api_key'; gameId: string; keyId: string };

/**
 * Pub/sub channel of leaderboard score changes: one `LeaderboardUpdatedPayload` (JSON) per change,
 * published by whichever process wrote the score; the realtime role relays it as
 * `ServerEvent.LeaderboardUpdated` to the game's subscribed sockets.
 */
export const LEADERBOARD_UPDATES_CHANNEL = 'leaderboards:updates';

/**
 * Pub/sub channel telling every process to drop its cached configuration of one leaderboard
 * (after a PUT or a season reset). Payload: `LeaderboardConfigMessage` (JSON).
 */
export const LEADERBOARD_CONFIG_CHANNEL = 'leaderboards:config';

export interface LeaderboardConfigMessage {
  gameId: string;
  leaderboardId: string;
}
