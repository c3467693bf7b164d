import { Injectable } from '@nestjs/common';
import { SessionsService, type GamePrincipal, type SessionView } from '@spawnpoint/auth';
import type { Player } from '@spawnpoint/prisma';
import { AppError, ErrorCode, NotFoundError } from '@spawnpoint/shared';
import { conflictError } from './conflicts.js';
import { PlayersRepository } from './players.repository.js';

export interface PlayerView {
  id: string;
  username: string | null;
  displayName: string | null;
  email: string | null;
  /** Signed in only by device or custom id: no email linked yet. */
  anonymous: boolean;
  banned: boolean;
  createdAt: Date;
  lastSeenAt: Date | null;
}

@Injectable()
export class PlayersService {
  constructor(
    private readonly players: PlayersRepository,
    private readonly sessions: SessionsService,
  ) {}

  /** A player of the caller's game, or 404 (also when the id exists in another game). */
  async get(gameId: string, playerId: string): Promise<PlayerView> {
    return playerView(await this.require(gameId, playerId));
  }

  async list(gameId: string, options: { after?: string; limit: number; query?: string }): Promise<{ players: PlayerView[]; next: string | null }> {
    const rows = await this.players.list(gameId, { ...options, limit: options.limit + 1 });
    const page = rows.slice(0, options.limit);
    return { players: page.map(playerView), next: rows.length > options.limit ? page[page.length - 1]!.id : null };
  }

  async update(gameId: string, playerId: string, data: { username?: string; displayName?: string }): Promise<PlayerView> {
    const result = await this.players.update(gameId, playerId, data);
    if (!result) throw new NotFoundError('Player');
    if (!result.ok) throw conflictError(result.conflict);
    return playerView(result.player);
  }

  async setBanned(gameId: string, playerId: string, banned: boolean): Promise<PlayerView> {
    const player = await this.players.setBanned(gameId, playerId, banned);
    if (!player) throw new NotFoundError('Player');
    if (banned) await this.sessions.revokeAllForPlayer(gameId, playerId, 'banned');
    return playerView(player);
  }

  async sessionsOf(gameId: string, playerId: string): Promise<SessionView[]> {
    await this.require(gameId, playerId);
    return this.sessions.listForPlayer(gameId, playerId);
  }

  /**
   * A server key writing for a player id the game has not seen yet creates that player (as if it
   * had signed in with that custom id), so game servers can use their own ids from the first call.
   */
  async ensureExists(gameId: string, playerId: string): Promise<void> {
    await this.players.ensure(gameId, playerId);
  }

  /**
   * Server keys act for any player of their game; a player session only for itself.
   * Another player's id reads as 404 so ids cannot be probed.
   */
  assertCanActFor(principal: GamePrincipal, playerId: string): void {
    if (principal.kind === 'server') return;
    if (principal.kind === 'player' && principal.playerId === playerId) return;
    if (principal.kind === 'client') throw new AppError(ErrorCode.Forbidden, 'A client key can only create and refresh player sessions');
    throw new NotFoundError('Player');
  }

  private async require(gameId: string, playerId: string): Promise<Player> {
    const player = await this.players.findById(gameId, playerId);
    if (!player) throw new NotFoundError('Player');
    return player;
  }
}

export function playerView(p: Player): PlayerView {
  return {
    id: p.id,
    username: p.username,
    displayName: p.displayName,
    email: p.email,
    anonymous: p.email === null,
    banned: p.bannedAt !== null,
    createdAt: p.createdAt,
    lastSeenAt: p.lastSeenAt,
  };
}
