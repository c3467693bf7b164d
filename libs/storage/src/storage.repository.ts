import { Injectable } from '@nestjs/common';
import { PrismaService } from '@spawnpoint/prisma';
import type { JsonObject } from './json-value.js';
import type { StorageReadAccess, StorageWriteAccess } from './limits.js';
import type { WritePrecondition } from './preconditions.js';

export interface StorageRecord {
  playerId: string;
  collection: string;
  key: string;
  value: JsonObject;
  version: number;
  readAccess: StorageReadAccess;
  writeAccess: StorageWriteAccess;
  createdAt: Date;
  updatedAt: Date;
}

export interface StorageWriteInput {
  collection: string;
  key: string;
  value: JsonObject;
  /** Omitted: kept on update, `owner` on create. */
  read?: StorageReadAccess;
  write?: StorageWriteAccess;
  precondition: WritePrecondition;
}

export interface WriteGuard {
  /** Write only documents whose write access is `owner` (a player writing its own data); server keys pass false. */
  ownerWritableOnly: boolean;
}

/** A write that did not happen, with the document as it stands, so the service can say why. */
export type WriteOutcome = { ok: true; record: StorageRecord } | { ok: false; current: StorageRecord | null };

export type BatchOutcome =
  { ok: true; records: StorageRecord[] } | { ok: false; failures: Array<{ index: number; current: StorageRecord | null }> };

type Db = Pick<PrismaService, '$queryRaw' | 'storageObject'>;

/** Thrown inside the batch transaction to roll it back; never leaves this file. */
class BatchRejected extends Error {
  constructor(readonly failures: Array<{ index: number; current: StorageRecord | null }>) {
    super('storage batch rejected');
  }
}

const BATCH_TRANSACTION = { maxWait: 10_000, timeout: 20_000 };

/**
 * Storage documents. Every write is one SQL statement that carries its own precondition (an
 * `INSERT … ON CONFLICT`, or an `UPDATE … WHERE version = $v`), so two writers racing on the same
 * version cannot both win, and `version` goes up by exactly one per write.
 */
@Injectable()
export class StorageRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(gameId: string, playerId: string, collection: string, key: string): Promise<StorageRecord | null> {
    return findIn(this.prisma, gameId, playerId, collection, key);
  }

  /** Keyset page ordered by key; `readAccess` filters to the documents the caller may see. */
  async list(
    gameId: string,
    playerId: string,
    collection: string,
    options: { after?: string; limit: number; readAccess?: StorageReadAccess[] },
  ): Promise<StorageRecord[]> {
    const rows = await this.prisma.storageObject.findMany({
      where: {
        gameId,
        playerId,
        collection,
        ...(options.after !== undefined ? { key: { gt: options.after } } : {}),
        ...(options.readAccess ? { readAccess: { in: options.readAccess } } : {}),
      },
      orderBy: { key: 'asc' },
      take: options.limit,
    });
    return rows.map(fromModel);
  }

  /** A player's documents across collections, ordered by (collection, key), after `after`. */
  async listAll(
    gameId: string,
    playerId: string,
    options: { after?: { collection: string; key: string }; limit: number; readAccess?: StorageReadAccess[] },
  ): Promise<StorageRecord[]> {
    const after = options.after;
    const rows = await this.prisma.storageObject.findMany({
      where: {
        gameId,
        playerId,
        ...(after ? { OR: [{ collection: { gt: after.collection } }, { collection: after.collection, key: { gt: after.key } }] } : {}),
        ...(options.readAccess ? { readAccess: { in: options.readAccess } } : {}),
      },
      orderBy: [{ collection: 'asc' }, { key: 'asc' }],
      take: options.limit,
    });
    return rows.map(fromModel);
  }

  async write(gameId: string, playerId: string, input: StorageWriteInput, guard: WriteGuard): Promise<WriteOutcome> {
    const record = await writeIn(this.prisma, gameId, playerId, input, guard);
    if (record) return { ok: true, record };
    return { ok: false, current: await findIn(this.prisma, gameId, playerId, input.collection, input.key) };
  }

  /**
   * All writes in one transaction, or none. Items run in (collection, key) order so two batches
   * over the same documents lock them in the same order and cannot deadlock; every item is tried
   * so the caller learns all that failed, then the transaction is rolled back.
   */
  async writeAll(gameId: string, playerId: string, inputs: StorageWriteInput[], guard: WriteGuard): Promise<BatchOutcome> {
    const order = inputs.map((input, index) => ({ input, index })).sort((a, b) => compareNames(a.input, b.input));
    try {
      const records = await this.prisma.$transaction(async (tx) => {
        const written: StorageRecord[] = new Array<StorageRecord>(inputs.length);
        const failures: Array<{ index: number; current: StorageRecord | null }> = [];
        for (const { input, index } of order) {
          const record = await writeIn(tx, gameId, playerId, input, guard);
          if (record) written[index] = record;
          else failures.push({ index, current: await findIn(tx, gameId, playerId, input.collection, input.key) });
        }
        if (failures.length > 0) throw new BatchRejected(failures.sort((a, b) => a.index - b.index));
        return written;
      }, BATCH_TRANSACTION);
      return { ok: true, records };
    } catch (error) {
      if (error instanceof BatchRejected) return { ok: false, failures: error.failures };
      throw error;
    }
  }

  /** Deletes the document if `version` (when given) and the guard hold; otherwise reports it as it stands. */
  async delete(
    gameId: string,
    playerId: string,
    collection: string,
    key: string,
    options: { version?: number } & WriteGuard,
  ): Promise<{ ok: true } | { ok: false; current: StorageRecord | null }> {
    const version = options.version ?? null;
    const deleted = await this.prisma.$queryRaw<Array<{ version: number }>>`
      DELETE FROM storage_objects
      WHERE game_id = ${gameId}::uuid AND player_id = ${playerId} AND collection = ${collection} AND key = ${key}
        AND (${version}::int IS NULL OR version = ${version}::int)
        AND (${options.ownerWritableOnly}::boolean = false OR write_access = 'owner')
      RETURNING version`;
    if (deleted.length > 0) return { ok: true };
    return { ok: false, current: await findIn(this.prisma, gameId, playerId, collection, key) };
  }
}

