import { Injectable } from '@nestjs/common';
import {
  burnPasswordCheck,
  hashPassword,
  LoginThrottle,
  normaliseEmail,
  randomToken,
  SessionsService,
  verifyPassword,
  type ClientMeta,
  type IssuedSession,
} from '@spawnpoint/auth';
import type { Player } from '@spawnpoint/prisma';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import { conflictError } from './conflicts.js';
import { PlayersRepository, type CreateResult } from './players.repository.js';
import { playerView, type PlayerView } from './players.service.js';

export interface SignedIn extends IssuedSession {
  player: PlayerView;
  /** True when this call created the player. */
  created: boolean;
}

/**
 * How players sign in. Device and custom ids create the player on first use (anonymous players);
 * an anonymous player can later link an email and password. Player ids: generated `p_…` for
 * device and email sign-ups; for custom auth the game's own `custom_id` *is* the player id.
 */
@Injectable()
export class PlayerAuthService {
  constructor(
    private readonly players: PlayersRepository,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
  ) {}

  async withDevice(gameId: string, input: { deviceId: string; username?: string }, meta: ClientMeta): Promise<SignedIn> {
    const { player, created } = await this.findOrCreate(
      () => this.players.findByDevice(gameId, input.deviceId),
      () => this.players.create({ gameId, id: newPlayerId(), deviceId: input.deviceId, username: input.username }),
    );
    return this.signIn(gameId, player, created, meta);
  }

  async withCustomId(gameId: string, input: { customId: string; username?: string }, meta: ClientMeta): Promise<SignedIn> {
    const { player, created } = await this.findOrCreate(
      () => this.players.findByCustomId(gameId, input.customId),
      () => this.players.create({ gameId, id: input.customId, customId: input.customId, username: input.username }),
    );
    return this.signIn(gameId, player, created, meta);
  }

  /**
   * An anonymous guest: a new player with no credential but its session (what a realtime
   * connection made with only a client key gets). It can link a device or email later.
   */
  async asGuest(gameId: string, meta: ClientMeta): Promise<SignedIn> {
    const result = await this.players.create({ gameId, id: `g_${randomToken(12)}` });
    if (!result.ok) throw conflictError(result.conflict);
    return this.signIn(gameId, result.player, true, meta);
  }

  async signupWithEmail(
    gameId: string,
    input: { email: string; password: string; username?: string },
    meta: ClientMeta,
  ): Promise<SignedIn> {
    const result = await this.players.create({
      gameId,
      id: newPlayerId(),
      email: normaliseEmail(input.email),
      passwordHash: await hashPassword(input.password),
      username: input.username,
    });
    if (!result.ok) throw conflictError(result.conflict);
    return this.signIn(gameId, result.player, true, meta);
  }

  async loginWithEmail(gameId: string, input: { email: string; password: string }, meta: ClientMeta & { ip: string }): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    const account = `player:${gameId}:${email}`;
    await this.throttle.assertAllowed(account, meta.ip);
    const player = await this.players.findByEmail(gameId, email);
    const ok = player?.passwordHash
      ? await verifyPassword(input.password, player.passwordHash)
      : (await burnPasswordCheck(input.password), false);
    if (!player || !ok) {
      await this.throttle.recordFailure(account, meta.ip);
      throw new AppError(ErrorCode.InvalidCredentials, 'Email or password is wrong');
    }
    return this.signIn(gameId, player, false, meta);
  }

  async refresh(gameId: string, refreshToken: string): Promise<IssuedSession & { playerId: string }> {
    return this.sessions.refresh(gameId, refreshToken);
  }

  /** Gives an anonymous player an email and password, keeping its id and data. */
  async linkEmail(gameId: string, playerId: string, input: { email: string; password: string }): Promise<PlayerView> {
    const current = await this.players.findById(gameId, playerId);
    if (current?.email) throw new AppError(ErrorCode.AlreadyLinked, 'This player already has an email');
    const result = await this.players.linkEmail(gameId, playerId, normaliseEmail(input.email), await hashPassword(input.password));
    if (!result.ok) throw conflictError(result.conflict);
    return playerView(result.player);
  }

  async linkDevice(gameId: string, playerId: string, deviceId: string): Promise<void> {
    if (!(await this.players.linkDevice(gameId, playerId, deviceId))) throw conflictError('device');
  }

  private async signIn(gameId: string, player: Player, created: boolean, meta: ClientMeta): Promise<SignedIn> {
    if (player.bannedAt) throw new AppError(ErrorCode.PlayerBanned, 'This player is banned');
    const session = await this.sessions.issue(gameId, player.id, meta);
    await this.players.touchLastSeen(gameId, player.id);
    return { ...session, player: playerView(player), created };
  }

  /** First use races (two requests with a new device id) end with one player: the loser re-reads. */
  private async findOrCreate(
    find: () => Promise<Player | null>,
    create: () => Promise<CreateResult>,
  ): Promise<{ player: Player; created: boolean }> {
    const existing = await find();
    if (existing) return { player: existing, created: false };
    const result = await create();
    if (result.ok) return { player: result.player, created: true };
    const winner = await find();
    if (winner) return { player: winner, created: false };
    throw conflictError(result.conflict);
  }
}

function newPlayerId(): string {
  return `p_${randomToken(12)}`;
}
