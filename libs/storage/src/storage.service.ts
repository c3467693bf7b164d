import { Injectable } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import { AppError, ErrorCode, type ErrorDetail, NotFoundError } from '@spawnpoint/shared';
import { decodeCursor, decodeDocumentCursor, encodeCursor, encodeDocumentCursor } from './cursor.js';
import { inspectValue, type JsonObject, type ValueProblem } from './json-value.js';
import {
  PLAYER_DATA_COLLECTION,
  PLAYER_DATA_KEY,
  STORAGE_BATCH_MAX_WRITES,
  STORAGE_LIST_LIMIT_MAX,
  STORAGE_NAME_PATTERN,
  STORAGE_VALUE_MAX_BYTES,
  STORAGE_VALUE_MAX_DEPTH,
  type StorageReadAccess,
  type StorageWriteAccess,
} from './limits.js';
import type { WritePrecondition } from './preconditions.js';
import { StorageRepository, type StorageRecord, type StorageWriteInput } from './storage.repository.js';

export interface StorageObjectView {
  collection: string;
  key: string;
  playerId: string;
  value: JsonObject;
  version: number;
  read: StorageReadAccess;
  write: StorageWriteAccess;
  createdAt: Date;
  updatedAt: Date;
}

export interface StorageWrite {
  collection: string;
  key: string;
  /** Checked here: a JSON object within the size and depth limits. */
  value: unknown;
  read?: StorageReadAccess;
  write?: StorageWriteAccess;
  precondition: WritePrecondition;
}

export interface StorageAck {
  collection: string;
  key: string;
  version: number;
}

export interface StoragePage {
  objects: StorageObjectView[];
  next: string | null;
}

/**
 * Player storage: JSON documents addressed by (player, collection, key), each with a version for
 * optimistic concurrency and read/write access for other callers. Server keys bypass access
 * rules; a player reads its own readable documents and others' public ones, and writes only its
 * own documents that are writable by their owner. Unreadable documents are 404, never 403, so
 * their existence does not leak.
 */
@Injectable()
export class StorageService {
  constructor(
    private readonly storage: StorageRepository,
    private readonly players: PlayersService,
  ) {}

  async get(caller: GamePrincipal, playerId: string, collection: string, key: string): Promise<StorageObjectView> {
    assertNotClient(caller);
    assertName('collection', collection);
    assertName('key', key);
    const record = await this.storage.find(caller.gameId, playerId, collection, key);
    if (!record || !canRead(caller, playerId, record.readAccess)) throw new NotFoundError('Storage object');
    return objectView(record);
  }

  async list(
    caller: GamePrincipal,
    playerId: string,
    collection: string,
    options: { cursor?: string; limit: number },
  ): Promise<StoragePage> {
    assertNotClient(caller);
    assertName('collection', collection);
    const limit = Math.min(Math.max(1, Math.trunc(options.limit)), STORAGE_LIST_LIMIT_MAX);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    if (after === null) throw invalid([{ field: 'cursor', message: 'cursor is not one this endpoint issued' }]);
    const rows = await this.storage.list(caller.gameId, playerId, collection, {
      after,
      limit: limit + 1,
      readAccess: readableAccess(caller, playerId),
    });
    // An empty page of an unknown player is a 404, as for every other player-scoped read.
    if (rows.length === 0) await this.players.get(caller.gameId, playerId);
    const page = rows.slice(0, limit);
    return { objects: page.map(objectView), next: rows.length > limit ? encodeCursor(page[page.length - 1]!.key) : null };
  }

  /** Every document of a player the caller may read, across collections, by (collection, key), with cursor paging. */
  async listAll(caller: GamePrincipal, playerId: string, options: { cursor?: string; limit: number }): Promise<StoragePage> {
    assertNotClient(caller);
    const limit = Math.min(Math.max(1, Math.trunc(options.limit)), STORAGE_LIST_LIMIT_MAX);
    const after = options.cursor === undefined ? undefined : decodeDocumentCursor(options.cursor);
    if (after === null) throw invalid([{ field: 'cursor', message: 'cursor is not one this endpoint issued' }]);
    const rows = await this.storage.listAll(caller.gameId, playerId, {
      after,
      limit: limit + 1,
      readAccess: readableAccess(caller, playerId),
    });
    if (rows.length === 0) await this.players.get(caller.gameId, playerId);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { objects: page.map(objectView), next: rows.length > limit && last ? encodeDocumentCursor(last) : null };
  }

