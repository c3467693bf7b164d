import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { MetricsService } from '@spawnpoint/observability';
import { PartiesService } from '@spawnpoint/parties';
import { PlayersService } from '@spawnpoint/players';
import { RateLimiter, RealtimePublisher, type RateLimit } from '@spawnpoint/redis';
import { AppError, ErrorCode, NotFoundError, RateLimitedError, Rooms, ServerEvent, type LobbyChangeType } from '@spawnpoint/shared';
import { Counter } from 'prom-client';
import { nextLeader } from './hand-over.js';
import { generateLobbyCode, LOBBY_CODE_INPUT, normaliseLobbyCode } from './lobby-code.js';
import { lobbyPayload } from './lobby-payload.js';
import { LobbiesRepository, type LobbyRecord, type LockedLobby, type NewMember } from './lobbies.repository.js';

export const LOBBY_LIMITS = {
  nameMax: 64,
  playersMin: 2,
  playersMax: 64,
  listMax: 100,
  /** Join attempts by code per joining player per minute (a code is 32^6 ≈ 10^9: guessing is hopeless at this rate). */
  joinsPerPlayerPerMinute: 10,
  /** Join attempts by code per IP per minute, for player sessions only (a game server joins many players from one IP). */
  joinsPerIpPerMinute: 30,
} as const;

export const LOBBY_MODE_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;
export const LOBBY_CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

export interface CreateLobbyInput {
  name: string;
  mode: string;
  maxPlayers: number;
  private: boolean;
  /** Server keys only: the creating player (leader); without it the game server owns the lobby. */
  playerId?: string;
  playerName?: string;
}

export interface JoinLobbyInput {
  playerId?: string;
  partyId?: string;
}

export interface LobbyPage {
  lobbies: LobbyRecord[];
  next: string | null;
}

export interface LobbyStart {
  lobbyId: string;
  worldId: string;
  server: string;
  players: { id: string; name: string }[];
}

interface Change {
  type: LobbyChangeType;
  playerIds: string[];
}

/** What a locked operation hands back: the lobby after it, the pushes to send, and who else should hear. */
interface Outcome {
  lobby: LobbyRecord;
  changes: Change[];
  /** Players no longer members who must still hear about it (who left, who was kicked). */
  alsoNotify: string[];
}

const MINUTE_MS = 60_000;

/**
 * Lobbies: players gather under a short join code, get ready and start together. Every operation
 * is one Postgres transaction holding the lobby row lock, so capacity, leadership and status are
 * checked against what is committed next, never against a stale read.
 */
@Injectable()
export class LobbiesService {
  private readonly logger = new Logger(LobbiesService.name);
  private readonly joins: Counter<'outcome'>;
  private readonly server: string;

