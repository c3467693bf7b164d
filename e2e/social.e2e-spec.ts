import { ServerEvent, type FriendUpdatePayload, type NotificationPayload } from '@spawnpoint/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type SignedInPlayer, type Studio } from './support/fixtures.js';
import { Inbox } from './support/inbox.js';

interface FriendBody {
  player_id: string;
  username: string | null;
  display_name: string | null;
  state: string;
  updated_at: string;
}

interface NotificationBody {
  id: string;
  subject: string;
  content: Record<string, unknown>;
  code: number;
  sender_id: string | null;
  read_at: string | null;
  created_at: string;
}


describe('social', () => {
  let t: TestApp;
  let s: Studio;
  let other: Studio;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({}, ['api', 'realtime']);
    [s, other] = await Promise.all([createStudio(t), createStudio(t)]);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  const bearer = (p: SignedInPlayer) => `Bearer ${p.sessionToken}`;
  const player = () => deviceLogin(t, s.clientKey);
  const add = (from: SignedInPlayer, to: string) => t.http.post('/friends').set('authorization', bearer(from)).send({ player_id: to });
  const list = (p: SignedInPlayer, query = '') => t.http.get(`/friends${query}`).set('authorization', bearer(p));
  const stateOf = async (p: SignedInPlayer, otherId: string): Promise<string | null> => {
    const res = await list(p, '?limit=100').expect(200);
    return (res.body.friends as FriendBody[]).find((f) => f.player_id === otherId)?.state ?? null;
  };

  async function inbox(p: SignedInPlayer): Promise<Inbox> {
    const socket = io(t.url, { auth: { token: p.sessionToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const box = new Inbox(socket);
    await box.next(ServerEvent.Welcome);
    return box;
  }

  describe('/friends', () => {
    describe('POST /friends', () => {
      it('sends a request: invite_sent for me, invite_received for them', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        const res = await add(a, b.id).expect(200);
        expect(res.body).toMatchObject({ player_id: b.id, state: 'invite_sent' });
        expect(await stateOf(b, a.id)).toBe('invite_received');
      });

      it('is idempotent for a pending request', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await add(a, b.id).expect(200);
        expect((await add(a, b.id).expect(200)).body.state).toBe('invite_sent');
      });

      it('accepts when the other already asked', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await add(a, b.id).expect(200);
        expect((await add(b, a.id).expect(200)).body.state).toBe('friend');
        expect(await stateOf(a, b.id)).toBe('friend');
      });

      it('makes concurrent mutual requests friends exactly once', async () => {
        for (let round = 0; round < 5; round++) {
          const [a, b] = await Promise.all([player(), player()]);
          const [boxA, boxB] = await Promise.all([inbox(a), inbox(b)]);
          const [ra, rb] = await Promise.all([add(a, b.id), add(b, a.id)]);
          expect([ra.status, rb.status]).toEqual([200, 200]);
          expect([ra.body.state, rb.body.state].sort()).toEqual(['friend', 'invite_sent']);
          expect(await stateOf(a, b.id)).toBe('friend');
          expect(await stateOf(b, a.id)).toBe('friend');
          // One request created the invite and the other accepted it (never two invites, never two acceptances).
          await boxA.next<FriendUpdatePayload>(ServerEvent.FriendUpdate, (p) => p.state === 'friend');
          await boxB.next<FriendUpdatePayload>(ServerEvent.FriendUpdate, (p) => p.state === 'friend');
          const listed = await list(a, '?state=friend').expect(200);
          expect((listed.body.friends as FriendBody[]).filter((f) => f.player_id === b.id)).toHaveLength(1);
        }
      });

      it('rejects befriending yourself with 400', async () => {
        const a = await player();
        expect((await add(a, a.id).expect(400)).body.error.code).toBe('validation_failed');
      });

      it('answers an unknown player with 404', async () => {
        const a = await player();
        await add(a, unique('nobody-')).expect(404);
      });

      it("answers another game's player with 404", async () => {
        const a = await player();
        const stranger = await deviceLogin(t, other.clientKey);
        await add(a, stranger.id).expect(404);
      });

      it('validates the body', async () => {
        const a = await player();
        await t.http.post('/friends').set('authorization', bearer(a)).send({}).expect(400);
        await t.http.post('/friends').set('authorization', bearer(a)).send({ player_id: 'bad id!' }).expect(400);
        await t.http.post('/friends').set('authorization', bearer(a)).send({ player_id: 'x', extra: 1 }).expect(400);
      });

      it('lets a server key act for acting_player_id (required)', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await t.http.post('/friends').set('x-api-key', s.serverKey).send({ player_id: b.id }).expect(400);
        const res = await t.http
          .post('/friends')
          .set('x-api-key', s.serverKey)
          .send({ player_id: b.id, acting_player_id: a.id })
          .expect(200);
        expect(res.body.state).toBe('invite_sent');
        expect(await stateOf(b, a.id)).toBe('invite_received');
      });

      it('does not let a player act for another (404)', async () => {
        const [a, b, c] = await Promise.all([player(), player(), player()]);
        await t.http.post('/friends').set('authorization', bearer(a)).send({ player_id: c.id, acting_player_id: b.id }).expect(404);
      });

      it('refuses a client key with 403', async () => {
        const b = await player();
        expect((await t.http.post('/friends').set('x-api-key', s.clientKey).send({ player_id: b.id }).expect(403)).body.error.code).toBe(
          'forbidden',
        );
        await t.http.get('/friends').set('x-api-key', s.clientKey).expect(403);
      });
    });

    describe('full lifecycle', () => {
      it('invites, accepts, removes, with friend_update pushed to both sockets', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        const [boxA, boxB] = await Promise.all([inbox(a), inbox(b)]);

        await add(a, b.id).expect(200);
        expect(await boxA.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: b.id, state: 'invite_sent' });
        expect(await boxB.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: a.id, state: 'invite_received' });

        const accepted = await t.http.post(`/friends/${a.id}/accept`).set('authorization', bearer(b)).send({}).expect(200);
        expect(accepted.body).toMatchObject({ player_id: a.id, state: 'friend' });
        expect(await boxA.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: b.id, state: 'friend' });
        expect(await boxB.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: a.id, state: 'friend' });

        await t.http.delete(`/friends/${b.id}`).set('authorization', bearer(a)).expect(204);
        expect(await boxA.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: b.id, state: null });
        expect(await boxB.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: a.id, state: null });
        expect(await stateOf(a, b.id)).toBeNull();
        expect(await stateOf(b, a.id)).toBeNull();
        await t.http.delete(`/friends/${b.id}`).set('authorization', bearer(a)).expect(404);
      });

      it('declines a received request and cancels a sent one', async () => {
        const [a, b, c] = await Promise.all([player(), player(), player()]);
        await add(a, b.id).expect(200);
        await t.http.post(`/friends/${b.id}/decline`).set('authorization', bearer(a)).send({}).expect(404);
        await t.http.post(`/friends/${a.id}/decline`).set('authorization', bearer(b)).send({}).expect(204);
        expect(await stateOf(a, b.id)).toBeNull();
        await add(a, c.id).expect(200);
        await t.http.delete(`/friends/${c.id}`).set('authorization', bearer(a)).expect(204);
        expect(await stateOf(c, a.id)).toBeNull();
      });

      it('refuses to accept without a received request (404), including by the sender', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await t.http.post(`/friends/${b.id}/accept`).set('authorization', bearer(a)).send({}).expect(404);
        await add(a, b.id).expect(200);
        await t.http.post(`/friends/${b.id}/accept`).set('authorization', bearer(a)).send({}).expect(404);
      });

      it('validates :playerId', async () => {
        const a = await player();
        await t.http.post('/friends/bad%20id/accept').set('authorization', bearer(a)).send({}).expect(400);
      });
    });

    describe('POST /friends/:playerId/block', () => {
      it('ends a friendship; the blocked player sees nothing and cannot ask again (403 either way)', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await add(a, b.id).expect(200);
        await add(b, a.id).expect(200);
        const [boxA, boxB] = await Promise.all([inbox(a), inbox(b)]);

        const blocked = await t.http.post(`/friends/${b.id}/block`).set('authorization', bearer(a)).send({}).expect(200);
        expect(blocked.body).toMatchObject({ player_id: b.id, state: 'blocked' });
        expect(await boxA.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: b.id, state: 'blocked' });
        expect(await boxB.next(ServerEvent.FriendUpdate)).toEqual({ game_id: s.gameId, other_id: a.id, state: null });
        expect(await stateOf(b, a.id)).toBeNull();

        const fromBlocked = await add(b, a.id).expect(403);
        const fromBlocker = await add(a, b.id).expect(403);
        expect(fromBlocked.body.error.message).toBe(fromBlocker.body.error.message);
      });

      it('unblocks without restoring the friendship; requests work again', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await add(a, b.id).expect(200);
        await t.http.post(`/friends/${a.id}/block`).set('authorization', bearer(b)).send({}).expect(200);
        await t.http.post(`/friends/${a.id}/block`).set('authorization', bearer(b)).send({}).expect(200);
        expect(await stateOf(a, b.id)).toBeNull();
        await t.http.delete(`/friends/${b.id}/block`).set('authorization', bearer(a)).expect(404);
        await t.http.delete(`/friends/${a.id}`).set('authorization', bearer(b)).expect(404);
        await t.http.delete(`/friends/${a.id}/block`).set('authorization', bearer(b)).expect(204);
        expect(await stateOf(b, a.id)).toBeNull();
        expect((await add(a, b.id).expect(200)).body.state).toBe('invite_sent');
      });

      it('rejects blocking yourself (400) and an unknown player (404)', async () => {
        const a = await player();
        await t.http.post(`/friends/${a.id}/block`).set('authorization', bearer(a)).send({}).expect(400);
        await t.http
          .post(`/friends/${unique('ghost-')}/block`)
          .set('authorization', bearer(a))
          .send({})
          .expect(404);
      });
    });

    describe('GET /friends', () => {
      it('lists every state with names, filters by state, and pages', async () => {
        const me = await player();
        const others = await Promise.all([player(), player(), player(), player()]);
        await add(me, others[0]!.id).expect(200);
        await add(others[0]!, me.id).expect(200); // friend
        await add(me, others[1]!.id).expect(200); // invite_sent
        await add(others[2]!, me.id).expect(200); // invite_received
        await t.http.post(`/friends/${others[3]!.id}/block`).set('authorization', bearer(me)).send({}).expect(200);

        const all = await list(me).expect(200);
        const byId = new Map((all.body.friends as FriendBody[]).map((f) => [f.player_id, f]));
        expect(byId.get(others[0]!.id)?.state).toBe('friend');
        expect(byId.get(others[1]!.id)?.state).toBe('invite_sent');
        expect(byId.get(others[2]!.id)?.state).toBe('invite_received');
        expect(byId.get(others[3]!.id)?.state).toBe('blocked');
        expect(all.body.next_cursor).toBeNull();

        const received = await list(me, '?state=invite_received').expect(200);
        expect((received.body.friends as FriendBody[]).map((f) => f.player_id)).toEqual([others[2]!.id]);

        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await list(me, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
          expect(page.body.friends.length).toBeLessThanOrEqual(3);
          seen.push(...(page.body.friends as FriendBody[]).map((f) => f.player_id));
          cursor = page.body.next_cursor as string | null;
        } while (cursor);
        expect(seen).toEqual([...others.map((o) => o.id)].sort());
      });

      it('shows the display name of the other player', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await t.http.patch('/players/me').set('authorization', bearer(b)).send({ display_name: 'Bea' }).expect(200);
        await add(a, b.id).expect(200);
        const res = await list(a).expect(200);
        expect(res.body.friends[0]).toMatchObject({ player_id: b.id, display_name: 'Bea', state: 'invite_sent' });
      });

      it('lets a server key list for player_id (required)', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await add(a, b.id).expect(200);
        await t.http.get('/friends').set('x-api-key', s.serverKey).expect(400);
        const res = await t.http.get(`/friends?player_id=${a.id}`).set('x-api-key', s.serverKey).expect(200);
        expect(res.body.friends).toHaveLength(1);
      });

      it("keeps games apart: another game's key sees none of this game's rows", async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await add(a, b.id).expect(200);
        const res = await t.http.get(`/friends?player_id=${a.id}`).set('x-api-key', other.serverKey).expect(200);
        expect(res.body.friends).toEqual([]);
        await t.http.post(`/friends/${a.id}/accept`).set('x-api-key', other.serverKey).send({ player_id: b.id }).expect(404);
      });

      it('validates the query', async () => {
        const a = await player();
        await list(a, '?state=enemy').expect(400);
        await list(a, '?limit=0').expect(400);
        await list(a, '?limit=101').expect(400);
        await list(a, '?cursor=%%%').expect(400);
      });
    });
  });

  describe('/notifications', () => {
    const send = (playerId: string, body: Record<string, unknown>, key = s.serverKey) =>
      t.http.post(`/players/${playerId}/notifications`).set('x-api-key', key).send(body);
    const mine = (p: SignedInPlayer, query = '') => t.http.get(`/notifications${query}`).set('authorization', bearer(p));

    describe('POST /players/:playerId/notifications', () => {
      it('stores a notification and pushes it live to the player', async () => {
        const a = await player();
        const box = await inbox(a);
        const res = await send(a.id, { subject: 'Challenge', content: { match: 'm1' }, code: 7, sender_id: 'bot' }).expect(201);
        expect(res.body).toMatchObject({ subject: 'Challenge', content: { match: 'm1' }, code: 7, sender_id: 'bot', read_at: null });
        const pushed = await box.next<NotificationPayload>(ServerEvent.Notification);
        expect(pushed).toEqual({
          id: res.body.id,
          subject: 'Challenge',
          content: { match: 'm1' },
          code: 7,
          sender_id: 'bot',
          created_at: res.body.created_at,
        });
      });

      it('is for server keys only (player 403, client key 403)', async () => {
        const a = await player();
        await t.http
          .post(`/players/${a.id}/notifications`)
          .set('authorization', bearer(a))
          .send({ subject: 'x', content: {}, code: 1 })
          .expect(403);
        await send(a.id, { subject: 'x', content: {}, code: 1 }, s.clientKey).expect(403);
      });

      it('validates subject, content and code', async () => {
        const a = await player();
        await send(a.id, { subject: '', content: {}, code: 1 }).expect(400);
        await send(a.id, { subject: 'x'.repeat(129), content: {}, code: 1 }).expect(400);
        await send(a.id, { subject: 'x', content: [1], code: 1 }).expect(400);
        await send(a.id, { subject: 'x', content: {}, code: 1.5 }).expect(400);
        await send(a.id, { subject: 'x', content: {} }).expect(400);
        await send(a.id, { subject: 'x', content: {}, code: 1, extra: true }).expect(400);
        expect((await send(a.id, { subject: 'x', content: { big: 'y'.repeat(4_100) }, code: 1 }).expect(413)).body.error.code).toBe(
          'payload_too_large',
        );
      });
    });

    describe('GET /notifications', () => {
      it('lists newest first, filters unread and pages', async () => {
        const a = await player();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++)
          ids.push((await send(a.id, { subject: `n${i}`, content: { i }, code: i }).expect(201)).body.id as string);
        const all = await mine(a).expect(200);
        expect((all.body.notifications as NotificationBody[]).map((n) => n.id)).toEqual([...ids].reverse());

        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await mine(a, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
          seen.push(...(page.body.notifications as NotificationBody[]).map((n) => n.id));
          cursor = page.body.next_cursor as string | null;
        } while (cursor);
        expect(seen).toEqual([...ids].reverse());

        await t.http
          .post('/notifications/read')
          .set('authorization', bearer(a))
          .send({ ids: [ids[0], ids[3]] })
          .expect(204);
        const unread = await mine(a, '?unread=true').expect(200);
        expect((unread.body.notifications as NotificationBody[]).map((n) => n.id)).toEqual([ids[4], ids[2], ids[1]]);
        const again = await mine(a).expect(200);
        expect((again.body.notifications as NotificationBody[]).find((n) => n.id === ids[0])?.read_at).not.toBeNull();
      });

      it('lets a server key list through /players/:playerId/notifications, and a player only its own', async () => {
        const [a, b] = await Promise.all([player(), player()]);
        await send(a.id, { subject: 'hi', content: {}, code: 1 }).expect(201);
        const res = await t.http.get(`/players/${a.id}/notifications?unread=true`).set('x-api-key', s.serverKey).expect(200);
        expect(res.body.notifications).toHaveLength(1);
        await t.http.get(`/players/${a.id}/notifications`).set('authorization', bearer(a)).expect(200);
        await t.http.get(`/players/${a.id}/notifications`).set('authorization', bearer(b)).expect(404);
        await t.http.get('/notifications').set('x-api-key', s.serverKey).expect(400);
        await t.http.get('/notifications').set('x-api-key', s.clientKey).expect(403);
      });

      it('validates the query', async () => {
        const a = await player();
        await mine(a, '?unread=yes').expect(400);
        await mine(a, '?limit=1000').expect(400);
        await mine(a, '?cursor=abc').expect(400);
      });
    });

    describe('POST /notifications/read and DELETE /notifications/:id', () => {
      it("answers another player's or another game's ids with 404 and changes nothing", async () => {
        const [a, b] = await Promise.all([player(), player()]);
        const stranger = await deviceLogin(t, other.clientKey);
        const mineId = (await send(a.id, { subject: 'a', content: {}, code: 1 }).expect(201)).body.id as string;
        const theirs = (await send(b.id, { subject: 'b', content: {}, code: 1 }).expect(201)).body.id as string;
        const foreign = (await send(stranger.id, { subject: 'c', content: {}, code: 1 }, other.serverKey).expect(201)).body.id as string;

        await t.http
          .post('/notifications/read')
          .set('authorization', bearer(a))
          .send({ ids: [mineId, theirs] })
          .expect(404);
        expect((await mine(a, '?unread=true').expect(200)).body.notifications).toHaveLength(1);
        await t.http
          .post('/notifications/read')
          .set('authorization', bearer(a))
          .send({ ids: [foreign] })
          .expect(404);
        await t.http.delete(`/notifications/${theirs}`).set('authorization', bearer(a)).expect(404);
        await t.http.delete(`/notifications/${foreign}`).set('x-api-key', s.serverKey).query({ player_id: stranger.id }).expect(404);
        await t.http
          .get(`/players/${stranger.id}/notifications`)
          .set('x-api-key', s.serverKey)
          .expect(200)
          .expect((res) => expect(res.body.notifications).toEqual([]));

        await t.http.delete(`/notifications/${mineId}`).set('authorization', bearer(a)).expect(204);
        await t.http.delete(`/notifications/${mineId}`).set('authorization', bearer(a)).expect(404);
        expect((await mine(a).expect(200)).body.notifications).toEqual([]);
        await t.http.delete('/notifications/not-a-uuid').set('authorization', bearer(a)).expect(404);
      });

      it('validates the ids', async () => {
        const a = await player();
        await t.http.post('/notifications/read').set('authorization', bearer(a)).send({ ids: [] }).expect(400);
        await t.http
          .post('/notifications/read')
          .set('authorization', bearer(a))
          .send({ ids: ['nope'] })
          .expect(400);
        await t.http.post('/notifications/read').set('authorization', bearer(a)).send({}).expect(400);
      });
    });
  });
});
