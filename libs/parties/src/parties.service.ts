import { Injectable, Logger } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import { RealtimePublisher } from '@spawnpoint/redis';
import {
  AppError,
  ErrorCode,
  NotFoundError,
  Rooms,
  ServerEvent,
  type PartyChangeType,
  type PartyPayload,
  type ServerEventPayloads,
} from '@spawnpoint/shared';
import { nextLeader } from './party-rules.js';
import {
  PARTY_INVITE_TTL_MS,
  PARTY_PENDING_INVITES_MAX,
  PARTY_SIZE_DEFAULT,
  PLAYER_INVITES_LIST_MAX,
  type PartyView,
  type ReceivedInvite,
} from './party.types.js';
import { PartiesRepository, type LockedParty, type PartyRecord, type PartyTransaction } from './parties.repository.js';

/** What one write did, for the push to members after commit. */
interface Change {
  gameId: string;
  partyId: string;
  type: PartyChangeType;
  playerId: string;
  actorId: string | null;
  /** The party after the change; null once disbanded. */
  party: PartyView | null;
  /** Players told besides the members (whoever left or was kicked). */
  alsoNotify: string[];
}

/**
 * Parties: a leader and up to `maxSize` members who queue and join lobbies as one. Player sessions
 * act for themselves; a server key acts for the player it names and, on leader-only operations,
 * as the party's authority. Each write is one transaction that first locks the party row, so the
 * rules below are checked against committed state and cannot race.
 */
@Injectable()
export class PartiesService {
  private readonly logger = new Logger(PartiesService.name);

  constructor(
    private readonly parties: PartiesRepository,
    private readonly players: PlayersService,
    private readonly publisher: RealtimePublisher,
  ) {}

  /** The party of a player, used by lobbies and matchmaking to move a party as one. */
  partyOf(gameId: string, playerId: string): Promise<PartyRecord | null> {
    return this.parties.findByMember(gameId, playerId);
  }

  /** Creates a party led by the acting player, its first member; 409 when it is already in one. */
  async create(principal: GamePrincipal, request: { playerId?: string; maxSize?: number }): Promise<PartyView> {
    const actor = this.actingPlayer(principal, request.playerId);
    if (principal.kind === 'server') await this.players.ensureExists(principal.gameId, actor);
    const { gameId } = principal;
    const party = await this.parties.transaction(async (tx) => {
      const created = await tx.createParty(gameId, actor, request.maxSize ?? PARTY_SIZE_DEFAULT);
      if (!(await tx.addMember(gameId, created.id, actor))) throw alreadyInParty(actor);
      return requireView(tx, gameId, created.id);
    });
    await this.publish({ gameId, partyId: party.id, type: 'created', playerId: actor, actorId: actor, party, alsoNotify: [] });
    return party;
  }

  /** A party, for its members (another player gets 404) or a server key. */
  async get(principal: GamePrincipal, partyId: string): Promise<PartyView> {
    const party = await this.parties.view(principal.gameId, partyId);
    if (!party) throw new NotFoundError('Party');
    if (principal.kind !== 'server') {
      const self = this.actingPlayer(principal, undefined);
      if (!party.members.some((m) => m.playerId === self)) throw new NotFoundError('Party');
    }
    return party;
  }

  /** The acting player's party; 404 when it is in none. */
  async mine(principal: GamePrincipal, playerId: string | undefined): Promise<PartyView> {
    const actor = this.actingPlayer(principal, playerId);
    const partyId = await this.parties.partyIdOf(principal.gameId, actor);
    const party = partyId ? await this.parties.view(principal.gameId, partyId) : null;
    if (!party) throw new NotFoundError('Party');
    return party;
  }

  /** The party a player is in, if any (the realtime gateway puts its sockets in the party room). */
  partyIdOf(gameId: string, playerId: string): Promise<string | null> {
    return this.parties.partyIdOf(gameId, playerId);
  }

  /** Unexpired invites the acting player has received, oldest first. */
  invitesOf(principal: GamePrincipal, playerId: string | undefined): Promise<ReceivedInvite[]> {
    const actor = this.actingPlayer(principal, playerId);
    return this.parties.invitesOf(principal.gameId, actor, PLAYER_INVITES_LIST_MAX);
  }

