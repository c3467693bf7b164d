// The friendship state machine, kept pure so every rule is unit-tested without a database.
// A relationship is two one-sided rows: `mine` (me → other, as I see it) and `theirs` (other → me).

export const FRIEND_STATES = ['friend', 'invite_sent', 'invite_received', 'blocked'] as const;
export type FriendState = (typeof FRIEND_STATES)[number];

export type FriendAction = 'add' | 'accept' | 'decline' | 'remove' | 'block' | 'unblock';

/** Both rows of a pair; null = no row. */
export interface FriendPair {
  mine: FriendState | null;
  theirs: FriendState | null;
}

/** Why an action is refused; the service maps these to HTTP errors. */
export type FriendRuleError = 'blocked' | 'no_invite' | 'not_related' | 'not_blocked';

export type FriendTransition = { ok: true; next: FriendPair } | { ok: false; error: FriendRuleError };

const to = (mine: FriendState | null, theirs: FriendState | null): FriendTransition => ({ ok: true, next: { mine, theirs } });
const fail = (error: FriendRuleError): FriendTransition => ({ ok: false, error });

/**
 * The rows after `action` by "me" on the pair, or why it is refused. An action that changes
 * nothing (re-sending an invite, re-blocking) returns the pair unchanged, so retries are safe.
 */
export function friendTransition(current: FriendPair, action: FriendAction): FriendTransition {
  const { mine, theirs } = current;
  switch (action) {
    case 'add':
      // A block either way refuses the same way, so a blocked player cannot tell who blocked whom.
      if (mine === 'blocked' || theirs === 'blocked') return fail('blocked');
      if (mine === 'friend' || mine === 'invite_sent') return to(mine, theirs);
      // They invited me first: my request accepts theirs (two crossing requests end as friends).
      if (mine === 'invite_received') return to('friend', 'friend');
      return to('invite_sent', 'invite_received');
    case 'accept':
      return mine === 'invite_received' ? to('friend', 'friend') : fail('no_invite');
    case 'decline':
      return mine === 'invite_received' ? to(null, null) : fail('no_invite');
    case 'remove':
      // Cancels a sent invite, declines a received one, or ends a friendship: both rows go.
      if (mine === 'friend' || mine === 'invite_sent' || mine === 'invite_received') return to(null, null);
      return fail('not_related');
    case 'block':
      // Their row toward me disappears (unless they blocked me too), so the blocked player sees nothing.
      return to('blocked', theirs === 'blocked' ? 'blocked' : null);
    case 'unblock':
      // Unblocking restores no earlier friendship; a block they hold on me stays.
      return mine === 'blocked' ? to(null, theirs) : fail('not_blocked');
  }
}
