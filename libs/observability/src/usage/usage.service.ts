import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@spawnpoint/redis';
import type { Redis } from 'ioredis';
import { currentMinute, USAGE_MINUTE_MS, UsageField, usageKey, UsageRecorder } from './usage.recorder.js';

export interface UsagePoint {
  /** Start of the minute. */
  at: Date;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  /** Peak of the samples in that minute, summed over realtime processes. */
  connectedPlayers: number;
}

export const USAGE_MINUTES_MAX = 1440;

/** A game's usage per minute, as every process's UsageRecorder wrote it. */
@Injectable()
export class UsageService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly recorder: UsageRecorder,
  ) {}

  /** The last `minutes` minutes (the current one included), oldest first, zero where nothing happened. */
  async series(gameId: string, minutes: number): Promise<UsagePoint[]> {
    await this.recorder.flush();
    const last = currentMinute();
    const first = last - Math.min(Math.max(1, Math.trunc(minutes)), USAGE_MINUTES_MAX) + 1;
    const read = this.redis.pipeline();
    for (let minute = first; minute <= last; minute++) read.hgetall(usageKey(gameId, minute));
    const results = (await read.exec()) ?? [];
    return results.map(([error, hash], index) => {
      if (error) throw error;
      return point(first + index, hash as Record<string, string>);
    });
  }
}

function point(minute: number, hash: Record<string, string>): UsagePoint {
  let connectedPlayers = 0;
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(UsageField.PlayersPrefix)) connectedPlayers += Number(value);
  }
  return {
    at: new Date(minute * USAGE_MINUTE_MS),
    requests: Number(hash[UsageField.Requests] ?? 0),
    clientErrors: Number(hash[UsageField.ClientErrors] ?? 0),
    serverErrors: Number(hash[UsageField.ServerErrors] ?? 0),
    connectedPlayers,
  };
}
