import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { RedisPubSub } from '@spawnpoint/redis';
import { AppError, ErrorCode, LEADERBOARD_UPDATES_CHANNEL, type LeaderboardUpdatedPayload } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeMember, encodeMember, MEMBER_PREFIX_LENGTH, type IndexEntry } from './index-encoding.js';
import { LeaderboardRedis } from './leaderboard-redis.service.js';
import type { JsonObject, SortOrder, StoredRecord } from './leaderboard.types.js';
import { LeaderboardsRepository } from './leaderboards.repository.js';
import { TurnBatches } from './turn-batches.js';

// The rank index of one leaderboard season lives in Redis under one hash tag:
//
//   lb:{game:board:season}:z     ZSET, every score 0, members = encodeMember(...) (see index-encoding.ts)
//   lb:{game:board:season}:h     HASH player id → "<submissions>|<member>|<metadata JSON or empty>"
//   lb:{game:board:season}:ok    "1" once the index holds every record of the season
//   lb:{game:board:season}:lock  the token of the process rebuilding it
//
// Postgres is the record; this is a cache of it that must be rebuildable at any moment. Every
// script refuses to run (-1) without the `ok` marker, so a missing index (Redis restarted, keys
// lost, marker deleted on purpose) is noticed on the next read or write, which rebuilds it from
// Postgres under the lock while everyone else waits. A write only replaces a player's entry when
// its `submissions` count is higher, so updates that arrive late or twice cannot roll it back.

/** Seconds an archived season's index stays in Redis after its last rebuild (it is rebuilt on demand). */
const ARCHIVE_TTL_SECONDS = 3600;
const LOCK_MS = 30_000;
/** How long a request waits for another process's rebuild before answering 503. */
const REBUILD_WAIT_MS = 15_000;
const REBUILD_CHUNK = 5000;
const TEMP_TTL_MS = 120_000;
const INVALIDATION_RETRY_MS = 1000;

const PARSE_CURRENT = `
local function member_of(value)
  local s1 = string.find(value, '|', 1, true)
  local s2 = string.find(value, '|', s1 + 1, true)
  return tonumber(string.sub(value, 1, s1 - 1)), string.sub(value, s1 + 1, s2 - 1)
end
`;

// KEYS: z, h, ok. ARGV: channel, then 6 per submission: player, submissions, member, metadata,
// event JSON without `rank}`, "1" if the submission changed the score. Returns the 0-based rank of
// each player's entry after its own update, or -1 when the index must be rebuilt first. Publishes
// each change unless a newer one is already in (whose own event follows); an entry equal to ours
// came from a rebuild, and still gets its event. One call carries every submission of a turn.
const SUBMIT_SCRIPT = `${PARSE_CURRENT}
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local ranks = {}
for i = 2, #ARGV, 6 do
  local player = ARGV[i]
  local version = tonumber(ARGV[i + 1])
  local member = ARGV[i + 2]
  local publish = ARGV[i + 5] == '1'
  local current = redis.call('HGET', KEYS[2], player)
  if current then
    local stored, old = member_of(current)
    if stored >= version then
      if stored > version then publish = false end
      member = old
    else
      if old ~= member then
        redis.call('ZREM', KEYS[1], old)
        redis.call('ZADD', KEYS[1], 0, member)
      end
      redis.call('HSET', KEYS[2], player, ARGV[i + 1] .. '|' .. member .. '|' .. ARGV[i + 3])
    end
  else
    redis.call('ZADD', KEYS[1], 0, member)
    redis.call('HSET', KEYS[2], player, ARGV[i + 1] .. '|' .. member .. '|' .. ARGV[i + 3])
  end
  local rank = redis.call('ZRANK', KEYS[1], member)
  if publish then
    redis.call('PUBLISH', ARGV[1], ARGV[i + 4] .. (rank + 1) .. '}')
  end
  ranks[#ranks + 1] = rank
end
return ranks
`;

// KEYS: z, h, ok. ARGV: players. Returns -1 (rebuild first) or, per player, its 0-based rank and
// member, or -2 and '' when it has no record.
const RANK_SCRIPT = `${PARSE_CURRENT}
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local out = {}
for i = 1, #ARGV do
  local current = redis.call('HGET', KEYS[2], ARGV[i])
  if current then
    local _, member = member_of(current)
    out[#out + 1] = redis.call('ZRANK', KEYS[1], member)
    out[#out + 1] = member
  else
    out[#out + 1] = -2
    out[#out + 1] = ''
  end
end
return out
`;

