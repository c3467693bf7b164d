import { CloseCode, ServerEvent, type ChatMessagePayload, type RoomsPayload } from '@spawnpoint/shared';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { authHeader, createStudio, deviceLogin, unique, type SignedInPlayer, type Studio } from './support/fixtures.js';
import { RealtimeClients, TRANSPORTS, type RealtimeClient, type Transport } from './support/realtime-client.js';

const other = (transport: Transport): Transport => (transport === 'ws' ? 'socket.io' : 'ws');

describe('realtime gateway: connections, rooms and tenancy', () => {
  let t: TestApp;
  let s: Studio;
  let b: Studio;
  let rt: RealtimeClients;

  beforeAll(async () => {
    t = await startApp({}, ['api', 'realtime']);
    [s, b] = await Promise.all([createStudio(t), createStudio(t)]);
    rt = new RealtimeClients(t.url);
  });
  afterAll(async () => {
    rt.closeAll();
    await t.close();
  });

  const player = (studio: Studio = s) => deviceLogin(t, studio.clientKey);
  const nextRooms = (client: RealtimeClient, predicate: (rooms: RoomsPayload) => boolean = () => true) =>
    client.next<RoomsPayload>(ServerEvent.Rooms, predicate);

  describe.each(TRANSPORTS)('handshake over %s', (transport) => {
    it('welcomes a session token with the player, the game and a resume token', async () => {
      const p = await player();
      const client = await rt.connect(transport, { token: p.sessionToken });
      expect(client.welcome).toMatchObject({
        player_id: p.id,
        game_id: s.gameId,
        resumed: false,
        missed: 0,
        rooms: ['global'],
        resume_token: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
        resume_grace_ms: 30_000,
      });
      expect(client.welcome.guest_session).toBeUndefined();
      expect(await client.call('ping', { timestamp: 42 })).toEqual({ timestamp: 42, server_time: expect.any(Number) });
    });

    it('gives a client key alone a guest player of its own, with a session the client can keep', async () => {
      const client = await rt.connect(transport, { api_key: s.clientKey });
      const { player_id: playerId, guest_session: guest } = client.welcome;
      expect(playerId).toEqual(expect.any(String));
      expect(guest).toEqual({ token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number) });
      const me = await t.http.get('/players/me').set('authorization', `Bearer ${guest!.token}`).expect(200);
      expect(me.body.id).toBe(playerId);
      // The guest is a real player: it chats on the global channel like anyone else.
      const sent = await client.call<ChatMessagePayload>('chat_send', { channel: 'global', content: 'hi from a guest' });
      expect(sent).toMatchObject({ sender_id: playerId, channel: 'global' });
      const second = await rt.connect(transport, { api_key: s.clientKey });
      expect(second.welcome.player_id).not.toBe(playerId);
    });

    it('lets a server key connect as the game server, or act as a named player', async () => {
      const server = await rt.connect(transport, { api_key: s.serverKey });
      expect(server.welcome).toMatchObject({ player_id: null, game_id: s.gameId, rooms: ['global'] });
      expect(await server.refused('presence_update', { status: 'busy' })).toBe('forbidden');
      const p = await player();
      const asPlayer = await rt.connect(transport, { api_key: s.serverKey, player_id: p.id });
      expect(asPlayer.welcome).toMatchObject({ player_id: p.id, game_id: s.gameId });
      expect(await asPlayer.call('presence_update', { status: 'busy', status_text: 'raiding' })).toMatchObject({
        player_id: p.id,
        status: 'busy',
        status_text: 'raiding',
      });
      // Acting for a player is not being the game server.
      expect(await asPlayer.refused('move_player', { player_id: p.id, world_id: 'w1' })).toBe('forbidden');
    });

    it('refuses bad credentials with a stable code (and on /ws a close code)', async () => {
      const p = await player();
      const banned = await player();
      await t.http.post(`/players/${banned.id}/ban`).set('x-api-key', s.serverKey).expect(200);
      const revoked = await player();
      await t.http.post('/auth/logout').set('authorization', `Bearer ${revoked.sessionToken}`).send({}).expect(204);
      const claims = jwt.decode(p.sessionToken) as Record<string, unknown>;
      const expired = jwt.sign(
        { sub: claims.sub, gid: claims.gid, sid: claims.sid, aud: claims.aud, exp: Math.floor(Date.now() / 1000) - 10 },
        process.env.JWT_SESSION_SECRET!,
      );
      const unauthorized = transport === 'ws' ? CloseCode.Unauthorized : null;
      const forbidden = transport === 'ws' ? CloseCode.Forbidden : null;
      const cases: [Parameters<RealtimeClients['refusal']>[1], string, number | null][] = [
        [{}, 'unauthorized', unauthorized],
        [{ token: 'garbage' }, 'invalid_token', unauthorized],
        [{ token: expired }, 'token_expired', unauthorized],
        [{ token: revoked.sessionToken }, 'session_revoked', unauthorized],
        [{ api_key: 'sp_sk_nope' }, 'invalid_api_key', unauthorized],
        [{ api_key: s.clientKey, player_id: p.id }, 'forbidden', forbidden],
        [{ api_key: s.serverKey, player_id: banned.id }, 'player_banned', forbidden],
        [{ api_key: s.serverKey, player_id: 'bad id!' }, 'validation_failed', unauthorized],
        // Another game's player is no player of this key's game.
        [{ api_key: b.serverKey, player_id: p.id }, 'not_found', unauthorized],
      ];
      for (const [credentials, code, closeCode] of cases) {
        expect(await rt.refusal(transport, credentials), JSON.stringify(credentials)).toEqual({ code, closeCode });
      }
    });

    it('closes a player’s connection when it logs out, and refuses the token afterwards', async () => {
      const p = await player();
      const client = await rt.connect(transport, { token: p.sessionToken });
      await t.http.post('/auth/logout').set('authorization', `Bearer ${p.sessionToken}`).send({}).expect(204);
      const closed = await client.closed;
      expect(closed.code).toBe(CloseCode.Revoked);
      expect(closed.reason).toBe(transport === 'ws' ? 'session_revoked' : 'io server disconnect');
      expect(client.pending(ServerEvent.Error)).toEqual([expect.objectContaining({ code: 'session_revoked', close_code: 4004 })]);
    });

    it('closes a banned player’s connections, and a game server’s when its key is revoked', async () => {
      const p = await player();
      const client = await rt.connect(transport, { token: p.sessionToken });
      await t.http.post(`/players/${p.id}/ban`).set('x-api-key', s.serverKey).expect(200);
      expect((await client.closed).code).toBe(CloseCode.Revoked);

      const key = await t.http
        .post(`/games/${s.gameId}/keys`)
        .set('authorization', `Bearer ${s.token}`)
        .send({ name: 'revoked', kind: 'server' })
        .expect(201);
      const server = await rt.connect(transport, { api_key: key.body.key as string });
      await t.http
        .delete(`/games/${s.gameId}/keys/${key.body.id as string}`)
        .set('authorization', `Bearer ${s.token}`)
        .expect(200);
      expect((await server.closed).code).toBe(CloseCode.Revoked);
      expect(server.pending(ServerEvent.Error)).toEqual([expect.objectContaining({ code: 'invalid_api_key' })]);
    });
  });

  describe.each(TRANSPORTS)('rooms hierarchy for a %s player', (transport) => {
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

    it('moves connections into and out of party and lobby rooms as the player joins and leaves', async () => {
      const [ada, bob] = await Promise.all([player(), player()]);
      const [adaRt, bobRt] = await Promise.all([
        rt.connect(transport, { token: ada.sessionToken }),
        rt.connect(other(transport), { token: bob.sessionToken }),
      ]);
      const partyId = await party(ada, [bob]);
      expect(await nextRooms(adaRt)).toEqual({ rooms: ['global', `party:${partyId}`], joined: [`party:${partyId}`], left: [] });
      expect(await nextRooms(bobRt)).toEqual({ rooms: ['global', `party:${partyId}`], joined: [`party:${partyId}`], left: [] });

      const lobby = await t.http
        .post('/lobbies')
        .set(...authHeader(ada))
        .send({ name: 'Room', max_players: 4, game_mode: 'co-op' })
        .expect(201);
      const lobbyRoom = `lobby:${lobby.body.lobby_id as string}`;
      expect((await nextRooms(adaRt)).joined).toEqual([lobbyRoom]);

      await t.http
        .post(`/parties/${partyId}/leave`)
        .set(...authHeader(bob))
        .send({})
        .expect(204);
      expect(await nextRooms(bobRt)).toEqual({ rooms: ['global'], joined: [], left: [`party:${partyId}`] });

      await t.http
        .post(`/lobbies/join/${lobby.body.code as string}`)
        .set(...authHeader(bob))
        .send({})
        .expect(200);
      expect(await nextRooms(bobRt)).toEqual({ rooms: ['global', lobbyRoom], joined: [lobbyRoom], left: [] });

      // A new connection starts in the rooms the player is in.
      const again = await rt.connect(transport, { token: ada.sessionToken });
      expect(again.welcome.rooms).toEqual(['global', lobbyRoom, `party:${partyId}`].sort());
    });

    it('moves a player between world, sector and team rooms when a game server says so', async () => {
      const p = await player();
      const client = await rt.connect(transport, { token: p.sessionToken });
      const server = await rt.connect(other(transport), { api_key: s.serverKey });
      const world = unique('w');

      expect(await server.call('move_player', { player_id: p.id, world_id: world, sector: 'a1' })).toEqual({
        player_id: p.id,
        joined: 2,
        left: 0,
      });
      expect(await nextRooms(client)).toEqual({
        rooms: ['global', `sector:${world}:a1`, `world:${world}`],
        joined: [`sector:${world}:a1`, `world:${world}`],
        left: [],
      });

      await server.call('move_player', { player_id: p.id, world_id: world, sector: 'a2', team: 'm1:0' });
      expect(await nextRooms(client)).toEqual({
        rooms: ['global', `sector:${world}:a2`, `team:m1:0`, `world:${world}`],
        joined: [`sector:${world}:a2`, 'team:m1:0'],
        left: [`sector:${world}:a1`],
      });

      // Deliveries follow the membership: the old sector no longer reaches the player, the new one does.
      const system = (channel: string, content: string) =>
        t.http
          .post(`/chat/channels/${encodeURIComponent(channel)}/messages`)
          .set('x-api-key', s.serverKey)
          .send({ content, kind: 'system' });
      await system(`sector:${world}:a1`, 'old sector').expect(201);
      await system(`sector:${world}:a2`, 'new sector').expect(201);
      expect(await client.next<ChatMessagePayload>(ServerEvent.ChatMessage)).toMatchObject({
        channel: `sector:${world}:a2`,
        content: 'new sector',
      });

      expect(await server.refused('move_player', { player_id: p.id, sector: 'a3' })).toBe('validation_failed');
      expect(await client.refused('move_player', { player_id: p.id, world_id: world })).toBe('forbidden');

      await server.call('move_player', { player_id: p.id });
      expect(await nextRooms(client)).toEqual({
        rooms: ['global'],
        joined: [],
        left: [`sector:${world}:a2`, `team:m1:0`, `world:${world}`],
      });
    });
  });

  describe('tenancy', () => {
    it('keeps one game’s keys and sessions out of another game’s rooms, presence and chat', async () => {
      const [mine, theirs] = await Promise.all([player(s), player(b)]);
      const theirRt = await rt.connect('ws', { token: theirs.sessionToken });
      const myRt = await rt.connect('socket.io', { token: mine.sessionToken });
      await theirRt.call('presence_update', { status: 'busy' });
      const myServer = await rt.connect('socket.io', { api_key: s.serverKey });
      const theirServer = await rt.connect('ws', { api_key: b.serverKey });

      // Game A's server moving "their" id only places a player of game A; game B's server is heard.
      await myServer.call('move_player', { player_id: theirs.id, world_id: 'wa' });
      await theirServer.call('move_player', { player_id: theirs.id, world_id: 'wb' });
      expect((await nextRooms(theirRt)).joined).toEqual(['world:wb']);

      // Presence is per game: the same id is unknown (offline) in game A.
      expect(await myRt.call('presence_get', { player_ids: [theirs.id] })).toEqual({
        presences: [expect.objectContaining({ player_id: theirs.id, status: 'offline' })],
      });
      expect(await myServer.call('presence_get', { player_ids: [theirs.id] })).toEqual({
        presences: [expect.objectContaining({ status: 'offline' })],
      });
      expect(await theirServer.call('presence_get', { player_ids: [theirs.id] })).toEqual({
        presences: [expect.objectContaining({ status: 'busy' })],
      });

      // Game A's global chat is not game B's; another game's player cannot be befriended.
      await myRt.call('chat_send', { channel: 'global', content: 'only game A hears this' });
      await theirRt.call('chat_send', { channel: 'global', content: 'game B' });
      expect(await theirRt.next<ChatMessagePayload>(ServerEvent.ChatMessage)).toMatchObject({ content: 'game B', sender_id: theirs.id });
      expect(await myRt.refused('friend_request', { player_id: theirs.id })).toBe('not_found');

      // Game A's resume token does not resume a connection of game B.
      myRt.drop();
      await myRt.closed;
      const crossed = await rt.connect('ws', { token: theirs.sessionToken, resume: myRt.welcome.resume_token });
      expect(crossed.welcome).toMatchObject({ resumed: false, rooms: ['global', 'world:wb'] });
    });
  });
});
