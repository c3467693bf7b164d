import { Inject, Injectable } from '@nestjs/common';
import { REDIS, RedisPubSub } from '@spawnpoint/redis';
import { WORLD_COMMANDS_CHANNEL } from '@spawnpoint/shared';
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

/** At most this many entities are in a snapshot for tools (the dashboard's map). */
export const WORLD_ENTITIES_MAX = 2_000;

/** A world's entities as its host last wrote them, while someone watches the world. */
export interface WorldEntitySnapshot {
  tick: number;
  /** When it was taken, ms since the epoch. */
  at: number;
  /** Live entities in the world (more than `entities` holds when it was cut at WORLD_ENTITIES_MAX). */
  total: number;
  /** `[id, x, y, kind, playerId]` per entity: compact, it is rewritten every second. */
  entities: Array<[number, number, number, string, string | null]>;
}

/** A host that stops heartbeating loses its worlds to another node after this long. */
export const WORLD_OWNER_TTL_MS = 15_000;
const STATS_TTL_MS = 5_000;
/** A watch lapses this long after the last read: the host then stops writing snapshots. */
const WATCH_TTL_MS = 10_000;
/** A snapshot outlives its host by at most this long. */
const ENTITIES_TTL_MS = 3_000;

export type WorldCommand = { kind: 'start' | 'stop'; gameId: string; name: string };

/**
 * Which realtime process hosts which world, in Redis: an owner key per world held with a heartbeat
 * (SET NX to claim, so a world has one host), live stats beside it, and a command channel on which
 * the API asks the hosts to start or stop a world. While a "watched" key of a world exists (the API
 * sets it when the dashboard reads its entities), the host also writes an entity snapshot with each
 * heartbeat: the API never reaches into the process that runs the world.
 */
@Injectable()
export class WorldRegistry {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly pubsub: RedisPubSub,
  ) {}

  async claim(gameId: string, name: string, node: string): Promise<boolean> {
    return (await this.redis.set(ownerKey(gameId, name), node, 'PX', WORLD_OWNER_TTL_MS, 'NX')) === 'OK';
  }

  /**
   * Extends the claim and publishes the stats, plus an entity snapshot (taken by `sample`, only
   * then) while the world is watched; false when this node no longer owns the world.
   */
  async heartbeat(gameId: string, name: string, node: string, stats: WorldLiveStats, sample?: () => WorldEntitySnapshot): Promise<boolean> {
    const [owner, watched] = await this.redis.mget(ownerKey(gameId, name), watchKey(gameId, name));
    if (owner !== node) return false;
    const write = this.redis
      .multi()
      .pexpire(ownerKey(gameId, name), WORLD_OWNER_TTL_MS)
      .set(statsKey(gameId, name), JSON.stringify(stats), 'PX', STATS_TTL_MS);
    if (watched !== null && sample) write.set(entitiesKey(gameId, name), JSON.stringify(sample()), 'PX', ENTITIES_TTL_MS);
    await write.exec();
    return true;
  }

  /** Marks the world watched (its host starts or keeps writing snapshots) and returns the last snapshot. */
  async watchEntities(gameId: string, name: string): Promise<WorldEntitySnapshot | null> {
    const [, [, raw]] = (await this.redis
      .multi()
      .set(watchKey(gameId, name), '1', 'PX', WATCH_TTL_MS)
      .get(entitiesKey(gameId, name))
      .exec()) as [[Error | null, unknown], [Error | null, string | null]];
    return raw ? (JSON.parse(raw) as WorldEntitySnapshot) : null;
  }

  async release(gameId: string, name: string, node: string): Promise<void> {
    if ((await this.redis.get(ownerKey(gameId, name))) === node) {
      await this.redis.del(ownerKey(gameId, name), statsKey(gameId, name), entitiesKey(gameId, name));
    }
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
    await this.pubsub.publish(WORLD_COMMANDS_CHANNEL, JSON.stringify(command));
  }
}

function ownerKey(gameId: string, name: string): string {
  return `worlds:owner:${gameId}:${name}`;
}

function statsKey(gameId: string, name: string): string {
  return `worlds:stats:${gameId}:${name}`;
}

function watchKey(gameId: string, name: string): string {
  return `worlds:watched:${gameId}:${name}`;
}

function entitiesKey(gameId: string, name: string): string {
  return `worlds:entities:${gameId}:${name}`;
}
