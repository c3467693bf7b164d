import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { REDIS } from '@spawnpoint/redis';
import type { Redis } from 'ioredis';

/** A world's live numbers, published by its host about once a second. */
export interface WorldLiveStats {
  node: string;
  server: string;
  players: number;
  entities: number;
  tick: number;
  avgTickUs: number;
  p99TickUs: number;
  overruns: number;
}

/** A host that stops heartbeating loses its worlds to another node after this long. */
export const WORLD_OWNER_TTL_MS = 15_000;
const STATS_TTL_MS = 5_000;

export type WorldCommand = { kind: 'start' | 'stop'; gameId: string; name: string };

/**
 * Which realtime process hosts which world, in Redis: an owner key per world held with a heartbeat
 * (SET NX to claim, so a world has one host), live stats beside it, and a command channel on which
 * the API asks the hosts to start or stop a world.
 */
@Injectable()
export class WorldRegistry {
  readonly commandChannel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Pub/sub channels are not key-prefixed by ioredis; prefix by hand so deployments sharing a Redis stay apart.
    this.commandChannel = `${config.REDIS_KEY_PREFIX}worlds:commands`;
  }

  async claim(gameId: string, name: string, node: string): Promise<boolean> {
    return (await this.redis.set(ownerKey(gameId, name), node, 'PX', WORLD_OWNER_TTL_MS, 'NX')) === 'OK';
  }

  /** Extends the claim; false when this node no longer owns the world. */
  async heartbeat(gameId: string, name: string, node: string, stats: WorldLiveStats): Promise<boolean> {
    const owner = await this.redis.get(ownerKey(gameId, name));
    if (owner !== node) return false;
    await this.redis
      .multi()
      .pexpire(ownerKey(gameId, name), WORLD_OWNER_TTL_MS)
      .set(statsKey(gameId, name), JSON.stringify(stats), 'PX', STATS_TTL_MS)
      .exec();
    return true;
  }

  async release(gameId: string, name: string, node: string): Promise<void> {
    if ((await this.redis.get(ownerKey(gameId, name))) === node) await this.redis.del(ownerKey(gameId, name), statsKey(gameId, name));
  }

  async owner(gameId: string, name: string): Promise<string | null> {
    return this.redis.get(ownerKey(gameId, name));
  }

  async stats(gameId: string, names: string[]): Promise<(WorldLiveStats | null)[]> {
    if (names.length === 0) return [];
    const raw = await this.redis.mget(names.map((name) => statsKey(gameId, name)));
    return raw.map((value) => (value ? (JSON.parse(value) as WorldLiveStats) : null));
  }

  async command(command: WorldCommand): Promise<void> {
    await this.redis.publish(this.commandChannel, JSON.stringify(command));
  }
}

function ownerKey(gameId: string, name: string): string {
  return `worlds:owner:${gameId}:${name}`;
}

function statsKey(gameId: string, name: string): string {
  return `worlds:stats:${gameId}:${name}`;
}
