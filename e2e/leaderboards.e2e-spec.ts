import { getQueueToken } from '@nestjs/bullmq';
import { PrismaService } from '@spawnpoint/prisma';
import { RedisPubSub } from '@spawnpoint/redis';
import { JobName, LEADERBOARD_UPDATES_CHANNEL, QueueName, type LeaderboardUpdatedPayload } from '@spawnpoint/shared';
import { type Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type SignedInPlayer, type Studio } from './support/fixtures.js';

interface Entry {
  rank: number;
  player_id: string;
  score: number;
  subscore: number;
  metadata: Record<string, unknown> | null;
}

describe('/leaderboards', () => {
  let t: TestApp;
  let s: Studio;
  let player: SignedInPlayer;
  beforeAll(async () => {
    t = await startApp();
    s = await createStudio(t);
    player = await deviceLogin(t, s.clientKey);
  });
  afterAll(() => t.close());

  const server = { 'x-api-key': '' };
  const asServer = (key = s.serverKey) => ({ ...server, 'x-api-key': key });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const submit = (board: string, body: object, headers: Record<string, string> = asServer()) =>
    t.http.post(`/leaderboards/${board}/scores`).set(headers).send(body);
  const configure = (board: string, body: object) => t.http.put(`/leaderboards/${board}`).set(asServer()).send(body);
  const top = async (board: string, query = ''): Promise<Entry[]> =>
    (
      await t.http
        .get(`/leaderboards/${board}${query ? `?${query}` : ''}`)
        .set(asServer())
        .expect(200)
    ).body.entries;
  const order = async (board: string) => (await top(board, 'limit=1000')).map((e) => e.player_id);

  /** Submits one after another, so each submission is strictly later than the previous one. */
  async function submitAll(board: string, scores: Array<[string, number, number?]>): Promise<void> {
    for (const [playerId, score, subscore] of scores) {
      await submit(board, { player_id: playerId, score, ...(subscore === undefined ? {} : { subscore }) }).expect(201);
    }
  }

  describe('POST /leaderboards/:leaderboardId/scores', () => {
    it('takes the documented calls verbatim on an empty game: submit, top N, rank', async () => {
      const studio = await createStudio(t);
      const key = { 'X-API-Key': studio.serverKey };
      const created = await t.http
        .post('/leaderboards/weekly_kills/scores')
        .set(key)
        .send({ player_id: 'player_123', score: 15847 })
        .expect(201);
      expect(created.body).toMatchObject({
        leaderboard_id: 'weekly_kills',
        season: 1,
        player_id: 'player_123',
        score: 15847,
        subscore: 0,
        rank: 1,
        submissions: 1,
      });

      const board = await t.http.get('/leaderboards/weekly_kills?limit=100').set(key).expect(200);
      expect(board.body).toEqual({
        leaderboard_id: 'weekly_kills',
        season: 1,
        entries: [{ rank: 1, player_id: 'player_123', score: 15847, subscore: 0, metadata: null }],
        next_cursor: null,
      });

      const rank = await t.http.get('/leaderboards/weekly_kills/rank/player_123').set(key).expect(200);
      expect(rank.body).toEqual({ player_id: 'player_123', score: 15847, subscore: 0, rank: 1, season: 1 });

      // The leaderboard was created with the defaults, and the unknown player id with it.
      const config = await t.http.get('/leaderboards/weekly_kills/config').set(key).expect(200);
      expect(config.body).toMatchObject({
        id: 'weekly_kills',
        sort_order: 'desc',
        operator: 'best',
        reset_schedule: null,
        authoritative: false,
        season: 1,
      });
      await t.http.get('/players/player_123').set(key).expect(200);
    });

    it('ranks many players in score order and keeps metadata', async () => {
      const board = unique('ranks_');
      await submitAll(board, [
        ['a', 10],
        ['b', 30],
        ['c', 20],
      ]);
      await submit(board, { player_id: 'd', score: 25, metadata: { character: 'mage', level: 12 } }).expect(201);
      const entries = await top(board);
      expect(entries.map((e) => [e.rank, e.player_id, e.score])).toEqual([
        [1, 'b', 30],
        [2, 'd', 25],
        [3, 'c', 20],
        [4, 'a', 10],
      ]);
      expect(entries[1]!.metadata).toEqual({ character: 'mage', level: 12 });
    });

    it('best keeps the better score per player (higher on desc boards)', async () => {
      const board = unique('best_');
      const first = await submit(board, { player_id: 'p1', score: 100, metadata: { run: 1 } }).expect(201);
      const worse = await submit(board, { player_id: 'p1', score: 50, metadata: { run: 2 } }).expect(201);
      expect(worse.body).toMatchObject({ score: 100, submissions: 2, metadata: { run: 1 }, reached_at: first.body.reached_at });
      const better = await submit(board, { player_id: 'p1', score: 120, metadata: { run: 3 } }).expect(201);
      expect(better.body).toMatchObject({ score: 120, submissions: 3, metadata: { run: 3 } });
    });

    it('best keeps the lower score on asc boards, which rank the lowest first', async () => {
      const board = unique('asc_');
      await configure(board, { sort_order: 'asc' }).expect(200);
      await submitAll(board, [
        ['slow', 95_000],
        ['fast', 61_250],
        ['mid', 70_000],
      ]);
      expect((await submit(board, { player_id: 'fast', score: 65_000 }).expect(201)).body).toMatchObject({ score: 61_250, rank: 1 });
      expect((await submit(board, { player_id: 'slow', score: 60_000 }).expect(201)).body).toMatchObject({ score: 60_000, rank: 1 });
      expect(await order(board)).toEqual(['slow', 'fast', 'mid']);
    });

    it('set replaces the score, worse or not', async () => {
      const board = unique('set_');
      await configure(board, { operator: 'set' }).expect(200);
      await submit(board, { player_id: 'p1', score: 100 }).expect(201);
      expect((await submit(board, { player_id: 'p1', score: 40 }).expect(201)).body).toMatchObject({ score: 40, submissions: 2 });
    });

    it('increment adds and decrement subtracts the amount; both refuse a negative amount', async () => {
      const inc = unique('inc_');
      await configure(inc, { operator: 'increment' }).expect(200);
      await submit(inc, { player_id: 'p1', score: 5 }).expect(201);
      expect((await submit(inc, { player_id: 'p1', score: 7, subscore: 2 }).expect(201)).body).toMatchObject({ score: 12, subscore: 2 });
      const refused = await submit(inc, { player_id: 'p1', score: -1 }).expect(400);
      expect(refused.body.error.details).toEqual([
        { field: 'score', message: 'the amount must be 0 or more on increment and decrement leaderboards' },
      ]);

      const dec = unique('dec_');
      await configure(dec, { operator: 'decrement' }).expect(200);
      expect((await submit(dec, { player_id: 'p1', score: 5 }).expect(201)).body).toMatchObject({ score: -5 });
      expect((await submit(dec, { player_id: 'p1', score: 3 }).expect(201)).body).toMatchObject({ score: -8 });
      await submit(dec, { player_id: 'p1', score: -3 }).expect(400);
    });

    it('increments saturate at 2^53 - 1 instead of losing precision or failing', async () => {
      const board = unique('sat_');
      await configure(board, { operator: 'increment' }).expect(200);
      await submit(board, { player_id: 'p1', score: Number.MAX_SAFE_INTEGER - 1 }).expect(201);
      expect((await submit(board, { player_id: 'p1', score: 10 }).expect(201)).body.score).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('counts concurrent increments of one player exactly (group commit keeps every submission)', async () => {
      const board = unique('concurrent_');
      await configure(board, { operator: 'increment' }).expect(200);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => submit(board, { player_id: `p${i % 4}`, score: 1 })));
      expect(results.map((r) => r.status).every((status) => status === 201)).toBe(true);
      const entries = await top(board);
      expect(entries.map((e) => e.score)).toEqual([10, 10, 10, 10]);
    });

    it('breaks equal scores by subscore (in the board order), then by who reached the score first', async () => {
      const board = unique('ties_');
      await submitAll(board, [
        ['first', 100],
        ['second', 100],
        ['low_sub', 200, 1],
        ['high_sub', 200, 5],
        // late reaches 100 last, even though it submitted before the others reached it.
        ['late', 50],
      ]);
      await submit(board, { player_id: 'late', score: 100 }).expect(201);
      // Submitting an equal score again does not move the time the player reached it.
      await submit(board, { player_id: 'first', score: 100 }).expect(201);
      expect(await order(board)).toEqual(['high_sub', 'low_sub', 'first', 'second', 'late']);

      const asc = unique('ties_asc_');
      await configure(asc, { sort_order: 'asc' }).expect(200);
      await submitAll(asc, [
        ['b', 10, 9],
        ['a', 10, 3],
        ['c', 10, 3],
      ]);
      expect(await order(asc)).toEqual(['a', 'c', 'b']);
    });

    it('validates the body', async () => {
      const board = unique('valid_');
      const cases: Array<[object, string]> = [
        [{ score: 1 }, 'player_id'],
        [{ player_id: 'p1' }, 'score'],
        [{ player_id: 'p1', score: 1.5 }, 'score'],
        [{ player_id: 'p1', score: '15' }, 'score'],
        [{ player_id: 'p1', score: 2 ** 53 }, 'score'],
        [{ player_id: 'p1', score: 1, subscore: -(2 ** 53) }, 'subscore'],
        [{ player_id: 'bad id!', score: 1 }, 'player_id'],
        [{ player_id: 'p1', score: 1, metadata: [1, 2] }, 'metadata'],
        [{ player_id: 'p1', score: 1, metadata: { blob: 'x'.repeat(2100) } }, 'metadata'],
        [{ player_id: 'p1', score: 1, metadata: { text: 'a\u0000b' } }, 'metadata'],
        [{ player_id: 'p1', score: 1, rank: 1 }, 'rank'],
      ];
      for (const [body, field] of cases) {
        const res = await submit(board, body).expect(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      // Metadata deeper than the board allows, and a hostile body deeper than any request may be.
      const nested = (levels: number) => `{"player_id":"p1","score":1,"metadata":${'{"d":'.repeat(levels)}{}${'}'.repeat(levels)}}`;
      const post = (body: string) =>
        t.http.post(`/leaderboards/${board}/scores`).set(asServer()).set('content-type', 'application/json').send(body).expect(400);
      expect((await post(nested(20))).body.error.details).toEqual([{ field: 'metadata', message: 'metadata must not nest deeper than 16 levels' }]);
      expect((await post(nested(100_000))).body.error.details).toEqual([
        { field: 'body', message: 'the body nests objects and arrays deeper than 64 levels' },
      ]);
      await t.http.post('/leaderboards/bad%20id/scores').set(asServer()).send({ player_id: 'p1', score: 1 }).expect(400);
    });

    it('lets a player session submit its own score on a non-authoritative leaderboard', async () => {
      const board = unique('open_');
      await configure(board, {}).expect(200);
      const res = await submit(board, { player_id: player.id, score: 7 }, bearer(player.sessionToken)).expect(201);
      expect(res.body).toMatchObject({ player_id: player.id, score: 7, rank: 1 });
    });

    it("refuses a player session another player's score (404), an authoritative leaderboard (403) and an unknown one (404)", async () => {
      const board = unique('auth_');
      await configure(board, {}).expect(200);
      await submit(board, { player_id: 'someone_else', score: 7 }, bearer(player.sessionToken)).expect(404);
      await configure(board, { authoritative: true }).expect(200);
      const res = await submit(board, { player_id: player.id, score: 7 }, bearer(player.sessionToken)).expect(403);
      expect(res.body.error.code).toBe('forbidden');
      await submit(unique('never_'), { player_id: player.id, score: 7 }, bearer(player.sessionToken)).expect(404);
      // The server key still can.
      await submit(board, { player_id: player.id, score: 7 }).expect(201);
    });

    it('refuses a client key with 403 and no credentials with 401', async () => {
      const res = await submit('any', { player_id: 'p1', score: 1 }, { 'x-api-key': s.clientKey }).expect(403);
      expect(res.body.error.code).toBe('forbidden');
      await t.http.get('/leaderboards/any').set('x-api-key', s.clientKey).expect(403);
      await t.http.put('/leaderboards/any').set('x-api-key', s.clientKey).send({}).expect(403);
      await t.http.post('/leaderboards/any/scores').send({ player_id: 'p1', score: 1 }).expect(401);
    });

    it('publishes each score change on Redis with the new rank, and nothing when the record does not change', async () => {
      const board = unique('events_');
      const subscriber = new Redis(process.env.REDIS_URL!);
      const events: LeaderboardUpdatedPayload[] = [];
      // The channel carries the deployment's key prefix, so deployments sharing a Redis do not
      // hear each other: nothing arrives on the bare name.
      const channel = t.app.get(RedisPubSub).channel(LEADERBOARD_UPDATES_CHANNEL);
      expect(channel).toBe(`${process.env.REDIS_KEY_PREFIX}${LEADERBOARD_UPDATES_CHANNEL}`);
      const onBareName: string[] = [];
      subscriber.on('message', (heardOn: string, raw: string) => {
        const event = JSON.parse(raw) as LeaderboardUpdatedPayload;
        if (event.game_id !== s.gameId || event.leaderboard_id !== board) return;
        if (heardOn === channel) events.push(event);
        else onBareName.push(heardOn);
      });
      await subscriber.subscribe(channel, LEADERBOARD_UPDATES_CHANNEL);
      try {
        await submitAll(board, [
          ['p1', 10],
          ['p2', 20],
          ['p1', 5],
          ['p1', 30],
        ]);
        await expect.poll(() => events.length).toBe(3);
        expect(events).toEqual([
          { game_id: s.gameId, leaderboard_id: board, season: 1, player_id: 'p1', score: 10, rank: 1 },
          { game_id: s.gameId, leaderboard_id: board, season: 1, player_id: 'p2', score: 20, rank: 1 },
          { game_id: s.gameId, leaderboard_id: board, season: 1, player_id: 'p1', score: 30, rank: 1 },
        ]);
        expect(onBareName).toEqual([]);
      } finally {
        await subscriber.quit();
      }
    });
  });

  describe('GET /leaderboards/:leaderboardId', () => {
    const board = unique('paging_');
    beforeAll(async () => {
      // 25 players, p00 best; submitted concurrently, as one group commit would see them.
      const res = await Promise.all(
        Array.from({ length: 25 }, (_, i) => submit(board, { player_id: `p${String(i).padStart(2, '0')}`, score: 1000 - i })),
      );
      expect(res.every((r) => r.status === 201)).toBe(true);
    });

    it('pages through every entry with next_cursor, ranks continuing across pages', async () => {
      const seen: Entry[] = [];
      let query = 'limit=10';
      for (let page = 0; page < 5; page++) {
        const res = await t.http.get(`/leaderboards/${board}?${query}`).set(asServer()).expect(200);
        seen.push(...res.body.entries);
        if (res.body.next_cursor === null) break;
        query = `limit=10&cursor=${res.body.next_cursor}`;
      }
      expect(seen.map((e) => e.rank)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(seen.map((e) => e.player_id)).toEqual(Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`));
    });

    it('keeps paging correctly when scores change between pages', async () => {
      const first = await t.http.get(`/leaderboards/${board}?limit=5`).set(asServer()).expect(200);
      const other = unique('mover_');
      await submit(board, { player_id: other, score: 5000 }).expect(201);
      const second = await t.http.get(`/leaderboards/${board}?limit=5&cursor=${first.body.next_cursor}`).set(asServer()).expect(200);
      expect(second.body.entries[0]).toMatchObject({ player_id: 'p05', rank: 7 });
    });

    it('returns the players around a player with around', async () => {
      const around = await top(board, 'around=p12&limit=5');
      expect(around.map((e) => e.player_id)).toEqual(['p10', 'p11', 'p12', 'p13', 'p14']);
      const atTheBottom = await top(board, 'around=p24&limit=4');
      expect(atTheBottom.map((e) => e.player_id)).toEqual(['p21', 'p22', 'p23', 'p24']);
      const res = await t.http.get(`/leaderboards/${board}?around=nobody`).set(asServer()).expect(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it('is readable by a player session', async () => {
      const res = await t.http.get(`/leaderboards/${board}?limit=3`).set(bearer(player.sessionToken)).expect(200);
      expect(res.body.entries).toHaveLength(3);
    });

    it('answers 404 for an unknown leaderboard and 400 for bad queries', async () => {
      await t.http
        .get(`/leaderboards/${unique('nothing_')}`)
        .set(asServer())
        .expect(404);
      for (const query of [
        'limit=0',
        'limit=1001',
        'limit=ten',
        'cursor=bogus',
        'around=p01&cursor=x',
        'season=0',
        'around=bad%20id',
        'sort=asc',
      ]) {
        const res = await t.http.get(`/leaderboards/${board}?${query}`).set(asServer()).expect(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
      await t.http.get(`/leaderboards/${board}?season=2`).set(asServer()).expect(404);
    });
  });

  describe('GET /leaderboards/:leaderboardId/rank/:playerId', () => {
    it("answers 404 when the player has no record, and lets a player read anyone's rank", async () => {
      const board = unique('rank_');
      await submitAll(board, [
        ['a', 1],
        ['b', 2],
      ]);
      await t.http.get(`/leaderboards/${board}/rank/c`).set(asServer()).expect(404);
      const res = await t.http.get(`/leaderboards/${board}/rank/a`).set(bearer(player.sessionToken)).expect(200);
      expect(res.body).toEqual({ player_id: 'a', score: 1, subscore: 0, rank: 2, season: 1 });
    });
  });

  describe('PUT /leaderboards/:leaderboardId', () => {
    it('creates with defaults, changes only the fields given and computes the next reset', async () => {
      const board = unique('config_');
      const created = await configure(board, { metadata: { title: 'Weekly kills' } }).expect(200);
      expect(created.body).toMatchObject({
        id: board,
        sort_order: 'desc',
        operator: 'best',
        reset_schedule: null,
        authoritative: false,
        next_reset_at: null,
      });
      const changed = await configure(board, { reset_schedule: 'weekly', authoritative: true }).expect(200);
      expect(changed.body).toMatchObject({ metadata: { title: 'Weekly kills' }, reset_schedule: 'weekly', authoritative: true });
      const next = new Date(changed.body.next_reset_at);
      expect(next.getUTCDay()).toBe(1);
      expect(next.getUTCHours() + next.getUTCMinutes()).toBe(0);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      const cron = await configure(board, { reset_schedule: '30 4 * * *' }).expect(200);
      expect(new Date(cron.body.next_reset_at).getUTCMinutes()).toBe(30);
      const never = await configure(board, { reset_schedule: null }).expect(200);
      expect(never.body).toMatchObject({ reset_schedule: null, next_reset_at: null, authoritative: true });
    });

    it('rejects invalid configuration with field details', async () => {
      const board = unique('config_bad_');
      const cases: Array<[object, string, string?]> = [
        [{ sort_order: 'up' }, 'sort_order'],
        [{ operator: 'max' }, 'operator'],
        [
          { reset_schedule: 'hourly' },
          'reset_schedule',
          'reset_schedule must have 5 fields (minute hour day-of-month month day-of-week), got 1',
        ],
        [{ reset_schedule: '61 * * * *' }, 'reset_schedule', 'reset_schedule minute: 61 is outside 0-59'],
        [{ reset_schedule: '0 0 30 2 *' }, 'reset_schedule', 'reset_schedule "0 0 30 2 *" never fires'],
        [{ reset_schedule: 5 }, 'reset_schedule'],
        [{ authoritative: 'yes' }, 'authoritative'],
        [{ metadata: 'x' }, 'metadata'],
        [{ season: 3 }, 'season'],
      ];
      for (const [body, field, message] of cases) {
        const res = await configure(board, body).expect(400);
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
        if (message) expect(res.body.error.details).toContainEqual({ field, message });
      }
      await t.http.get(`/leaderboards/${board}/config`).set(asServer()).expect(404);
    });

    it('refuses to change the sort order once there are records, and the operator until a reset (409)', async () => {
      const board = unique('frozen_');
      await submit(board, { player_id: 'p1', score: 1 }).expect(201);
      expect((await configure(board, { sort_order: 'asc' }).expect(409)).body.error.code).toBe('conflict');
      await configure(board, { operator: 'increment' }).expect(409);
      // Restating the current values is not a change.
      await configure(board, { sort_order: 'desc', operator: 'best' }).expect(200);

      await t.http.post(`/leaderboards/${board}/reset`).set(asServer()).expect(200);
      await configure(board, { operator: 'increment' }).expect(200);
      await configure(board, { sort_order: 'asc' }).expect(409);
    });

    it('is for server keys only', async () => {
      await t.http
        .put(`/leaderboards/${unique('x_')}`)
        .set(bearer(player.sessionToken))
        .send({})
        .expect(403);
    });
  });

  describe('GET /leaderboards', () => {
    it("lists the game's leaderboards by id, with paging", async () => {
      const studio = await createStudio(t);
      for (const id of ['c_board', 'a_board', 'b_board'])
        await t.http.put(`/leaderboards/${id}`).set('x-api-key', studio.serverKey).send({}).expect(200);
      const first = await t.http.get('/leaderboards?limit=2').set('x-api-key', studio.serverKey).expect(200);
      expect(first.body.leaderboards.map((l: { id: string }) => l.id)).toEqual(['a_board', 'b_board']);
      const second = await t.http
        .get(`/leaderboards?limit=2&cursor=${first.body.next_cursor}`)
        .set('x-api-key', studio.serverKey)
        .expect(200);
      expect(second.body).toMatchObject({ leaderboards: [{ id: 'c_board' }], next_cursor: null });
    });
  });

  describe('POST /leaderboards/:leaderboardId/reset', () => {
    it('archives the season: ?season=1 still returns the old ranking, the new season starts empty', async () => {
      const board = unique('season_');
      await submitAll(board, [
        ['a', 10],
        ['b', 20],
      ]);
      const reset = await t.http.post(`/leaderboards/${board}/reset`).set(asServer()).expect(200);
      expect(reset.body.season).toBe(2);

      const current = await t.http.get(`/leaderboards/${board}`).set(asServer()).expect(200);
      expect(current.body).toMatchObject({ season: 2, entries: [], next_cursor: null });
      await t.http.get(`/leaderboards/${board}/rank/a`).set(asServer()).expect(404);

      await submit(board, { player_id: 'a', score: 1 }).expect(201);
      const archived = await t.http.get(`/leaderboards/${board}?season=1`).set(asServer()).expect(200);
      expect(archived.body.season).toBe(1);
      expect(archived.body.entries.map((e: Entry) => [e.rank, e.player_id, e.score])).toEqual([
        [1, 'b', 20],
        [2, 'a', 10],
      ]);
      expect((await t.http.get(`/leaderboards/${board}/rank/a?season=1`).set(asServer()).expect(200)).body).toMatchObject({
        rank: 2,
        score: 10,
      });
      expect((await t.http.get(`/leaderboards/${board}/rank/a`).set(asServer()).expect(200)).body).toMatchObject({
        rank: 1,
        score: 1,
        season: 2,
      });

      const seasons = await t.app.get(PrismaService).leaderboardSeason.findMany({ where: { gameId: s.gameId, leaderboardId: board } });
      expect(seasons).toMatchObject([{ season: 1 }]);
    });

    it('answers 404 for an unknown leaderboard and 403 for a player', async () => {
      await t.http
        .post(`/leaderboards/${unique('none_')}/reset`)
        .set(asServer())
        .expect(404);
      await t.http
        .post(`/leaderboards/${unique('none_')}/reset`)
        .set(bearer(player.sessionToken))
        .expect(403);
    });
  });

  describe('scheduled resets', () => {
    let queue: Queue;
    let events: QueueEvents;
    beforeAll(async () => {
      queue = t.app.get<Queue>(getQueueToken(QueueName.Leaderboards));
      events = new QueueEvents(QueueName.Leaderboards, { connection: { url: process.env.REDIS_URL }, prefix: queue.opts.prefix });
      await events.waitUntilReady();
    });
    afterAll(() => events.close());

    it('keeps one sweeper schedule registered', async () => {
      expect((await queue.getJobSchedulers()).map((j) => j.key)).toEqual([JobName.SweepLeaderboards]);
    });

    it('the sweeper job resets a leaderboard whose reset time has passed, and only that one', async () => {
      const due = unique('due_');
      const notDue = unique('not_due_');
      await configure(due, { reset_schedule: 'daily' }).expect(200);
      await configure(notDue, { reset_schedule: 'daily' }).expect(200);
      await submit(due, { player_id: 'p1', score: 5 }).expect(201);
      // Pretend the day is over: the due time lives in Postgres, which is all the sweeper reads.
      const prisma = t.app.get(PrismaService);
      await prisma.leaderboard.update({
        where: { gameId_id: { gameId: s.gameId, id: due } },
        data: { nextResetAt: new Date(Date.now() - 1000) },
      });

      const job = await queue.add(JobName.SweepLeaderboards, { maxResets: 1000 });
      const result = (await job.waitUntilFinished(events, 15_000)) as { resets: number };
      expect(result.resets).toBeGreaterThanOrEqual(1);

      const row = await prisma.leaderboard.findUniqueOrThrow({ where: { gameId_id: { gameId: s.gameId, id: due } } });
      expect(row.season).toBe(2);
      expect(row.nextResetAt!.getTime()).toBeGreaterThan(Date.now());
      expect((await prisma.leaderboard.findUniqueOrThrow({ where: { gameId_id: { gameId: s.gameId, id: notDue } } })).season).toBe(1);

      expect((await t.http.get(`/leaderboards/${due}`).set(asServer()).expect(200)).body).toMatchObject({ season: 2, entries: [] });
      expect((await top(due, 'season=1')).map((e) => e.player_id)).toEqual(['p1']);
    });

    it('fails a sweep job with a malformed payload', async () => {
      const job = await queue.add(JobName.SweepLeaderboards, { maxResets: 'all' } as never);
      await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow('maxResets must be a positive-int');
    });
  });

  describe('tenancy', () => {
    it("keeps two games' leaderboards with the same id apart; a key never reads or writes the other game's", async () => {
      const other = await createStudio(t);
      const board = unique('shared_name_');
      await t.http.put(`/leaderboards/${board}`).set('x-api-key', other.serverKey).send({ sort_order: 'asc' }).expect(200);
      await t.http.post(`/leaderboards/${board}/scores`).set('x-api-key', other.serverKey).send({ player_id: 'p1', score: 1 }).expect(201);

      // Game A does not see B's leaderboard...
      await t.http.get(`/leaderboards/${board}`).set(asServer()).expect(404);
      await t.http.get(`/leaderboards/${board}/rank/p1`).set(asServer()).expect(404);
      await t.http.get(`/leaderboards/${board}/config`).set(asServer()).expect(404);
      await t.http.post(`/leaderboards/${board}/reset`).set(asServer()).expect(404);
      expect(
        (await t.http.get('/leaderboards?limit=100').set(asServer()).expect(200)).body.leaderboards.map((l: { id: string }) => l.id),
      ).not.toContain(board);

      // ...and writing to that id creates A's own board (desc), leaving B's untouched.
      await submit(board, { player_id: 'p1', score: 100 }).expect(201);
      await submit(board, { player_id: 'p2', score: 50 }).expect(201);
      expect((await top(board)).map((e) => e.player_id)).toEqual(['p1', 'p2']);
      const theirs = await t.http.get(`/leaderboards/${board}`).set('x-api-key', other.serverKey).expect(200);
      expect(theirs.body.entries).toEqual([{ rank: 1, player_id: 'p1', score: 1, subscore: 0, metadata: null }]);
      expect((await t.http.get(`/leaderboards/${board}/config`).set('x-api-key', other.serverKey).expect(200)).body.sort_order).toBe('asc');
      // A player of game A cannot submit to it through game B either: its session is A's.
      await t.http.get(`/players/p2`).set('x-api-key', other.serverKey).expect(404);
    });
  });
});
