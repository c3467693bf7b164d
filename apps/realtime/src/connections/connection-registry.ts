import { Injectable } from '@nestjs/common';
import { UsageRecorder } from '@spawnpoint/observability';
import { SERVER_EVENT_PRIORITY, EventPriority, type ServerEvent } from '@spawnpoint/shared';
import type { Connection, Frame } from './connection.js';

/**
 * The connections this node holds and the rooms they are in, for both transports. A delivery is
 * encoded once per transport and written to every connection of its rooms once, however many of
 * those rooms it is in (what socket.io's own broadcast does, extended to plain WebSockets).
 */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();
  private readonly rooms = new Map<string, Set<Connection>>();
  private readonly players = new Map<string, Set<Connection>>();
  /** gameId → distinct players connected here (the usage chart samples it). */
  private readonly playersByGame = new Map<string, number>();

  constructor(usage: UsageRecorder) {
    usage.addPlayerSampler(() => this.playersByGame);
  }

  get size(): number {
    return this.connections.size;
  }

  add(connection: Connection): void {
    this.connections.set(connection.id, connection);
    const { gameId, playerId } = connection.identity;
    if (playerId !== null && addTo(this.players, playerKey(gameId, playerId), connection)) {
      this.playersByGame.set(gameId, (this.playersByGame.get(gameId) ?? 0) + 1);
    }
  }

  remove(connection: Connection): void {
    if (!this.connections.delete(connection.id)) return;
    for (const room of connection.rooms) this.leaveOne(connection, room);
    const { gameId, playerId } = connection.identity;
    if (playerId !== null && removeFrom(this.players, playerKey(gameId, playerId), connection)) {
      const left = (this.playersByGame.get(gameId) ?? 1) - 1;
      if (left === 0) this.playersByGame.delete(gameId);
      else this.playersByGame.set(gameId, left);
    }
  }

  /** Returns the rooms the connection was not in yet. */
  join(connection: Connection, rooms: Iterable<string>): string[] {
    const joined: string[] = [];
    for (const room of rooms) {
      if (connection.rooms.has(room)) continue;
      connection.rooms.add(room);
      addTo(this.rooms, room, connection);
      joined.push(room);
    }
    return joined;
  }

  /** Returns the rooms the connection was in. */
  leave(connection: Connection, rooms: Iterable<string>): string[] {
    const left: string[] = [];
    for (const room of rooms) {
      if (!connection.rooms.has(room)) continue;
      this.leaveOne(connection, room);
      left.push(room);
    }
    return left;
  }

  ofPlayer(gameId: string, playerId: string): Connection[] {
    return [...(this.players.get(playerKey(gameId, playerId)) ?? [])];
  }

  inRoom(room: string): ReadonlySet<Connection> {
    return this.rooms.get(room) ?? EMPTY;
  }

  all(): IterableIterator<Connection> {
    return this.connections.values();
  }

  /** Delivers to every live connection in any of `rooms`; returns how many got it. */
  deliver(rooms: readonly string[], event: string, payload: unknown, offset?: string): number {
    const priority = SERVER_EVENT_PRIORITY[event as ServerEvent] ?? EventPriority.Normal;
    const frames = new Map<string, Frame>();
    let delivered = 0;
    const send = (connection: Connection): void => {
      let frame = frames.get(connection.encoding);
      if (frame === undefined) {
        frame = connection.encode(event, payload, offset);
        frames.set(connection.encoding, frame);
      }
      if (!connection.live) {
        connection.pending.push({ frame, priority, offset });
        return;
      }
      connection.send(frame, priority);
      if (offset !== undefined) connection.lastOffset = offset;
      delivered++;
    };
    if (rooms.length === 1) {
      for (const connection of this.inRoom(rooms[0]!)) send(connection);
      return delivered;
    }
    const seen = new Set<Connection>();
    for (const room of rooms) {
      for (const connection of this.inRoom(room)) {
        if (seen.has(connection)) continue;
        seen.add(connection);
        send(connection);
      }
    }
    return delivered;
  }

  private leaveOne(connection: Connection, room: string): void {
    connection.rooms.delete(room);
    removeFrom(this.rooms, room, connection);
  }
}

const EMPTY: ReadonlySet<Connection> = new Set();

function playerKey(gameId: string, playerId: string): string {
  return `${gameId}|${playerId}`;
}

/** True when `key` had no connection before. */
function addTo<K>(index: Map<K, Set<Connection>>, key: K, connection: Connection): boolean {
  let set = index.get(key);
  const first = !set;
  if (!set) index.set(key, (set = new Set()));
  set.add(connection);
  return first;
}

/** True when `key` has no connection left. */
function removeFrom<K>(index: Map<K, Set<Connection>>, key: K, connection: Connection): boolean {
  const set = index.get(key);
  if (!set) return false;
  set.delete(connection);
  if (set.size > 0) return false;
  index.delete(key);
  return true;
}
