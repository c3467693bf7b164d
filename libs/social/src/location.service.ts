import { Inject, Injectable } from '@nestjs/common';
import { REDIS, RealtimePublisher } from '@spawnpoint/redis';
import { Rooms } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';

/** Where a player is in the game's world hierarchy: which world, which sector of it, which team. */
export interface PlayerLocation {
  worldId: string | null;
  sector: string | null;
  /** `<match or world id>:<team>` — teams belong to a match (or a world), not to the game. */
  team: string | null;
}

const NOWHERE: PlayerLocation = { worldId: null, sector: null, team: null };

/**
 * The world / sector / team part of a player's rooms, shared by every node through Redis. A world
 * host (or a game server over a server-key connection) sets it; the player's connections move
 * between rooms without the client asking.
 */
@Injectable()
export class LocationService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly publisher: RealtimePublisher,
  ) {}

  async get(gameId: string, playerId: string): Promise<PlayerLocation> {
    const raw = await this.redis.get(key(gameId, playerId));
    return raw ? { ...NOWHERE, ...(JSON.parse(raw) as Partial<PlayerLocation>) } : NOWHERE;
  }

  /** Sets the location and moves the player's connections; returns the rooms joined and left. */
  async set(gameId: string, playerId: string, next: PlayerLocation): Promise<{ join: string[]; leave: string[] }> {
    const raw = await this.redis.getset(key(gameId, playerId), JSON.stringify(next));
    const previous = raw ? { ...NOWHERE, ...(JSON.parse(raw) as Partial<PlayerLocation>) } : NOWHERE;
    const before = new Set(locationRooms(gameId, previous));
    const after = new Set(locationRooms(gameId, next));
    const join = [...after].filter((room) => !before.has(room));
    const leave = [...before].filter((room) => !after.has(room));
    await this.publisher.moveRooms(gameId, playerId, { join, leave });
    return { join, leave };
  }
}

export function locationRooms(gameId: string, location: PlayerLocation): string[] {
  const rooms: string[] = [];
  if (location.worldId !== null) {
    rooms.push(Rooms.world(gameId, location.worldId));
    if (location.sector !== null) rooms.push(Rooms.sector(gameId, location.worldId, location.sector));
  }
  if (location.team !== null) {
    const at = location.team.lastIndexOf(':');
    if (at > 0) rooms.push(Rooms.team(gameId, location.team.slice(0, at), location.team.slice(at + 1)));
  }
  return rooms;
}

function key(gameId: string, playerId: string): string {
  return `location:${gameId}:${playerId}`;
}
