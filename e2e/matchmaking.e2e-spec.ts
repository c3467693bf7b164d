import { PrismaService } from '@spawnpoint/prisma';
import { ServerEvent } from '@spawnpoint/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_ATTEMPTS_PER_MINUTE } from '@spawnpoint/matchmaking';
import { ownDatabase, startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type Studio } from './support/fixtures.js';

interface Ticket {
  ticket_id: string;
  status: 'queued' | 'matched' | 'cancelled' | 'expired';
  created_at: string;
  match: {
    match_id: string;
    world_id: string;
    players: string[];
    teams: string[][];
    server: string;
    region: string;
    created_at: string;
  } | null;
}

describe('/matchmaking', () => {
  let t: TestApp;
  let s: Studio;
  const sockets: Socket[] = [];
  let database: Awaited<ReturnType<typeof ownDatabase>>;
  beforeAll(async () => {
    // A key prefix and a database of its own, so the matches it waits for (their pushes and
    // metrics) are made by this app's worker, not by another suite's running in parallel.
    database = await ownDatabase('mm');
    t = await startApp({ ...database.env, REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}mm:` });
    s = await createStudio(t);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
    await database.drop();
  });

  const queue = (studio: Studio, body: Record<string, unknown>, wait?: number) =>
    t.http
      .post(`/matchmaking/queue${wait === undefined ? '' : `?wait=${wait}`}`)
      .set('x-api-key', studio.serverKey)
      .send(body);
  const putMode = (studio: Studio, mode: string, body: Record<string, unknown>) =>
    t.http.put(`/matchmaking/modes/${mode}`).set('x-api-key', studio.serverKey).send(body).expect(200);
  const getTicket = async (studio: Studio, id: string): Promise<Ticket> =>
    (await t.http.get(`/matchmaking/tickets/${id}`).set('x-api-key', studio.serverKey).expect(200)).body as Ticket;
  /** Long-polls until the ticket leaves the queue (the test's own bound, not a timing assertion). */
  const settled = async (studio: Studio, id: string): Promise<Ticket> => {
    for (let i = 0; i < 20; i++) {
      const ticket = await getTicket(studio, id);
      if (ticket.status !== 'queued') return ticket;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`ticket ${id} still queued`);
  };

  describe('POST /matchmaking/queue', () => {
    it('matches the seed request: two players on an empty game, readable, long-polled and pushed', async () => {
      const game = await createStudio(t);
      const player = await deviceLogin(t, game.clientKey);
      const socket = io(t.url, { auth: { token: player.sessionToken }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      // A refused handshake fails here with its reason, instead of as the test's timeout.
      await new Promise((resolve, reject) => {
        socket.once(ServerEvent.Welcome, resolve);
        socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
          reject(new Error(`socket refused: ${error.data?.code ?? error.message}`)),
        );
      });
      const pushed = new Promise<Record<string, unknown>>((resolve) => socket.once(ServerEvent.MatchFound, resolve));

      const first = await queue(game, { player_id: 'player_123', skill_rating: 1850, game_mode: 'ranked', region: 'us-east' }).expect(202);
      expect(first.body).toMatchObject({ ticket_id: expect.any(String), status: 'queued', match: null });

      // The second player queues itself with its own session and long-polls for the match.
      const second = await t.http
        .post('/matchmaking/queue?wait=10')
        .set('authorization', `Bearer ${player.sessionToken}`)
        .send({ player_id: player.id, skill_rating: 1900, game_mode: 'ranked', region: 'us-east' })
        .expect(200);
      expect(second.body.status).toBe('matched');
      const match = second.body.match as NonNullable<Ticket['match']>;
      expect(match).toMatchObject({ match_id: expect.any(String), world_id: expect.stringMatching(/^world_/), server: expect.any(String) });
      expect([...match.players].sort()).toEqual(['player_123', player.id].sort());
      expect(match.teams).toHaveLength(2);

      const read = await getTicket(game, first.body.ticket_id);
      expect(read.status).toBe('matched');
      expect(read.match?.match_id).toBe(match.match_id);
      expect(await pushed).toMatchObject({ match_id: match.match_id, world_id: match.world_id, server: match.server });
    });

    it('answers a long poll with 202 and the ticket when nobody comes in time', async () => {
      const res = await queue(s, { player_id: unique('lonely_'), skill_rating: 10, game_mode: 'lonely', region: 'eu' }, 1).expect(202);
      expect(res.body.status).toBe('queued');
    });

    it('refuses a second ticket for a player with 409, and a new one while its match seat is held', async () => {
      const id = unique('twice_');
      await queue(s, { player_id: id, skill_rating: 500, game_mode: 'twice', region: 'eu' }).expect(202);
      expect((await queue(s, { player_id: id, skill_rating: 500, game_mode: 'other', region: 'eu' }).expect(409)).body.error.code).toBe(
        'conflict',
      );
      await queue(s, { player_id: unique('twice_'), skill_rating: 500, game_mode: 'twice', region: 'eu' }, 10).expect(200);
      // Matched: the seat is reserved for the mode's seat_reservation_seconds (default 60).
      await queue(s, { player_id: id, skill_rating: 500, game_mode: 'twice', region: 'eu' }).expect(409);
    });

    it('widens the skill window with waiting before matching players far apart', async () => {
      await putMode(s, 'widening', { skill_window: { initial: 10, per_second: 200, max: 1000 } });
      const low = await queue(s, { player_id: unique('low_'), skill_rating: 1000, game_mode: 'widening', region: 'eu' }).expect(202);
      const high = await queue(s, { player_id: unique('high_'), skill_rating: 1400, game_mode: 'widening', region: 'eu' }, 10).expect(200);
      // 10 + 200/s reaches the 400 gap after 1.95 s of the older ticket's wait, not before.
      const waitedMs = Date.parse(high.body.match.created_at) - Date.parse(low.body.created_at);
      expect(waitedMs).toBeGreaterThanOrEqual(1950);
      expect((await getTicket(s, low.body.ticket_id)).match?.match_id).toBe(high.body.match.match_id);
    });

    it('keeps strict modes in their region and widens to neighbours after the configured wait', async () => {
      await putMode(s, 'strict', { max_wait_seconds: 2 });
      await putMode(s, 'near', { region: { policy: 'neighbours', after_seconds: 1, neighbours: { 'us-east': ['us-west'] } } });
      const east = await queue(s, { player_id: unique('e_'), skill_rating: 1000, game_mode: 'strict', region: 'us-east' }).expect(202);
      const west = await queue(s, { player_id: unique('w_'), skill_rating: 1000, game_mode: 'strict', region: 'us-west' }).expect(202);
      const nearEast = await queue(s, { player_id: unique('ne_'), skill_rating: 1000, game_mode: 'near', region: 'us-east' }).expect(202);
      const nearWest = await queue(s, { player_id: unique('nw_'), skill_rating: 1000, game_mode: 'near', region: 'us-west' }, 10).expect(
        200,
      );

      expect(nearWest.body.match.region).toBe('us-east');
      expect(Date.parse(nearWest.body.match.created_at) - Date.parse(nearEast.body.created_at)).toBeGreaterThanOrEqual(1000);
      expect((await settled(s, east.body.ticket_id)).status).toBe('expired');
      expect((await settled(s, west.body.ticket_id)).status).toBe('expired');
    });

    it("expires a ticket after the mode's max wait and ends its long poll", async () => {
      await putMode(s, 'short', { max_wait_seconds: 1 });
      const res = await queue(s, { player_id: unique('short_'), skill_rating: 1, game_mode: 'short', region: 'eu' }, 10).expect(202);
      expect(res.body.status).toBe('expired');
    });

    it('forms a partial match at the timeout when the mode allows it', async () => {
      await putMode(s, 'partial', { min_players: 2, max_players: 4, teams: 2, team_size: 2, max_wait_seconds: 1, on_timeout: 'partial' });
      const a = await queue(s, { player_id: unique('pa_'), skill_rating: 1000, game_mode: 'partial', region: 'eu' }).expect(202);
      const b = await queue(s, { player_id: unique('pb_'), skill_rating: 1000, game_mode: 'partial', region: 'eu' }, 10).expect(200);
      expect(b.body.match.players).toHaveLength(2);
      expect((await getTicket(s, a.body.ticket_id)).match?.match_id).toBe(b.body.match.match_id);
    });

    it('queues a party as one ticket from its leader and puts it on one team', async () => {
      const game = await createStudio(t);
      const [leader, m1, m2] = ['leader', 'm1', 'm2'].map((name) => unique(`${name}_`));
      // Parties are created through their own API elsewhere; here the rows are enough.
      await t.app.get(PrismaService).party.create({
        data: {
          gameId: game.gameId,
          leaderId: leader,
          maxSize: 3,
          members: { create: [leader, m1, m2].map((playerId) => ({ gameId: game.gameId, playerId })) },
        },
      });
      await putMode(game, 'trios', {
        min_players: 6,
        max_players: 6,
        teams: 2,
        team_size: 3,
        skill_window: { initial: 1000, per_second: 0, max: 1000 },
      });

      const member = await queue(game, { player_id: m1, skill_rating: 1000, game_mode: 'trios', region: 'us' }).expect(409);
      expect(member.body.error.message).toMatch(/leader/);
      // The default mode has teams of one: a party of three does not fit.
      expect(
        (await queue(game, { player_id: leader, skill_rating: 1000, game_mode: 'ranked', region: 'us' }).expect(400)).body.error.code,
      ).toBe('validation_failed');
      const party = await queue(game, { player_id: leader, skill_rating: 1500, game_mode: 'trios', region: 'us' }).expect(202);
      expect(party.body.players.map((p: { player_id: string }) => p.player_id).sort()).toEqual([leader, m1, m2].sort());
      expect(party.body.party_id).toEqual(expect.any(String));
      for (const skill of [1900, 1200])
        await queue(game, { player_id: unique('solo_'), skill_rating: skill, game_mode: 'trios', region: 'us' }).expect(202);
      const last = await queue(game, { player_id: unique('solo_'), skill_rating: 1100, game_mode: 'trios', region: 'us' }, 10).expect(200);
      const teams = last.body.match.teams as string[][];
      expect(teams.find((team) => team.includes(leader))!.sort()).toEqual([leader, m1, m2].sort());
    });

    it('rejects invalid bodies and queries with 400', async () => {
      const base = { player_id: 'p1', skill_rating: 1000, game_mode: 'ranked', region: 'eu' };
      await queue(s, { ...base, skill_rating: 'high' }).expect(400);
      await queue(s, { ...base, region: 'not a region!' }).expect(400);
      await queue(s, { ...base, extra: true }).expect(400);
      await queue(s, { ...base, properties: { map: { nested: true } } }).expect(400);
      await queue(s, base, 31).expect(400);
      const res = await t.http
        .put('/matchmaking/modes/bad')
        .set('x-api-key', s.serverKey)
        .send({ min_players: 4, max_players: 2 })
        .expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      await t.http.put('/matchmaking/modes/bad').set('x-api-key', s.serverKey).send({ max_players: 5, teams: 2, team_size: 2 }).expect(400);
    });

    it('lets a player session queue only itself and refuses client keys with 403', async () => {
      const player = await deviceLogin(t, s.clientKey);
      await t.http
        .post('/matchmaking/queue')
        .set('authorization', `Bearer ${player.sessionToken}`)
        .send({ player_id: 'someone_else', skill_rating: 1, game_mode: 'ranked', region: 'eu' })
        .expect(404);
      await t.http
        .post('/matchmaking/queue')
        .set('x-api-key', s.clientKey)
        .send({ player_id: player.id, skill_rating: 1, game_mode: 'ranked', region: 'eu' })
        .expect(403);
    });
  });

  describe('PUT /matchmaking/modes/:gameMode', () => {
    it('returns the defaults for a mode never set, and the stored rules after a PUT', async () => {
      const game = await createStudio(t);
      const defaults = await t.http.get('/matchmaking/modes/ranked').set('x-api-key', game.serverKey).expect(200);
      expect(defaults.body).toMatchObject({
        game_mode: 'ranked',
        min_players: 2,
        max_players: 2,
        teams: 2,
        team_size: 1,
        skill_window: { initial: 100, per_second: 50, max: 1000 },
        max_wait_seconds: 60,
        on_timeout: 'expire',
        region: { policy: 'strict' },
      });
      const rules = {
        min_players: 6,
        max_players: 10,
        teams: 2,
        team_size: 5,
        string_properties: ['map'],
        numeric_properties: [{ name: 'level', tolerance: 3 }],
      };
      await putMode(game, 'squads', rules);
      const read = await t.http.get('/matchmaking/modes/squads').set('x-api-key', game.serverKey).expect(200);
      expect(read.body).toMatchObject(rules);
      await t.http
        .get('/matchmaking/modes/squads')
        .set('x-api-key', s.serverKey)
        .expect(200)
        .expect((res) => expect(res.body.max_players).toBe(2));
      await t.http.put('/matchmaking/modes/squads').set('x-api-key', game.clientKey).send({}).expect(403);
    });
  });

  describe('GET /matchmaking/tickets/:ticketId', () => {
    it("answers another game's key, another player and unknown ids with 404, and a client key with 403", async () => {
      const other = await createStudio(t);
      const player = await deviceLogin(t, s.clientKey);
      const res = await queue(s, { player_id: unique('own_'), skill_rating: 1, game_mode: 'private', region: 'eu' }).expect(202);
      const id = res.body.ticket_id as string;
      await t.http.get(`/matchmaking/tickets/${id}`).set('x-api-key', other.serverKey).expect(404);
      await t.http.get(`/matchmaking/tickets/${id}`).set('authorization', `Bearer ${player.sessionToken}`).expect(404);
      await t.http.get('/matchmaking/tickets/not-a-uuid').set('x-api-key', s.serverKey).expect(404);
      await t.http.get(`/matchmaking/tickets/${id}`).set('x-api-key', s.clientKey).expect(403);
    });
  });

  describe('DELETE /matchmaking/tickets/:ticketId', () => {
    it('cancels a queued ticket, frees the player to queue again, and is 409 once matched', async () => {
      const id = unique('cancel_');
      const res = await queue(s, { player_id: id, skill_rating: 1, game_mode: 'cancel', region: 'eu' }).expect(202);
      const other = await createStudio(t);
      await t.http.delete(`/matchmaking/tickets/${res.body.ticket_id}`).set('x-api-key', other.serverKey).expect(404);
      const cancelled = await t.http.delete(`/matchmaking/tickets/${res.body.ticket_id}`).set('x-api-key', s.serverKey).expect(200);
      expect(cancelled.body.status).toBe('cancelled');
      expect((await getTicket(s, res.body.ticket_id)).status).toBe('cancelled');

      const again = await queue(s, { player_id: id, skill_rating: 1, game_mode: 'cancel', region: 'eu' }).expect(202);
      await queue(s, { player_id: unique('cancel_'), skill_rating: 1, game_mode: 'cancel', region: 'eu' }, 10).expect(200);
      const refused = await t.http.delete(`/matchmaking/tickets/${again.body.ticket_id}`).set('x-api-key', s.serverKey).expect(409);
      expect(refused.body.error.code).toBe('conflict');
      await t.http.delete('/matchmaking/tickets/00000000-0000-4000-8000-000000000000').set('x-api-key', s.serverKey).expect(404);
    });
  });

  describe('queue churn', () => {
    it('limits queue attempts per player with 429 and Retry-After', async () => {
      const id = unique('churn_');
      for (let i = 0; i < QUEUE_ATTEMPTS_PER_MINUTE; i++) {
        const res = await queue(s, { player_id: id, skill_rating: 1, game_mode: 'churn', region: 'eu' }).expect(202);
        await t.http.delete(`/matchmaking/tickets/${res.body.ticket_id}`).set('x-api-key', s.serverKey).expect(200);
      }
      const refused = await queue(s, { player_id: id, skill_rating: 1, game_mode: 'churn', region: 'eu' }).expect(429);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another player is not affected.
      await queue(s, { player_id: unique('churn_'), skill_rating: 1, game_mode: 'churn', region: 'eu' }).expect(202);
    });
  });

  describe('GET /metrics', () => {
    it('exposes wait time, skill spread and queue depth per mode', async () => {
      const res = await t.http.get('/metrics').expect(200);
      expect(res.text).toMatch(/spawnpoint_matchmaking_wait_seconds_bucket\{[^}]*mode="ranked"/);
      expect(res.text).toMatch(/spawnpoint_matchmaking_skill_spread_bucket\{[^}]*mode="ranked"/);
      expect(res.text).toContain('spawnpoint_matchmaking_queue_depth');
    });
  });
});
