import { PrismaService } from '@spawnpoint/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, type SignedInPlayer, type Studio } from './support/fixtures.js';
import { ownRedisPrefix, WorldClient, WorldsApi } from './support/worlds.js';

// What the developer dashboard calls: game endpoints with a developer token and X-Game-Id, and the
// read-only views built for it. Every view is checked for tenant isolation from the outside.
describe('dashboard API', () => {
  let t: TestApp;
  let a: Studio;
  let b: Studio;
  let playerA: SignedInPlayer;
  let playerB: SignedInPlayer;
  /** Headers of developer A acting on its game. */
  let devA: Record<string, string>;
  beforeAll(async () => {
    t = await startApp(ownRedisPrefix('dashboard'));
    [a, b] = await Promise.all([createStudio(t), createStudio(t)]);
    [playerA, playerB] = await Promise.all([deviceLogin(t, a.clientKey), deviceLogin(t, b.clientKey)]);
    devA = { authorization: `Bearer ${a.token}`, 'x-game-id': a.gameId };
  });
  afterAll(() => t.close());

  /** GETs `path` as developer A acting on its game, expecting 200. */
  async function asDevA(path: string): Promise<Record<string, unknown>> {
    return (await t.http.get(path).set(devA).expect(200)).body as Record<string, unknown>;
  }

  describe('developer token with X-Game-Id', () => {
    describe('GET /players', () => {
      it('lists the players of the developer’s own game, as a server key would', async () => {
        const res = await t.http.get('/players?limit=100').set(devA).expect(200);
        const ids = res.body.players.map((p: { id: string }) => p.id);
        expect(ids).toContain(playerA.id);
        expect(ids).not.toContain(playerB.id);
      });

      it('answers another developer’s game with 404', async () => {
        const res = await t.http
          .get('/players')
          .set({ authorization: `Bearer ${a.token}`, 'x-game-id': b.gameId })
          .expect(404);
        expect(res.body.error.code).toBe('not_found');
      });

      it('answers an unknown or malformed game id with 404', async () => {
        await t.http
          .get('/players')
          .set({ authorization: `Bearer ${a.token}`, 'x-game-id': '00000000-0000-4000-8000-000000000000' })
          .expect(404);
        await t.http
          .get('/players')
          .set({ authorization: `Bearer ${a.token}`, 'x-game-id': 'not-a-game' })
          .expect(404);
      });

      it('answers a bad token, or a player session, with X-Game-Id with 401', async () => {
        const bad = await t.http.get('/players').set({ authorization: 'Bearer nope', 'x-game-id': a.gameId }).expect(401);
        expect(bad.body.error.code).toBe('invalid_token');
        await t.http
          .get('/players')
          .set({ authorization: `Bearer ${playerA.sessionToken}`, 'x-game-id': a.gameId })
          .expect(401);
        await t.http.get('/players').set({ 'x-game-id': a.gameId }).expect(401);
      });

      it('leaves a player session without X-Game-Id a player session (403 on a server endpoint)', async () => {
        const res = await t.http.get('/players').set('authorization', `Bearer ${playerA.sessionToken}`).expect(403);
        expect(res.body.error.code).toBe('forbidden');
        await t.http.get('/players/me').set('authorization', `Bearer ${playerA.sessionToken}`).expect(200);
      });

      it('refuses a developer token without X-Game-Id on a game endpoint', async () => {
        await t.http.get('/players').set('authorization', `Bearer ${a.token}`).expect(401);
      });
    });

    describe('POST /players/:playerId/ban', () => {
      it('bans and unbans a player of the developer’s game, and only of it', async () => {
        const victim = await deviceLogin(t, a.clientKey);
        const res = await t.http.post(`/players/${victim.id}/ban`).set(devA).expect(200);
        expect(res.body.banned).toBe(true);
        await t.http.get('/players/me').set('authorization', `Bearer ${victim.sessionToken}`).expect(401);
        await t.http.post(`/players/${victim.id}/unban`).set(devA).expect(200);
        await t.http.post(`/players/${playerB.id}/ban`).set(devA).expect(404);
      });
    });

    describe('GET /players/:playerId/storage/:collection/:key', () => {
      it('reads a document of the developer’s game, whatever its read access', async () => {
        await t.http
          .put(`/players/${playerA.id}/storage/secrets/vault`)
          .set('x-api-key', a.serverKey)
          .send({ value: { gold: 5 }, read: 'none' })
          .expect(200);
        const res = await t.http.get(`/players/${playerA.id}/storage/secrets/vault`).set(devA).expect(200);
        expect(res.body.value).toEqual({ gold: 5 });
        await t.http
          .get(`/players/${playerA.id}/storage/secrets/vault`)
          .set({ authorization: `Bearer ${b.token}`, 'x-game-id': a.gameId })
          .expect(404);
      });
    });
  });

  describe('/worlds', () => {
    describe('GET /worlds/:name/entities', () => {
      type Entity = { id: number; x: number; y: number; kind: string; player_id: string | null };

      it('shows every entity of a running world with its kind and player, about a second old', async () => {
        await new WorldsApi(t, a.serverKey).start({ name: 'map-1', world_size: 500, tick_rate: 20, module_options: { bots: 3 } });
        const client = await WorldClient.connect(t.url, 'socket.io', { token: playerA.sessionToken });
        try {
          await client.call('join_world', { world_id: 'map-1' });
          let body = await asDevA('/worlds/map-1/entities');
          // The snapshot before the join may still be the latest one for up to a second.
          for (let i = 0; i < 30 && (body.entities as Entity[]).length < 4; i++) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            body = await asDevA('/worlds/map-1/entities');
          }
          expect(body).toMatchObject({ world_size: 500, truncated: false, total: 4 });
          expect(body.tick as number).toBeGreaterThan(0);
          expect(Date.now() - Date.parse(body.taken_at as string)).toBeLessThan(2_500);
          const entities = body.entities as Entity[];
          expect(entities.filter((e) => e.kind === 'bot' && e.player_id === null)).toHaveLength(3);
          expect(entities.filter((e) => e.kind === 'player')).toEqual([expect.objectContaining({ player_id: playerA.id })]);
          for (const e of entities) {
            expect(e.x).toBeGreaterThanOrEqual(0);
            expect(e.x).toBeLessThanOrEqual(500);
            expect(e.y).toBeGreaterThanOrEqual(0);
            expect(e.y).toBeLessThanOrEqual(500);
          }
        } finally {
          client.close();
        }
      });

      it('cuts a crowded world at 2,000 entities and says so', async () => {
        await new WorldsApi(t, a.serverKey).start({ name: 'crowd', world_size: 1000, tick_rate: 5, module_options: { bots: 2100 } });
        const body = await asDevA('/worlds/crowd/entities');
        expect(body).toMatchObject({ truncated: true, total: 2100 });
        expect(body.entities).toHaveLength(2000);
      });

      it('answers another game’s world, or a stopped one, with 404', async () => {
        await t.http.get('/worlds/map-1/entities').set('x-api-key', b.serverKey).expect(404);
        await t.http
          .get('/worlds/map-1/entities')
          .set({ authorization: `Bearer ${b.token}`, 'x-game-id': b.gameId })
          .expect(404);
        await t.http.delete('/worlds/crowd').set(devA).expect(204);
        await t.http.get('/worlds/crowd/entities').set(devA).expect(404);
      });

      it('is refused to a player session with 403', async () => {
        await t.http.get('/worlds/map-1/entities').set('authorization', `Bearer ${playerA.sessionToken}`).expect(403);
      });
    });
  });

  describe('/games/:gameId/usage', () => {
    describe('GET /games/:gameId/usage', () => {
      type Point = { at: string; requests: number; client_errors: number; server_errors: number; connected_players: number };
      const total = (points: Point[], field: keyof Omit<Point, 'at'>) => points.reduce((sum, p) => sum + p[field], 0);

      it('counts the game’s requests, its 4xx and its connected players per minute', async () => {
        const c = await createStudio(t);
        const player = await deviceLogin(t, c.clientKey);
        for (let i = 0; i < 3; i++) await t.http.get('/players').set('x-api-key', c.serverKey).expect(200);
        await t.http.get('/players/nobody').set('x-api-key', c.serverKey).expect(404);
        await t.http.get('/players').set('x-api-key', c.clientKey).expect(403);
        // Served outside Nest's pipeline (LeaderboardHotRoutes), and counted all the same, refusals included.
        await t.http
          .post('/leaderboards/usage_kills/scores')
          .set('x-api-key', c.serverKey)
          .send({ player_id: player.id, score: 1 })
          .expect(201);
        await t.http
          .post('/leaderboards/usage_kills/scores')
          .set('x-api-key', c.clientKey)
          .send({ player_id: player.id, score: 2 })
          .expect(403);
        const client = await WorldClient.connect(t.url, 'socket.io', { token: player.sessionToken });
        try {
          const res = await t.http.get(`/games/${c.gameId}/usage?minutes=5`).set('authorization', `Bearer ${c.token}`).expect(200);
          expect(res.body.interval_seconds).toBe(60);
          const points = res.body.points as Point[];
          expect(points).toHaveLength(5);
          const starts = points.map((p) => Date.parse(p.at));
          for (const [i, at] of starts.entries()) {
            expect(at % 60_000).toBe(0);
            if (i > 0) expect(at - starts[i - 1]!).toBe(60_000);
          }
          expect(Date.now() - starts[4]!).toBeLessThan(60_000);
          expect(total(points, 'requests')).toBe(8);
          expect(total(points, 'client_errors')).toBe(3);
          expect(total(points, 'server_errors')).toBe(0);
          expect(Math.max(...points.map((p) => p.connected_players))).toBe(1);
        } finally {
          client.close();
        }
      });

      it('defaults to the last 60 minutes', async () => {
        const res = await t.http.get(`/games/${a.gameId}/usage`).set('authorization', `Bearer ${a.token}`).expect(200);
        expect(res.body.points).toHaveLength(60);
      });

      it('refuses minutes outside 1-1440 with 400', async () => {
        await t.http.get(`/games/${a.gameId}/usage?minutes=0`).set('authorization', `Bearer ${a.token}`).expect(400);
        await t.http.get(`/games/${a.gameId}/usage?minutes=1441`).set('authorization', `Bearer ${a.token}`).expect(400);
      });

      it('answers another developer’s game with 404', async () => {
        const res = await t.http.get(`/games/${a.gameId}/usage`).set('authorization', `Bearer ${b.token}`).expect(404);
        expect(res.body.error.code).toBe('not_found');
      });
    });
  });

  describe('/players', () => {
    describe('GET /players?query=', () => {
      let d: Studio;
      beforeAll(async () => {
        d = await createStudio(t);
        const custom = (customId: string, username?: string) =>
          t.http.post('/auth/custom').set('x-api-key', d.clientKey).send({ custom_id: customId, username }).expect(201);
        await custom('Alpha-1');
        await custom('zeta-9', 'ALPHAbet');
        await custom('beta-2', 'bravo');
      });
      const search = async (query: string, extra = '') => {
        const res = await t.http
          .get(`/players?query=${encodeURIComponent(query)}${extra}`)
          .set('x-api-key', d.serverKey)
          .expect(200);
        return res.body as { players: { id: string }[]; next_cursor: string | null };
      };

      it('finds players by a prefix of their id or username, in any case', async () => {
        expect((await search('alp')).players.map((p) => p.id)).toEqual(['Alpha-1', 'zeta-9']);
        expect((await search('BETA')).players.map((p) => p.id)).toEqual(['beta-2']);
        expect((await search('pha')).players).toEqual([]);
      });

      it('takes LIKE wildcards literally', async () => {
        expect((await search('%')).players).toEqual([]);
        expect((await search('_')).players).toEqual([]);
      });

      it('pages a search with the cursor', async () => {
        const first = await search('a', '&limit=1');
        expect(first.players.map((p) => p.id)).toEqual(['Alpha-1']);
        const second = await search('a', `&limit=1&cursor=${first.next_cursor}`);
        expect(second.players.map((p) => p.id)).toEqual(['zeta-9']);
        expect(second.next_cursor).toBeNull();
      });

      it('searches only the caller’s game', async () => {
        const res = await t.http
          .get('/players?query=alpha')
          .set({ authorization: `Bearer ${a.token}`, 'x-game-id': a.gameId })
          .expect(200);
        expect(res.body.players).toEqual([]);
      });
    });
  });

  describe('/players/:playerId/storage', () => {
    describe('GET /players/:playerId/storage', () => {
      let owner: SignedInPlayer;
      let other: SignedInPlayer;
      type Page = { objects: { collection: string; key: string; value: unknown; read: string }[]; cursor: string | null };
      const names = (page: Page) => page.objects.map((o) => `${o.collection}/${o.key}`);
      beforeAll(async () => {
        [owner, other] = await Promise.all([deviceLogin(t, a.clientKey), deviceLogin(t, a.clientKey)]);
        const put = (collection: string, key: string, read: string) =>
          t.http
            .put(`/players/${owner.id}/storage/${collection}/${key}`)
            .set('x-api-key', a.serverKey)
            .send({ value: { n: key }, read })
            .expect(200);
        await put('inventory', 'main', 'owner');
        await put('inventory', 'bank', 'public');
        await put('audio', 'settings', 'none');
        await put('profile', 'card', 'public');
      });
      const list = async (headers: Record<string, string>, query = '') =>
        (await t.http.get(`/players/${owner.id}/storage${query}`).set(headers).expect(200)).body as Page;

      it('pages a developer through every document, by collection then key', async () => {
        const first = await list(devA, '?limit=3');
        expect(names(first)).toEqual(['audio/settings', 'inventory/bank', 'inventory/main']);
        expect(first.objects[0]).toMatchObject({ value: { n: 'settings' }, read: 'none', version: 1 });
        const second = await list(devA, `?limit=3&cursor=${first.cursor}`);
        expect(names(second)).toEqual(['profile/card']);
        expect(second.cursor).toBeNull();
      });

      it('shows a player its own readable documents and others only public ones', async () => {
        expect(names(await list({ authorization: `Bearer ${owner.sessionToken}` }))).toEqual([
          'inventory/bank',
          'inventory/main',
          'profile/card',
        ]);
        expect(names(await list({ authorization: `Bearer ${other.sessionToken}` }))).toEqual(['inventory/bank', 'profile/card']);
      });

      it('answers another game’s player, or an unknown one, with 404', async () => {
        await t.http.get(`/players/${owner.id}/storage`).set('x-api-key', b.serverKey).expect(404);
        await t.http
          .get(`/players/${owner.id}/storage`)
          .set({ authorization: `Bearer ${b.token}`, 'x-game-id': b.gameId })
          .expect(404);
        await t.http.get('/players/nobody-here/storage').set(devA).expect(404);
      });

      it('refuses a cursor it did not issue with 400', async () => {
        const res = await t.http.get(`/players/${owner.id}/storage?cursor=bm9wZQ`).set(devA).expect(400);
        expect(res.body.error.code).toBe('validation_failed');
      });
    });
  });

  describe('/leaderboards/:leaderboardId/seasons', () => {
    describe('GET /leaderboards/:leaderboardId/seasons', () => {
      const score = (playerId: string, value: number) =>
        t.http.post('/leaderboards/dash_kills/scores').set(devA).send({ player_id: playerId, score: value }).expect(201);

      it('lists the current season then the archived ones, newest first, with their entries', async () => {
        await score('s-one', 10);
        await score('s-two', 20);
        await t.http.post('/leaderboards/dash_kills/reset').set(devA).expect(200);
        await t.http.post('/leaderboards/dash_kills/reset').set(devA).expect(200);
        await score('s-one', 5);
        const res = await t.http.get('/leaderboards/dash_kills/seasons').set(devA).expect(200);
        expect(res.body.seasons).toEqual([
          { season: 3, current: true, started_at: expect.any(String), ended_at: null, entries: 1 },
          { season: 2, current: false, started_at: expect.any(String), ended_at: expect.any(String), entries: 0 },
          { season: 1, current: false, started_at: expect.any(String), ended_at: expect.any(String), entries: 2 },
        ]);
        const [current, second, first] = res.body.seasons as { started_at: string; ended_at: string }[];
        expect(first!.ended_at).toBe(second!.started_at);
        expect(second!.ended_at).toBe(current!.started_at);
      });

      it('returns at most `limit` seasons', async () => {
        const res = await t.http.get('/leaderboards/dash_kills/seasons?limit=2').set('x-api-key', a.serverKey).expect(200);
        expect(res.body.seasons.map((s: { season: number }) => s.season)).toEqual([3, 2]);
      });

      it('answers another game’s leaderboard with 404', async () => {
        const res = await t.http.get('/leaderboards/dash_kills/seasons').set('x-api-key', b.serverKey).expect(404);
        expect(res.body.error.code).toBe('not_found');
      });
    });
  });

  describe('/matchmaking', () => {
    let matchId: string;
    beforeAll(async () => {
      await t.http.put('/matchmaking/modes/casual').set(devA).send({}).expect(200);
      const queue = (playerId: string, wait = '') =>
        t.http
          .post(`/matchmaking/queue${wait}`)
          .set(devA)
          .send({ player_id: playerId, skill_rating: 1500, game_mode: 'ranked', region: 'eu' });
      await queue('mm-one').expect(202);
      const matched = await queue('mm-two', '?wait=10').expect(200);
      expect(matched.body.status).toBe('matched');
      matchId = matched.body.match.match_id;
      await queue('mm-three').expect(202);
    });

    describe('GET /matchmaking/stats', () => {
      it('shows per mode the tickets queued now, and the waits and matches of the last hour', async () => {
        const res = await t.http.get('/matchmaking/stats').set(devA).expect(200);
        expect(res.body.modes).toEqual([
          { game_mode: 'casual', queued: 0, wait_p50_ms: null, wait_p95_ms: null, matches_last_hour: 0 },
          { game_mode: 'ranked', queued: 1, wait_p50_ms: expect.any(Number), wait_p95_ms: expect.any(Number), matches_last_hour: 1 },
        ]);
        const ranked = res.body.modes[1] as { wait_p50_ms: number; wait_p95_ms: number };
        expect(ranked.wait_p50_ms).toBeGreaterThanOrEqual(0);
        expect(ranked.wait_p95_ms).toBeGreaterThanOrEqual(ranked.wait_p50_ms);
        expect(ranked.wait_p95_ms).toBeLessThan(30_000);
      });

      it('shows another game nothing of this one', async () => {
        const res = await t.http.get('/matchmaking/stats').set('x-api-key', b.serverKey).expect(200);
        expect(res.body.modes).toEqual([]);
      });

      it('is refused to a player session with 403', async () => {
        await t.http.get('/matchmaking/stats').set('authorization', `Bearer ${playerA.sessionToken}`).expect(403);
      });
    });

    describe('GET /matchmaking/matches', () => {
      it('lists the recent matches, newest first, by mode', async () => {
        const res = await t.http.get('/matchmaking/matches?limit=20').set(devA).expect(200);
        expect(res.body.matches).toEqual([
          expect.objectContaining({ match_id: matchId, game_mode: 'ranked', world_id: expect.any(String), created_at: expect.any(String) }),
        ]);
        expect([...res.body.matches[0].players].sort()).toEqual(['mm-one', 'mm-two']);
        const casual = await t.http.get('/matchmaking/matches?game_mode=casual').set(devA).expect(200);
        expect(casual.body.matches).toEqual([]);
      });

      it('shows another game none of this one’s matches', async () => {
        const res = await t.http.get('/matchmaking/matches').set('x-api-key', b.serverKey).expect(200);
        expect(res.body.matches).toEqual([]);
      });

      it('refuses a limit outside 1-100 with 400', async () => {
        await t.http.get('/matchmaking/matches?limit=0').set(devA).expect(400);
        await t.http.get('/matchmaking/matches?limit=101').set(devA).expect(400);
      });
    });
  });

  describe('/chat', () => {
    let e: Studio;
    let ada: SignedInPlayer;
    let bob: SignedInPlayer;
    let devE: Record<string, string>;
    beforeAll(async () => {
      e = await createStudio(t);
      devE = { authorization: `Bearer ${e.token}`, 'x-game-id': e.gameId };
      [ada, bob] = await Promise.all([deviceLogin(t, e.clientKey), deviceLogin(t, e.clientKey)]);
    });
    const send = (who: SignedInPlayer, channel: string, content: string) =>
      t.http.post(`/chat/channels/${channel}/messages`).set('authorization', `Bearer ${who.sessionToken}`).send({ content }).expect(201);

    describe('GET /chat/channels', () => {
      it('lists the channels with messages, the most recently active first, without deleted messages', async () => {
        const dm = `dm:${[ada.id, bob.id].sort().join(':')}`;
        await send(ada, 'global', 'one');
        const rude = await send(bob, 'global', 'two');
        await send(ada, dm, 'psst');
        await t.http.delete(`/chat/messages/${rude.body.id}`).set(devE).expect(204);
        const res = await t.http.get('/chat/channels').set(devE).expect(200);
        expect(res.body.channels).toEqual([
          { channel: dm, messages: 1, last_message_at: expect.any(String) },
          { channel: 'global', messages: 1, last_message_at: expect.any(String) },
        ]);
        const limited = await t.http.get('/chat/channels?limit=1').set(devE).expect(200);
        expect(limited.body.channels.map((c: { channel: string }) => c.channel)).toEqual([dm]);
      });

      it('shows another game none of this one’s channels', async () => {
        const res = await t.http.get('/chat/channels').set('x-api-key', b.serverKey).expect(200);
        expect(res.body.channels).toEqual([]);
      });

      it('is refused to a player session with 403', async () => {
        await t.http.get('/chat/channels').set('authorization', `Bearer ${ada.sessionToken}`).expect(403);
      });
    });

    describe('GET /chat/mutes', () => {
      it('lists the mutes in force as POST /chat/mutes stored them, newest first', async () => {
        const carl = await deviceLogin(t, e.clientKey);
        const until = new Date(Date.now() + 3_600_000).toISOString();
        await t.http.post('/chat/mutes').set(devE).send({ player_id: bob.id, until, reason: 'spam' }).expect(201);
        await t.http.post('/chat/mutes').set(devE).send({ player_id: ada.id }).expect(201);
        await t.http.post('/chat/mutes').set(devE).send({ player_id: carl.id, until }).expect(201);
        await t.app.get(PrismaService).chatMute.update({
          where: { gameId_playerId: { gameId: e.gameId, playerId: carl.id } },
          data: { until: new Date(Date.now() - 1_000) },
        });
        const res = await t.http.get('/chat/mutes').set(devE).expect(200);
        expect(res.body.mutes).toEqual([
          { player_id: ada.id, until: null, reason: null, created_at: expect.any(String) },
          { player_id: bob.id, until, reason: 'spam', created_at: expect.any(String) },
        ]);
      });

      it('shows another game none of this one’s mutes', async () => {
        const res = await t.http.get('/chat/mutes').set('x-api-key', b.serverKey).expect(200);
        expect(res.body.mutes).toEqual([]);
      });
    });
  });
});
