import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RedisPubSub } from '@spawnpoint/redis';
import { LEADERBOARD_CONFIG_CHANNEL, type LeaderboardConfigMessage } from '@spawnpoint/shared';
import type { LeaderboardConfig } from './leaderboard.types.js';
import { LeaderboardsRepository } from './leaderboards.repository.js';

/** A safety net for a lost invalidation message (pub/sub is at-most-once), not the normal path. */
const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * Leaderboard configuration cached in each process, so a score submission or rank read costs no
 * Postgres read. Changes (PUT, season resets) are announced on LEADERBOARD_CONFIG_CHANNEL and
 * every process drops its copy. Nothing that decides what is stored trusts this cache: the write
 * statement reads season, operator and sort order from the locked leaderboard row.
 */
@Injectable()
export class LeaderboardConfigs implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LeaderboardConfigs.name);
  private readonly cache = new Map<string, { config: LeaderboardConfig; expiresAt: number }>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly onMessage = (raw: string): void => {
    try {
      const message = JSON.parse(raw) as LeaderboardConfigMessage;
      this.cache.delete(cacheKey(message.gameId, message.leaderboardId));
    } catch {
      this.logger.warn('ignored a malformed leaderboard config message');
    }
  };

  constructor(
    private readonly boards: LeaderboardsRepository,
    private readonly pubsub: RedisPubSub,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(LEADERBOARD_CONFIG_CHANNEL, this.onMessage);
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** The leaderboard, or null if the game has none by that id (misses are not cached). */
  async get(gameId: string, id: string): Promise<LeaderboardConfig | null> {
    const cached = this.cache.get(cacheKey(gameId, id));
    if (cached && cached.expiresAt > Date.now()) return cached.config;
    const config = await this.boards.find(gameId, id);
    if (config) this.remember(config);
    return config;
  }

  /** The leaderboard, created with the defaults if the game has none by that id. */
  async getOrCreate(gameId: string, id: string): Promise<LeaderboardConfig> {
    return (await this.get(gameId, id)) ?? this.remember(await this.boards.findOrCreate(gameId, id));
  }

  /** Stores a config just read from Postgres (e.g. the result of a change). */
  remember(config: LeaderboardConfig): LeaderboardConfig {
    const key = cacheKey(config.gameId, config.id);
    this.cache.delete(key);
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { config, expiresAt: Date.now() + TTL_MS });
    return config;
  }

  /** Drops the cached copy here and tells every other process to do the same. */
  async changed(config: LeaderboardConfig): Promise<void> {
    this.remember(config);
    const message: LeaderboardConfigMessage = { gameId: config.gameId, leaderboardId: config.id };
    await this.pubsub.publish(LEADERBOARD_CONFIG_CHANNEL, JSON.stringify(message)).catch((error: unknown) => {
      this.logger.warn(
        `could not announce a leaderboard change (other processes catch up within ${TTL_MS / 1000}s): ${(error as Error).message}`,
      );
    });
  }
}

function cacheKey(gameId: string, id: string): string {
  return `${gameId}|${id}`;
}
