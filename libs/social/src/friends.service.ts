import { Injectable, Logger } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import { RealtimePublisher } from '@spawnpoint/redis';
import { AppError, ErrorCode, NotFoundError, Rooms, ServerEvent } from '@spawnpoint/shared';
import { friendTransition, type FriendAction, type FriendPair, type FriendRuleError, type FriendState } from './friend-rules.js';
import { FriendsRepository, type FriendRecord } from './friends.repository.js';

export const FRIENDS_PAGE_DEFAULT = 50;
export const FRIENDS_PAGE_MAX = 100;

export interface FriendPage {
  friends: FriendRecord[];
  /** The last other id of the page when more may follow. */
  next: string | null;
}

/**
 * Friends, Nakama-style: each relationship is two one-sided rows (player → other, state as the
 * player sees it). A player session acts for itself; a server key acts for the player it names.
 * Every change locks the pair, applies `friendTransition` and pushes `friend_update` to each player
 * whose row changed, after commit.
 */
/** Presence fan-out goes to at most this many friends of a player. */
const PRESENCE_FRIENDS_MAX = 1_000;

@Injectable()
export class FriendsService {
  private readonly logger = new Logger(FriendsService.name);

  constructor(
    private readonly friends: FriendsRepository,
    private readonly players: PlayersService,
    private readonly publisher: RealtimePublisher,
  ) {}

  /** Sends a friend request, or accepts theirs if they asked first. The target must be a player of the game. */
  async add(principal: GamePrincipal, actingId: string | undefined, otherId: string): Promise<FriendRecord> {
    const me = await this.actor(principal, actingId, true);
    if (otherId === me)
      throw new AppError(ErrorCode.ValidationFailed, 'A player cannot befriend itself', [
        { field: 'player_id', message: 'must not be yourself' },
      ]);
    await this.players.get(principal.gameId, otherId);
    return this.applyKeeping(principal.gameId, me, otherId, 'add');
  }

  async accept(principal: GamePrincipal, actingId: string | undefined, otherId: string): Promise<FriendRecord> {
    return this.applyKeeping(principal.gameId, await this.actor(principal, actingId, false), otherId, 'accept');
  }

  async decline(principal: GamePrincipal, actingId: string | undefined, otherId: string): Promise<void> {
    await this.apply(principal.gameId, await this.actor(principal, actingId, false), otherId, 'decline');
  }

  /** Cancels a sent invite, declines a received one, or ends a friendship (both rows go). */
  async remove(principal: GamePrincipal, actingId: string | undefined, otherId: string): Promise<void> {
    await this.apply(principal.gameId, await this.actor(principal, actingId, false), otherId, 'remove');
  }

  /** Blocks a player of the game: any friendship or invite between the two ends. */
  async block(principal: GamePrincipal, actingId: string | undefined, otherId: string): Promise<FriendRecord> {
    const me = await this.actor(principal, actingId, true);
    if (otherId === me)
      throw new AppError(ErrorCode.ValidationFailed, 'A player cannot block itself', [
        { field: 'playerId', message: 'must not be yourself' },
      ]);
    await this.players.get(principal.gameId, otherId);
    return this.applyKeeping(principal.gameId, me, otherId, 'block');
  }

  async unblock(principal: GamePrincipal, actingId: string | undefined, otherId: string): Promise<void> {
    await this.apply(principal.gameId, await this.actor(principal, actingId, false), otherId, 'unblock');
  }

  /** Who hears a player's presence: its friends (bounded; the list is ordered by id). */
  friendIds(gameId: string, playerId: string): Promise<string[]> {
    return this.friends.friendIds(gameId, playerId, PRESENCE_FRIENDS_MAX);
  }

  async list(
    principal: GamePrincipal,
    actingId: string | undefined,
    options: { state?: FriendState; after?: string; limit?: number },
  ): Promise<FriendPage> {
    const me = await this.actor(principal, actingId, false);
    const limit = options.limit ?? FRIENDS_PAGE_DEFAULT;
    const rows = await this.friends.list(principal.gameId, me, { state: options.state, after: options.after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { friends: page, next: rows.length > limit ? page[page.length - 1]!.otherId : null };
  }

  private async apply(gameId: string, me: string, otherId: string, action: FriendAction): Promise<FriendRecord | null> {
    const { before, after } = await this.friends.transaction(gameId, async (tx) => {
      await tx.lockPair(me, otherId);
      const before = await tx.readPair(me, otherId);
      const result = friendTransition(before, action);
      if (!result.ok) throw ruleError(result.error);
      const after = result.next;
      if (after.mine !== before.mine) await tx.write(me, otherId, after.mine);
      if (after.theirs !== before.theirs) await tx.write(otherId, me, after.theirs);
      return { before, after };
    });
    await this.push(gameId, me, otherId, before, after);
    if (after.mine === null) return null;
    // A concurrent change may land right after our commit: answer with what this request did.
    const row = await this.friends.find(gameId, me, otherId);
    return row ? { ...row, state: after.mine } : null;
  }

  /** For the actions that always leave a row of mine (add, accept, block). */
  private async applyKeeping(gameId: string, me: string, otherId: string, action: 'add' | 'accept' | 'block'): Promise<FriendRecord> {
    const row = await this.apply(gameId, me, otherId, action);
    // Only a concurrent change landing between commit and this read could remove it.
    if (!row) throw new NotFoundError('Friend');
    return row;
  }

  /** Tells each side whose row changed its new state; the other side learns nothing. */
  private async push(gameId: string, me: string, otherId: string, before: FriendPair, after: FriendPair): Promise<void> {
    const sends: Promise<void>[] = [];
    if (after.mine !== before.mine) sends.push(this.emit(gameId, me, otherId, after.mine));
    if (after.theirs !== before.theirs) sends.push(this.emit(gameId, otherId, me, after.theirs));
    await Promise.all(sends);
  }

  private async emit(gameId: string, playerId: string, otherId: string, state: FriendState | null): Promise<void> {
    try {
      await this.publisher.emit([Rooms.player(gameId, playerId)], ServerEvent.FriendUpdate, { game_id: gameId, other_id: otherId, state });
    } catch (error) {
      // The change is committed; a lost push is repaired by the next GET /friends.
      this.logger.warn(`could not push ${ServerEvent.FriendUpdate}: ${(error as Error).message}`);
    }
  }

  /**
   * The player acted for: a player session is itself (another id → 404); a server key must name one.
   * `create`: a server key acting for an id the game has not seen creates that player first.
   */
  private async actor(principal: GamePrincipal, playerId: string | undefined, create: boolean): Promise<string> {
    if (principal.kind === 'server' && playerId === undefined) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'player_id', message: 'player_id is required with a server key' },
      ]);
    }
    const actor = playerId ?? (principal.kind === 'player' ? principal.playerId : '');
    this.players.assertCanActFor(principal, actor);
    if (create && principal.kind === 'server') await this.players.ensureExists(principal.gameId, actor);
    return actor;
  }
}

function ruleError(error: FriendRuleError): AppError {
  switch (error) {
    case 'blocked':
      // Deliberately the same message whichever side blocked.
      return new AppError(ErrorCode.Forbidden, 'You cannot add this player as a friend');
    case 'no_invite':
      return new NotFoundError('Friend invite');
    case 'not_related':
      return new NotFoundError('Friend');
    case 'not_blocked':
      return new NotFoundError('Block');
  }
}
