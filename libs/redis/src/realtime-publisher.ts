import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { REALTIME_STREAM, type RealtimeStreamEntry, type ServerEvent, type ServerEventPayloads } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { REDIS } from './redis.tokens.js';

/** Entries outlive the resume grace period by this much, so a resuming client finds what it missed. */
const RETENTION_SLACK_MS = 10_000;

/**
 * How any role pushes to sockets without importing socket.io: append to the realtime stream; every
 * realtime node reads it and acts on the connections it holds. The stream is trimmed by age to the
 * resume grace period, which is what a resuming connection can replay.
 */
@Injectable()
export class RealtimePublisher {
  private readonly retentionMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.retentionMs = config.REALTIME_RESUME_GRACE_MS + RETENTION_SLACK_MS;
  }

  async emit<E extends ServerEvent>(rooms: string[], event: E, payload: ServerEventPayloads[E]): Promise<void> {
    if (rooms.length === 0) return;
    await this.append({ kind: 'deliver', rooms, event, payload });
  }

  /** Moves every connection of a player between rooms, on whichever node holds them. */
  async moveRooms(gameId: string, playerId: string, change: { join?: string[]; leave?: string[] }): Promise<void> {
    const join = change.join ?? [];
    const leave = change.leave ?? [];
    if (join.length === 0 && leave.length === 0) return;
    await this.append({ kind: 'move', gameId, playerId, join, leave });
  }

  private async append(entry: RealtimeStreamEntry): Promise<void> {
    const minId = Math.max(0, Date.now() - this.retentionMs);
    await this.redis.xadd(REALTIME_STREAM, 'MINID', '~', String(minId), '*', 'e', JSON.stringify(entry));
  }
}
