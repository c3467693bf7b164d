import type { Game } from '@spawnpoint/prisma';
import { AppError } from '@spawnpoint/shared';
import { describe, expect, it } from 'vitest';
import type { GamesRepository } from './games.repository.js';
import { GamesService } from './games.service.js';

const GAME_ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';

/** Counts reads: the owner check must cost no database read once a game's owner is known. */
class CountingGamesRepository {
  reads = 0;
  async findById(gameId: string): Promise<Pick<Game, 'id' | 'developerId'> | null> {
    this.reads++;
    return gameId === GAME_ID ? { id: GAME_ID, developerId: 'dev-a' } : null;
  }
}

describe(GamesService.name, () => {
  describe('actAs', () => {
    const make = () => {
      const repository = new CountingGamesRepository();
      return { repository, sut: new GamesService(repository as unknown as GamesRepository) };
    };

    it('gives the owner server rights, reading the owner once', async () => {
      const { repository, sut } = make();
      for (let i = 0; i < 3; i++) {
        expect(await sut.actAs('dev-a', GAME_ID)).toEqual({ kind: 'server', gameId: GAME_ID, developerId: 'dev-a' });
      }
      expect(repository.reads).toBe(1);
    });

    it('answers another developer with not_found, from the cache too', async () => {
      const { repository, sut } = make();
      await sut.actAs('dev-a', GAME_ID);
      await expect(sut.actAs('dev-b', GAME_ID)).rejects.toMatchObject({ code: 'not_found' });
      expect(repository.reads).toBe(1);
    });

    it('answers an unknown id with not_found, and a malformed one without reading', async () => {
      const { repository, sut } = make();
      await expect(sut.actAs('dev-a', '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(AppError);
      await expect(sut.actAs('dev-a', 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
      await expect(sut.actAs('dev-a', GAME_ID.toUpperCase())).rejects.toMatchObject({ code: 'not_found' });
      expect(repository.reads).toBe(1);
    });
  });
});
