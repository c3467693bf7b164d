import { Injectable } from '@nestjs/common';
import type { Game } from '@spawnpoint/prisma';
import { NotFoundError } from '@spawnpoint/shared';
import { LocalCache } from '../local-cache.js';
import type { DeveloperGamePrincipal } from '../principal.js';
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

// A dashboard request names its game in `X-Game-Id`: its owner is kept in memory so such a
// request costs no Postgres read. A game's owner never changes (there is no transfer or delete),
// so nothing evicts these entries; an endpoint that changes owners must evict them on every
// process through the RevocationBus, as API keys do. Unknown ids are not cached: the per-IP rate
// limit bounds that traffic, not memory.
const OWNER_TTL_MS = 300_000;
const OWNERS_MAX = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class GamesService {
  /** gameId → the developer who owns it. */
  private readonly owners = new LocalCache<string>(OWNER_TTL_MS, OWNERS_MAX);

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

  /** A developer acting on its own game (server rights); 404 for another developer's game or an unknown id. */
  async actAs(developerId: string, gameId: string): Promise<DeveloperGamePrincipal> {
    let owner = this.owners.get(gameId);
    if (owner === undefined) {
      const game = UUID.test(gameId) ? await this.games.findById(gameId) : null;
      if (!game) throw new NotFoundError('Game');
      owner = game.developerId;
      this.owners.set(gameId, owner);
    }
    if (owner !== developerId) throw new NotFoundError('Game');
    return { kind: 'server', gameId, developerId };
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