/** A row as `RETURNING *` gives it: column names, not Prisma field names. */
interface StorageRow {
  player_id: string;
  collection: string;
  key: string;
  value: JsonObject;
  version: number;
  read_access: StorageReadAccess;
  write_access: StorageWriteAccess;
  created_at: Date;
  updated_at: Date;
}

function fromRow(row: StorageRow): StorageRecord {
  return {
    playerId: row.player_id,
    collection: row.collection,
    key: row.key,
    value: row.value,
    version: row.version,
    readAccess: row.read_access,
    writeAccess: row.write_access,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Prisma's model shape minus `gameId`, which every caller already scoped by. */
function fromModel(row: Omit<StorageRecord, 'value'> & { value: unknown }): StorageRecord {
  return {
    playerId: row.playerId,
    collection: row.collection,
    key: row.key,
    value: row.value as JsonObject,
    version: row.version,
    readAccess: row.readAccess,
    writeAccess: row.writeAccess,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function findIn(db: Db, gameId: string, playerId: string, collection: string, key: string): Promise<StorageRecord | null> {
  const row = await db.storageObject.findUnique({ where: { gameId_playerId_collection_key: { gameId, playerId, collection, key } } });
  return row ? fromModel(row) : null;
}

/** One conditional write; null when its precondition or guard did not hold (and nothing was written). */
async function writeIn(
  db: Db,
  gameId: string,
  playerId: string,
  input: StorageWriteInput,
  guard: WriteGuard,
): Promise<StorageRecord | null> {
  const value = JSON.stringify(input.value);
  const read = input.read ?? null;
  const write = input.write ?? null;
  const ownerOnly = guard.ownerWritableOnly;
  const { collection, key } = input;
  let rows: StorageRow[];
  switch (input.precondition.kind) {
    case 'none':
      // The guard sits on the conflict branch: a player's upsert over a write=none document updates nothing.
      rows = await db.$queryRaw<StorageRow[]>`
        INSERT INTO storage_objects AS s (game_id, player_id, collection, key, value, version, read_access, write_access, updated_at)
        VALUES (${gameId}::uuid, ${playerId}, ${collection}, ${key}, ${value}::jsonb, 1,
                COALESCE(${read}::storage_read_access, 'owner'), COALESCE(${write}::storage_write_access, 'owner'), now())
        ON CONFLICT (game_id, player_id, collection, key) DO UPDATE
          SET value = EXCLUDED.value, version = s.version + 1,
              read_access = COALESCE(${read}::storage_read_access, s.read_access),
              write_access = COALESCE(${write}::storage_write_access, s.write_access),
              updated_at = now()
          WHERE ${ownerOnly}::boolean = false OR s.write_access = 'owner'
        RETURNING *`;
      break;
    case 'absent':
      rows = await db.$queryRaw<StorageRow[]>`
        INSERT INTO storage_objects AS s (game_id, player_id, collection, key, value, version, read_access, write_access, updated_at)
        VALUES (${gameId}::uuid, ${playerId}, ${collection}, ${key}, ${value}::jsonb, 1,
                COALESCE(${read}::storage_read_access, 'owner'), COALESCE(${write}::storage_write_access, 'owner'), now())
        ON CONFLICT (game_id, player_id, collection, key) DO NOTHING
        RETURNING *`;
      break;
    case 'version':
    case 'exists': {
      const version = input.precondition.kind === 'version' ? input.precondition.version : null;
      rows = await db.$queryRaw<StorageRow[]>`
        UPDATE storage_objects AS s
        SET value = ${value}::jsonb, version = s.version + 1,
            read_access = COALESCE(${read}::storage_read_access, s.read_access),
            write_access = COALESCE(${write}::storage_write_access, s.write_access),
            updated_at = now()
        WHERE s.game_id = ${gameId}::uuid AND s.player_id = ${playerId} AND s.collection = ${collection} AND s.key = ${key}
          AND (${version}::int IS NULL OR s.version = ${version}::int)
          AND (${ownerOnly}::boolean = false OR s.write_access = 'owner')
        RETURNING *`;
      break;
    }
  }
  return rows[0] ? fromRow(rows[0]) : null;
}

function compareNames(a: { collection: string; key: string }, b: { collection: string; key: string }): number {
  if (a.collection !== b.collection) return a.collection < b.collection ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
