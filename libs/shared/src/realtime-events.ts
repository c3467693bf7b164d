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
  Presence: 'presence',
  Rooms: 'rooms',
  WorldState: 'world_state',
  StateDelta: 'state_delta',
  Checksum: 'checksum',
  PlayerJoined: 'player_joined',
  PlayerLeft: 'player_left',
} as const;
export type ServerEvent = (typeof ServerEvent)[keyof typeof ServerEvent];

export const ClientEvent = {
  Ping: 'ping',
  PresenceUpdate: 'presence_update',
  PresenceGet: 'presence_get',
  ChatSend: 'chat_send',
  ChatHistory: 'chat_history',
  ChatEdit: 'chat_edit',
  ChatDelete: 'chat_delete',
  FriendRequest: 'friend_request',
  FriendAccept: 'friend_accept',
  FriendDecline: 'friend_decline',
  FriendRemove: 'friend_remove',
  FriendBlock: 'friend_block',
  FriendUnblock: 'friend_unblock',
  FriendsList: 'friends_list',
  NotificationsList: 'notifications_list',
  NotificationsRead: 'notifications_read',
  NotificationsDelete: 'notifications_delete',
  LeaderboardSubscribe: 'leaderboard_subscribe',
  LeaderboardUnsubscribe: 'leaderboard_unsubscribe',
  MovePlayer: 'move_player',
  JoinWorld: 'join_world',
  LeaveWorld: 'leave_world',
  Input: 'input',
  RequestState: 'request_state',
} as const;
export type ClientEvent = (typeof ClientEvent)[keyof typeof ClientEvent];

/**
 * Outbound priority on a congested connection: lower goes first. Combat, world state and trades
 * must not wait behind chat; cosmetic updates are the first to be dropped when a queue overflows.
 */
export const EventPriority = { Critical: 0, Normal: 1, Chat: 2, Cosmetic: 3 } as const;
export type EventPriority = (typeof EventPriority)[keyof typeof EventPriority];

/** Every server event's priority (a new event must pick one: the map is exhaustive). */
export const SERVER_EVENT_PRIORITY: Record<ServerEvent, EventPriority> = {
  welcome: EventPriority.Critical,
  error: EventPriority.Critical,
  rooms: EventPriority.Critical,
  match_found: EventPriority.Critical,
  lobby_started: EventPriority.Critical,
  party_updated: EventPriority.Normal,
  party_invite: EventPriority.Normal,
  lobby_updated: EventPriority.Normal,
  friend_update: EventPriority.Normal,
  notification: EventPriority.Normal,
  chat_message: EventPriority.Chat,
  chat_message_updated: EventPriority.Chat,
  chat_message_deleted: EventPriority.Chat,
  presence: EventPriority.Cosmetic,
  leaderboard_updated: EventPriority.Cosmetic,
  world_state: EventPriority.Critical,
  state_delta: EventPriority.Critical,
  checksum: EventPriority.Critical,
  player_joined: EventPriority.Normal,
  player_left: EventPriority.Normal,
};

/** WebSocket close codes (4000–4999 are application-defined); Socket.IO sends the same as `error` before disconnecting. */
export const CloseCode = {
  /** The handshake did not authenticate: the reason is a stable error code. */
  Unauthorized: 4001,
  /** Authenticated, but not allowed (banned player, client key without guest access). */
  Forbidden: 4003,
  /** The session or key was revoked, or the player was banned, while connected. */
  Revoked: 4004,
  /** Kept sending after being told `rate_limited`. */
  Flooding: 4008,
  /** The server is shutting down; reconnect (to another node). */
  GoingAway: 1001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export type PresenceStatus = 'online' | 'away' | 'busy' | 'in_combat' | 'offline';

/** A player's presence as friends and room members see it. */
export interface PresencePayload {
  player_id: string;
  status: PresenceStatus;
  /** Custom status text, e.g. "In a match"; null when none. */
  status_text: string | null;
  /** When the status last changed (ISO 8601). */
  since: string;
}

/** The realtime rooms a connection is in (public names), and what just changed. */
export interface RoomsPayload {
  rooms: string[];
  joined: string[];
  left: string[];
}

/** The first message on every connection. */
export interface WelcomePayload {
  /** Null for a game-server connection (server key without `player_id`). */
  player_id: string | null;
  game_id: string;
  node_id: string;
  connection_id: string;
  /** Pass back on reconnect (with the last `offset` seen) to resume within `resume_grace_ms`. */
  resume_token: string;
  resume_grace_ms: number;
  /** True when this connection resumed an earlier one (its missed messages follow). */
  resumed: boolean;
  /** Messages replayed because they were missed during the drop. */
  missed: number;
  rooms: string[];
  /** Only for a guest player created by this connection (client key, no token): its session. */
  guest_session?: { token: string; refresh_token: string; expires_in: number };
}

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
  [ServerEvent.Welcome]: WelcomePayload;
  [ServerEvent.Presence]: PresencePayload;
  [ServerEvent.WorldState]: WorldMessagePayload;
  [ServerEvent.StateDelta]: WorldMessagePayload;
  [ServerEvent.Checksum]: WorldMessagePayload;
  [ServerEvent.PlayerJoined]: { type: 'player_joined'; player: string };
  [ServerEvent.PlayerLeft]: { type: 'player_left'; player: string };
  [ServerEvent.Rooms]: RoomsPayload;
  [ServerEvent.Error]: ErrorPayload;
  [ServerEvent.LeaderboardUpdated]: LeaderboardUpdatedPayload;
  [ServerEvent.PartyUpdated]: PartyUpdatedPayload;
  [ServerEvent.PartyInvite]: PartyInvitePayload;
  [ServerEvent.LobbyUpdated]: LobbyUpdatedPayload;
  [ServerEvent.LobbyStarted]: LobbyStartedPayload;
}

/**
 * A world message (see docs/realtime-protocol.md, Worlds): JSON as the seed client reads it, or
 * the compact binary encoding (a byte buffer) for clients that joined with `encoding: 'binary'`.
 */
export type WorldMessagePayload = Record<string, unknown> | Uint8Array;

/** An error, as a Socket.IO acknowledgement `{ ok: false, error }` or a `/ws` message `{ type: 'error', ref, … }`. */
export interface ErrorPayload {
  code: string;
  message: string;
  details?: { field?: string; message: string }[];
  /** The `ref` of the /ws message this answers, when it had one. */
  ref?: string | number;
}

// Pub/sub channel names. On the wire each carries the deployment's REDIS_KEY_PREFIX
// (RedisPubSub in @spawnpoint/redis): ioredis prefixes keys, not channels.

/** Pub/sub channel the API publishes on when a session or key must lose its sockets. */
export const REVOCATION_CHANNEL = 'auth:revocations';

export type RevocationMessage = { kind: 'session'; gameId: string; sessionId: string } | { kind: 'api_key'; gameId: string; keyId: string };

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

/** Pub/sub channel waking matchmaking long polls: `{ "ticket_ids": [...] }` whenever tickets leave the queue (matched or expired). */
export const MATCHMAKING_TICKETS_CHANNEL = 'matchmaking:tickets';

/** Pub/sub channel on which the API asks realtime hosts to start or stop a world (`WorldCommand`). */
export const WORLD_COMMANDS_CHANNEL = 'worlds:commands';

export interface LeaderboardConfigMessage {
  gameId: string;
  leaderboardId: string;
}
