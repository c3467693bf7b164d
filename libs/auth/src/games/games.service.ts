import { Injectable } from '@nestjs/common';
import type { Game } from '@spawnpoint/prisma';
import { NotFoundError } from '@spawnpoint/shared';
import { GamesRepository } from './games.repository.js';

export interface GameView {
  id: string;
  name: string;
  sessionTtlSeconds: number;
  refreshTtlSeconds: number;
  createdAt: Date;
}

export interface GameSettings {
  name?: string;
  sessionTtlSeconds?: number;
  refreshTtlSeconds?: number;
}

@Injectable()
export class GamesService {
  constructor(private readonly games: GamesRepository) {}

  async create(developerId: string, name: string): Promise<GameView> {
    return view(await this.games.create(developerId, name.trim()));
  }

  async list(developerId: string): Promise<GameView[]> {
    return (await this.games.listByDeveloper(developerId)).map(view);
  }

  /** The developer's own game, or 404 — also for games that exist but belong to someone else. */
  async getOwned(developerId: string, gameId: string): Promise<GameView> {
    const game = await this.games.findOwned(developerId, gameId);
    if (!game) throw new NotFoundError('Game');
    return view(game);
  }

  async update(developerId: string, gameId: string, settings: GameSettings): Promise<GameView> {
    const game = await this.games.updateOwned(developerId, gameId, settings);
    if (!game) throw new NotFoundError('Game');
    return view(game);
  }

  /** Session lifetimes a game chose; used when players sign in. */
  async sessionPolicy(gameId: string): Promise<{ sessionTtlSeconds: number; refreshTtlSeconds: number }> {
    const game = await this.games.findById(gameId);
    if (!game) throw new NotFoundError('Game');
    return { sessionTtlSeconds: game.sessionTtlSeconds, refreshTtlSeconds: game.refreshTtlSeconds };
  }
}

function view(g: Game): GameView {
  return {
    id: g.id,
    name: g.name,
    sessionTtlSeconds: g.sessionTtlSeconds,
    refreshTtlSeconds: g.refreshTtlSeconds,
    createdAt: g.createdAt,
  };
}