  async put(caller: GamePrincipal, playerId: string, write: StorageWrite): Promise<StorageObjectView> {
    this.players.assertCanActFor(caller, playerId);
    const input = storableWrite(write, '');
    await this.ensurePlayer(caller, playerId, [input]);
    const outcome = await this.storage.write(caller.gameId, playerId, input, { ownerWritableOnly: caller.kind === 'player' });
    if (!outcome.ok) throw refusal(caller, input.precondition, outcome.current);
    return objectView(outcome.record);
  }

  async delete(caller: GamePrincipal, playerId: string, collection: string, key: string, precondition: WritePrecondition): Promise<void> {
    this.players.assertCanActFor(caller, playerId);
    assertName('collection', collection);
    assertName('key', key);
    if (precondition.kind === 'absent') throw invalid([{ field: 'If-None-Match', message: 'If-None-Match: * cannot apply to a delete' }]);
    const version = precondition.kind === 'version' ? precondition.version : undefined;
    const outcome = await this.storage.delete(caller.gameId, playerId, collection, key, {
      version,
      ownerWritableOnly: caller.kind === 'player',
    });
    if (outcome.ok) return;
    if (!outcome.current) throw new NotFoundError('Storage object');
    throw refusal(caller, precondition, outcome.current);
  }

  /** Up to STORAGE_BATCH_MAX_WRITES writes in one transaction: all happen, or none (412/403 naming the failing items). */
  async writeBatch(caller: GamePrincipal, playerId: string, writes: StorageWrite[]): Promise<StorageAck[]> {
    this.players.assertCanActFor(caller, playerId);
    if (writes.length === 0 || writes.length > STORAGE_BATCH_MAX_WRITES) {
      throw invalid([{ field: 'writes', message: `writes must hold 1-${STORAGE_BATCH_MAX_WRITES} items` }]);
    }
    const inputs = writes.map((write, index) => storableWrite(write, `writes[${index}].`));
    const seen = new Map<string, number>();
    inputs.forEach((input, index) => {
      const name = `${input.collection}/${input.key}`;
      const first = seen.get(name);
      if (first !== undefined)
        throw invalid([
          { field: `writes[${index}]`, message: `${name} is also written by writes[${first}]; write each document once per batch` },
        ]);
      seen.set(name, index);
    });
    await this.ensurePlayer(caller, playerId, inputs);
    const outcome = await this.storage.writeAll(caller.gameId, playerId, inputs, { ownerWritableOnly: caller.kind === 'player' });
    if (outcome.ok) return outcome.records.map((r) => ({ collection: r.collection, key: r.key, version: r.version }));
    const refusals = outcome.failures.map(({ index, current }) => ({
      index,
      error: refusal(caller, inputs[index]!.precondition, current),
    }));
    // A permission refusal outranks a stale version: retrying with a fresh version would not help.
    const forbidden = refusals.some((r) => r.error.code === ErrorCode.Forbidden);
    const shown = forbidden ? refusals.filter((r) => r.error.code === ErrorCode.Forbidden) : refusals;
    throw new AppError(
      forbidden ? ErrorCode.Forbidden : ErrorCode.PreconditionFailed,
      `Nothing was written: ${shown.length} of ${inputs.length} writes ${forbidden ? 'are not allowed' : 'failed their precondition'}`,
      shown.map((r) => ({ field: `writes[${r.index}]`, message: r.error.message })),
    );
  }

  /** The `PUT|GET /players/:playerId/data` document: collection `data`, key `default`. */
  getPlayerData(caller: GamePrincipal, playerId: string): Promise<StorageObjectView> {
    return this.get(caller, playerId, PLAYER_DATA_COLLECTION, PLAYER_DATA_KEY);
  }

  putPlayerData(caller: GamePrincipal, playerId: string, value: unknown, precondition: WritePrecondition): Promise<StorageObjectView> {
    return this.put(caller, playerId, { collection: PLAYER_DATA_COLLECTION, key: PLAYER_DATA_KEY, value, precondition });
  }

  /**
   * A server key writing for an id the game has not seen creates that player (see
   * PlayersService.ensureExists). Writes that need an existing document (If-Match) cannot
   * succeed for an unknown player, so they create nothing.
   */
  private async ensurePlayer(caller: GamePrincipal, playerId: string, inputs: StorageWriteInput[]): Promise<void> {
    if (caller.kind !== 'server') return;
    if (inputs.every((i) => i.precondition.kind === 'version' || i.precondition.kind === 'exists')) return;
    await this.players.ensureExists(caller.gameId, playerId);
  }
}

