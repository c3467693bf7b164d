import { randomUUID } from 'node:crypto';
import { loadConfig } from '@spawnpoint/config';
import { PrismaService } from '@spawnpoint/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationsRepository } from './notifications.repository.js';

// Integration: against the run's real Postgres database.
describe(NotificationsRepository.name, () => {
  let prisma: PrismaService;
  let sut: NotificationsRepository;
  beforeAll(async () => {
    prisma = new PrismaService(loadConfig(process.env, ['api']));
    await prisma.$connect();
    sut = new NotificationsRepository(prisma);
  });
  afterAll(() => prisma.$disconnect());

  const gameId = randomUUID();
  const create = (playerId: string, subject: string, keep: number) =>
    sut.create(gameId, { playerId, subject, content: { subject }, code: 1, senderId: null }, keep);

  it('keeps only the newest `keep` notifications of the player, leaving other players alone', async () => {
    await create('bystander', 'b0', 3);
    for (let i = 0; i < 6; i++) await create('p1', `n${i}`, 3);
    const kept = await sut.list(gameId, 'p1', { unreadOnly: false, limit: 10 });
    expect(kept.map((n) => n.subject)).toEqual(['n5', 'n4', 'n3']);
    expect(await sut.list(gameId, 'bystander', { unreadOnly: false, limit: 10 })).toHaveLength(1);
  });

  it('stores the content object as given', async () => {
    const created = await sut.create(
      gameId,
      { playerId: 'p2', subject: 's', content: { a: [1, { b: 'ü' }], c: null }, code: -5, senderId: 'x' },
      10,
    );
    expect(created).toMatchObject({ content: { a: [1, { b: 'ü' }], c: null }, code: -5, senderId: 'x', readAt: null });
  });

  it('marks read all or nothing', async () => {
    const mine = await create('p3', 'm', 10);
    const theirs = await create('p4', 't', 10);
    expect(await sut.markRead(gameId, 'p3', [mine.id, theirs.id])).toBe(false);
    expect((await sut.list(gameId, 'p3', { unreadOnly: true, limit: 10 })).map((n) => n.id)).toEqual([mine.id]);
    expect(await sut.markRead(gameId, 'p3', [mine.id])).toBe(true);
    expect(await sut.list(gameId, 'p3', { unreadOnly: true, limit: 10 })).toEqual([]);
  });
});
