// The realtime protocol as the SDK types it (docs/realtime-protocol.md). Event names come from the
// shared registry, payload types from it where the server defines them; requests and their
// acknowledgements are described here, from the client's side.
import {
  ClientEvent,
  ServerEvent,
  type ChatMessagePayload,
  type ErrorPayload,
  type FriendUpdatePayload,
  type LeaderboardUpdatedPayload,
  type LobbyStartedPayload,
  type LobbyUpdatedPayload,
  type MatchFoundPayload,
  type NotificationPayload,
  type PartyInvitePayload,
  type PartyUpdatedPayload,
  type PresencePayload,
  type PresenceStatus,
  type RoomsPayload,
  type WelcomePayload,
} from '../../../shared/src/realtime-events.js';
import type { ChecksumJson, StateDeltaJson, WorldStateJson } from '../../../worlds/src/engine/codec.js';

export { ClientEvent, ServerEvent };
export type {
  ChatMessagePayload,
  ErrorPayload,
  FriendUpdatePayload,
  LeaderboardUpdatedPayload,
  LobbyStartedPayload,
  LobbyUpdatedPayload,
  MatchFoundPayload,
  NotificationPayload,
  PartyInvitePayload,
  PartyUpdatedPayload,
  PresencePayload,
  PresenceStatus,
  RoomsPayload,
  WelcomePayload,
};

export type FriendState = 'friend' | 'invite_sent' | 'invite_received' | 'blocked';
export interface FriendPayload {
  player_id: string;
  username: string | null;
  display_name: string | null;
  state: FriendState;
  updated_at: string;
}
export interface NotificationEntry extends NotificationPayload {
  read_at: string | null;
}
export type WorldEncoding = 'json' | 'binary';

/** The `join_world` acknowledgement: the player's own entity and the world's rates and sizes. */
export interface JoinWorldAck {
  world_id: string;
  player_id: string;
  entity: number;
  tick_rate: number;
  snapshot_rate: number;
  world_size: number;
  aoi_radius: number;
  encoding: WorldEncoding;
}

export interface InputPayload {
  /** −1…1 per axis (longer vectors are scaled down to length 1 by the server). */
  move_x: number;
  move_y: number;
  /** 0–255, module-defined (arena: 1 = attack). */
  action?: number;
  timestamp?: number;
  /** Increasing per player; the server reports the last one applied in every snapshot. */
  seq?: number;
}

type Empty = Record<string, never>;

/** Every client request: its payload and its acknowledgement's `data`. */
export interface ClientRequests {
  [ClientEvent.Ping]: { payload: { timestamp?: number }; ack: { timestamp: number | null; server_time: number } };
  [ClientEvent.PresenceUpdate]: {
    payload: { status: Exclude<PresenceStatus, 'offline'>; status_text?: string };
    ack: PresencePayload;
  };
  [ClientEvent.PresenceGet]: { payload: { player_ids: string[] }; ack: { presences: PresencePayload[] } };
  [ClientEvent.LeaderboardSubscribe]: { payload: { leaderboard_id: string }; ack: { rooms: string[] } };
  [ClientEvent.LeaderboardUnsubscribe]: { payload: { leaderboard_id: string }; ack: { rooms: string[] } };
  [ClientEvent.MovePlayer]: {
    payload: { player_id: string; world_id?: string; sector?: string; team?: string };
    ack: { player_id: string; joined: number; left: number };
  };
  [ClientEvent.ChatSend]: { payload: { channel: string; content: string; data?: Record<string, unknown> }; ack: ChatMessagePayload };
  [ClientEvent.ChatHistory]: {
    payload: { channel: string; before?: string; limit?: number };
    ack: { messages: ChatMessagePayload[]; next: string | null };
  };
  [ClientEvent.ChatEdit]: { payload: { message_id: string; content: string }; ack: ChatMessagePayload };
  [ClientEvent.ChatDelete]: { payload: { message_id: string }; ack: { deleted: string } };
  [ClientEvent.FriendRequest]: { payload: { player_id: string }; ack: FriendPayload };
  [ClientEvent.FriendAccept]: { payload: { player_id: string }; ack: FriendPayload };
  [ClientEvent.FriendDecline]: { payload: { player_id: string }; ack: { player_id: string; state: null } };
  [ClientEvent.FriendRemove]: { payload: { player_id: string }; ack: { player_id: string; state: null } };
  [ClientEvent.FriendBlock]: { payload: { player_id: string }; ack: FriendPayload };
  [ClientEvent.FriendUnblock]: { payload: { player_id: string }; ack: { player_id: string; state: null } };
  [ClientEvent.FriendsList]: {
    payload: { state?: FriendState; cursor?: string; limit?: number };
    ack: { friends: (FriendPayload & { presence: PresencePayload })[]; next_cursor: string | null };
  };
  [ClientEvent.NotificationsList]: {
    payload: { unread?: boolean; cursor?: string; limit?: number };
    ack: { notifications: NotificationEntry[]; next_cursor: string | null };
  };
  [ClientEvent.NotificationsRead]: { payload: { ids: string[] }; ack: { read: number } };
  [ClientEvent.NotificationsDelete]: { payload: { id: string }; ack: { deleted: string } };
  [ClientEvent.JoinWorld]: { payload: { world_id: string; encoding?: WorldEncoding }; ack: JoinWorldAck };
  [ClientEvent.LeaveWorld]: { payload: Empty; ack: { world_id: string | null } };
  [ClientEvent.Input]: { payload: InputPayload; ack: null };
  [ClientEvent.RequestState]: { payload: Empty; ack: { requested: boolean } };
}

/** A world message as it arrives: JSON, or the bytes of the binary encoding. */
export type WorldWireMessage = WorldStateJson | StateDeltaJson | ChecksumJson | Uint8Array;

/** Every server push and its payload. Module events (arena `entity_died`, …) come under their own names: see `onAny`. */
export interface ServerEvents {
  [ServerEvent.Welcome]: WelcomePayload;
  [ServerEvent.Error]: ErrorPayload & { close_code?: number };
  [ServerEvent.Rooms]: RoomsPayload;
  [ServerEvent.LeaderboardUpdated]: LeaderboardUpdatedPayload;
  [ServerEvent.PartyUpdated]: PartyUpdatedPayload;
  [ServerEvent.PartyInvite]: PartyInvitePayload;
  [ServerEvent.LobbyUpdated]: LobbyUpdatedPayload;
  [ServerEvent.LobbyStarted]: LobbyStartedPayload;
  [ServerEvent.MatchFound]: MatchFoundPayload;
  [ServerEvent.ChatMessage]: ChatMessagePayload;
  [ServerEvent.ChatMessageUpdated]: ChatMessagePayload;
  [ServerEvent.ChatMessageDeleted]: ChatMessagePayload;
  [ServerEvent.FriendUpdate]: FriendUpdatePayload;
  [ServerEvent.Notification]: NotificationPayload;
  [ServerEvent.Presence]: PresencePayload;
  [ServerEvent.WorldState]: WorldWireMessage;
  [ServerEvent.StateDelta]: WorldWireMessage;
  [ServerEvent.Checksum]: WorldWireMessage;
  [ServerEvent.PlayerJoined]: { type: 'player_joined'; player: string };
  [ServerEvent.PlayerLeft]: { type: 'player_left'; player: string };
}

// Compile-time checks: an event added to the shared registry fails the build until it is typed here.
type Covers<Events extends string, Map extends Record<Events, unknown>> = Map;
type _ClientEventsCovered = Covers<ClientEvent, ClientRequests>;
type _ServerEventsCovered = Covers<ServerEvent, ServerEvents>;