  constructor(
    private readonly lobbies: LobbiesRepository,
    private readonly players: PlayersService,
    private readonly parties: PartiesService,
    private readonly limiter: RateLimiter,
    private readonly publisher: RealtimePublisher,
    metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.joins = new Counter({
      name: 'spawnpoint_lobby_joins_total',
      help: 'Lobby joins by code, by outcome',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    // Worlds come later: until then a started lobby points its players at this process's public address.
    this.server = `${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
  }

  async create(principal: GamePrincipal, input: CreateLobbyInput): Promise<LobbyRecord> {
    const { gameId } = principal;
    let creator: NewMember | null = null;
    if (principal.kind === 'player') {
      if (input.playerId !== undefined) this.players.assertCanActFor(principal, input.playerId);
      if (input.playerName !== undefined) throw invalid('player_name', 'player_name is only accepted from a server key');
      creator = { playerId: principal.playerId, name: await this.nameOf(gameId, principal.playerId) };
    } else if (input.playerId !== undefined) {
      await this.players.ensureExists(gameId, input.playerId);
      creator = { playerId: input.playerId, name: input.playerName ?? (await this.nameOf(gameId, input.playerId)) };
    }
    const lobby = { name: input.name, mode: input.mode, maxPlayers: input.maxPlayers, private: input.private };
    const created = await this.lobbies.create(gameId, lobby, creator?.playerId ?? null, generateLobbyCode, async (locked) => {
      if (creator) await addOrFail(locked, [creator]);
      return locked.reload();
    });
    if (creator) await this.moveRooms(gameId, created.id, { type: 'joined', playerIds: [creator.playerId] }, []);
    return created;
  }

  async list(gameId: string, options: { mode?: string; hasSpace: boolean; limit: number; cursor?: string }): Promise<LobbyPage> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.lobbies.listPublic(gameId, { mode: options.mode, hasSpace: options.hasSpace, limit: options.limit + 1, after });
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return { lobbies: page, next: rows.length > options.limit && last ? encodeCursor(last) : null };
  }

  /** The lobby a player is in, if any (the realtime gateway puts its sockets in the lobby room). */
  lobbyIdOf(gameId: string, playerId: string): Promise<string | null> {
    return this.lobbies.lobbyIdOf(gameId, playerId);
  }

  async get(principal: GamePrincipal, lobbyId: string): Promise<LobbyRecord> {
    const lobby = await this.lobbies.find(principal.gameId, lobbyId);
    if (!lobby) throw new NotFoundError('Lobby');
    assertVisible(principal, lobby);
    return lobby;
  }

  /** Joins one player, or a whole party (all or none), into the open lobby holding `code`. */
  async joinByCode(principal: GamePrincipal, rawCode: string, input: JoinLobbyInput, ip: string): Promise<LobbyRecord> {
    const { gameId } = principal;
    const code = normaliseLobbyCode(rawCode);
    const joiners = await this.joinersOf(principal, input);
    await this.consumeJoinAttempt(principal, joiners.requester, ip);
    // After the rate limit, so malformed guesses cost the same budget as well-formed ones.
    if (!LOBBY_CODE_INPUT.test(rawCode)) throw new AppError(ErrorCode.NotFound, 'No open lobby has this code');

    const members: NewMember[] = [];
    for (const playerId of joiners.playerIds) members.push({ playerId, name: await this.nameOf(gameId, playerId) });
    try {
      const outcome = await this.lobbies.withLocked(gameId, { code }, async (locked): Promise<Outcome> => {
        const { lobby } = locked;
        // The code row goes when the lobby starts or closes, so only open lobbies are found here.
        if (lobby.locked) throw new AppError(ErrorCode.Conflict, 'The lobby is locked: its leader is not letting anyone in');
        const free = lobby.maxPlayers - lobby.members.length;
        if (members.length > free) {
          throw new AppError(ErrorCode.Conflict, 'The lobby is full', [
            {
              field: 'code',
              message: `${lobby.members.length} of ${lobby.maxPlayers} seats are taken; ${members.length} player(s) cannot join`,
            },
          ]);
        }
        await addOrFail(locked, members);
        return { lobby: await locked.reload(), changes: [{ type: 'joined', playerIds: joiners.playerIds }], alsoNotify: [] };
      });
      if (!outcome) throw new AppError(ErrorCode.NotFound, 'No open lobby has this code');
      this.joins.inc({ outcome: 'joined' });
      await this.push(outcome);
      return outcome.lobby;
    } catch (error) {
      this.joins.inc({ outcome: error instanceof AppError ? error.code : 'error' });
      throw error;
    }
  }

  async leave(principal: GamePrincipal, lobbyId: string, bodyPlayerId: string | undefined): Promise<LobbyRecord> {
    const playerId = this.actingPlayer(principal, bodyPlayerId);
    return this.mutate(principal, lobbyId, async (locked) => {
      requireMember(locked.lobby, playerId);
      return removeAndHandOver(locked, playerId, 'left');
    });
  }

  async kick(principal: GamePrincipal, lobbyId: string, playerId: string): Promise<LobbyRecord> {
    return this.mutate(principal, lobbyId, async (locked) => {
      assertLeads(principal, locked.lobby, 'kick players');
      requireOpen(locked.lobby);
      requireMember(locked.lobby, playerId);
      if (principal.kind === 'player' && principal.playerId === playerId) {
        throw new AppError(ErrorCode.Conflict, 'The leader cannot kick itself; leave the lobby instead');
      }
      return removeAndHandOver(locked, playerId, 'kicked');
    });
  }

  async setReady(principal: GamePrincipal, lobbyId: string, ready: boolean, bodyPlayerId: string | undefined): Promise<LobbyRecord> {
    const playerId = this.actingPlayer(principal, bodyPlayerId);
    return this.mutate(principal, lobbyId, async (locked) => {
      requireMember(locked.lobby, playerId);
      requireOpen(locked.lobby);
      await locked.setReady(playerId, ready);
      return { lobby: await locked.reload(), changes: [{ type: 'ready', playerIds: [playerId] }], alsoNotify: [] };
    });
  }

  async setLocked(principal: GamePrincipal, lobbyId: string, lock: boolean): Promise<LobbyRecord> {
    return this.mutate(principal, lobbyId, async (locked) => {
      assertLeads(principal, locked.lobby, lock ? 'lock the lobby' : 'unlock the lobby');
      requireOpen(locked.lobby);
      await locked.setLocked(lock);
      return { lobby: await locked.reload(), changes: [{ type: lock ? 'locked' : 'unlocked', playerIds: [] }], alsoNotify: [] };
    });
  }

  /** Starts the lobby: a world id is recorded, the code is freed and every member gets its seat. */
  async start(principal: GamePrincipal, lobbyId: string): Promise<LobbyStart> {
    const worldId = `world_${randomUUID()}`;
    const lobby = await this.lobbies.withLocked(principal.gameId, { lobbyId }, async (locked) => {
      assertVisible(principal, locked.lobby);
      assertLeads(principal, locked.lobby, 'start the lobby');
      requireOpen(locked.lobby);
      if (locked.lobby.members.length === 0) throw new AppError(ErrorCode.Conflict, 'The lobby has no players to start with');
      await locked.start(worldId);
      return locked.reload();
    });
    if (!lobby) throw new NotFoundError('Lobby');
    const start: LobbyStart = {
      lobbyId,
      worldId,
      server: this.server,
      players: lobby.members.map((m) => ({ id: m.playerId, name: m.name })),
    };
    await this.emit(
      lobby.gameId,
      start.players.map((p) => p.id),
      () =>
        this.publisher.emit(
          this.rooms(
            lobby.gameId,
            start.players.map((p) => p.id),
          ),
          ServerEvent.LobbyStarted,
          {
            lobby_id: lobbyId,
            world_id: worldId,
            server: this.server,
            players: start.players,
          },
        ),
    );
    return start;
  }

  private async mutate(principal: GamePrincipal, lobbyId: string, work: (locked: LockedLobby) => Promise<Outcome>): Promise<LobbyRecord> {
    const outcome = await this.lobbies.withLocked(principal.gameId, { lobbyId }, async (locked) => {
      assertVisible(principal, locked.lobby);
      return work(locked);
    });
    if (!outcome) throw new NotFoundError('Lobby');
    await this.push(outcome);
    return outcome.lobby;
  }

  /** The player a request acts for: a session acts for itself; a server key names one in `player_id`. */
  private actingPlayer(principal: GamePrincipal, bodyPlayerId: string | undefined): string {
    if (principal.kind === 'player') {
      if (bodyPlayerId !== undefined) this.players.assertCanActFor(principal, bodyPlayerId);
      return principal.playerId;
    }
    if (bodyPlayerId === undefined) throw invalid('player_id', 'player_id is required with a server key');
    this.players.assertCanActFor(principal, bodyPlayerId);
    return bodyPlayerId;
  }

  /** Who joins: the named party, the joining player's party when it leads one, or the player alone. */
  private async joinersOf(principal: GamePrincipal, input: JoinLobbyInput): Promise<{ requester: string; playerIds: string[] }> {
    const { gameId } = principal;
    if (input.partyId !== undefined) {
      if (input.playerId !== undefined) throw invalid('party_id', 'send player_id or party_id, not both');
      const party = await this.lobbies.partyMembers(gameId, input.partyId);
      // A player who is not in the party cannot tell it exists.
      if (!party || (principal.kind === 'player' && !party.members.includes(principal.playerId))) throw new NotFoundError('Party');
      if (principal.kind === 'player' && party.leaderId !== principal.playerId) {
        throw new AppError(ErrorCode.Forbidden, 'Only the party leader can bring the party into a lobby');
      }
      return { requester: party.leaderId, playerIds: party.members };
    }
    const playerId = this.actingPlayer(principal, input.playerId);
    if (principal.kind === 'server') await this.players.ensureExists(gameId, playerId);
    const party = await this.parties.partyOf(gameId, playerId);
    if (party && party.leaderId === playerId && party.members.length > 1) return { requester: playerId, playerIds: party.members };
    return { requester: playerId, playerIds: [playerId] };
  }

  private async consumeJoinAttempt(principal: GamePrincipal, playerId: string, ip: string): Promise<void> {
    const { gameId } = principal;
    const limits: RateLimit[] = [
      { key: `lobby-join:player:${gameId}:${playerId}`, limit: LOBBY_LIMITS.joinsPerPlayerPerMinute, periodMs: MINUTE_MS },
    ];
    if (principal.kind === 'player') {
      limits.push({ key: `lobby-join:ip:${gameId}:${ip}`, limit: LOBBY_LIMITS.joinsPerIpPerMinute, periodMs: MINUTE_MS });
    }
    const result = await this.limiter.consume(limits);
    if (!result.allowed) {
      this.joins.inc({ outcome: ErrorCode.RateLimited });
      throw new RateLimitedError(result.retryAfterMs / 1000, 'Too many attempts to join a lobby by code');
    }
  }

  /** A member's name in the lobby: display name, else username, else id. */
  private async nameOf(gameId: string, playerId: string): Promise<string> {
    const player = await this.players.get(gameId, playerId);
    return player.displayName ?? player.username ?? player.id;
  }

  /** After the commit: every member (and whoever just left) hears each change. */
  private async push(outcome: Outcome): Promise<void> {
    const { lobby } = outcome;
    const recipients = [...lobby.members.map((m) => m.playerId), ...outcome.alsoNotify];
    const payload = lobbyPayload(lobby);
    for (const change of outcome.changes) {
      await this.moveRooms(lobby.gameId, lobby.id, change, recipients);
      await this.emit(lobby.gameId, recipients, () =>
        this.publisher.emit(this.rooms(lobby.gameId, recipients), ServerEvent.LobbyUpdated, {
          lobby: payload,
          change: { type: change.type, player_ids: change.playerIds },
        }),
      );
    }
  }

  /** Keeps the lobby's realtime room in step with its membership (best effort, like the pushes). */
  private async moveRooms(
    gameId: string,
    lobbyId: string,
    change: { type: LobbyChangeType; playerIds: string[] },
    recipients: string[],
  ): Promise<void> {
    const room = [Rooms.lobby(gameId, lobbyId)];
    const moves =
      change.type === 'joined'
        ? change.playerIds.map((playerId) => ({ playerId, join: room }))
        : change.type === 'left' || change.type === 'kicked'
          ? change.playerIds.map((playerId) => ({ playerId, leave: room }))
          : change.type === 'closed'
            ? recipients.map((playerId) => ({ playerId, leave: room }))
            : [];
    for (const move of moves) {
      await this.emit(gameId, [move.playerId], () => this.publisher.moveRooms(gameId, move.playerId, move));
    }
  }

  /** A push is best effort: the change is committed, so a Redis hiccup must not turn it into an error. */
  private async emit(gameId: string, recipients: string[], send: () => Promise<void>): Promise<void> {
    if (recipients.length === 0) return;
    try {
      await send();
    } catch (error) {
      this.logger.warn(`lobby push to ${recipients.length} player(s) of game ${gameId} failed: ${String(error)}`);
    }
  }

  private rooms(gameId: string, playerIds: string[]): string[] {
    return playerIds.map((playerId) => Rooms.player(gameId, playerId));
  }
}

async function addOrFail(locked: LockedLobby, members: NewMember[]): Promise<void> {
  const inLobby = new Set(locked.lobby.members.map((m) => m.playerId));
  const here = members.filter((m) => inLobby.has(m.playerId)).map((m) => m.playerId);
  if (here.length > 0) throw new AppError(ErrorCode.Conflict, `Already in this lobby: ${here.join(', ')}`);
  const taken = await locked.addMembers(members);
  // Throwing rolls back the members added before the conflict: a party joins whole or not at all.
  if (taken.length > 0) {
    throw new AppError(ErrorCode.Conflict, `Already in another lobby: ${taken.join(', ')}; leave it first`, [
      { field: 'player_id', message: 'a player is in at most one open lobby' },
    ]);
  }
}

async function removeAndHandOver(locked: LockedLobby, playerId: string, type: 'left' | 'kicked'): Promise<Outcome> {
  const { lobby } = locked;
  await locked.removeMember(playerId);
  const changes: Change[] = [{ type, playerIds: [playerId] }];
  if (lobby.status === 'open') {
    const remaining = lobby.members.filter((m) => m.playerId !== playerId);
    if (remaining.length === 0) {
      await locked.close();
      changes.push({ type: 'closed', playerIds: [] });
    } else {
      const leader = nextLeader(lobby.leaderId, remaining);
      if (leader !== lobby.leaderId) {
        await locked.setLeader(leader);
        changes.push({ type: 'leader_changed', playerIds: leader === null ? [] : [leader] });
      }
    }
  }
  return { lobby: await locked.reload(), changes, alsoNotify: [playerId] };
}

/** Server keys see every lobby of their game; a player sees public lobbies and those it is in. */
function assertVisible(principal: GamePrincipal, lobby: LobbyRecord): void {
  if (principal.kind === 'server') return;
  if (principal.kind === 'player' && (!lobby.private || lobby.members.some((m) => m.playerId === principal.playerId))) return;
  throw new NotFoundError('Lobby');
}

/** A server key acts as the game server on any lobby of its game; a player only as the leader. */
function assertLeads(principal: GamePrincipal, lobby: LobbyRecord, action: string): void {
  if (principal.kind === 'server') return;
  if (principal.kind === 'player' && principal.playerId === lobby.leaderId) return;
  throw new AppError(ErrorCode.Forbidden, `Only the lobby leader can ${action}`);
}

function requireMember(lobby: LobbyRecord, playerId: string): void {
  if (!lobby.members.some((m) => m.playerId === playerId))
    throw new AppError(ErrorCode.NotFound, `Player ${playerId} is not in this lobby`);
}

function requireOpen(lobby: LobbyRecord): void {
  if (lobby.status !== 'open')
    throw new AppError(ErrorCode.Conflict, `The lobby has already ${lobby.status === 'started' ? 'started' : 'closed'}`);
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [{ field, message }]);
}

function encodeCursor(lobby: LobbyRecord): string {
  return Buffer.from(JSON.stringify([lobby.createdAt.toISOString(), lobby.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && UUID.test(id) && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
  } catch {
    // Falls through to the one error below.
  }
  throw invalid('cursor', 'cursor must be a next_cursor returned by this endpoint');
}
