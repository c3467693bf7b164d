import { describe, expect, it } from 'vitest';
import { friendTransition, type FriendPair } from './friend-rules.js';

const pair = (mine: FriendPair['mine'], theirs: FriendPair['theirs']): FriendPair => ({ mine, theirs });

describe(friendTransition.name, () => {
  const sut = friendTransition;

  describe('add', () => {
    it('creates a sent invite and a received one', () => {
      expect(sut(pair(null, null), 'add')).toEqual({ ok: true, next: pair('invite_sent', 'invite_received') });
    });
    it('accepts when the other already invited me', () => {
      expect(sut(pair('invite_received', 'invite_sent'), 'add')).toEqual({ ok: true, next: pair('friend', 'friend') });
    });
    it('changes nothing when already invited or friends', () => {
      expect(sut(pair('invite_sent', 'invite_received'), 'add')).toEqual({ ok: true, next: pair('invite_sent', 'invite_received') });
      expect(sut(pair('friend', 'friend'), 'add')).toEqual({ ok: true, next: pair('friend', 'friend') });
    });
    it('refuses the same way whichever side blocked', () => {
      expect(sut(pair('blocked', null), 'add')).toEqual({ ok: false, error: 'blocked' });
      expect(sut(pair(null, 'blocked'), 'add')).toEqual({ ok: false, error: 'blocked' });
      expect(sut(pair('blocked', 'blocked'), 'add')).toEqual({ ok: false, error: 'blocked' });
    });
  });

  describe('accept', () => {
    it('makes both friends from a received invite', () => {
      expect(sut(pair('invite_received', 'invite_sent'), 'accept')).toEqual({ ok: true, next: pair('friend', 'friend') });
    });
    it.each([
      pair(null, null),
      pair('invite_sent', 'invite_received'),
      pair('friend', 'friend'),
      pair('blocked', null),
      pair(null, 'blocked'),
    ])('refuses without a received invite (%o)', (current) => {
      expect(sut(current, 'accept')).toEqual({ ok: false, error: 'no_invite' });
    });
  });

  describe('decline', () => {
    it('deletes both rows of a received invite', () => {
      expect(sut(pair('invite_received', 'invite_sent'), 'decline')).toEqual({ ok: true, next: pair(null, null) });
    });
    it('refuses a sent invite (cancel it with remove)', () => {
      expect(sut(pair('invite_sent', 'invite_received'), 'decline')).toEqual({ ok: false, error: 'no_invite' });
    });
  });

  describe('remove', () => {
    it.each([pair('friend', 'friend'), pair('invite_sent', 'invite_received'), pair('invite_received', 'invite_sent')])(
      'deletes both rows (%o)',
      (current) => {
        expect(sut(current, 'remove')).toEqual({ ok: true, next: pair(null, null) });
      },
    );
    it('refuses without a relationship or on a block', () => {
      expect(sut(pair(null, null), 'remove')).toEqual({ ok: false, error: 'not_related' });
      expect(sut(pair('blocked', null), 'remove')).toEqual({ ok: false, error: 'not_related' });
      expect(sut(pair(null, 'blocked'), 'remove')).toEqual({ ok: false, error: 'not_related' });
    });
  });

  describe('block', () => {
    it.each([pair(null, null), pair('friend', 'friend'), pair('invite_sent', 'invite_received'), pair('invite_received', 'invite_sent')])(
      'blocks and removes their row (%o)',
      (current) => {
        expect(sut(current, 'block')).toEqual({ ok: true, next: pair('blocked', null) });
      },
    );
    it('keeps their block on me', () => {
      expect(sut(pair(null, 'blocked'), 'block')).toEqual({ ok: true, next: pair('blocked', 'blocked') });
    });
    it('is idempotent', () => {
      expect(sut(pair('blocked', null), 'block')).toEqual({ ok: true, next: pair('blocked', null) });
    });
  });

  describe('unblock', () => {
    it('deletes my block and keeps theirs', () => {
      expect(sut(pair('blocked', null), 'unblock')).toEqual({ ok: true, next: pair(null, null) });
      expect(sut(pair('blocked', 'blocked'), 'unblock')).toEqual({ ok: true, next: pair(null, 'blocked') });
    });
    it('refuses when I hold no block', () => {
      expect(sut(pair(null, 'blocked'), 'unblock')).toEqual({ ok: false, error: 'not_blocked' });
      expect(sut(pair('friend', 'friend'), 'unblock')).toEqual({ ok: false, error: 'not_blocked' });
    });
  });
});
