import { randomUUID } from 'node:crypto';
import { loadConfig } from '@spawnpoint/config';
import { PrismaService } from '@spawnpoint/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatchmakingRepository, type NewMatch, type NewTicket } from './matchmaking.repository.js';

// Integration: against the run's real Postgres database.
describe(MatchmakingRepository.name, () => {
  let prisma: PrismaService;
  let sut: MatchmakingRepository;
  beforeAll(async () => {
    prisma = new PrismaService(loadConfig(process.env, ['worker']));
    await prisma.$connect();
    sut = new MatchmakingRepository(prisma);
  });
  afterAll(() => prisma.$disconnect());

  const gameId = randomUUID();
  const now = () => new Date();
  const ticket = (playerId: string): NewTicket => ({
    gameId,
    mode: 'duel',
    region: 'eu',
    skill: 1000,
    players: [{ playerId, skill: 1000 }],
    partyId: null,
    properties: {},
    expiresAt: new Date(Date.now() + 60_000),
  });
  const match = (ticketIds: string[], players: string[]): NewMatch => ({
    id: randomUUID(),
    gameId,
    mode: 'duel',
    region: 'eu',
    worldId: `world_${randomUUID()}`,
    server: 'localhost:8500',
    teams: players.map((p) => [p]),
    skillSpread: 0,
    ticketIds,
    seatsUntil: new Date(Date.now() + 60_000),
  });
  const created = async (playerId: string) => {
    const outcome = await sut.createTicket(ticket(playerId), now());
    if (outcome.outcome !== 'created') throw new Error(outcome.outcome);
    return outcome.ticket;
  };

  it('never puts a ticket cancelled concurrently into a match, and writes nothing for that match', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = [await created(`race-a-${round}`), await created(`race-b-${round}`)];
      const proposed = match([a.id, b.id], [`race-a-${round}`, `race-b-${round}`]);
      const [formed, cancelled] = await Promise.all([sut.formMatch(proposed, now()), sut.cancel(gameId, b.id)]);
      const after = (await sut.findTicket(gameId, b.id))!.ticket;
      if (cancelled.outcome === 'cancelled') {
        expect(formed).toBe('ticket_gone');
        expect(after.status).toBe('cancelled');
        expect((await sut.findTicket(gameId, a.id))!.ticket.status).toBe('queued');
        expect(await prisma.match.count({ where: { id: proposed.id } })).toBe(0);
        await sut.cancel(gameId, a.id);
      } else {
        expect(formed).toBe('formed');
        expect(after).toMatchObject({ status: 'matched', matchId: proposed.id });
      }
    }
  });

  it('refuses a second queued ticket for a player and a ticket for a seated player', async () => {
    const first = await created('solo');
    expect((await sut.createTicket(ticket('solo'), now())).outcome).toBe('queued_elsewhere');
    const partner = await created('partner');
    expect(await sut.formMatch(match([first.id, partner.id], ['solo', 'partner']), now())).toBe('formed');
    expect((await sut.createTicket(ticket('solo'), now())).outcome).toBe('seated');
    // Once the seat's reservation has passed, the player may queue again.
    expect((await sut.createTicket(ticket('solo'), new Date(Date.now() + 61_000))).outcome).toBe('created');
  });

  it('refuses to seat a player twice even if two of its tickets were proposed', async () => {
    const [x, y] = [await created('dup-x'), await created('dup-y')];
    expect(await sut.formMatch(match([x.id, y.id], ['dup-x', 'dup-y']), now())).toBe('formed');
    const [z, w] = [await created('dup-z'), await created('dup-w')];
    // A buggy matcher naming an already-seated player: the seat's primary key rolls the match back.
    expect(await sut.formMatch(match([z.id, w.id], ['dup-z', 'dup-x']), now())).toBe('seat_taken');
    expect((await sut.findTicket(gameId, z.id))!.ticket.status).toBe('queued');
  });
});
