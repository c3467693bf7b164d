import { PrismaService } from '@spawnpoint/prisma';
import { ServerEvent, type ChatMessagePayload } from '@spawnpoint/shared';
import { io, type Socket } from 'socket.io-client';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { authHeader, createStudio, deviceLogin, unique, type Caller, type SignedInPlayer, type Studio } from './support/fixtures.js';

/** A player session or an API key. */

const dm = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);

describe('/chat', () => {
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

  const messages = (channel: string) => `/chat/channels/${encodeURIComponent(channel)}/messages`;
  const send = (caller: Caller, channel: string, body: object) =>
    t.http
      .post(messages(channel))
      .set(...authHeader(caller))
      .send(body);
  const history = (caller: Caller, channel: string, query: Record<string, string | number> = {}) =>
    t.http
      .get(messages(channel))
      .query(query)
      .set(...authHeader(caller));
  const edit = (caller: Caller, id: string, content: string) =>
    t.http
      .patch(`/chat/messages/${id}`)
      .set(...authHeader(caller))
      .send({ content });
  const remove = (caller: Caller, id: string) => t.http.delete(`/chat/messages/${id}`).set(...authHeader(caller));
  const player = () => deviceLogin(t, s.clientKey);
  const error = (res: Response) => res.body.error.code as string;

  async function party(leader: SignedInPlayer, members: SignedInPlayer[]): Promise<string> {
    const id = (
      await t.http
        .post('/parties')
        .set(...authHeader(leader))
        .send({})
        .expect(201)
    ).body.party_id as string;
    for (const member of members) {
      await t.http
        .post(`/parties/${id}/invites`)
        .set(...authHeader(leader))
        .send({ player_id: member.id })
        .expect(201);
      await t.http
        .post(`/parties/${id}/invites/accept`)
        .set(...authHeader(member))
        .send({})
        .expect(200);
    }
    return id;
  }

  async function connect(p: SignedInPlayer): Promise<Socket> {
    const socket = io(t.url, { auth: { token: p.sessionToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise((resolve) => socket.once(ServerEvent.Welcome, resolve));
    return socket;
  }

  /** The next `event` on the socket about `channel` (and message `id` when given). */
  function nextEvent(socket: Socket, event: string, channel: string, id?: string, content?: string): Promise<ChatMessagePayload> {
    return new Promise((resolve) => {
      const listener = (payload: ChatMessagePayload) => {
        if (payload.channel !== channel || (id !== undefined && payload.id !== id)) return;
        if (content !== undefined && payload.content !== content) return;
        socket.off(event, listener);
        resolve(payload);
      };
      socket.on(event, listener);
    });
  }

  describe('POST /chat/channels/:channel/messages', () => {
    it('stores a player message on the global channel and returns it', async () => {
      const ada = await player();
      const res = await send(ada, 'global', { content: 'hello world', data: { emote: 'wave' } }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[1-9][0-9]*$/),
        channel: 'global',
        sender_id: ada.id,
        kind: 'chat',
        content: 'hello world',
        data: { emote: 'wave' },
        deleted: false,
        created_at: expect.any(String),
        edited_at: null,
      });
    });

    it('lets a server key send as a named player, creating it on first use, or as the system', async () => {
      const npc = unique('npc-');
      const asPlayer = await send(s.serverKey, 'world:w1', { content: 'from the server', sender_id: npc }).expect(201);
      expect(asPlayer.body).toMatchObject({ sender_id: npc, kind: 'chat', channel: 'world:w1' });
      const system = await send(s.serverKey, 'global', { content: 'Server restarts in 5 minutes', kind: 'system' }).expect(201);
      expect(system.body).toMatchObject({ sender_id: null, kind: 'system' });
      expect(error(await send(s.serverKey, 'global', { content: 'who am I?' }).expect(400))).toBe('validation_failed');
      expect(error(await send(s.serverKey, 'global', { content: 'x', kind: 'system', sender_id: npc }).expect(400))).toBe(
        'validation_failed',
      );
    });

    it('refuses system messages and impersonation from a player session', async () => {
      const ada = await player();
      const bob = await player();
      expect(error(await send(ada, 'global', { content: 'fake notice', kind: 'system' }).expect(403))).toBe('forbidden');
      expect(error(await send(ada, 'global', { content: 'as bob', sender_id: bob.id }).expect(404))).toBe('not_found');
      await send(ada, 'global', { content: 'as myself', sender_id: ada.id }).expect(201);
    });

    it('refuses a client key with 403', async () => {
      expect(error(await send(s.clientKey, 'global', { content: 'hi' }).expect(403))).toBe('forbidden');
    });

    it.each(['', 'Global', 'party:nope', 'dm:zed:amy', 'team:m:64', 'whisper:x', 'world:a:b'])(
      'rejects the channel name %j with 400',
      async (channel) => {
        const ada = await player();
        const res = await send(ada, channel || ' ', { content: 'hi' });
        expect(res.status).toBe(400);
        expect(error(res)).toBe('validation_failed');
      },
    );

    it('bounds content and data', async () => {
      const ada = await player();
      expect(error(await send(ada, 'global', { content: '' }).expect(400))).toBe('validation_failed');
      expect(error(await send(ada, 'global', { content: '   ' }).expect(400))).toBe('validation_failed');
      expect(error(await send(ada, 'global', { content: 'x'.repeat(2001) }).expect(400))).toBe('validation_failed');
      expect(error(await send(ada, 'global', { content: 'hi', data: [1, 2] }).expect(400))).toBe('validation_failed');
      expect(error(await send(ada, 'global', { content: 'hi', extra: true }).expect(400))).toBe('validation_failed');
      expect(error(await send(ada, 'global', { content: 'hi', data: { blob: 'x'.repeat(4100) } }).expect(413))).toBe('payload_too_large');
      await send(ada, 'global', { content: 'x'.repeat(2000), data: { blob: 'x'.repeat(4000) } }).expect(201);
    });

    it('limits a player to 10 messages per 10 seconds with 429 and retry-after', async () => {
      const ada = await player();
      for (let i = 0; i < 10; i++) await send(ada, 'global', { content: `spam ${i}` }).expect(201);
      const res = await send(ada, 'global', { content: 'one too many' }).expect(429);
      expect(error(res)).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another player is not affected.
      await send(await player(), 'global', { content: 'still fine' }).expect(201);
    });
  });

  describe('party, lobby and DM channels', () => {
    it('lets party members talk and refuses everyone else with 403', async () => {
      const [leader, member, outsider] = await Promise.all([player(), player(), player()]);
      const partyId = await party(leader, [member]);
      const channel = `party:${partyId}`;
      await send(member, channel, { content: 'ready?' }).expect(201);
      await send(leader, channel, { content: 'yes' }).expect(201);
      expect(error(await send(outsider, channel, { content: 'let me in' }).expect(403))).toBe('forbidden');
      expect(error(await history(outsider, channel).expect(403))).toBe('forbidden');
      expect(error(await history(outsider, 'party:00000000-0000-4000-8000-000000000000').expect(403))).toBe('forbidden');
      const page = await history(member, channel).expect(200);
      expect(page.body.messages.map((m: ChatMessagePayload) => m.content)).toEqual(['yes', 'ready?']);
      // A server key reads and writes any party channel of its game; an unknown party is 404 for it.
      await send(s.serverKey, channel, { content: 'match starting', kind: 'system' }).expect(201);
      expect((await history(s.serverKey, channel).expect(200)).body.messages).toHaveLength(3);
      expect(
        error(await send(s.serverKey, 'party:00000000-0000-4000-8000-000000000000', { content: 'x', kind: 'system' }).expect(404)),
      ).toBe('not_found');
    });

    it('lets lobby members talk and refuses non-members with 403', async () => {
      const [leader, outsider] = await Promise.all([player(), player()]);
      const lobby = await t.http
        .post('/lobbies')
        .set(...authHeader(leader))
        .send({ name: 'Room', max_players: 4, game_mode: 'co-op' })
        .expect(201);
      const channel = `lobby:${lobby.body.lobby_id as string}`;
      await send(leader, channel, { content: 'glhf' }).expect(201);
      expect(error(await send(outsider, channel, { content: 'hi' }).expect(403))).toBe('forbidden');
      expect(error(await history(outsider, channel).expect(403))).toBe('forbidden');
      expect((await history(leader, channel).expect(200)).body.messages[0]).toMatchObject({ content: 'glhf', sender_id: leader.id });
    });

    it('keeps a DM between its two players, refuses a third, and 404s an unknown player', async () => {
      const [ada, bob, eve] = await Promise.all([player(), player(), player()]);
      const channel = dm(ada.id, bob.id);
      await send(ada, channel, { content: 'psst' }).expect(201);
      await send(bob, channel, { content: 'what?' }).expect(201);
      expect(error(await send(eve, channel, { content: 'eavesdrop' }).expect(403))).toBe('forbidden');
      expect(error(await history(eve, channel).expect(403))).toBe('forbidden');
      expect((await history(bob, channel).expect(200)).body.messages).toHaveLength(2);
      expect(error(await send(ada, dm(ada.id, 'ghost-player'), { content: 'hello?' }).expect(404))).toBe('not_found');
    });

    it('refuses a DM with 403 when either player blocked the other', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const channel = dm(ada.id, bob.id);
      await send(ada, channel, { content: 'hi' }).expect(201);
      await t.app.get(PrismaService).friendship.create({ data: { gameId: s.gameId, playerId: bob.id, otherId: ada.id, state: 'blocked' } });
      const res = await send(ada, channel, { content: 'hello??' }).expect(403);
      expect(error(res)).toBe('forbidden');
      expect(res.body.error.message).toMatch(/blocked/);
      expect(error(await send(bob, channel, { content: 'go away' }).expect(403))).toBe('forbidden');
    });
  });

  describe('GET /chat/channels/:channel/messages', () => {
    it('pages newest first by id with a before cursor', async () => {
      const channel = `world:${unique('page-')}`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await send(s.serverKey, channel, { content: `m${i}`, kind: 'system' }).expect(201)).body.id);
      const first = await history(s.serverKey, channel, { limit: 2 }).expect(200);
      expect(first.body.messages.map((m: ChatMessagePayload) => m.content)).toEqual(['m4', 'm3']);
      expect(first.body.next).toBe(ids[3]);
      const second = await history(s.serverKey, channel, { limit: 2, before: first.body.next as string }).expect(200);
      expect(second.body.messages.map((m: ChatMessagePayload) => m.content)).toEqual(['m2', 'm1']);
      const last = await history(s.serverKey, channel, { limit: 2, before: second.body.next as string }).expect(200);
      expect(last.body.messages.map((m: ChatMessagePayload) => m.content)).toEqual(['m0']);
      expect(last.body.next).toBeNull();
    });

    it('validates limit and before', async () => {
      expect(error(await history(s.serverKey, 'global', { limit: 0 }).expect(400))).toBe('validation_failed');
      expect(error(await history(s.serverKey, 'global', { limit: 101 }).expect(400))).toBe('validation_failed');
      expect(error(await history(s.serverKey, 'global', { before: 'abc' }).expect(400))).toBe('validation_failed');
    });

    it('refuses a client key with 403', async () => {
      expect(error(await history(s.clientKey, 'global').expect(403))).toBe('forbidden');
    });

    it("never shows another game's messages", async () => {
      const channel = `world:${unique('iso-')}`;
      await send(s.serverKey, channel, { content: 'game A only', kind: 'system' }).expect(201);
      expect((await history(other.serverKey, channel).expect(200)).body.messages).toEqual([]);
    });
  });

  describe('PATCH /chat/messages/:id', () => {
    it('lets the author edit and sets edited_at; others get 403, a server key may edit any', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const id = (await send(ada, 'global', { content: 'teh' }).expect(201)).body.id as string;
      const edited = await edit(ada, id, 'the').expect(200);
      expect(edited.body).toMatchObject({ id, content: 'the', edited_at: expect.any(String) });
      expect(error(await edit(bob, id, 'hijack').expect(403))).toBe('forbidden');
      expect((await edit(s.serverKey, id, '[moderated]').expect(200)).body.content).toBe('[moderated]');
      expect(error(await edit(ada, id, '').expect(400))).toBe('validation_failed');
    });

    it('still edits a party message after the party disbanded', async () => {
      const leader = await player();
      const partyId = await party(leader, []);
      const id = (await send(leader, `party:${partyId}`, { content: 'bye' }).expect(201)).body.id as string;
      await t.http
        .post(`/parties/${partyId}/leave`)
        .set(...authHeader(leader))
        .send({})
        .expect(204);
      expect((await edit(leader, id, 'bye all').expect(200)).body.content).toBe('bye all');
      expect(error(await send(leader, `party:${partyId}`, { content: 'anyone?' }).expect(403))).toBe('forbidden');
    });

    it("404s another game's message, an unknown id and a malformed id", async () => {
      const id = (await send(s.serverKey, 'global', { content: 'mine', kind: 'system' }).expect(201)).body.id as string;
      expect(error(await edit(other.serverKey, id, 'theirs').expect(404))).toBe('not_found');
      expect(error(await remove(other.serverKey, id).expect(404))).toBe('not_found');
      expect(error(await edit(s.serverKey, '9223372036854775807', 'x').expect(404))).toBe('not_found');
      expect(error(await edit(s.serverKey, 'abc', 'x').expect(404))).toBe('not_found');
      expect(error(await edit(s.clientKey, id, 'x').expect(403))).toBe('forbidden');
    });
  });

  describe('DELETE /chat/messages/:id', () => {
    it('soft-deletes for the author: the history keeps the id without content, and it cannot be edited', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const channel = dm(ada.id, bob.id);
      const id = (await send(ada, channel, { content: 'oops', data: { x: 1 } }).expect(201)).body.id as string;
      expect(error(await remove(bob, id).expect(403))).toBe('forbidden');
      await remove(ada, id).expect(204);
      const page = await history(bob, channel).expect(200);
      expect(page.body.messages).toEqual([expect.objectContaining({ id, deleted: true, content: null, data: null, sender_id: ada.id })]);
      expect(error(await edit(ada, id, 'again').expect(404))).toBe('not_found');
      expect(error(await remove(ada, id).expect(404))).toBe('not_found');
    });

    it('lets a server key delete any message', async () => {
      const ada = await player();
      const id = (await send(ada, 'global', { content: 'rude' }).expect(201)).body.id as string;
      await remove(s.serverKey, id).expect(204);
    });
  });

  describe('/chat/mutes', () => {
    it('mutes a player until a time with a clear 403, and lifts it', async () => {
      const ada = await player();
      const until = new Date(Date.now() + 60 * 60_000).toISOString();
      const muted = await t.http
        .post('/chat/mutes')
        .set(...authHeader(s.serverKey))
        .send({ player_id: ada.id, until, reason: 'spam' })
        .expect(201);
      expect(muted.body).toEqual({ player_id: ada.id, until, reason: 'spam', created_at: expect.any(String) });
      const res = await send(ada, 'global', { content: 'hello?' }).expect(403);
      expect(error(res)).toBe('forbidden');
      expect(res.body.error.message).toContain(`muted in chat until ${until} (spam)`);
      // A server key cannot speak for a muted player either.
      expect(error(await send(s.serverKey, 'global', { content: 'relay', sender_id: ada.id }).expect(403))).toBe('forbidden');
      await t.http
        .delete(`/chat/mutes/${ada.id}`)
        .set(...authHeader(s.serverKey))
        .expect(204);
      await send(ada, 'global', { content: 'back' }).expect(201);
      expect(
        error(
          await t.http
            .delete(`/chat/mutes/${ada.id}`)
            .set(...authHeader(s.serverKey))
            .expect(404),
        ),
      ).toBe('not_found');
    });

    it('bans from chat without until, and lets an expired mute pass', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      await t.http
        .post('/chat/mutes')
        .set(...authHeader(s.serverKey))
        .send({ player_id: ada.id })
        .expect(201);
      expect((await send(ada, 'global', { content: 'hi' }).expect(403)).body.error.message).toBe('This player is muted in chat');
      await t.http
        .post('/chat/mutes')
        .set(...authHeader(s.serverKey))
        .send({ player_id: bob.id, until: new Date(Date.now() + 60_000).toISOString() })
        .expect(201);
      await t.app.get(PrismaService).chatMute.update({
        where: { gameId_playerId: { gameId: s.gameId, playerId: bob.id } },
        data: { until: new Date(Date.now() - 1_000) },
      });
      await send(bob, 'global', { content: 'free again' }).expect(201);
    });

    it('is for server keys only, validates, and is scoped to the game', async () => {
      const ada = await player();
      expect(
        error(
          await t.http
            .post('/chat/mutes')
            .set(...authHeader(ada))
            .send({ player_id: ada.id })
            .expect(403),
        ),
      ).toBe('forbidden');
      expect(
        error(
          await t.http
            .post('/chat/mutes')
            .set(...authHeader(s.clientKey))
            .send({ player_id: ada.id })
            .expect(403),
        ),
      ).toBe('forbidden');
      const past = new Date(Date.now() - 60_000).toISOString();
      expect(
        error(
          await t.http
            .post('/chat/mutes')
            .set(...authHeader(s.serverKey))
            .send({ player_id: ada.id, until: past })
            .expect(400),
        ),
      ).toBe('validation_failed');
      expect(
        error(
          await t.http
            .post('/chat/mutes')
            .set(...authHeader(s.serverKey))
            .send({ player_id: 'bad id' })
            .expect(400),
        ),
      ).toBe('validation_failed');
      // Game B muting the same id does not touch game A's player.
      await t.http
        .post('/chat/mutes')
        .set(...authHeader(other.serverKey))
        .send({ player_id: ada.id })
        .expect(201);
      await send(ada, 'global', { content: 'not muted here' }).expect(201);
    });
  });

  describe('realtime pushes', () => {
    it("pushes new, edited and deleted party messages to every member's socket", async () => {
      const [leader, member] = await Promise.all([player(), player()]);
      const channel = `party:${await party(leader, [member])}`;
      const socket = await connect(member);
      const created = nextEvent(socket, ServerEvent.ChatMessage, channel);
      const sent = await send(leader, channel, { content: 'push me' }).expect(201);
      expect(await created).toEqual(sent.body);
      const id = sent.body.id as string;
      const updated = nextEvent(socket, ServerEvent.ChatMessageUpdated, channel, id);
      await edit(leader, id, 'pushed').expect(200);
      expect(await updated).toMatchObject({ id, content: 'pushed', edited_at: expect.any(String) });
      const deleted = nextEvent(socket, ServerEvent.ChatMessageDeleted, channel, id);
      await remove(leader, id).expect(204);
      expect(await deleted).toMatchObject({ id, deleted: true, content: null });
    });

    it('pushes a global message to the sockets of the game', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const socket = await connect(bob);
      const content = `hello ${unique('g-')}`;
      const pushed = nextEvent(socket, ServerEvent.ChatMessage, 'global', undefined, content);
      const sent = (await send(ada, 'global', { content }).expect(201)).body as ChatMessagePayload;
      expect(await pushed).toEqual(sent);
    });

    it('pushes a DM to both players', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const socket = await connect(bob);
      const channel = dm(ada.id, bob.id);
      const pushed = nextEvent(socket, ServerEvent.ChatMessage, channel);
      const sent = await send(ada, channel, { content: 'just for you' }).expect(201);
      expect(await pushed).toEqual(sent.body);
    });
  });
});