// KEYS: z, h, ok. ARGV: mode (top | after | around), offset | cursor member | player, limit.
// Returns {-1} (rebuild first), {-2} (around: no record) or {first rank, member, value, member, value, ...}
// with up to limit + 1 entries (the extra one tells whether there is a next page).
const PAGE_SCRIPT = `${PARSE_CURRENT}
if redis.call('EXISTS', KEYS[3]) == 0 then return {-1} end
local mode = ARGV[1]
local limit = tonumber(ARGV[3])
local start
local members
if mode == 'after' then
  start = redis.call('ZLEXCOUNT', KEYS[1], '-', '[' .. ARGV[2])
  members = redis.call('ZRANGE', KEYS[1], '(' .. ARGV[2], '+', 'BYLEX', 'LIMIT', 0, limit + 1)
else
  if mode == 'around' then
    local current = redis.call('HGET', KEYS[2], ARGV[2])
    if not current then return {-2} end
    local _, member = member_of(current)
    local rank = redis.call('ZRANK', KEYS[1], member)
    local last_start = redis.call('ZCARD', KEYS[1]) - limit
    start = rank - math.floor((limit - 1) / 2)
    if start > last_start then start = last_start end
    if start < 0 then start = 0 end
  else
    start = tonumber(ARGV[2])
  end
  members = redis.call('ZRANGE', KEYS[1], start, start + limit)
end
local out = {start}
if #members == 0 then return out end
local players = {}
for i, m in ipairs(members) do players[i] = string.sub(m, ${MEMBER_PREFIX_LENGTH + 1}) end
local values = redis.call('HMGET', KEYS[2], unpack(players))
for i, m in ipairs(members) do
  out[#out + 1] = m
  out[#out + 1] = values[i] or ''
end
return out
`;

// KEYS: z, h, ok, lock, temp z, temp h. ARGV: token, TTL seconds (0 = keep forever).
// Installs a rebuilt index, unless the lock was lost to another rebuilder meanwhile (returns 0).
const SWAP_SCRIPT = `
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
if redis.call('EXISTS', KEYS[5]) == 1 then redis.call('RENAME', KEYS[5], KEYS[1]) end
if redis.call('EXISTS', KEYS[6]) == 1 then redis.call('RENAME', KEYS[6], KEYS[2]) end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[3], '1', 'EX', ttl)
  redis.call('EXPIRE', KEYS[1], ttl + 60)
  redis.call('EXPIRE', KEYS[2], ttl + 60)
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
  redis.call('SET', KEYS[3], '1')
end
redis.call('DEL', KEYS[4])
return 1
`;