  /**
   * Leader only. The invitee must be a player of the game and not yet a member or invited (an
   * expired invite is renewed). Being in another party is allowed: accepting decides.
   */
  async invite(principal: GamePrincipal, partyId: string, inviteeId: string): Promise<PartyView> {
    const leaderActor = this.leaderActor(principal);
    const { gameId } = principal;
    await this.players.get(gameId, inviteeId);
    const { party, invitedBy } = await this.parties.transaction(async (tx) => {
      const locked = await this.lockAsLeader(tx, gameId, partyId, leaderActor);
      const members = await tx.members(partyId);
      if (members.some((m) => m.playerId === inviteeId))
        throw new AppError(ErrorCode.Conflict, `${inviteeId} is already a member of this party`);
      if (members.length >= locked.maxSize) throw partyFull(locked.maxSize);
      if ((await tx.pruneInvites(partyId)) >= PARTY_PENDING_INVITES_MAX) {
        throw new AppError(ErrorCode.Conflict, `A party can hold at most ${PARTY_PENDING_INVITES_MAX} pending invites`);
      }
      const by = leaderActor ?? locked.leaderId;
      if (!(await tx.putInvite(gameId, partyId, inviteeId, by, PARTY_INVITE_TTL_MS))) {
        throw new AppError(ErrorCode.Conflict, `${inviteeId} already has a pending invite to this party`);
      }
      return { party: await requireView(tx, gameId, partyId), invitedBy: by };
    });
    const invite = party.invites.find((i) => i.playerId === inviteeId)!;
    await this.emit([inviteeId], gameId, ServerEvent.PartyInvite, {
      game_id: gameId,
      party_id: partyId,
      leader_id: party.leaderId,
      invited_by: invitedBy,
      member_count: party.members.length,
      max_size: party.maxSize,
      expires_at: invite.expiresAt.toISOString(),
    });
    await this.publish({ gameId, partyId, type: 'invited', playerId: inviteeId, actorId: leaderActor, party, alsoNotify: [] });
    return party;
  }

  /**
   * The invitee joins, consuming the invite. Under the party lock the size check cannot race with
   * another accept; the membership primary key keeps a player from joining two parties at once.
   */
  async accept(principal: GamePrincipal, partyId: string, playerId: string | undefined): Promise<PartyView> {
    const actor = this.actingPlayer(principal, playerId);
    const { gameId } = principal;
    const party = await this.parties.transaction(async (tx) => {
      const locked = await tx.lockParty(gameId, partyId);
      if (!locked) throw new NotFoundError('Party');
      const invite = await tx.takeInvite(partyId, actor);
      if (!invite || invite.expired) throw new NotFoundError('Invite');
      const members = await tx.members(partyId);
      if (members.length >= locked.maxSize) throw partyFull(locked.maxSize);
      if (!(await tx.addMember(gameId, partyId, actor))) throw alreadyInParty(actor);
      return requireView(tx, gameId, partyId);
    });
    await this.publish({ gameId, partyId, type: 'joined', playerId: actor, actorId: actor, party, alsoNotify: [] });
    return party;
  }

  /** The invitee turns the invite down; 404 when there is no unexpired invite. */
  async decline(principal: GamePrincipal, partyId: string, playerId: string | undefined): Promise<void> {
    const actor = this.actingPlayer(principal, playerId);
    const { gameId } = principal;
    const party = await this.parties.transaction(async (tx) => {
      if (!(await tx.lockParty(gameId, partyId))) throw new NotFoundError('Party');
      const invite = await tx.takeInvite(partyId, actor);
      // An expired invite is deleted all the same (the transaction commits) but reads as absent.
      return invite && !invite.expired ? requireView(tx, gameId, partyId) : null;
    });
    if (!party) throw new NotFoundError('Invite');
    await this.publish({ gameId, partyId, type: 'invite_declined', playerId: actor, actorId: actor, party, alsoNotify: [] });
  }

