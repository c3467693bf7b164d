import { Inject, Injectable, Logger } from '@nestjs/common';
import { REDIS, RealtimePublisher } from '@spawnpoint/redis';
import { Rooms, ServerEvent, type PresencePayload, type PresenceStatus } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { FriendsService } from './friends.service.js';

/** Statuses a player may choose; `offline` only comes from having no connection. */
export const CHOSEN_PRESENCE = ['online', 'away', 'busy', 'in_combat'] as const;
export type ChosenPresence = (typeof CHOSEN_PRESENCE)[number];
export const PRESENCE_TEXT_MAX = 128;

// Presence lives in one Redis hash per player, shared by every realtime node: the status, its text,
// when it changed, and how many connections the player holds across nodes. Each script returns 1
// when the visible presence changed (so the caller tells friends and rooms) and 0 otherwise.
const CONNECT = `
local conns = redis.call('HINCRBY', KEYS[1], 'conns', 1)
local status = redis.call('HGET', KEYS[1], 'status')
redis.call('PERSIST', KEYS[1])
if status == false or status == 'offline' then
  redis.call('HSET', KEYS[1], 'status', 'online', 'text', '', 'since', ARGV[1])
  return 1
end
return 0`;
const DISCONNECT = `
local conns = redis.call('HINCRBY', KEYS[1], 'conns', -1)
if conns < 0 then redis.call('HSET', KEYS[1], 'conns', 0) conns = 0 end
return conns`;
// After the grace period: offline only if nobody reconnected meanwhile. Offline records expire.
const EXPIRE = `
local conns = tonumber(redis.call('HGET', KEYS[1], 'conns') or '0')
local status = redis.call('HGET', KEYS[1], 'status')
if conns > 0 or status == false or status == 'offline' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'offline', 'text', '', 'since', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;
const SET = `
local status = redis.call('HGET', KEYS[1], 'status')
if status == false or status == 'offline' then return -1 end
local text = redis.call('HGET', KEYS[1], 'text')
if status == ARGV[1] and text == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'text', ARGV[2], 'since', ARGV[3])
return 1`;

/** How long an offline presence record is kept (its `since` answers "last seen"). */
const OFFLINE_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** The rooms, besides friends, that hear a player's presence (party, lobby, …): given by the gateway. */
export type PresenceAudience = string[];

/**
 * Online / away / busy / in_combat plus a status text, per player, across every realtime node. A
 * player goes online with its first connection and offline only after the resume grace period has
 * passed with no connection left, so a quick reconnect never flaps. Changes are pushed to the
 * player's friends and to the rooms the gateway names (party, lobby).
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly friends: FriendsService,
    private readonly publisher: RealtimePublisher,
  ) {}

  async connected(gameId: string, playerId: string, audience: PresenceAudience): Promise<void> {
    const changed = (await this.redis.eval(CONNECT, 1, key(gameId, playerId), new Date().toISOString())) as number;
    if (changed === 1) await this.announce(gameId, playerId, audience);
  }

  /** Returns the number of connections the player still holds across nodes. */
  async disconnected(gameId: string, playerId: string): Promise<number> {
    return (await this.redis.eval(DISCONNECT, 1, key(gameId, playerId))) as number;
  }

  /** Called once the grace period after a last disconnect has passed. */
  async expire(gameId: string, playerId: string, audience: PresenceAudience): Promise<void> {
    const changed = (await this.redis.eval(EXPIRE, 1, key(gameId, playerId), new Date().toISOString(), OFFLINE_RETENTION_MS)) as number;
    if (changed === 1) await this.announce(gameId, playerId, audience);
  }

  /** Sets a connected player's chosen status; false when the player has no connection. */
  async set(gameId: string, playerId: string, status: ChosenPresence, text: string | null, audience: PresenceAudience): Promise<boolean> {
    const result = (await this.redis.eval(SET, 1, key(gameId, playerId), status, text ?? '', new Date().toISOString())) as number;
    if (result === 1) await this.announce(gameId, playerId, audience);
    return result !== -1;
  }

  async get(gameId: string, playerIds: string[]): Promise<PresencePayload[]> {
    if (playerIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of playerIds) pipeline.hmget(key(gameId, id), 'status', 'text', 'since');
    const replies = (await pipeline.exec()) ?? [];
    return playerIds.map((id, index) => {
      const [status, text, since] = (replies[index]?.[1] as (string | null)[] | undefined) ?? [];
      return {
        player_id: id,
        status: (status as PresenceStatus | null) ?? 'offline',
        status_text: text ? text : null,
        since: since ?? new Date(0).toISOString(),
      };
    });
  }

  /** Best effort: the state is already in Redis; a failed push only delays what friends see. */
  private async announce(gameId: string, playerId: string, audience: PresenceAudience): Promise<void> {
    try {
      const [presence] = await this.get(gameId, [playerId]);
      const friends = await this.friends.friendIds(gameId, playerId);
      const rooms = [...friends.map((id) => Rooms.player(gameId, id)), ...audience];
      await this.publisher.emit(rooms, ServerEvent.Presence, presence!);
    } catch (error) {
      this.logger.warn(`presence of ${playerId} in game ${gameId} not announced: ${(error as Error).message}`);
    }
  }
}

function key(gameId: string, playerId: string): string {
  return `presence:${gameId}:${playerId}`;
}
