import { Injectable } from '@nestjs/common';
import {
  decodeFriendCursor,
  decodeNotificationCursor,
  FRIEND_STATES,
  FRIENDS_PAGE_MAX,
  friendPageView,
  friendView,
  FriendsService,
  NOTIFICATIONS_PAGE_MAX,
  notificationPageView,
  NotificationsService,
  PresenceService,
  type FriendState,
} from '@spawnpoint/social';
import { ClientEvent } from '@spawnpoint/shared';
import type { Connection } from '../connections/connection.js';
import { handler, type RealtimeHandlerSet } from '../dispatcher/realtime-handler.js';
import { array, boolean, number, object, oneOf, optional, string } from '../protocol/schema.js';
import { actingId } from './acting.js';

const PLAYER_ID = string({ max: 128, pattern: /^[A-Za-z0-9_.:@-]{1,128}$/ });
const OTHER = object<{ player_id: string }>({ player_id: PLAYER_ID });

/** Friends (with presence) and notifications over the socket: the same services as over REST. */
@Injectable()
export class SocialHandlers implements RealtimeHandlerSet {
  constructor(
    private readonly friends: FriendsService,
    private readonly notifications: NotificationsService,
    private readonly presence: PresenceService,
  ) {}

  handlers() {
    const act = (connection: Connection) => [connection.identity.principal, actingId(connection)] as const;
    return [
      handler({
        event: ClientEvent.FriendRequest,
        audience: 'player',
        schema: OTHER,
        handle: async (connection, { player_id }) => friendView(await this.friends.add(...act(connection), player_id)),
      }),
      handler({
        event: ClientEvent.FriendAccept,
        audience: 'player',
        schema: OTHER,
        handle: async (connection, { player_id }) => friendView(await this.friends.accept(...act(connection), player_id)),
      }),
      handler({
        event: ClientEvent.FriendDecline,
        audience: 'player',
        schema: OTHER,
        handle: async (connection, { player_id }) => {
          await this.friends.decline(...act(connection), player_id);
          return { player_id, state: null };
        },
      }),
      handler({
        event: ClientEvent.FriendRemove,
        audience: 'player',
        schema: OTHER,
        handle: async (connection, { player_id }) => {
          await this.friends.remove(...act(connection), player_id);
          return { player_id, state: null };
        },
      }),
      handler({
        event: ClientEvent.FriendBlock,
        audience: 'player',
        schema: OTHER,
        handle: async (connection, { player_id }) => friendView(await this.friends.block(...act(connection), player_id)),
      }),
      handler({
        event: ClientEvent.FriendUnblock,
        audience: 'player',
        schema: OTHER,
        handle: async (connection, { player_id }) => {
          await this.friends.unblock(...act(connection), player_id);
          return { player_id, state: null };
        },
      }),
      handler({
        event: ClientEvent.FriendsList,
        audience: 'player',
        schema: object<{ state?: FriendState; cursor?: string; limit?: number }>({
          state: optional(oneOf(FRIEND_STATES)),
          cursor: optional(string({ max: 200 })),
          limit: optional(number({ min: 1, max: FRIENDS_PAGE_MAX, integer: true })),
        }),
        handle: async (connection, payload) => {
          const page = friendPageView(
            await this.friends.list(...act(connection), {
              state: payload.state,
              limit: payload.limit,
              after: decodeFriendCursor(payload.cursor),
            }),
          );
          const presences = await this.presence.get(
            connection.identity.gameId,
            page.friends.map((f) => f.player_id),
          );
          return { ...page, friends: page.friends.map((f, index) => ({ ...f, presence: presences[index] })) };
        },
      }),
      handler({
        event: ClientEvent.NotificationsList,
        audience: 'player',
        schema: object<{ unread?: boolean; cursor?: string; limit?: number }>({
          unread: optional(boolean()),
          cursor: optional(string({ max: 200 })),
          limit: optional(number({ min: 1, max: NOTIFICATIONS_PAGE_MAX, integer: true })),
        }),
        handle: async (connection, payload) =>
          notificationPageView(
            await this.notifications.list(...act(connection), {
              unreadOnly: payload.unread,
              limit: payload.limit,
              before: decodeNotificationCursor(payload.cursor),
            }),
          ),
      }),
      handler({
        event: ClientEvent.NotificationsRead,
        audience: 'player',
        schema: object<{ ids: string[] }>({ ids: array(string({ max: 36, pattern: /^[0-9a-f-]{36}$/ }), { min: 1, max: 100 }) }),
        handle: async (connection, { ids }) => {
          await this.notifications.markRead(...act(connection), ids);
          return { read: ids.length };
        },
      }),
      handler({
        event: ClientEvent.NotificationsDelete,
        audience: 'player',
        schema: object<{ id: string }>({ id: string({ max: 36, pattern: /^[0-9a-f-]{36}$/ }) }),
        handle: async (connection, { id }) => {
          await this.notifications.delete(...act(connection), id);
          return { deleted: id };
        },
      }),
    ];
  }
}