// KEYS: lock. ARGV: token, ms (0 = release). Extends or releases the lock only if it is still ours.
const LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) == 0 then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`;

// KEYS: z, h, ok. ARGV: TTL seconds. An archived season's index expires; the marker first, so a
// half-expired index is never trusted.
const RETIRE_SCRIPT = `
redis.call('EXPIRE', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]) + 60)
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1]) + 60)
return 1
`;

interface IndexScripts {
  lbSubmit(z: string, h: string, ok: string, channel: string, ...args: string[]): Promise<number[] | -1>;
  lbRank(z: string, h: string, ok: string, ...players: string[]): Promise<Array<number | string> | -1>;
  lbPage(z: string, h: string, ok: string, mode: string, arg: string, limit: string): Promise<Array<number | string>>;
  lbSwap(z: string, h: string, ok: string, lock: string, tz: string, th: string, token: string, ttl: string): Promise<number>;
  lbLock(lock: string, token: string, ms: string): Promise<number>;
  lbRetire(z: string, h: string, ok: string, ttl: string): Promise<number>;
}

/** One leaderboard season's index. */
export interface IndexRef {
  gameId: string;
  leaderboardId: string;
  season: number;
  sortOrder: SortOrder;
  /** An archived season's index expires after an hour; the current season's stays. */
  archived: boolean;
}

export interface IndexedEntry extends IndexEntry {
  rank: number;
  metadata: JsonObject | null;
  /** The member, which doubles as the paging cursor. */
  member: string;
}

export interface IndexPage {
  entries: IndexedEntry[];
  /** Another entry follows the last one. */
  more: boolean;
}

export type PageRequest =
  | { mode: 'top'; offset: number; limit: number }
  | { mode: 'after'; member: string; limit: number }
  | { mode: 'around'; playerId: string; limit: number };

/** A player's entry as the rank script answers it: -2 and '' when the player has no record. */
type RankReply = [rank: number, member: string];

type IndexKeys = ReturnType<typeof indexKeys>;

export function indexKeys(ref: Pick<IndexRef, 'gameId' | 'leaderboardId' | 'season'>) {
  const base = `lb:{${ref.gameId}:${ref.leaderboardId}:${ref.season}}`;
  return { z: `${base}:z`, h: `${base}:h`, ok: `${base}:ok`, lock: `${base}:lock`, tz: `${base}:z:tmp`, th: `${base}:h:tmp` };
}

@Injectable()
export class LeaderboardIndex implements OnModuleDestroy {
  private readonly logger = new Logger(LeaderboardIndex.name);
  private readonly scripts: IndexScripts;
  /** Rebuilds this process is running or waiting for, so concurrent callers share one. */
  private readonly building = new Map<string, Promise<void>>();
  /** Indexes a write could not update (Redis failed after the commit): their marker must go. */
  private readonly staleIndexes = new Map<string, IndexRef>();
  private invalidationTimer: NodeJS.Timeout | undefined;
  private readonly redis: Redis;
  /** Where score changes are published (for the realtime role's `leaderboard_updated`). */
  private readonly updatesChannel: string;
  // Rank reads and index updates of one turn of the event loop go to Redis as one script call
  // per index (and all of them in one socket write): on the bench machine the per-command
  // overhead (ioredis, the write, Redis's script call) cost more than the work of the script.
  private readonly submits = new TurnBatches<IndexKeys, string[], number>((keys, items) => this.submitMany(keys, items));
  private readonly ranks = new TurnBatches<IndexKeys, string, RankReply>((keys, players) => this.rankMany(keys, players));
  private flushScheduled = false;

  constructor(
    private readonly connection: LeaderboardRedis,
    private readonly records: LeaderboardsRepository,
    pubsub: RedisPubSub,
  ) {
    this.updatesChannel = pubsub.channel(LEADERBOARD_UPDATES_CHANNEL);
    const redis = connection.client;
    this.redis = redis;
    redis.defineCommand('lbSubmit', { numberOfKeys: 3, lua: SUBMIT_SCRIPT });
    redis.defineCommand('lbRank', { numberOfKeys: 3, lua: RANK_SCRIPT });
    redis.defineCommand('lbPage', { numberOfKeys: 3, lua: PAGE_SCRIPT });
    redis.defineCommand('lbSwap', { numberOfKeys: 6, lua: SWAP_SCRIPT });
    redis.defineCommand('lbLock', { numberOfKeys: 1, lua: LOCK_SCRIPT });
    redis.defineCommand('lbRetire', { numberOfKeys: 3, lua: RETIRE_SCRIPT });
    this.scripts = redis as unknown as IndexScripts;
  }

  onModuleDestroy(): void {
    clearInterval(this.invalidationTimer);
  }

  /**
   * Puts a committed record into the index and publishes the change (one script call, shared with
   * the turn's other updates); returns its 1-based rank. If Redis fails here the record is already
   * durable: the rank comes from Postgres and the index is invalidated (retried until Redis
   * answers) so it is rebuilt with the record.
   */
  async apply(ref: IndexRef, record: StoredRecord): Promise<number> {
    const keys = indexKeys(ref);
    const member = encodeMember(record, ref.sortOrder);
    const metadata = record.metadata === null ? '' : JSON.stringify(record.metadata);
    const event: Omit<LeaderboardUpdatedPayload, 'rank'> = {
      game_id: record.gameId,
      leaderboard_id: record.leaderboardId,
      season: record.season,
      player_id: record.playerId,
      score: Number(record.score),
    };
    const eventPrefix = `${JSON.stringify(event).slice(0, -1)},"rank":`;
    try {
      return await this.withIndex(ref, async () => {
        const rank = await this.batched(this.submits, keys, [
          record.playerId,
          String(record.submissions),
          member,
          metadata,
          eventPrefix,
          record.changed ? '1' : '0',
        ]);
        return rank === null ? null : rank + 1;
      });
    } catch (error) {
      this.logger.warn(`index update failed after commit (${keys.ok}): ${(error as Error).message}; ranking from Postgres`);
      this.markStale(ref);
      const rank = await this.records.rankInDatabase(ref.gameId, ref.leaderboardId, ref.season, record.playerId, ref.sortOrder);
      if (rank === null) throw error;
      return rank;
    }
  }

  /** The player's entry and 1-based rank, or null when the player has no record this season. */
  async rank(ref: IndexRef, playerId: string): Promise<IndexedEntry | null> {
    const keys = indexKeys(ref);
    const [rank, member] = await this.withIndex(ref, () => this.batched(this.ranks, keys, playerId));
    if (rank === -2) return null;
    return { ...decodeMember(member, ref.sortOrder), rank: rank + 1, metadata: null, member };
  }

  /** A page of entries; null when `around` names a player without a record. */
  async page(ref: IndexRef, request: PageRequest): Promise<IndexPage | null> {
    const keys = indexKeys(ref);
    const arg = request.mode === 'top' ? String(request.offset) : request.mode === 'after' ? request.member : request.playerId;
    const reply = await this.withIndex(ref, async () => {
      const out = await this.scripts.lbPage(keys.z, keys.h, keys.ok, request.mode, arg, String(request.limit));
      return out[0] === -1 ? null : out;
    });
    if (reply[0] === -2) return null;
    const first = reply[0] as number;
    const entries: IndexedEntry[] = [];
    for (let i = 1; i + 1 < reply.length; i += 2) {
      const member = reply[i] as string;
      const value = reply[i + 1] as string;
      const metadataText = value.slice(value.indexOf('|', value.indexOf('|') + 1) + 1);
      entries.push({
        ...decodeMember(member, ref.sortOrder),
        rank: first + entries.length + 1,
        metadata: metadataText ? (JSON.parse(metadataText) as JsonObject) : null,
        member,
      });
    }
    const more = entries.length > request.limit;
    return { entries: entries.slice(0, request.limit), more };
  }

  /** After a reset: the finished season's index expires (it is rebuilt on demand from Postgres). */
  async retire(ref: Omit<IndexRef, 'sortOrder' | 'archived'>): Promise<void> {
    const keys = indexKeys(ref);
    await this.scripts.lbRetire(keys.z, keys.h, keys.ok, String(ARCHIVE_TTL_SECONDS));
  }

  /** Drops the marker: the next read or write rebuilds the index from Postgres. */
  async invalidate(ref: Pick<IndexRef, 'gameId' | 'leaderboardId' | 'season'>): Promise<void> {
    await this.redis.del(indexKeys(ref).ok);
  }

  private batched<T, R>(batches: TurnBatches<IndexKeys, T, R>, keys: IndexKeys, item: T): Promise<R | null> {
    const result = batches.add(keys.ok, keys, item);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // setImmediate: after every I/O callback of this turn, so concurrent requests share it.
      setImmediate(() => {
        this.flushScheduled = false;
        this.connection.writeTogether(() => {
          this.submits.flush();
          this.ranks.flush();
        });
      });
    }
    return result;
  }

  private async submitMany(keys: IndexKeys, items: string[][]): Promise<number[] | null> {
    const ranks = await this.scripts.lbSubmit(keys.z, keys.h, keys.ok, this.updatesChannel, ...items.flat());
    return ranks === -1 ? null : ranks;
  }

  private async rankMany(keys: IndexKeys, players: string[]): Promise<RankReply[] | null> {
    const reply = await this.scripts.lbRank(keys.z, keys.h, keys.ok, ...players);
    if (reply === -1) return null;
    const entries: RankReply[] = [];
    for (let i = 0; i < reply.length; i += 2) entries.push([reply[i] as number, reply[i + 1] as string]);
    return entries;
  }

  /**
   * Runs a script that answers null while the index is missing: rebuilds (or waits for the
   * rebuild) and tries again. Redis failures become 503 service_unavailable.
   */
  private async withIndex<T>(ref: IndexRef, run: () => Promise<T | null>): Promise<T> {
    for (let attempt = 0; attempt < 3; attempt++) {
      let result: T | null;
      try {
        result = await run();
      } catch (error) {
        throw unavailable(error);
      }
      if (result !== null) return result;
      await this.ensureBuilt(ref);
    }
    throw new AppError(ErrorCode.Unavailable, 'The leaderboard index keeps disappearing; retry shortly');
  }

  private ensureBuilt(ref: IndexRef): Promise<void> {
    const key = indexKeys(ref).ok;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(ref).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  /** Rebuilds the index under the Redis lock, or waits for whoever holds it. */
  private async build(ref: IndexRef): Promise<void> {
    const keys = indexKeys(ref);
    const deadline = Date.now() + REBUILD_WAIT_MS;
    try {
      while (Date.now() < deadline) {
        if ((await this.redis.exists(keys.ok)) === 1) return;
        const token = randomUUID();
        if ((await this.redis.set(keys.lock, token, 'PX', LOCK_MS, 'NX')) === 'OK') {
          try {
            if (await this.rebuild(ref, token)) return;
          } finally {
            await this.scripts.lbLock(keys.lock, token, '0').catch(() => undefined);
          }
        }
        await sleep(25);
      }
    } catch (error) {
      throw unavailable(error);
    }
    throw new AppError(ErrorCode.Unavailable, 'The leaderboard index is being rebuilt; retry shortly');
  }

  /**
   * Copies the season from Postgres into temporary keys, chunk by chunk, then swaps them in and
   * sets the marker in one script. Writes committed meanwhile were refused by the index (no
   * marker) and retry after the swap; their higher `submissions` wins over the copied row.
   */
  private async rebuild(ref: IndexRef, token: string): Promise<boolean> {
    const keys = indexKeys(ref);
    const started = Date.now();
    await this.redis.del(keys.tz, keys.th);
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const chunk = await this.records.indexChunk(ref.gameId, ref.leaderboardId, ref.season, after, REBUILD_CHUNK);
      if (chunk.length === 0) break;
      const zadd: Array<string | number> = [];
      const hset: string[] = [];
      for (const row of chunk) {
        const member = encodeMember(row, ref.sortOrder);
        zadd.push(0, member);
        hset.push(row.playerId, `${row.submissions}|${member}|${row.metadata === null ? '' : JSON.stringify(row.metadata)}`);
      }
      await this.redis
        .pipeline()
        .zadd(keys.tz, ...zadd)
        .hset(keys.th, ...hset)
        .pexpire(keys.tz, TEMP_TTL_MS)
        .pexpire(keys.th, TEMP_TTL_MS)
        .exec();
      if ((await this.scripts.lbLock(keys.lock, token, String(LOCK_MS))) !== 1) return false;
      count += chunk.length;
      after = chunk[chunk.length - 1]!.playerId;
      if (chunk.length < REBUILD_CHUNK) break;
    }
    const swapped = await this.scripts.lbSwap(
      keys.z,
      keys.h,
      keys.ok,
      keys.lock,
      keys.tz,
      keys.th,
      token,
      String(ref.archived ? ARCHIVE_TTL_SECONDS : 0),
    );
    if (swapped === 1) this.logger.log(`rebuilt ${keys.ok.slice(0, -3)} from Postgres: ${count} records in ${Date.now() - started} ms`);
    return swapped === 1;
  }

  private markStale(ref: IndexRef): void {
    this.staleIndexes.set(indexKeys(ref).ok, ref);
    this.invalidationTimer ??= setInterval(() => void this.dropStaleMarkers(), INVALIDATION_RETRY_MS).unref();
  }

  private async dropStaleMarkers(): Promise<void> {
    for (const [key, ref] of this.staleIndexes) {
      try {
        await this.invalidate(ref);
        this.staleIndexes.delete(key);
      } catch {
        return; // Redis still down: next tick.
      }
    }
    if (this.staleIndexes.size === 0) {
      clearInterval(this.invalidationTimer);
      this.invalidationTimer = undefined;
    }
  }
}

function unavailable(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(ErrorCode.Unavailable, `The leaderboard index is unavailable (${(error as Error).message}); retry shortly`);
}
