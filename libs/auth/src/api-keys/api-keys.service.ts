import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ApiKey } from '@spawnpoint/prisma';
import { REDIS } from '@spawnpoint/redis';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import type { Redis } from 'ioredis';
import { randomToken, sha256 } from '../crypto.js';
import { GamesService } from '../games/games.service.js';
import { LocalCache } from '../local-cache.js';
import { RevocationBus } from '../revocation-bus.js';
import type { CredentialPrincipal } from '../principal.js';
import { ApiKeysRepository } from './api-keys.repository.js';

export type ApiKeyKindName = 'server' | 'client';

export interface ApiKeyView {
  id: string;
  name: string;
  kind: ApiKeyKindName;
  prefix: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const KEY_PREFIX: Record<ApiKeyKindName, string> = { server: 'sp_sk_', client: 'sp_ck_' };
/** Characters of the key kept in clear so developers can tell keys apart. */
const VISIBLE_CHARS = 14;
const MAX_KEY_LENGTH = 128;

// Resolved keys are cached in Redis (shared by every process) so a request costs no Postgres read.
// Readers only ever SET NX; revocation overwrites unconditionally, so whichever order the two
// race in, a revoked key never comes back as valid from the cache.
const CACHE_TTL_SECONDS = 300;
const REVOKED_TTL_SECONDS = 86_400;
const TOUCH_INTERVAL_SECONDS = 60;
// Each process also keeps resolved keys in memory, so a request with a known key costs no round
// trip. Revocations evict them everywhere through the RevocationBus; the short bound covers the
// case where that message cannot arrive.
const LOCAL_TTL_MS = 10_000;
const LOCAL_MAX_KEYS = 10_000;

interface CachedKey {
  id: string;
  gameId: string;
  kind: ApiKeyKindName;
}

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly local = new LocalCache<CachedKey | null>(LOCAL_TTL_MS, LOCAL_MAX_KEYS);
  private readonly touched = new LocalCache<true>(TOUCH_INTERVAL_SECONDS * 1000, LOCAL_MAX_KEYS);

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly games: GamesService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly revocations: RevocationBus,
  ) {
    this.revocations.listen((message) => {
      if (message.kind === 'api_key') this.local.deleteWhere((key) => key?.id === message.keyId);
    });
  }

  /** The full key is returned here and never again. */
  async create(developerId: string, gameId: string, name: string, kind: ApiKeyKindName): Promise<ApiKeyView & { key: string }> {
    await this.games.getOwned(developerId, gameId);
    const key = `${KEY_PREFIX[kind]}${randomToken(30)}`;
    const row = await this.keys.create({ gameId, name: name.trim(), kind, prefix: key.slice(0, VISIBLE_CHARS), keyHash: sha256(key) });
    return { ...view(row), key };
  }

  async list(developerId: string, gameId: string): Promise<ApiKeyView[]> {
    await this.games.getOwned(developerId, gameId);
    return (await this.keys.listByGame(gameId)).map(view);
  }

  async revoke(developerId: string, gameId: string, keyId: string): Promise<ApiKeyView> {
    await this.games.getOwned(developerId, gameId);
    const row = await this.keys.revoke(gameId, keyId);
    if (!row) throw new AppError(ErrorCode.NotFound, 'API key not found');
    await this.redis.set(cacheKey(row.keyHash), 'revoked', 'EX', REVOKED_TTL_SECONDS);
    await this.revocations.publish({ kind: 'api_key', gameId, keyId });
    return view(row);
  }

  /** Resolves a raw `X-API-Key` to the game it belongs to; 401 for unknown or revoked keys. */
  async resolve(rawKey: string): Promise<CredentialPrincipal> {
    if (rawKey.length > MAX_KEY_LENGTH || !(rawKey.startsWith(KEY_PREFIX.server) || rawKey.startsWith(KEY_PREFIX.client))) {
      throw invalidKey();
    }
    const key = await this.lookup(rawKey);
    if (!key) throw invalidKey();
    this.touch(key.id);
    return { kind: key.kind, gameId: key.gameId, keyId: key.id };
  }

  /**
   * The in-process cache is keyed by the key itself, not its hash: a hit then costs no SHA-256
   * (a few µs of the ~60 µs a leaderboard request may take). It lives in this process's memory
   * only, where every request's key already passes; Redis and Postgres only ever see the hash.
   */
  private async lookup(rawKey: string): Promise<CachedKey | null> {
    const local = this.local.get(rawKey);
    if (local !== undefined) return local;
    const key = await this.lookupShared(sha256(rawKey));
    if (key) this.local.set(rawKey, key);
    return key;
  }

  private async lookupShared(hash: string): Promise<CachedKey | null> {
    const cached = await this.redis.get(cacheKey(hash));
    if (cached === 'revoked') return null;
    if (cached) return JSON.parse(cached) as CachedKey;

    // Unknown keys are not cached: the per-IP rate limit bounds that traffic, not Redis memory.
    const row = await this.keys.findByHash(hash);
    if (!row) return null;
    const value: CachedKey | null = row.revokedAt ? null : { id: row.id, gameId: row.gameId, kind: row.kind };
    await this.redis.set(cacheKey(hash), value ? JSON.stringify(value) : 'revoked', 'EX', CACHE_TTL_SECONDS, 'NX');
    return value;
  }

  /** Records last use at most once a minute per key, off the request path. */
  private touch(keyId: string): void {
    if (this.touched.get(keyId)) return;
    this.touched.set(keyId, true);
    void this.redis
      .set(`apikey:touched:${keyId}`, '1', 'EX', TOUCH_INTERVAL_SECONDS, 'NX')
      .then((first) => (first ? this.keys.touch(keyId) : undefined))
      .catch((error: unknown) => this.logger.warn(`could not record API key use: ${(error as Error).message}`));
  }
}

function cacheKey(hash: string): string {
  return `apikey:${hash}`;
}

function invalidKey(): AppError {
  return new AppError(ErrorCode.InvalidApiKey, 'The API key is unknown or revoked');
}

function view(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    kind: k.kind,
    prefix: k.prefix,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
    createdAt: k.createdAt,
  };
}