export function objectView(record: StorageRecord): StorageObjectView {
  return {
    collection: record.collection,
    key: record.key,
    playerId: record.playerId,
    value: record.value,
    version: record.version,
    read: record.readAccess,
    write: record.writeAccess,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Server keys read everything; a player reads its own documents unless `none`, and others' only when `public`. */
export function canRead(caller: GamePrincipal, ownerId: string, access: StorageReadAccess): boolean {
  switch (caller.kind) {
    case 'server':
      return true;
    case 'client':
      return false;
    case 'player':
      return caller.playerId === ownerId ? access !== 'none' : access === 'public';
  }
}

/** The same rule as canRead, as a filter for listings (undefined: no filter). */
function readableAccess(caller: GamePrincipal, ownerId: string): StorageReadAccess[] | undefined {
  if (caller.kind === 'server') return undefined;
  if (caller.kind === 'player' && caller.playerId === ownerId) return ['owner', 'public'];
  return ['public'];
}

function assertNotClient(caller: GamePrincipal): void {
  if (caller.kind === 'client') throw new AppError(ErrorCode.Forbidden, 'A client key can only create and refresh player sessions');
}

function assertName(field: string, value: string): void {
  if (!STORAGE_NAME_PATTERN.test(value)) throw invalid([{ field, message: `${field} must be 1-64 letters, digits, _ . or -` }]);
}

/** Validates one write against the bounds; `prefix` locates it in a batch (`writes[3].`). Nothing is written on failure. */
function storableWrite(write: StorageWrite, prefix: string): StorageWriteInput {
  assertName(`${prefix}collection`, write.collection);
  assertName(`${prefix}key`, write.key);
  const inspection = inspectValue(write.value);
  if (!inspection.ok) throw valueError(`${prefix}value`, inspection.problem);
  return {
    collection: write.collection,
    key: write.key,
    value: write.value as JsonObject,
    read: write.read,
    write: write.write,
    precondition: write.precondition,
  };
}

function valueError(field: string, problem: ValueProblem): AppError {
  switch (problem) {
    case 'too_large':
      return new AppError(ErrorCode.PayloadTooLarge, `A storage value is at most ${STORAGE_VALUE_MAX_BYTES} bytes of JSON`, [
        { field, message: `${field} is over ${STORAGE_VALUE_MAX_BYTES} bytes when serialised as JSON` },
      ]);
    case 'not_object':
      return invalid([{ field, message: `${field} must be a JSON object (not an array, string, number, boolean or null)` }]);
    case 'too_deep':
      return invalid([{ field, message: `${field} nests objects and arrays deeper than ${STORAGE_VALUE_MAX_DEPTH} levels` }]);
    case 'nul_character':
      return invalid([{ field, message: `${field} contains the NUL character (\\u0000), which cannot be stored` }]);
  }
}

/** Why a conditional write or delete did not happen, given the document as it now stands. */
function refusal(caller: GamePrincipal, precondition: WritePrecondition, current: StorageRecord | null): AppError {
  if (caller.kind === 'player' && current?.writeAccess === 'none') {
    return new AppError(
      ErrorCode.Forbidden,
      `${current.collection}/${current.key} is read-only for players (write: none); only a server key can change it`,
    );
  }
  const where = current ? `is at version ${current.version}` : 'does not exist';
  switch (precondition.kind) {
    case 'absent':
      return new AppError(
        ErrorCode.PreconditionFailed,
        `The document already exists (version ${current?.version ?? '?'}); If-None-Match: * creates only`,
      );
    case 'version':
      return new AppError(ErrorCode.PreconditionFailed, `The document ${where}, not version ${precondition.version}`);
    case 'exists':
      return new AppError(ErrorCode.PreconditionFailed, `The document ${where}; If-Match: * updates only`);
    case 'none':
      // An unconditional write fails only on the guard above, or when the document vanished mid-flight.
      return new AppError(ErrorCode.PreconditionFailed, `The document changed while it was written (it now ${where}); retry`);
  }
}

function invalid(details: ErrorDetail[]): AppError {
  return new AppError(ErrorCode.ValidationFailed, 'The request is not valid', details);
}
