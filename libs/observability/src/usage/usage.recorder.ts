import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { REDIS } from '@spawnpoint/redis';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

export const USAGE_MINUTE_MS = 60_000;
/** Per-minute hashes live this long: the dashboard shows at most the last 24 hours. */
const USAGE_TTL_SECONDS = 25 * 3600;
const FLUSH_MS = 5_000;

/** Fields of a per-minute usage hash; connected players are one field per process (`players:<node>`). */
export const UsageField = {
  Requests: 'requests',
  ClientErrors: 'client_errors',
  ServerErrors: 'server_errors',
  PlayersPrefix: 'players:',
} as const;

/** Connected players per game on this process now. */
export type PlayerCountSampler = () => ReadonlyMap<string, number>;

interface RequestCounts {
  requests: number;
  clientErrors: number;
  serverErrors: number;
}

export function usageKey(gameId: string, minute: number): string {
  return `usage:${gameId}:${minute}`;
}

/**
 * Counts each game's REST requests (and 4xx, 5xx among them) per minute in memory, and samples its
 * connected realtime players, then adds them to per-minute Redis hashes every few seconds (HINCRBY,
 * so every process's counts add up). A request costs a map update, never a round trip.
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UsageRecorder.name);
  /** This process's field for its connected-player samples. */
  private readonly playersField = `${UsageField.PlayersPrefix}${randomUUID()}`;
  private minute = currentMinute();
  private counts = new Map<string, RequestCounts>();
  /** Counts of minutes that ended since the last flush. */
  private ended: Array<{ minute: number; counts: Map<string, RequestCounts> }> = [];
  private readonly samplers: PlayerCountSampler[] = [];
  /** The highest sample of the current minute per game, as last written. */
  private peaks = new Map<string, number>();
  private peaksMinute = currentMinute();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** One REST request of a game, by its response status. */
  recordRequest(gameId: string, status: number): void {
    const minute = currentMinute();
    if (minute !== this.minute) {
      this.ended.push({ minute: this.minute, counts: this.counts });
      this.minute = minute;
      this.counts = new Map();
    }
    let counts = this.counts.get(gameId);
    if (counts === undefined) this.counts.set(gameId, (counts = { requests: 0, clientErrors: 0, serverErrors: 0 }));
    counts.requests++;
    if (status >= 500) counts.serverErrors++;
    else if (status >= 400) counts.clientErrors++;
  }

  /** The realtime role registers its connection counts; they are sampled at each flush. */
  addPlayerSampler(sampler: PlayerCountSampler): void {
    this.samplers.push(sampler);
  }

  /** Writes what was counted since the last flush (also called before reading, so this process's counts are current). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batches = [...this.ended, { minute: this.minute, counts: this.counts }];
    this.ended = [];
    this.counts = new Map();
    const write = this.redis.pipeline();
    for (const { minute, counts } of batches) {
      for (const [gameId, c] of counts) {
        const key = usageKey(gameId, minute);
        write.hincrby(key, UsageField.Requests, c.requests);
        if (c.clientErrors > 0) write.hincrby(key, UsageField.ClientErrors, c.clientErrors);
        if (c.serverErrors > 0) write.hincrby(key, UsageField.ServerErrors, c.serverErrors);
        write.expire(key, USAGE_TTL_SECONDS);
      }
    }
    this.samplePlayers(write);
    if (write.length === 0) return;
    try {
      await write.exec();
    } catch (error) {
      // Usage is a chart, not a ledger: a lost flush (Redis down) loses those seconds of counts.
      this.logger.warn(`could not write usage: ${(error as Error).message}`);
    }
  }

  /** Keeps each game's peak of the minute: the chart shows the most players connected at once in that minute. */
  private samplePlayers(write: ReturnType<Redis['pipeline']>): void {
    const minute = currentMinute();
    if (minute !== this.peaksMinute) {
      this.peaks = new Map();
      this.peaksMinute = minute;
    }
    const now = new Map<string, number>();
    for (const sampler of this.samplers) {
      for (const [gameId, players] of sampler()) now.set(gameId, (now.get(gameId) ?? 0) + players);
    }
    for (const [gameId, players] of now) {
      if (players <= (this.peaks.get(gameId) ?? 0)) continue;
      this.peaks.set(gameId, players);
      const key = usageKey(gameId, minute);
      write.hset(key, this.playersField, players);
      write.expire(key, USAGE_TTL_SECONDS);
    }
  }
}

export function currentMinute(now = Date.now()): number {
  return Math.floor(now / USAGE_MINUTE_MS);
}