  /** A member leaves; a leaving leader hands over to the longest-present member; the last one disbands the party. */
  async leave(principal: GamePrincipal, partyId: string, playerId: string | undefined): Promise<void> {
    const actor = this.actingPlayer(principal, playerId);
    const change = await this.parties.transaction((tx) => this.removeFromParty(tx, principal.gameId, partyId, actor));
    await this.publish({ ...change, type: change.party ? 'left' : 'disbanded', actorId: actor });
  }

  /** Leader only: removes another member (the leader, and the last member, leave instead). */
  async kick(principal: GamePrincipal, partyId: string, targetId: string): Promise<PartyView> {
    const leaderActor = this.leaderActor(principal);
    const { gameId } = principal;
    const change = await this.parties.transaction(async (tx) => {
      const locked = await this.lockAsLeader(tx, gameId, partyId, leaderActor);
      // A server key may remove the leader (leadership is handed over as on leave); the leader itself leaves instead.
      if (targetId === leaderActor) throw new AppError(ErrorCode.Conflict, 'The leader cannot kick itself; leave the party instead');
      const change = await this.removeFromParty(tx, gameId, partyId, targetId, locked);
      if (!change.party) throw new AppError(ErrorCode.Conflict, 'The last member cannot be kicked; it leaves instead');
      return { ...change, party: change.party };
    });
    await this.publish({ ...change, type: 'kicked', actorId: leaderActor });
    return change.party;
  }

  /** Leader only: makes another member the leader (promoting the leader itself changes nothing). */
  async promote(principal: GamePrincipal, partyId: string, targetId: string): Promise<PartyView> {
    const leaderActor = this.leaderActor(principal);
    const { gameId } = principal;
    const { party, changed } = await this.parties.transaction(async (tx) => {
      const locked = await this.lockAsLeader(tx, gameId, partyId, leaderActor);
      const members = await tx.members(partyId);
      if (!members.some((m) => m.playerId === targetId)) throw new NotFoundError('Party member');
      if (targetId !== locked.leaderId) await tx.setLeader(partyId, targetId);
      return { party: await requireView(tx, gameId, partyId), changed: targetId !== locked.leaderId };
    });
    if (changed)
      await this.publish({ gameId, partyId, type: 'leader_changed', playerId: targetId, actorId: leaderActor, party, alsoNotify: [] });
    return party;
  }

  /** Removes a member under the party lock, handing over or disbanding as needed. */
  private async removeFromParty(
    tx: PartyTransaction,
    gameId: string,
    partyId: string,
    playerId: string,
    alreadyLocked?: LockedParty,
  ): Promise<Omit<Change, 'type' | 'actorId'>> {
    const locked = alreadyLocked ?? (await tx.lockParty(gameId, partyId));
    if (!locked) throw new NotFoundError('Party');
    const members = await tx.members(partyId);
    if (!members.some((m) => m.playerId === playerId)) throw new NotFoundError(alreadyLocked ? 'Party member' : 'Party');
    const successor = nextLeader(members, playerId);
    if (successor === null) {
      await tx.deleteParty(partyId);
      return { gameId, partyId, playerId, party: null, alsoNotify: [playerId] };
    }
    await tx.removeMember(gameId, partyId, playerId);
    if (locked.leaderId === playerId) await tx.setLeader(partyId, successor);
    return { gameId, partyId, playerId, party: await requireView(tx, gameId, partyId), alsoNotify: [playerId] };
  }

  /** Locks the party; 404 unless the acting player is a member, 403 unless it leads. A server key (null) passes. */
  private async lockAsLeader(tx: PartyTransaction, gameId: string, partyId: string, actor: string | null): Promise<LockedParty> {
    const locked = await tx.lockParty(gameId, partyId);
    if (!locked) throw new NotFoundError('Party');
    if (actor === null || locked.leaderId === actor) return locked;
    const members = await tx.members(partyId);
    if (!members.some((m) => m.playerId === actor)) throw new NotFoundError('Party');
    throw new AppError(ErrorCode.Forbidden, 'Only the party leader can do this');
  }

