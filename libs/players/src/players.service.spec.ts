import type { SessionsService } from '@spawnpoint/auth';
import type { Player } from '@spawnpoint/prisma';
import { AppError } from '@spawnpoint/shared';
import { describe, expect, it } from 'vitest';
import type { PlayersRepository } from './players.repository.js';
import { PlayersService } from './players.service.js';

function player(id: string): Player {
  const now = new Date();
  return {
    gameId: 'g',
    id,
    username: null,
    displayName: null,
    email: null,
    passwordHash: null,
    customId: null,
    bannedAt: null,
    lastSeenAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

class FakePlayersRepository {
  constructor(private readonly rows: Player[]) {}
  async list(_gameId: string, options: { after?: string; limit: number }): Promise<Player[]> {
    return this.rows.filter((p) => !options.after || p.id > options.after).slice(0, options.limit);
  }
}

describe(PlayersService.name, () => {
  const rows = ['a', 'b', 'c', 'd', 'e'].map(player);
  const sut = new PlayersService(new FakePlayersRepository(rows) as unknown as PlayersRepository, {} as SessionsService);

  describe('list', () => {
    it('returns a cursor while more rows remain, and null on the last page', async () => {
      const first = await sut.list('g', { limit: 2 });
      expect(first.players.map((p) => p.id)).toEqual(['a', 'b']);
      expect(first.next).toBe('b');
      const last = await sut.list('g', { after: 'c', limit: 2 });
      expect(last.players.map((p) => p.id)).toEqual(['d', 'e']);
      expect(last.next).toBeNull();
    });
  });

  describe('assertCanActFor', () => {
    const player1 = { kind: 'player', gameId: 'g', playerId: 'p1', sessionId: 's' } as const;

    it('lets a server key act for anyone and a player for itself', () => {
      expect(() => sut.assertCanActFor({ kind: 'server', gameId: 'g', keyId: 'k' }, 'p2')).not.toThrow();
      expect(() => sut.assertCanActFor(player1, 'p1')).not.toThrow();
    });

    it('answers another player\'s id with not_found, never revealing it exists', () => {
      expect(() => sut.assertCanActFor(player1, 'p2')).toThrowError(expect.objectContaining({ code: 'not_found' }) as AppError);
    });

    it('refuses a client key with forbidden', () => {
      expect(() => sut.assertCanActFor({ kind: 'client', gameId: 'g', keyId: 'k' }, 'p1')).toThrowError(
        expect.objectContaining({ code: 'forbidden' }) as AppError,
      );
    });
  });
});
