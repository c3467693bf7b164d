import { ServerEvent, type ChatMessagePayload, type FriendUpdatePayload, type NotificationPayload } from '@spawnpoint/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { authHeader, createStudio, deviceLogin, unique, type SignedInPlayer, type Studio } from './support/fixtures.js';
import { RealtimeClients, TRANSPORTS, type RealtimeClient } from './support/realtime-client.js';

interface Page {
  messages: ChatMessagePayload[];
  next: string | null;
}

const dm = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);

describe('realtime gateway: chat, friends and notifications over the socket', () => {
  let t: TestApp;
  let s: Studio;
  let rt: RealtimeClients;

  beforeAll(async () => {
    t = await startApp({}, ['api', 'realtime']);
    s = await createStudio(t);
    rt = new RealtimeClients(t.url);
  });
  afterAll(async () => {
    rt.closeAll();
    await t.close();
  });

  const player = () => deviceLogin(t, s.clientKey);
  const chatOf = (client: RealtimeClient, channel: string, event: string = ServerEvent.ChatMessage) =>
    client.next<ChatMessagePayload>(event, (m) => m.channel === channel);

  describe.each(TRANSPORTS)('chat over %s', (transport) => {
    const connect = (p: SignedInPlayer) => rt.connect(transport, { token: p.sessionToken });

    it('sends on every channel type to that channel’s audience only', async () => {
      const [ada, bob, eve] = await Promise.all([player(), player(), player()]);
      const [adaRt, bobRt, eveRt] = await Promise.all([connect(ada), connect(bob), connect(eve)]);
      const server = await rt.connect(transport, { api_key: s.serverKey });

      const partyId = (
        await t.http
          .post('/parties')
          .set(...authHeader(ada))
          .send({})
          .expect(201)
      ).body.party_id as string;
      await t.http
        .post(`/parties/${partyId}/invites`)
        .set(...authHeader(ada))
        .send({ player_id: bob.id })
        .expect(201);
      await t.http
        .post(`/parties/${partyId}/invites/accept`)
        .set(...authHeader(bob))
        .send({})
        .expect(200);
      const lobby = await t.http
        .post('/lobbies')
        .set(...authHeader(ada))
        .send({ name: 'Room', max_players: 4, game_mode: 'co-op' })
        .expect(201);
      await t.http
        .post(`/lobbies/join/${lobby.body.code as string}`)
        .set(...authHeader(bob))
        .send({})
        .expect(200);
      const world = unique('w');
      for (const p of [ada, bob])
        await server.call('move_player', { player_id: p.id, world_id: world, sector: 's1', team: `m-${world}:1` });

      const channels = [
        'global',
        `world:${world}`,
        `sector:${world}:s1`,
        `team:m-${world}:1`,
        `party:${partyId}`,
        `lobby:${lobby.body.lobby_id as string}`,
        dm(ada.id, bob.id),
      ];
      for (const channel of channels) {
        const sent = await adaRt.call<ChatMessagePayload>('chat_send', { channel, content: `on ${channel}`, data: { n: 1 } });
        expect(sent).toMatchObject({ channel, sender_id: ada.id, kind: 'chat', content: `on ${channel}`, data: { n: 1 } });
        expect(await chatOf(bobRt, channel)).toEqual(sent);
        expect(await chatOf(adaRt, channel)).toEqual(sent);
        // Eve belongs to none of them but global: she is refused, and hears only global.
        if (channel !== 'global') expect(await eveRt.refused('chat_send', { channel, content: 'let me in' })).toBe('forbidden');
      }
      expect((await chatOf(eveRt, 'global')).content).toBe('on global');
      await bobRt.call('chat_send', { channel: dm(bob.id, eve.id), content: 'barrier' });
      expect((await eveRt.next<ChatMessagePayload>(ServerEvent.ChatMessage)).content).toBe('barrier');
      expect(await eveRt.refused('chat_history', { channel: `party:${partyId}` })).toBe('forbidden');
      expect(await eveRt.refused('chat_send', { channel: 'whisper:x', content: 'x' })).toBe('validation_failed');
    });

    it('pages history, edits and deletes by the author only, and refuses a muted player', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const [adaRt, bobRt] = await Promise.all([connect(ada), connect(bob)]);
      const channel = dm(ada.id, bob.id);
      const sent: ChatMessagePayload[] = [];
      for (let i = 1; i <= 5; i++) sent.push(await adaRt.call<ChatMessagePayload>('chat_send', { channel, content: `m${i}` }));

      const first = await bobRt.call<Page>('chat_history', { channel, limit: 2 });
      expect(first.messages.map((m) => m.content)).toEqual(['m5', 'm4']);
      const second = await bobRt.call<Page>('chat_history', { channel, limit: 2, before: first.next! });
      expect(second.messages.map((m) => m.content)).toEqual(['m3', 'm2']);
      const last = await bobRt.call<Page>('chat_history', { channel, limit: 2, before: second.next! });
      expect(last).toEqual({ messages: [expect.objectContaining({ content: 'm1' })], next: null });

      const edited = await adaRt.call<ChatMessagePayload>('chat_edit', { message_id: sent[0]!.id, content: 'm1 (edited)' });
      expect(edited).toMatchObject({ id: sent[0]!.id, content: 'm1 (edited)', edited_at: expect.any(String) });
      expect(await chatOf(bobRt, channel, ServerEvent.ChatMessageUpdated)).toEqual(edited);
      expect(await bobRt.refused('chat_edit', { message_id: sent[1]!.id, content: 'not mine' })).toBe('forbidden');
      expect(await bobRt.refused('chat_delete', { message_id: sent[1]!.id })).toBe('forbidden');

      expect(await adaRt.call('chat_delete', { message_id: sent[1]!.id })).toEqual({ deleted: sent[1]!.id });
      expect(await chatOf(bobRt, channel, ServerEvent.ChatMessageDeleted)).toMatchObject({ id: sent[1]!.id, deleted: true, content: null });
      expect(await adaRt.refused('chat_edit', { message_id: sent[1]!.id, content: 'back' })).toBe('not_found');

      // A game server deletes anyone's message over its own connection.
      const server = await rt.connect(transport, { api_key: s.serverKey });
      expect(await server.call('chat_delete', { message_id: sent[2]!.id })).toEqual({ deleted: sent[2]!.id });
      const page = await bobRt.call<Page>('chat_history', { channel, limit: 10 });
      expect(
        page.messages
          .filter((m) => m.deleted)
          .map((m) => m.id)
          .sort(),
      ).toEqual([sent[1]!.id, sent[2]!.id].sort());

      await t.http.post('/chat/mutes').set('x-api-key', s.serverKey).send({ player_id: ada.id, reason: 'spam' }).expect(201);
      const muted = await adaRt.request('chat_send', { channel, content: 'can anyone hear me?' });
      expect(muted).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('muted') } });
      await t.http.delete(`/chat/mutes/${ada.id}`).set('x-api-key', s.serverKey).expect(204);
      await adaRt.call('chat_send', { channel, content: 'back again' });
    });
  });

  describe.each(TRANSPORTS)('friends and notifications over %s', (transport) => {
    const connect = (p: SignedInPlayer) => rt.connect(transport, { token: p.sessionToken });
    const updateFrom = (client: RealtimeClient, otherId: string) =>
      client.next<FriendUpdatePayload>(ServerEvent.FriendUpdate, (u) => u.other_id === otherId);

    it('runs the friends lifecycle with live updates to both players', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const [adaRt, bobRt] = await Promise.all([connect(ada), connect(bob)]);
      /** Each change reaches both players, each seeing the relationship from its side. */
      const seen = async (adaSees: string | null, bobSees: string | null) => {
        expect(await updateFrom(adaRt, bob.id)).toEqual({ game_id: s.gameId, other_id: bob.id, state: adaSees });
        expect(await updateFrom(bobRt, ada.id)).toEqual({ game_id: s.gameId, other_id: ada.id, state: bobSees });
      };

      expect(await adaRt.call('friend_request', { player_id: bob.id })).toMatchObject({ player_id: bob.id, state: 'invite_sent' });
      await seen('invite_sent', 'invite_received');
      expect(await bobRt.call('friend_decline', { player_id: ada.id })).toEqual({ player_id: ada.id, state: null });
      await seen(null, null);

      // Cancel: removing a sent invite.
      await adaRt.call('friend_request', { player_id: bob.id });
      await seen('invite_sent', 'invite_received');
      expect(await adaRt.call('friend_remove', { player_id: bob.id })).toEqual({ player_id: bob.id, state: null });
      await seen(null, null);

      await adaRt.call('friend_request', { player_id: bob.id });
      await seen('invite_sent', 'invite_received');
      expect(await bobRt.call('friend_accept', { player_id: ada.id })).toMatchObject({ state: 'friend' });
      await seen('friend', 'friend');
      const list = await adaRt.call<{ friends: { player_id: string; state: string; presence: { status: string } }[] }>('friends_list', {
        state: 'friend',
      });
      expect(list.friends).toEqual([
        expect.objectContaining({ player_id: bob.id, state: 'friend', presence: expect.objectContaining({ status: 'online' }) }),
      ]);

      expect(await bobRt.call('friend_remove', { player_id: ada.id })).toEqual({ player_id: ada.id, state: null });
      await seen(null, null);
      expect(await adaRt.refused('friend_accept', { player_id: bob.id })).toBe('not_found');
      expect(await adaRt.refused('friend_request', { player_id: ada.id })).toBe('validation_failed');
    });

    it('blocks: no requests, no DMs, until unblocked', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const [adaRt, bobRt] = await Promise.all([connect(ada), connect(bob)]);
      expect(await adaRt.call('friend_block', { player_id: bob.id })).toMatchObject({ player_id: bob.id, state: 'blocked' });
      const blocked = await adaRt.call<{ friends: { player_id: string; state: string }[] }>('friends_list', { state: 'blocked' });
      expect(blocked.friends).toEqual([expect.objectContaining({ player_id: bob.id, state: 'blocked' })]);

      expect(await bobRt.refused('friend_request', { player_id: ada.id })).toBe('forbidden');
      expect(await bobRt.refused('chat_send', { channel: dm(ada.id, bob.id), content: 'hey' })).toBe('forbidden');
      expect(await adaRt.refused('chat_send', { channel: dm(ada.id, bob.id), content: 'hey' })).toBe('forbidden');

      expect(await adaRt.call('friend_unblock', { player_id: bob.id })).toEqual({ player_id: bob.id, state: null });
      await bobRt.call('chat_send', { channel: dm(ada.id, bob.id), content: 'friends again?' });
      expect((await chatOf(adaRt, dm(ada.id, bob.id))).content).toBe('friends again?');
      expect(await adaRt.refused('friend_unblock', { player_id: bob.id })).toBe('not_found');
    });

    it('delivers notifications live when online and on connect when offline; lists, reads and deletes them', async () => {
      const ada = await player();
      const notify = (subject: string) =>
        t.http
          .post(`/players/${ada.id}/notifications`)
          .set('x-api-key', s.serverKey)
          .send({ subject, content: { subject }, code: 3 })
          .expect(201);
      await notify('offline 1');
      await notify('offline 2');

      const adaRt = await connect(ada);
      // Delivered on connect, oldest first.
      expect((await adaRt.next<NotificationPayload>(ServerEvent.Notification)).subject).toBe('offline 1');
      expect((await adaRt.next<NotificationPayload>(ServerEvent.Notification)).subject).toBe('offline 2');

      const live = (await notify('live')).body as { id: string };
      expect(await adaRt.next<NotificationPayload>(ServerEvent.Notification)).toMatchObject({
        id: live.id,
        subject: 'live',
        content: { subject: 'live' },
        code: 3,
        sender_id: null,
      });

      const page = await adaRt.call<{ notifications: { id: string; subject: string; read_at: string | null }[] }>('notifications_list', {
        unread: true,
        limit: 2,
      });
      expect(page.notifications.map((n) => n.subject)).toEqual(['live', 'offline 2']);
      expect(await adaRt.call('notifications_read', { ids: [live.id] })).toEqual({ read: 1 });
      const unread = await adaRt.call<{ notifications: { subject: string }[] }>('notifications_list', { unread: true });
      expect(unread.notifications.map((n) => n.subject)).toEqual(['offline 2', 'offline 1']);
      expect(await adaRt.call('notifications_delete', { id: live.id })).toEqual({ deleted: live.id });
      expect(await adaRt.refused('notifications_delete', { id: live.id })).toBe('not_found');

      // Read notifications are not sent again on the next connect.
      const all = await adaRt.call<{ notifications: { id: string }[] }>('notifications_list', {});
      await adaRt.call('notifications_read', { ids: all.notifications.map((n) => n.id) });
      const again = await connect(ada);
      await notify('after reconnect');
      expect((await again.next<NotificationPayload>(ServerEvent.Notification)).subject).toBe('after reconnect');
    });
  });
});