  /**
   * The player a request acts for: a session acts for itself (naming another player is 404), a
   * server key for the `player_id` it names (required), a client key for nobody (403).
   */
  private actingPlayer(principal: GamePrincipal, playerId: string | undefined): string {
    if (principal.kind === 'server' && playerId === undefined) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'player_id', message: 'player_id is required with a server key' },
      ]);
    }
    const actor = playerId ?? (principal.kind === 'player' ? principal.playerId : '');
    this.players.assertCanActFor(principal, actor);
    return actor;
  }

  /** Who performs a leader-only operation: the session's player, or null for a server key (the party's authority). */
  private leaderActor(principal: GamePrincipal): string | null {
    switch (principal.kind) {
      case 'server':
        return null;
      case 'player':
        return principal.playerId;
      case 'client':
        throw new AppError(ErrorCode.Forbidden, 'A client key can only create and refresh player sessions');
    }
  }

  /** Pushes the change to every member and to `alsoNotify`. */
  private async publish(change: Change): Promise<void> {
    const recipients = new Set([...(change.party?.members.map((m) => m.playerId) ?? []), ...change.alsoNotify]);
    await this.moveRooms(change, recipients);
    await this.emit([...recipients], change.gameId, ServerEvent.PartyUpdated, {
      game_id: change.gameId,
      party_id: change.partyId,
      change: { type: change.type, player_id: change.playerId, actor_id: change.actorId },
      party: change.party ? partyPayload(change.party) : null,
    });
  }

  /** Keeps the party's realtime room in step with its membership (best effort, like the pushes). */
  private async moveRooms(change: Change, recipients: Set<string>): Promise<void> {
    const room = [Rooms.party(change.gameId, change.partyId)];
    let moves: { playerId: string; join?: string[]; leave?: string[] }[] = [];
    if (change.type === 'created' || change.type === 'joined') moves = [{ playerId: change.playerId, join: room }];
    else if (change.type === 'left' || change.type === 'kicked') moves = [{ playerId: change.playerId, leave: room }];
    else if (change.type === 'disbanded') moves = [...recipients].map((playerId) => ({ playerId, leave: room }));
    for (const move of moves) {
      try {
        await this.publisher.moveRooms(change.gameId, move.playerId, move);
      } catch (error) {
        this.logger.warn(`could not move ${move.playerId} between party rooms: ${(error as Error).message}`);
      }
    }
  }

  /**
   * The write has committed by now, so a failed push must not turn it into an error: clients
   * re-read the party when they reconnect.
   */
  private async emit<E extends typeof ServerEvent.PartyUpdated | typeof ServerEvent.PartyInvite>(
    players: string[],
    gameId: string,
    event: E,
    payload: ServerEventPayloads[E],
  ): Promise<void> {
    if (players.length === 0) return;
    try {
      await this.publisher.emit(
        players.map((id) => Rooms.player(gameId, id)),
        event,
        payload,
      );
    } catch (error) {
      this.logger.warn(`could not push ${event}: ${(error as Error).message}`);
    }
  }
}

/** The wire shape of a party, shared by the REST body and the realtime payload. */
export function partyPayload(party: PartyView): PartyPayload {
  return {
    party_id: party.id,
    leader_id: party.leaderId,
    max_size: party.maxSize,
    created_at: party.createdAt.toISOString(),
    members: party.members.map((m) => ({ player_id: m.playerId, name: m.name, joined_at: m.joinedAt.toISOString() })),
    invites: party.invites.map((i) => ({
      player_id: i.playerId,
      invited_by: i.invitedBy,
      created_at: i.createdAt.toISOString(),
      expires_at: i.expiresAt.toISOString(),
    })),
  };
}

async function requireView(tx: PartyTransaction, gameId: string, partyId: string): Promise<PartyView> {
  const view = await tx.view(gameId, partyId);
  // The party row is locked by this transaction, so it cannot have gone.
  if (!view) throw new Error(`party ${partyId} vanished under its own lock`);
  return view;
}

function alreadyInParty(playerId: string): AppError {
  return new AppError(ErrorCode.Conflict, `${playerId} is already in a party; leave it first`);
}

function partyFull(maxSize: number): AppError {
  return new AppError(ErrorCode.Conflict, `The party is full (${maxSize} members)`);
}
