import { REDIS } from '@spawnpoint/redis';
import { ServerEvent, type ChatMessagePayload, type NotificationPayload, type PresencePayload } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { authHeader, createStudio, deviceLogin, type SignedInPlayer, type Studio } from './support/fixtures.js';
import { RealtimeClients, TRANSPORTS, type RealtimeClient } from './support/realtime-client.js';

const GRACE_MS = 1500;

/** Polls until `check` holds (the server side of a close completes after the client saw it). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('realtime gateway: presence and resume across two processes', () => {
  let one: TestApp;
  let two: TestApp;
  let s: Studio;
  let rt: RealtimeClients;
  let redis: Redis;

  beforeAll(async () => {
    const env = { REALTIME_RESUME_GRACE_MS: String(GRACE_MS) };
    [one, two] = await Promise.all([startApp(env, ['api', 'realtime']), startApp(env, ['realtime'])]);
    s = await createStudio(one);
    rt = new RealtimeClients(one.url);
    redis = one.app.get<Redis>(REDIS);
  });
  afterAll(async () => {
    rt.closeAll();
    await Promise.all([one.close(), two.close()]);
  });

  const player = () => deviceLogin(one, s.clientKey);
  const presenceOf = (client: RealtimeClient, playerId: string, status?: string) =>
    client.next<PresencePayload>(ServerEvent.Presence, (p) => p.player_id === playerId && (status === undefined || p.status === status));
  const connections = async (p: SignedInPlayer) => Number((await redis.hget(`presence:${s.gameId}:${p.id}`, 'conns')) ?? '0');
  const resumable = async (client: RealtimeClient) => (await redis.exists(`realtime:resume:${client.welcome.resume_token}`)) === 1;
  const dm = (from: SignedInPlayer, to: SignedInPlayer, content: string) =>
    one.http
      .post(`/chat/channels/${from.id < to.id ? `dm:${from.id}:${to.id}` : `dm:${to.id}:${from.id}`}/messages`)
      .set(...authHeader(from))
      .send({ content })
      .expect(201);

  async function friends(a: SignedInPlayer, b: SignedInPlayer): Promise<void> {
    await one.http
      .post('/friends')
      .set(...authHeader(a))
      .send({ player_id: b.id })
      .expect(200);
    await one.http
      .post(`/friends/${a.id}/accept`)
      .set(...authHeader(b))
      .send({})
      .expect(200);
  }

  it('shows friends on different processes each other’s presence, and offline only after the grace period', async () => {
    const [ada, bob] = await Promise.all([player(), player()]);
    await friends(ada, bob);
    const bobRt = await rt.connect('ws', { token: bob.sessionToken }, two.url);
    const adaRt = await rt.connect('socket.io', { token: ada.sessionToken }, one.url);
    expect(await presenceOf(bobRt, ada.id)).toMatchObject({ status: 'online', status_text: null });

    await adaRt.call('presence_update', { status: 'in_combat', status_text: 'Boss fight' });
    expect(await presenceOf(bobRt, ada.id, 'in_combat')).toMatchObject({ status_text: 'Boss fight' });
    const listed = await bobRt.call<{ friends: { player_id: string; state: string; presence: PresencePayload }[] }>('friends_list', {});
    expect(listed.friends).toEqual([
      expect.objectContaining({ player_id: ada.id, state: 'friend', presence: expect.objectContaining({ status: 'in_combat' }) }),
    ]);

    adaRt.drop();
    await until('the drop to reach the server', async () => (await connections(ada)) === 0);
    // Dropped but within the grace period: still as she was.
    expect(await bobRt.call('presence_get', { player_ids: [ada.id] })).toEqual({
      presences: [expect.objectContaining({ status: 'in_combat', status_text: 'Boss fight' })],
    });
    expect(await presenceOf(bobRt, ada.id, 'offline')).toMatchObject({ status_text: null });
  });

  it('keeps a player online through a reconnect within the grace period, on another process', async () => {
    const [ada, bob] = await Promise.all([player(), player()]);
    await friends(ada, bob);
    const bobRt = await rt.connect('socket.io', { token: bob.sessionToken }, one.url);
    const first = await rt.connect('ws', { token: ada.sessionToken }, one.url);
    await presenceOf(bobRt, ada.id, 'online');
    first.drop();
    await until('the drop to reach the server', async () => (await connections(ada)) === 0);
    const second = await rt.connect('ws', { token: ada.sessionToken, resume: first.welcome.resume_token }, two.url);
    expect(second.welcome.resumed).toBe(true);

    // Let the first connection's grace period run out: the reconnect must have cancelled its offline.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 250));
    await second.call('presence_update', { status: 'away' });
    expect(await presenceOf(bobRt, ada.id)).toMatchObject({ status: 'away' });
  });

  it('tells party members a player’s presence though they are not friends', async () => {
    const [leader, member] = await Promise.all([player(), player()]);
    const partyId = (
      await one.http
        .post('/parties')
        .set(...authHeader(leader))
        .send({})
        .expect(201)
    ).body.party_id as string;
    await one.http
      .post(`/parties/${partyId}/invites`)
      .set(...authHeader(leader))
      .send({ player_id: member.id })
      .expect(201);
    await one.http
      .post(`/parties/${partyId}/invites/accept`)
      .set(...authHeader(member))
      .send({})
      .expect(200);
    const leaderRt = await rt.connect('ws', { token: leader.sessionToken }, two.url);
    const memberRt = await rt.connect('socket.io', { token: member.sessionToken }, one.url);
    await memberRt.call('presence_update', { status: 'busy', status_text: 'AFK 5' });
    expect(await presenceOf(leaderRt, member.id, 'busy')).toMatchObject({ status_text: 'AFK 5' });
    memberRt.drop();
    expect(await presenceOf(leaderRt, member.id, 'offline')).toMatchObject({ status_text: null });
  });

  describe.each(TRANSPORTS)('resume over %s', (transport) => {
    it('resumes on another process with the rooms it had and the messages it missed, in order', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const first = await rt.connect(transport, { token: ada.sessionToken }, one.url);
      await first.call('leaderboard_subscribe', { leaderboard_id: 'weekly' });
      first.drop();
      await until('the resume record', () => resumable(first));
      await dm(bob, ada, 'missed 1');
      await dm(bob, ada, 'missed 2');

      const second = await rt.connect(transport, { token: ada.sessionToken, resume: first.welcome.resume_token }, two.url);
      expect(second.welcome).toMatchObject({ resumed: true, missed: 2, rooms: ['global', 'leaderboard:weekly'] });
      expect((await second.next<ChatMessagePayload>(ServerEvent.ChatMessage)).content).toBe('missed 1');
      expect((await second.next<ChatMessagePayload>(ServerEvent.ChatMessage)).content).toBe('missed 2');
      await dm(bob, ada, 'live');
      expect((await second.next<ChatMessagePayload>(ServerEvent.ChatMessage)).content).toBe('live');
    });

    it('replays only what came after the offset the client saw last', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const first = await rt.connect(transport, { token: ada.sessionToken }, two.url);
      await dm(bob, ada, 'seen');
      await first.next<ChatMessagePayload>(ServerEvent.ChatMessage, (m) => m.content === 'seen');
      const offset = first.lastOffset!;
      expect(offset).toMatch(/^\d+-\d+$/);
      first.drop();
      await until('the resume record', () => resumable(first));
      await dm(bob, ada, 'unseen');

      const second = await rt.connect(transport, { token: ada.sessionToken, resume: first.welcome.resume_token, offset }, one.url);
      expect(second.welcome).toMatchObject({ resumed: true, missed: 1 });
      expect((await second.next<ChatMessagePayload>(ServerEvent.ChatMessage)).content).toBe('unseen');
      expect(second.lastOffset! > offset).toBe(true);
      // A resume token is good for one resume only.
      const third = await rt.connect(transport, { token: ada.sessionToken, resume: first.welcome.resume_token }, one.url);
      expect(third.welcome).toMatchObject({ resumed: false, missed: 0 });
    });

    it('starts a new session after the grace period, with unread notifications instead of a replay', async () => {
      const ada = await player();
      const first = await rt.connect(transport, { token: ada.sessionToken }, one.url);
      first.drop();
      await until('the resume record', () => resumable(first));
      await until('the resume record to expire', async () => !(await resumable(first)), GRACE_MS * 4);
      await one.http
        .post(`/players/${ada.id}/notifications`)
        .set('x-api-key', s.serverKey)
        .send({ subject: 'While you were away', content: { gold: 5 }, code: 7 })
        .expect(201);
      const second = await rt.connect(transport, { token: ada.sessionToken, resume: first.welcome.resume_token }, two.url);
      expect(second.welcome).toMatchObject({ resumed: false, missed: 0 });
      expect(await second.next<NotificationPayload>(ServerEvent.Notification)).toMatchObject({ subject: 'While you were away', code: 7 });
    });
  });
});
