// The wire shapes of friends and notifications, shared by the REST DTOs and the realtime handlers,
// and the opaque cursors both hand out.
import { AppError, ErrorCode } from '@spawnpoint/shared';
import type { FriendState } from './friend-rules.js';
import type { FriendRecord } from './friends.repository.js';
import type { FriendPage } from './friends.service.js';
import type { NotificationPosition, NotificationRecord } from './notifications.repository.js';
import type { NotificationPage } from './notifications.service.js';

const PLAYER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const NOTIFICATION_CURSOR = /^(\d{1,15})\.([0-9a-f-]{36})$/;

export interface FriendView {
  player_id: string;
  username: string | null;
  display_name: string | null;
  state: FriendState;
  updated_at: string;
}

export interface NotificationView {
  id: string;
  subject: string;
  content: Record<string, unknown>;
  code: number;
  sender_id: string | null;
  read_at: string | null;
  created_at: string;
}

export function friendView(f: FriendRecord): FriendView {
  return { player_id: f.otherId, username: f.username, display_name: f.displayName, state: f.state, updated_at: f.updatedAt.toISOString() };
}

export function friendPageView(page: FriendPage): { friends: FriendView[]; next_cursor: string | null } {
  return {
    friends: page.friends.map(friendView),
    next_cursor: page.next === null ? null : Buffer.from(page.next, 'utf8').toString('base64url'),
  };
}

/** The other id a friends cursor continues after; validation_failed when it is not one we issued. */
export function decodeFriendCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!PLAYER_ID.test(id) || Buffer.from(id, 'utf8').toString('base64url') !== cursor) throw invalidCursor();
  return id;
}

export function notificationView(n: NotificationRecord): NotificationView {
  return {
    id: n.id,
    subject: n.subject,
    content: n.content,
    code: n.code,
    sender_id: n.senderId,
    read_at: n.readAt?.toISOString() ?? null,
    created_at: n.createdAt.toISOString(),
  };
}

export function notificationPageView(page: NotificationPage): { notifications: NotificationView[]; next_cursor: string | null } {
  return {
    notifications: page.notifications.map(notificationView),
    next_cursor: page.next === null ? null : Buffer.from(`${page.next.createdAt.getTime()}.${page.next.id}`, 'utf8').toString('base64url'),
  };
}

/** Where a notifications cursor continues; validation_failed when it is not one we issued. */
export function decodeNotificationCursor(cursor: string | undefined): NotificationPosition | undefined {
  if (cursor === undefined) return undefined;
  const match = NOTIFICATION_CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalidCursor();
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

function invalidCursor(): AppError {
  return new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
    { field: 'cursor', message: 'cursor is not a valid cursor' },
  ]);
}
