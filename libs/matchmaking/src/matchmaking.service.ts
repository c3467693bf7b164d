import { Injectable } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PartiesService } from '@spawnpoint/parties';
import { PlayersService } from '@spawnpoint/players';
import { RateLimiter } from '@spawnpoint/redis';
import { AppError, ErrorCode, NotFoundError, RateLimitedError } from '@spawnpoint/shared';
import { MatchmakingRepository, type MatchRecord, type TicketRecord } from './matchmaking.repository.js';
import { ModeRulesService } from './mode-rules.service.js';
import { TicketWaiter } from './ticket-waiter.service.js';

export interface QueueRequest {
  playerId: string;
  skill: number;
  mode: string;
  region: string;
  properties: Record<string, string | number>;
}

export interface TicketView extends TicketRecord {
  match: MatchRecord | null;
}

/** Longest long poll a client may ask for. */
export const MAX_WAIT_SECONDS = 30;
/** A long poll re-reads its ticket at least this often, in case a wake-up message was lost. */
const FALLBACK_CHECK_MS = 5000;
/** Queue attempts per player per minute: queue/cancel churn is the cheapest way to load the matcher. */
export const QUEUE_ATTEMPTS_PER_MINUTE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tickets: queue (alone or as a party), read, cancel, and wait for a match. */
@Injectable()
export class MatchmakingService {
  constructor(
    private readonly repository: MatchmakingRepository,
    private readonly rules: ModeRulesService,
    private readonly players: PlayersService,
    private readonly parties: PartiesService,
    private readonly waiter: TicketWaiter,
    private readonly limiter: RateLimiter,
  ) {}

  /**
   * Queues one ticket. A party leader queues the whole party as one ticket (found with
   * PartiesService.partyOf), every member rated `skill`; a member who is not the leader cannot queue.
   * With `waitSeconds` > 0 the call returns as soon as the ticket is matched, or when time is up.
   */
  async enqueue(caller: GamePrincipal, request: QueueRequest, waitSeconds = 0): Promise<TicketView> {
    this.players.assertCanActFor(caller, request.playerId);
    const gameId = caller.gameId;
    const limit = await this.limiter.consume([
      { key: `matchmaking:queue:${gameId}:${request.playerId}`, limit: QUEUE_ATTEMPTS_PER_MINUTE, periodMs: 60_000 },
    ]);
    if (!limit.allowed) throw new RateLimitedError(limit.retryAfterMs / 1000, 'Too many queue attempts for this player');
    if (caller.kind === 'server') await this.players.ensureExists(gameId, request.playerId);
    const rules = await this.rules.rulesFor(gameId, request.mode);

    const party = await this.parties.partyOf(gameId, request.playerId);
    if (party && party.leaderId !== request.playerId) throw new AppError(ErrorCode.Conflict, 'Only the party leader can queue the party');
    const members = party ? party.members : [request.playerId];
    if (members.length > rules.teamSize) {
      throw new AppError(
        ErrorCode.ValidationFailed,
        `A party of ${members.length} does not fit a team of ${rules.teamSize} in mode ${request.mode}`,
      );
    }

    const now = new Date();
    const created = await this.repository.createTicket(
      {
        gameId,
        mode: request.mode,
        region: request.region,
        skill: request.skill,
        players: members.map((playerId) => ({ playerId, skill: request.skill })),
        partyId: party?.id ?? null,
        properties: request.properties,
        expiresAt: new Date(now.getTime() + rules.maxWaitSeconds * 1000),
      },
      now,
    );
    switch (created.outcome) {
      case 'queued_elsewhere':
        throw new AppError(ErrorCode.Conflict, party ? 'A party member is already queued' : 'The player is already queued');
      case 'seated':
        throw new AppError(
          ErrorCode.Conflict,
          party ? 'A party member already has a seat in a match' : 'The player already has a seat in a match',
        );
      case 'created':
        break;
    }
    const view = { ...created.ticket, match: null };
    return waitSeconds > 0 ? this.waitFor(gameId, view.id, Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000) : view;
  }

  async ticket(caller: GamePrincipal, ticketId: string): Promise<TicketView> {
    return this.visibleTicket(caller, ticketId);
  }

  /** Cancels a queued ticket; 409 once it is matched. Cancelling an ended ticket again returns it as it is. */
  async cancel(caller: GamePrincipal, ticketId: string): Promise<TicketView> {
    const current = await this.visibleTicket(caller, ticketId);
    if (current.status === 'matched') throw new AppError(ErrorCode.Conflict, 'The ticket is already matched');
    const outcome = await this.repository.cancel(caller.gameId, ticketId);
    switch (outcome.outcome) {
      case 'not_found':
        throw new NotFoundError('Ticket');
      case 'not_queued':
        // Matched between the read and the cancel: the match won.
        if (outcome.ticket.status === 'matched') throw new AppError(ErrorCode.Conflict, 'The ticket is already matched');
        return { ...outcome.ticket, match: null };
      case 'cancelled':
        await this.waiter.notify([ticketId]);
        return { ...outcome.ticket, match: null };
    }
  }

  /**
   * Waits for the ticket to leave the queue: woken by the matcher's pub/sub message, with a re-read
   * every FALLBACK_CHECK_MS at most, so Postgres is never polled in a tight loop.
   */
  private async waitFor(gameId: string, ticketId: string, ms: number): Promise<TicketView> {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      const listener = left > 0 ? this.waiter.listen(ticketId, Math.min(left, FALLBACK_CHECK_MS)) : null;
      const view = await this.load(gameId, ticketId);
      if (!listener || view.status !== 'queued') {
        listener?.cancel();
        return view;
      }
      await listener.changed;
    }
  }

  private async visibleTicket(caller: GamePrincipal, ticketId: string): Promise<TicketView> {
    if (caller.kind === 'client') throw new AppError(ErrorCode.Forbidden, 'A client key can only create and refresh player sessions');
    if (!UUID.test(ticketId)) throw new NotFoundError('Ticket');
    const view = await this.load(caller.gameId, ticketId);
    // A player sees only tickets it is on; others read as missing so ids cannot be probed.
    if (caller.kind === 'player' && !view.players.some((p) => p.playerId === caller.playerId)) throw new NotFoundError('Ticket');
    return view;
  }

  private async load(gameId: string, ticketId: string): Promise<TicketView> {
    const found = await this.repository.findTicket(gameId, ticketId);
    if (!found) throw new NotFoundError('Ticket');
    return { ...found.ticket, match: found.match };
  }
}
