import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { REDIS, RealtimePublisher } from '@spawnpoint/redis';
import { Rooms, ServerEvent } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { MatcherLock } from './matcher-lock.js';
import { matchTickets, type FormedMatch, type MatcherTicket } from './matcher.js';
import { MatchmakingMetrics } from './matchmaking-metrics.service.js';
import { MatchmakingRepository, type TicketRecord } from './matchmaking.repository.js';
import { ModeRulesService } from './mode-rules.service.js';
import { TicketWaiter } from './ticket-waiter.service.js';

/** Oldest tickets one run looks at per (game, mode); the rest wait for the next tick. */
export const MATCHER_MAX_TICKETS = 5000;
/** Lease per (game, mode); extended while a run records its matches. */
const LOCK_TTL_MS = 10_000;
const EXTEND_EVERY_MATCHES = 24;
/** Matches recorded in parallel; well under the Postgres pool so API requests still get connections. */
const RECORD_CONCURRENCY = 4;

export interface MatcherRunSummary {
  modes: number;
  /** (game, mode) pairs another worker was matching at that moment. */
  skipped: number;
  matches: number;
  expired: number;
}

/**
 * Runs the pure matcher over the queue of every active (game, mode) and records what it formed.
 * Each (game, mode) is matched under a Redis lease, so two workers never match the same queue at
 * once; even without it, a match is recorded only if all its tickets are still queued.
 */
@Injectable()
export class Matchmaker {
  private readonly logger = new Logger(Matchmaker.name);
  /** Where matched players connect. Worlds come later; until then it is this deployment's public address. */
  private readonly server: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly repository: MatchmakingRepository,
    private readonly rules: ModeRulesService,
    private readonly metrics: MatchmakingMetrics,
    private readonly waiter: TicketWaiter,
    private readonly publisher: RealtimePublisher,
  ) {
    this.server = `${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
  }

  async runAll(maxTicketsPerMode = MATCHER_MAX_TICKETS): Promise<MatcherRunSummary> {
    const active = await this.repository.activeModes();
    const depth = new Map<string, number>();
    for (const { mode, queued } of active) depth.set(mode, (depth.get(mode) ?? 0) + queued);
    this.metrics.setQueueDepth(depth);
    const summary: MatcherRunSummary = { modes: active.length, skipped: 0, matches: 0, expired: 0 };
    for (const { gameId, mode } of active) {
      const result = await this.runMode(gameId, mode, maxTicketsPerMode);
      if (!result) summary.skipped++;
      else {
        summary.matches += result.matches;
        summary.expired += result.expired;
      }
    }
    return summary;
  }

  /** One matcher pass over one queue; null when another worker holds its lease. */
  async runMode(gameId: string, mode: string, maxTickets = MATCHER_MAX_TICKETS): Promise<{ matches: number; expired: number } | null> {
    const lock = await MatcherLock.acquire(this.redis, `mm:lock:${gameId}:${mode}`, LOCK_TTL_MS);
    if (!lock) return null;
    const stopTimer = this.metrics.matches.startTimer({ mode });
    try {
      const rules = await this.rules.rulesFor(gameId, mode);
      const tickets = await this.repository.queuedTickets(gameId, mode, maxTickets);
      const now = Date.now();
      const result = matchTickets(tickets.map(toMatcherTicket), rules, now);
      let formed = 0;
      // Matches have disjoint tickets, so a few are recorded at once (each in its own transaction).
      for (let i = 0; i < result.matches.length; i += RECORD_CONCURRENCY) {
        if (i > 0 && i % EXTEND_EVERY_MATCHES === 0 && !(await lock.extend())) {
          this.logger.warn(`matcher lease of ${gameId}/${mode} lost; leaving the rest to the next run`);
          break;
        }
        const batch = result.matches.slice(i, i + RECORD_CONCURRENCY);
        const recorded = await Promise.all(batch.map((match) => this.record(gameId, mode, match, rules.seatReservationSeconds)));
        formed += recorded.filter(Boolean).length;
      }
      const expired = result.expired.length > 0 ? await this.repository.endTickets(gameId, result.expired, 'expired') : [];
      await this.waiter.notify(expired);
      return { matches: formed, expired: expired.length };
    } finally {
      stopTimer();
      await lock.release().catch(() => undefined);
    }
  }

  private async record(gameId: string, mode: string, match: FormedMatch, seatSeconds: number): Promise<boolean> {
    const now = new Date();
    const id = randomUUID();
    const worldId = `world_${randomUUID()}`;
    const ticketIds = match.tickets.map((t) => t.id);
    const outcome = await this.repository.formMatch(
      {
        id,
        gameId,
        mode,
        region: match.region,
        worldId,
        server: this.server,
        teams: match.teams,
        skillSpread: match.skillSpread,
        ticketIds,
        seatsUntil: new Date(now.getTime() + seatSeconds * 1000),
      },
      now,
    );
    // A ticket cancelled meanwhile or a seat still held: nothing was written; the next run retries the rest.
    if (outcome !== 'formed') return false;
    for (const ticket of match.tickets) this.metrics.waitSeconds.observe({ mode }, (now.getTime() - ticket.createdAt) / 1000);
    this.metrics.skillSpread.observe({ mode }, match.skillSpread);
    const players = match.teams.flat();
    await this.waiter.notify(ticketIds);
    await this.publisher.emit(
      players.map((playerId) => Rooms.player(gameId, playerId)),
      ServerEvent.MatchFound,
      { match_id: id, world_id: worldId, game_mode: mode, region: match.region, players, teams: match.teams, server: this.server },
    );
    return true;
  }
}

function toMatcherTicket(ticket: TicketRecord): MatcherTicket {
  return {
    id: ticket.id,
    region: ticket.region,
    skill: ticket.skill,
    players: ticket.players,
    properties: ticket.properties,
    createdAt: ticket.createdAt.getTime(),
    expiresAt: ticket.expiresAt.getTime(),
  };
}
