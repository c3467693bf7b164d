import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from './redis.tokens.js';

export interface RateLimit {
  /** Bucket key, without the Redis prefix, e.g. `ip:1.2.3.4`. */
  key: string;
  /** Requests allowed per `periodMs` (also the burst size). */
  limit: number;
  periodMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Milliseconds until one more request would be allowed (0 when allowed). */
  retryAfterMs: number;
}

// GCRA (generic cell rate algorithm): one key per bucket holding the "theoretical arrival time".
// Smooth like a token bucket, one round trip for any number of buckets, and Redis's own clock
// keeps every process in agreement. ARGV[1] = cost (0 = peek), then per bucket: limit, period.
// Nothing is written unless every bucket allows, so a denied request costs no bucket anything.
const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local new_tats = {}
local worst = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i * 2])
  local period = tonumber(ARGV[i * 2 + 1])
  local interval = period / limit
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  local new_tat = tat + interval * math.max(cost, 1)
  local allow_at = new_tat - period
  if allow_at > now then
    if allow_at - now > worst then worst = allow_at - now end
  end
  new_tats[i] = new_tat
end
if worst > 0 then return {0, math.ceil(worst)} end
if cost > 0 then
  for i, key in ipairs(KEYS) do
    redis.call('SET', key, tostring(new_tats[i]), 'PX', math.max(1, math.ceil(new_tats[i] - now)))
  end
end
return {1, 0}
`;

/** Requests a process takes from Redis at once for a high limit (see `consumeReserved`). */
const MAX_BLOCK = 100;
/** A reserved block unused for this long is dropped, so a quiet process does not hoard budget. */
const BLOCK_LIFETIME_MS = 1_000;
const ALLOWED: RateLimitResult = Object.freeze({ allowed: true, retryAfterMs: 0 });

@Injectable()
export class RateLimiter {
  private readonly blocks = new Map<string, { left: number; until: number }>();
  /**
   * Block reservations on their way, by bucket. Requests that find the block spent while one is
   * on its way wait for it instead of each reserving their own: under load dozens arrive within
   * one round trip, and each reservation would cost a round trip and strand most of a block.
   */
  private readonly reserving = new Map<string, Promise<boolean>>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    this.redis.defineCommand('spGcra', { lua: GCRA_SCRIPT });
  }

  /**
   * The request-path variant for high limits: each process reserves a block of up to 1 % of the
   * limit (at most 100 requests) from Redis and spends it locally, so most requests cost no
   * round trip. Across N processes the budget can overshoot by at most N blocks. Limits below 200
   * get blocks of one, which is exactly `consume`. Buckets are checked one by one, so unlike
   * `consume` a refusal by one bucket may still have spent from another.
   */
  async consumeReserved(limits: RateLimit[]): Promise<RateLimitResult> {
    for (const limit of limits) {
      const result = this.takeHeld(limit) ? ALLOWED : await this.takeReserving(limit);
      if (!result.allowed) return result;
    }
    return ALLOWED;
  }

  /**
   * `consumeReserved` without a round trip: spends one request from every bucket and answers true
   * when this process holds a block of each; otherwise spends nothing and answers false (then call
   * `consumeReserved`). Lets the request path skip a promise in the common case.
   */
  consumeHeld(limits: RateLimit[]): boolean {
    const now = Date.now();
    for (const limit of limits) {
      const held = this.blocks.get(limit.key);
      if (!held || held.left <= 0 || held.until <= now) return false;
    }
    for (const limit of limits) this.blocks.get(limit.key)!.left--;
    return true;
  }

  /** Spends one request of a block this process holds, if it holds one. */
  private takeHeld(limit: RateLimit): boolean {
    const held = this.blocks.get(limit.key);
    if (!held || held.left <= 0 || held.until <= Date.now()) return false;
    held.left--;
    return true;
  }

  private async takeReserving(limit: RateLimit): Promise<RateLimitResult> {
    const block = Math.min(MAX_BLOCK, Math.floor(limit.limit / 100));
    if (block <= 1) return this.consume([limit]);
    for (;;) {
      let reservation = this.reserving.get(limit.key);
      if (!reservation) {
        reservation = this.reserve(limit, block);
        this.reserving.set(limit.key, reservation);
      }
      // Not a whole block left: the last few requests of the budget go one at a time.
      if (!(await reservation)) return this.consume([limit]);
      if (this.takeHeld(limit)) return ALLOWED;
      // More requests waited than the block held: the rest reserve the next one.
    }
  }

  private async reserve(limit: RateLimit, block: number): Promise<boolean> {
    try {
      const reserved = await this.run([limit], block);
      if (reserved.allowed) this.blocks.set(limit.key, { left: block, until: Date.now() + BLOCK_LIFETIME_MS });
      else this.blocks.delete(limit.key);
      return reserved.allowed;
    } finally {
      this.reserving.delete(limit.key);
    }
  }

  /** Takes one request from every bucket, or from none when any is exhausted. */
  consume(limits: RateLimit[]): Promise<RateLimitResult> {
    return this.run(limits, 1);
  }

  /** Says whether one more request would pass, without taking it. */
  peek(limits: RateLimit[]): Promise<RateLimitResult> {
    return this.run(limits, 0);
  }

  private async run(limits: RateLimit[], cost: number): Promise<RateLimitResult> {
    if (limits.length === 0) return { allowed: true, retryAfterMs: 0 };
    const keys = limits.map((l) => `rl:${l.key}`);
    const args = limits.flatMap((l) => [l.limit, l.periodMs]);
    const [allowed, retryAfterMs] = (await (this.redis as unknown as GcraRedis).spGcra(keys.length, ...keys, cost, ...args)) as [
      number,
      number,
    ];
    return { allowed: allowed === 1, retryAfterMs };
  }
}

interface GcraRedis {
  spGcra(numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}
