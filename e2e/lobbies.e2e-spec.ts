import { LobbiesRepository, LOBBY_CODE_ALPHABET } from '@spawnpoint/lobbies';
import { PrismaService } from '@spawnpoint/prisma';
import { ServerEvent } from '@spawnpoint/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type SignedInPlayer, type Studio } from './support/fixtures.js';

const CODE = new RegExp(`^[${LOBBY_CODE_ALPHABET}]{6}$`);
const SEED_CREATE = `{"name": "Alice's Party", "max_players": 4, "game_mode": "co-op", "private": true}`;

interface LobbyBody {
  lobby_id: string;
  code: string | null;
  status: string;
  locked: boolean;
  leader_id: string | null;
  world_id: string | null;
  players: { id: string; name: string; ready: boolean }[];
}

describe('/lobbies', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startApp({}, ['api', 'realtime']);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  const server = (s: Studio) => ({
    post: (path: string) => t.http.post(path).set('x-api-key', s.serverKey),
    get: (path: string) => t.http.get(path).set('x-api-key', s.serverKey),
  });
  const as = (p: SignedInPlayer) => ({
    post: (path: string) => t.http.post(path).set('authorization', `Bearer ${p.sessionToken}`),
    get: (path: string) => t.http.get(path).set('authorization', `Bearer ${p.sessionToken}`),
  });
  const ids = (lobby: LobbyBody) => lobby.players.map((p) => p.id);

  /** A public lobby created by `leader` (a player session). */
  async function lobbyOf(leader: SignedInPlayer, body: Record<string, unknown> = {}): Promise<LobbyBody> {
    const res = await as(leader)
      .post('/lobbies')
      .send({ name: 'Room', max_players: 4, game_mode: 'co-op', ...body })
      .expect(201);
    return res.body as LobbyBody;
  }

  async function players(s: Studio, n: number): Promise<SignedInPlayer[]> {
    return Promise.all(Array.from({ length: n }, () => deviceLogin(t, s.clientKey)));
  }

  async function connect(p: SignedInPlayer): Promise<Socket> {
    const socket = io(t.url, { auth: { token: p.sessionToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise((resolve) => socket.once(ServerEvent.Welcome, resolve));
    return socket;
  }

  /** Resolves with the first `event` payload that satisfies `match`. */
  function next<T>(socket: Socket, event: string, match: (payload: T) => boolean): Promise<T> {
    return new Promise((resolve) => {
      const listener = (payload: T) => {
        if (!match(payload)) return;
        socket.off(event, listener);
        resolve(payload);
      };
      socket.on(event, listener);
    });
  }

  describe('POST /lobbies', () => {
    let s: Studio;
    beforeAll(async () => {
      s = await createStudio(t);
    });

    it('creates the seed lobby with a server key: private, empty and owned by the game server', async () => {
      const res = await server(s).post('/lobbies').set('content-type', 'application/json').send(SEED_CREATE).expect(201);
      expect(res.body).toMatchObject({
        name: "Alice's Party",
        max_players: 4,
        game_mode: 'co-op',
        private: true,
        locked: false,
        status: 'open',
        leader_id: null,
        world_id: null,
        players: [],
      });
      expect(res.body.lobby_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.code).toMatch(CODE);
    });

    it('makes the named player the creator and leader when a server key sends player_id', async () => {
      const playerId = unique('player_');
      const res = await server(s)
        .post('/lobbies')
        .send({ name: "Alice's Party", max_players: 4, game_mode: 'co-op', private: true, player_id: playerId, player_name: 'Alice' })
        .expect(201);
      expect(res.body.leader_id).toBe(playerId);
      expect(res.body.players).toEqual([{ id: playerId, name: 'Alice', ready: false }]);
    });

    it('makes a player session the creator and leader, named by its display name, username or id', async () => {
      const alice = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(alice);
      expect(lobby.leader_id).toBe(alice.id);
      expect(lobby.players).toEqual([{ id: alice.id, name: alice.id, ready: false }]);
    });

    it('refuses a creator who is already in a lobby with 409', async () => {
      const alice = await deviceLogin(t, s.clientKey);
      await lobbyOf(alice);
      const res = await as(alice).post('/lobbies').send({ name: 'Second', max_players: 2, game_mode: 'duel' }).expect(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.error.message).toMatch(/already in another lobby/i);
    });

    it('rejects out-of-bounds fields with 400 validation_failed', async () => {
      const valid = { name: 'Room', max_players: 4, game_mode: 'co-op' };
      for (const bad of [
        { name: '' },
        { name: 'x'.repeat(65) },
        { max_players: 1 },
        { max_players: 65 },
        { max_players: 2.5 },
        { game_mode: 'co op' },
        { game_mode: 'm'.repeat(33) },
        { private: 'yes' },
        { unexpected: 1 },
      ]) {
        const res = await server(s)
          .post('/lobbies')
          .send({ ...valid, ...bad })
          .expect(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
      await server(s)
        .post('/lobbies')
        .send({ ...valid, name: 'x'.repeat(64), max_players: 64, game_mode: 'm'.repeat(32) })
        .expect(201);
    });

    it('does not let a player create a lobby for another player', async () => {
      const alice = await deviceLogin(t, s.clientKey);
      await as(alice).post('/lobbies').send({ name: 'Room', max_players: 4, game_mode: 'co-op', player_id: 'someone_else' }).expect(404);
    });

    it('answers a client key with 403', async () => {
      const res = await t.http.post('/lobbies').set('x-api-key', s.clientKey).send(JSON.parse(SEED_CREATE)).expect(403);
      expect(res.body.error.code).toBe('forbidden');
      await t.http.get('/lobbies').set('x-api-key', s.clientKey).expect(403);
    });
  });

  describe('POST /lobbies/join/:code', () => {
    let s: Studio;
    beforeAll(async () => {
      s = await createStudio(t);
    });

    it('joins with the seed curl form: a JSON body sent without Content-Type (curl labels it a form)', async () => {
      const created = (await server(s).post('/lobbies').set('content-type', 'application/json').send(SEED_CREATE).expect(201))
        .body as LobbyBody;
      const res = await server(s)
        .post(`/lobbies/join/${created.code}`)
        .set('content-type', 'application/x-www-form-urlencoded')
        .send('{"player_id": "player_456"}')
        .expect(200);
      expect(res.body.lobby_id).toBe(created.lobby_id);
      expect(res.body.players).toEqual([{ id: 'player_456', name: 'player_456', ready: false }]);
    });

    it('lets a session join itself with an empty body, the code in any case', async () => {
      const [alice, bob] = await players(s, 2);
      const lobby = await lobbyOf(alice);
      const res = await as(bob).post(`/lobbies/join/${lobby.code!.toLowerCase()}`).expect(200);
      expect(ids(res.body)).toEqual([alice.id, bob.id]);
    });

    it('answers an unknown or malformed code with 404', async () => {
      const bob = await deviceLogin(t, s.clientKey);
      for (const code of ['ZZZZZZ', 'ABC10O', 'toolongcode']) {
        const res = await as(bob).post(`/lobbies/join/${code}`).send({}).expect(404);
        expect(res.body.error.code).toBe('not_found');
      }
    });

    it('refuses a full lobby with 409', async () => {
      const [alice, bob, carol] = await players(s, 3);
      const lobby = await lobbyOf(alice, { max_players: 2 });
      await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
      const res = await as(carol).post(`/lobbies/join/${lobby.code}`).expect(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', message: 'The lobby is full' });
    });

    it('refuses a player already in another lobby with 409', async () => {
      const [alice, bob, carol] = await players(s, 3);
      const first = await lobbyOf(alice);
      const second = await lobbyOf(bob);
      await as(carol).post(`/lobbies/join/${first.code}`).expect(200);
      const res = await as(carol).post(`/lobbies/join/${second.code}`).expect(409);
      expect(res.body.error.message).toMatch(/already in another lobby/i);
      await as(carol).post(`/lobbies/join/${first.code}`).expect(409);
    });

    it('lets exactly one of two concurrent joins of one player into two lobbies succeed', async () => {
      const [alice, bob] = await players(s, 2);
      const first = await lobbyOf(alice);
      const second = await lobbyOf(bob);
      const racer = unique('racer_');
      const results = await Promise.all(
        [first, second].map((lobby) => server(s).post(`/lobbies/join/${lobby.code}`).send({ player_id: racer })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const lobbies = await Promise.all([first, second].map((l) => server(s).get(`/lobbies/${l.lobby_id}`).expect(200)));
      expect(lobbies.filter((r) => ids(r.body).includes(racer))).toHaveLength(1);
    });

    it('lets exactly one of many concurrent joins into the last seat succeed', async () => {
      const alice = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(alice, { max_players: 2 });
      const racers = Array.from({ length: 8 }, () => unique('seat_'));
      const results = await Promise.all(racers.map((id) => server(s).post(`/lobbies/join/${lobby.code}`).send({ player_id: id })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(7);
      const after = (await server(s).get(`/lobbies/${lobby.lobby_id}`).expect(200)).body as LobbyBody;
      expect(after.players).toHaveLength(2);
    });

    it('requires player_id (or party_id) from a server key', async () => {
      const alice = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(alice);
      const res = await server(s).post(`/lobbies/join/${lobby.code}`).send({}).expect(400);
      expect(res.body.error.details[0].field).toBe('player_id');
    });

    it('answers a client key with 403', async () => {
      await t.http.post('/lobbies/join/ABCDEF').set('x-api-key', s.clientKey).send({ player_id: 'player_456' }).expect(403);
    });
  });

  describe('POST /lobbies/join/:code (rate limit)', () => {
    it('answers 429 rate_limited with Retry-After once a player spends 10 attempts a minute', async () => {
      const s = await createStudio(t);
      const bob = await deviceLogin(t, s.clientKey);
      for (let i = 0; i < 10; i++) await as(bob).post('/lobbies/join/ZZZZZZ').expect(404);
      const res = await as(bob).post('/lobbies/join/ZZZZZZ').expect(429);
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another player of the game still has its own budget.
      const carol = await deviceLogin(t, s.clientKey);
      await as(carol).post('/lobbies/join/ZZZZZZ').expect(404);
    });

    it('limits a server key per joining player, so one game server can seat many players', async () => {
      const s = await createStudio(t);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push(
          (
            await server(s)
              .post('/lobbies/join/ZZZZZZ')
              .send({ player_id: `p${i}` })
          ).status,
        );
      expect(statuses.every((status) => status === 404)).toBe(true);
      for (let i = 0; i < 10; i++) await server(s).post('/lobbies/join/ZZZZZZ').send({ player_id: 'same' }).expect(404);
      await server(s).post('/lobbies/join/ZZZZZZ').send({ player_id: 'same' }).expect(429);
    });
  });

  describe('POST /lobbies/join/:code (parties)', () => {
    let s: Studio;
    beforeAll(async () => {
      s = await createStudio(t);
    });

    /** A party of `size` server-named players, built through the parties API. */
    async function party(size: number): Promise<{ partyId: string; members: string[]; sessions: SignedInPlayer[] }> {
      const sessions = await players(s, size);
      const members = sessions.map((p) => p.id);
      const created = await server(s).post('/parties').send({ player_id: members[0] }).expect(201);
      const partyId = created.body.party_id as string;
      for (const member of members.slice(1)) {
        await server(s)
          .post(`/parties/${partyId}/invites`)
          .send({ player_id: member })
          .expect((res) => expect(res.status).toBeLessThan(300));
        await server(s)
          .post(`/parties/${partyId}/invites/accept`)
          .send({ player_id: member })
          .expect((res) => expect(res.status).toBeLessThan(300));
      }
      return { partyId, members, sessions };
    }

    it('brings the whole party when its leader joins', async () => {
      const host = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(host);
      const { members } = await party(3);
      const res = await server(s).post(`/lobbies/join/${lobby.code}`).send({ player_id: members[0] }).expect(200);
      expect(ids(res.body)).toEqual([host.id, ...members]);
    });

    it('joins a party by party_id', async () => {
      const host = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(host);
      const { partyId, members } = await party(2);
      const res = await server(s).post(`/lobbies/join/${lobby.code}`).send({ party_id: partyId }).expect(200);
      expect(ids(res.body)).toEqual([host.id, ...members]);
    });

    it('lets a member who does not lead join alone', async () => {
      const host = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(host);
      const { members } = await party(2);
      const res = await server(s).post(`/lobbies/join/${lobby.code}`).send({ player_id: members[1] }).expect(200);
      expect(ids(res.body)).toEqual([host.id, members[1]]);
    });

    it('refuses a party that does not fit, and seats none of it', async () => {
      const host = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(host, { max_players: 3 });
      const { members } = await party(3);
      const res = await server(s).post(`/lobbies/join/${lobby.code}`).send({ player_id: members[0] }).expect(409);
      expect(res.body.error.message).toBe('The lobby is full');
      expect(ids((await server(s).get(`/lobbies/${lobby.lobby_id}`).expect(200)).body)).toEqual([host.id]);
    });

    it('seats none of the party when one member is already in another lobby', async () => {
      const [host, other] = await players(s, 2);
      const lobby = await lobbyOf(host);
      const elsewhere = await lobbyOf(other);
      const { members } = await party(3);
      await server(s).post(`/lobbies/join/${elsewhere.code}`).send({ player_id: members[2] }).expect(200);
      const res = await server(s).post(`/lobbies/join/${lobby.code}`).send({ player_id: members[0] }).expect(409);
      expect(res.body.error.message).toContain(members[2]);
      expect(ids((await server(s).get(`/lobbies/${lobby.lobby_id}`).expect(200)).body)).toEqual([host.id]);
    });

    it('lets a party leader bring its party by party_id, but not another member', async () => {
      const host = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(host);
      const { partyId, members, sessions } = await party(2);
      const denied = await as(sessions[1]!).post(`/lobbies/join/${lobby.code}`).send({ party_id: partyId }).expect(403);
      expect(denied.body.error.code).toBe('forbidden');
      const outsider = await deviceLogin(t, s.clientKey);
      await as(outsider).post(`/lobbies/join/${lobby.code}`).send({ party_id: partyId }).expect(404);
      const res = await as(sessions[0]!).post(`/lobbies/join/${lobby.code}`).send({ party_id: partyId }).expect(200);
      expect(ids(res.body)).toEqual([host.id, ...members]);
    });

    it('answers an unknown party with 404', async () => {
      const host = await deviceLogin(t, s.clientKey);
      const lobby = await lobbyOf(host);
      await server(s).post(`/lobbies/join/${lobby.code}`).send({ party_id: '00000000-0000-4000-8000-000000000000' }).expect(404);
    });
  });

  describe('GET /lobbies', () => {
    let s: Studio;
    let open: LobbyBody;
    let full: LobbyBody;
    let locked: LobbyBody;
    let hidden: LobbyBody;
    let mode: string;
    beforeAll(async () => {
      s = await createStudio(t);
      mode = unique('mode');
      const [a, b, c, d, e] = await players(s, 5);
      open = await lobbyOf(a!, { game_mode: mode });
      full = await lobbyOf(b!, { game_mode: mode, max_players: 2 });
      await as(e!).post(`/lobbies/join/${full.code}`).expect(200);
      locked = await lobbyOf(c!, { game_mode: mode });
      await as(c!).post(`/lobbies/${locked.lobby_id}/lock`).expect(200);
      hidden = await lobbyOf(d!, { game_mode: mode, private: true });
    });

    it('lists open public lobbies of a mode, newest first, never private ones', async () => {
      const res = await server(s).get(`/lobbies?game_mode=${mode}`).expect(200);
      expect(res.body.lobbies.map((l: LobbyBody) => l.lobby_id)).toEqual([locked.lobby_id, full.lobby_id, open.lobby_id]);
      expect(res.body.next_cursor).toBeNull();
      const everything = await server(s).get('/lobbies?limit=100').expect(200);
      expect(everything.body.lobbies.map((l: LobbyBody) => l.lobby_id)).not.toContain(hidden.lobby_id);
    });

    it('keeps only unlocked lobbies with a free seat with has_space=true', async () => {
      const res = await server(s).get(`/lobbies?game_mode=${mode}&has_space=true`).expect(200);
      expect(res.body.lobbies.map((l: LobbyBody) => l.lobby_id)).toEqual([open.lobby_id]);
    });

    it('pages with a cursor, for players too', async () => {
      const viewer = await deviceLogin(t, s.clientKey);
      const first = await as(viewer).get(`/lobbies?game_mode=${mode}&limit=2`).expect(200);
      expect(first.body.lobbies).toHaveLength(2);
      const second = await as(viewer).get(`/lobbies?game_mode=${mode}&limit=2&cursor=${first.body.next_cursor}`).expect(200);
      expect(second.body.lobbies.map((l: LobbyBody) => l.lobby_id)).toEqual([open.lobby_id]);
      expect(second.body.next_cursor).toBeNull();
    });

    it('rejects bad filters with 400', async () => {
      for (const query of ['has_space=yes', 'limit=0', 'limit=101', 'game_mode=a%20b', 'cursor=bogus', 'other=1']) {
        const res = await server(s).get(`/lobbies?${query}`).expect(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
    });
  });

  describe('GET /lobbies/:lobbyId', () => {
    let s: Studio;
    beforeAll(async () => {
      s = await createStudio(t);
    });

    it('shows a public lobby to any player of the game and a private one only to its members', async () => {
      const [alice, bob, carol] = await players(s, 3);
      const pub = await lobbyOf(alice);
      await as(carol).get(`/lobbies/${pub.lobby_id}`).expect(200);
      const priv = await lobbyOf(bob, { private: true });
      const res = await as(carol).get(`/lobbies/${priv.lobby_id}`).expect(404);
      expect(res.body.error.code).toBe('not_found');
      await as(bob).get(`/lobbies/${priv.lobby_id}`).expect(200);
      await server(s).get(`/lobbies/${priv.lobby_id}`).expect(200);
    });

    it('answers an unknown or malformed id with 404', async () => {
      await server(s).get('/lobbies/00000000-0000-4000-8000-000000000000').expect(404);
      await server(s).get('/lobbies/not-a-uuid').expect(404);
    });
  });

  describe('lobby lifecycle', () => {
    let s: Studio;
    beforeAll(async () => {
      s = await createStudio(t);
    });

    describe('POST /lobbies/:lobbyId/ready', () => {
      it('sets a member ready; a non-member gets 404', async () => {
        const [alice, bob, carol] = await players(s, 3);
        const lobby = await lobbyOf(alice);
        await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
        const res = await as(bob).post(`/lobbies/${lobby.lobby_id}/ready`).send({ ready: true }).expect(200);
        expect(res.body.players).toEqual([
          { id: alice.id, name: alice.id, ready: false },
          { id: bob.id, name: bob.id, ready: true },
        ]);
        await as(carol).post(`/lobbies/${lobby.lobby_id}/ready`).send({ ready: true }).expect(404);
        await as(bob).post(`/lobbies/${lobby.lobby_id}/ready`).send({}).expect(400);
        const byServer = await server(s).post(`/lobbies/${lobby.lobby_id}/ready`).send({ ready: true, player_id: alice.id }).expect(200);
        expect(byServer.body.players.every((p: { ready: boolean }) => p.ready)).toBe(true);
      });
    });

    describe('POST /lobbies/:lobbyId/kick', () => {
      it('is for the leader (or a server key) only', async () => {
        const [alice, bob, carol] = await players(s, 3);
        const lobby = await lobbyOf(alice);
        await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
        await as(carol).post(`/lobbies/join/${lobby.code}`).expect(200);
        const denied = await as(bob).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: carol.id }).expect(403);
        expect(denied.body.error.code).toBe('forbidden');
        await as(alice).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: alice.id }).expect(409);
        const kicked = await as(alice).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: carol.id }).expect(200);
        expect(ids(kicked.body)).toEqual([alice.id, bob.id]);
        await as(alice).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: carol.id }).expect(404);
        const byServer = await server(s).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: bob.id }).expect(200);
        expect(ids(byServer.body)).toEqual([alice.id]);
        // Kicked players are free to join again.
        await as(carol).post(`/lobbies/join/${lobby.code}`).expect(200);
      });
    });

    describe('POST /lobbies/:lobbyId/leave', () => {
      it('hands the lead to the longest-present member', async () => {
        const [alice, bob, carol] = await players(s, 3);
        const lobby = await lobbyOf(alice);
        await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
        await as(carol).post(`/lobbies/join/${lobby.code}`).expect(200);
        const res = await as(alice).post(`/lobbies/${lobby.lobby_id}/leave`).expect(200);
        expect(res.body).toMatchObject({ leader_id: bob.id, status: 'open' });
        expect(ids(res.body)).toEqual([bob.id, carol.id]);
        await as(bob).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: carol.id }).expect(200);
        await as(alice).post(`/lobbies/${lobby.lobby_id}/leave`).expect(404);
      });

      it('closes an empty lobby and frees its code for another lobby', async () => {
        const [alice, bob] = await players(s, 2);
        const lobby = await lobbyOf(alice);
        await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
        await as(alice).post(`/lobbies/${lobby.lobby_id}/leave`).expect(200);
        const closed = await as(bob).post(`/lobbies/${lobby.lobby_id}/leave`).expect(200);
        expect(closed.body).toMatchObject({ status: 'closed', code: null, players: [] });
        await as(alice).post(`/lobbies/join/${lobby.code}`).expect(404);
        // The code is free: a new lobby of the game can draw it again.
        const reused = await t.app.get(LobbiesRepository).create(
          s.gameId,
          { name: 'Again', mode: 'co-op', maxPlayers: 2, private: false },
          null,
          () => lobby.code!,
          (locked) => locked.reload(),
        );
        expect(reused.code).toBe(lobby.code);
        expect(reused.id).not.toBe(lobby.lobby_id);
      });

      it('lets a leaderless, server-owned lobby stay leaderless and close when its last player leaves', async () => {
        const lobby = (await server(s).post('/lobbies').send({ name: 'Server room', max_players: 3, game_mode: 'co-op' }).expect(201))
          .body as LobbyBody;
        const [bob, carol] = await players(s, 2);
        await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
        const joined = await as(carol).post(`/lobbies/join/${lobby.code}`).expect(200);
        expect(joined.body.leader_id).toBeNull();
        await as(bob).post(`/lobbies/${lobby.lobby_id}/lock`).expect(403);
        await as(bob).post(`/lobbies/${lobby.lobby_id}/start`).expect(403);
        await as(bob).post(`/lobbies/${lobby.lobby_id}/leave`).expect(200);
        const closed = await server(s).post(`/lobbies/${lobby.lobby_id}/leave`).send({ player_id: carol.id }).expect(200);
        expect(closed.body.status).toBe('closed');
      });
    });

    describe('POST /lobbies (codes)', () => {
      it('draws another code when the first one is taken by an open lobby', async () => {
        const alice = await deviceLogin(t, s.clientKey);
        const taken = await lobbyOf(alice);
        const draws = [taken.code!, 'FRESH2'];
        const lobby = await t.app.get(LobbiesRepository).create(
          s.gameId,
          { name: 'Retry', mode: 'co-op', maxPlayers: 2, private: false },
          null,
          () => draws.shift() ?? 'FRESH3',
          (locked) => locked.reload(),
        );
        expect(lobby.code).toBe('FRESH2');
      });

      it('stores codes upper-case, one row per open lobby', async () => {
        const alice = await deviceLogin(t, s.clientKey);
        const lobby = await lobbyOf(alice);
        const rows = await t.app.get(PrismaService).lobbyCode.findMany({ where: { lobbyId: lobby.lobby_id } });
        expect(rows).toEqual([{ gameId: s.gameId, code: lobby.code, lobbyId: lobby.lobby_id }]);
      });
    });

    describe('POST /lobbies/:lobbyId/lock', () => {
      it('refuses joins with 409 until unlocked', async () => {
        const [alice, bob] = await players(s, 2);
        const lobby = await lobbyOf(alice);
        await as(bob).post(`/lobbies/${lobby.lobby_id}/lock`).expect(403);
        expect((await as(alice).post(`/lobbies/${lobby.lobby_id}/lock`).expect(200)).body.locked).toBe(true);
        const res = await as(bob).post(`/lobbies/join/${lobby.code}`).expect(409);
        expect(res.body.error.message).toMatch(/locked/);
        await as(alice).post(`/lobbies/${lobby.lobby_id}/unlock`).expect(200);
        await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
      });
    });

    describe('POST /lobbies/:lobbyId/start', () => {
      it('records a world, frees the code and seats every member', async () => {
        const [alice, bob, carol] = await players(s, 3);
        const lobby = await lobbyOf(alice);
        await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
        await as(bob).post(`/lobbies/${lobby.lobby_id}/start`).expect(403);
        const res = await as(alice).post(`/lobbies/${lobby.lobby_id}/start`).expect(200);
        expect(res.body.world_id).toMatch(/^world_[0-9a-f-]{36}$/);
        expect(res.body.server).toMatch(/^[\w.-]+:\d+$/);
        expect(res.body.players).toEqual([
          { id: alice.id, name: alice.id },
          { id: bob.id, name: bob.id },
        ]);
        const after = (await as(bob).get(`/lobbies/${lobby.lobby_id}`).expect(200)).body as LobbyBody;
        expect(after).toMatchObject({ status: 'started', code: null, world_id: res.body.world_id });
        await as(carol).post(`/lobbies/join/${lobby.code}`).expect(404);
        await as(alice).post(`/lobbies/${lobby.lobby_id}/start`).expect(409);
        await as(alice).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: bob.id }).expect(409);
        // Players of a started lobby are free for the next one.
        const nextLobby = await lobbyOf(carol);
        await as(bob).post(`/lobbies/join/${nextLobby.code}`).expect(200);
      });

      it('lets a server key start any lobby of its game, but not an empty one', async () => {
        const empty = (await server(s).post('/lobbies').send({ name: 'Empty', max_players: 2, game_mode: 'co-op' }).expect(201))
          .body as LobbyBody;
        await server(s).post(`/lobbies/${empty.lobby_id}/start`).expect(409);
        const alice = await deviceLogin(t, s.clientKey);
        const lobby = await lobbyOf(alice);
        const res = await server(s).post(`/lobbies/${lobby.lobby_id}/start`).expect(200);
        expect(res.body.players).toEqual([{ id: alice.id, name: alice.id }]);
      });
    });
  });

  describe('realtime pushes', () => {
    let s: Studio;
    beforeAll(async () => {
      s = await createStudio(t);
    });

    it('pushes lobby_updated to members on join, ready and leave, and lobby_started on start', async () => {
      const [alice, bob, carol] = await players(s, 3);
      const socket = await connect(alice);
      const lobby = await lobbyOf(alice);
      type Update = { lobby: LobbyBody; change: { type: string; player_ids: string[] } };
      const update = (type: string, who: string) =>
        next<Update>(socket, ServerEvent.LobbyUpdated, (p) => p.change.type === type && p.change.player_ids.includes(who));

      const joined = update('joined', bob.id);
      await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
      expect((await joined).lobby).toMatchObject({ lobby_id: lobby.lobby_id, players: [{ id: alice.id }, { id: bob.id }] });

      const ready = update('ready', bob.id);
      await as(bob).post(`/lobbies/${lobby.lobby_id}/ready`).send({ ready: true }).expect(200);
      expect((await ready).lobby.players[1]).toEqual({ id: bob.id, name: bob.id, ready: true });

      await as(carol).post(`/lobbies/join/${lobby.code}`).expect(200);
      const left = update('left', carol.id);
      await as(carol).post(`/lobbies/${lobby.lobby_id}/leave`).expect(200);
      expect(ids((await left).lobby)).toEqual([alice.id, bob.id]);

      const started = next<{ lobby_id: string; world_id: string; server: string; players: unknown[] }>(
        socket,
        ServerEvent.LobbyStarted,
        () => true,
      );
      const res = await as(alice).post(`/lobbies/${lobby.lobby_id}/start`).expect(200);
      expect(await started).toEqual(res.body);
    });

    it('tells a kicked player, and the members, about the kick and the new leader', async () => {
      const [alice, bob, carol] = await players(s, 3);
      const lobby = await lobbyOf(alice);
      await as(bob).post(`/lobbies/join/${lobby.code}`).expect(200);
      await as(carol).post(`/lobbies/join/${lobby.code}`).expect(200);
      const [bobSocket, carolSocket] = await Promise.all([connect(bob), connect(carol)]);
      type Update = { lobby: LobbyBody; change: { type: string; player_ids: string[] } };
      const kicked = next<Update>(carolSocket, ServerEvent.LobbyUpdated, (p) => p.change.type === 'kicked');
      await as(alice).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: carol.id }).expect(200);
      expect((await kicked).change.player_ids).toEqual([carol.id]);

      const leader = next<Update>(bobSocket, ServerEvent.LobbyUpdated, (p) => p.change.type === 'leader_changed');
      await as(alice).post(`/lobbies/${lobby.lobby_id}/leave`).expect(200);
      expect((await leader).lobby.leader_id).toBe(bob.id);
    });
  });

  describe('tenancy', () => {
    let a: Studio;
    let b: Studio;
    beforeAll(async () => {
      [a, b] = await Promise.all([createStudio(t), createStudio(t)]);
    });

    it("does not let game A's key see, join or act on game B's lobby", async () => {
      const owner = await deviceLogin(t, b.clientKey);
      const lobby = await lobbyOf(owner);
      await server(a).get(`/lobbies/${lobby.lobby_id}`).expect(404);
      await server(a).post(`/lobbies/join/${lobby.code}`).send({ player_id: 'player_456' }).expect(404);
      for (const action of ['lock', 'start']) await server(a).post(`/lobbies/${lobby.lobby_id}/${action}`).expect(404);
      await server(a).post(`/lobbies/${lobby.lobby_id}/kick`).send({ player_id: owner.id }).expect(404);
      expect((await server(a).get('/lobbies?limit=100').expect(200)).body.lobbies.map((l: LobbyBody) => l.lobby_id)).not.toContain(
        lobby.lobby_id,
      );
      const playerA = await deviceLogin(t, a.clientKey);
      await as(playerA).get(`/lobbies/${lobby.lobby_id}`).expect(404);
      await as(playerA).post(`/lobbies/join/${lobby.code}`).expect(404);
      expect((await server(b).get(`/lobbies/${lobby.lobby_id}`).expect(200)).body.status).toBe('open');
    });

    it('keeps codes per game: two games may hold the same code at once', async () => {
      const repository = t.app.get(LobbiesRepository);
      const code = 'SAME22';
      const create = (s: Studio) =>
        repository.create(
          s.gameId,
          { name: 'Twin', mode: 'co-op', maxPlayers: 2, private: false },
          null,
          () => code,
          (locked) => locked.reload(),
        );
      const [inA, inB] = await Promise.all([create(a), create(b)]);
      expect([inA.code, inB.code]).toEqual([code, code]);
      const joined = await server(a).post(`/lobbies/join/${code.toLowerCase()}`).send({ player_id: 'twin_player' }).expect(200);
      expect(joined.body.lobby_id).toBe(inA.id);
    });
  });
});
