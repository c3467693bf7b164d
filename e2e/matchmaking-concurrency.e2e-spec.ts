import { PrismaService } from '@spawnpoint/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, unique, type Studio } from './support/fixtures.js';

// Two worker-role apps, each with its own Redis and Postgres connections and BullMQ worker, match
// the same queues while players queue concurrently through a separate API app.
describe('/matchmaking with two workers', () => {
  let api: TestApp;
  let workers: TestApp[];
  let s: Studio;
  beforeAll(async () => {
    [api, ...workers] = await Promise.all([startApp({}, ['api']), startApp({}, ['worker']), startApp({}, ['worker'])]);
    s = await createStudio(api);
  });
  afterAll(async () => {
    await Promise.all([api, ...workers].map((app) => app.close()));
  });

  describe('POST /matchmaking/queue', () => {
    it('books every player into at most one match under concurrent queueing', async () => {
      await api.http
        .put('/matchmaking/modes/brawl')
        .set('x-api-key', s.serverKey)
        .send({ min_players: 4, max_players: 4, teams: 2, team_size: 2 })
        .expect(200);
      const players = Array.from({ length: 48 }, () => unique('crowd_'));
      // Every player is sent twice at once: exactly one of the two gets a ticket.
      const responses = await Promise.all(
        [...players, ...players].map((id, i) =>
          api.http
            .post('/matchmaking/queue?wait=15')
            .set('x-api-key', s.serverKey)
            .send({ player_id: id, skill_rating: 1000 + (i % 7) * 10, game_mode: 'brawl', region: 'eu' }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((status) => status === 409)).toHaveLength(players.length);
      const tickets = responses
        .filter((r) => r.status !== 409)
        .map((r) => r.body as { status: string; players: { player_id: string }[]; match: { match_id: string; players: string[] } | null });
      expect(tickets).toHaveLength(players.length);
      expect(tickets.every((ticket) => ticket.status === 'matched')).toBe(true);

      const matches = new Map<string, string[]>();
      for (const ticket of tickets) matches.set(ticket.match!.match_id, ticket.match!.players);
      expect(matches.size).toBe(players.length / 4);
      const seated = [...matches.values()].flat();
      expect(new Set(seated).size).toBe(seated.length);
      expect([...seated].sort()).toEqual([...players].sort());
      for (const ticket of tickets) expect(ticket.match!.players).toContain(ticket.players[0]!.player_id);

      const prisma = api.app.get(PrismaService);
      expect(await prisma.matchSeat.count({ where: { gameId: s.gameId } })).toBe(players.length);
      expect(await prisma.matchmakingTicketPlayer.count({ where: { gameId: s.gameId } })).toBe(0);
    });
  });
});
