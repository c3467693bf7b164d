import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, NotFoundError } from '@spawnpoint/shared';
import { WorldModuleRegistry } from './engine/module-registry.js';
import { WORLD_DEFAULTS } from './engine/world.js';
import { WorldRegistry, type WorldEntitySnapshot, type WorldLiveStats } from './world-registry.js';
import { WorldsRepository, type WorldDefinitionSettings, type WorldRecord } from './worlds.repository.js';

export interface CreateWorldInput {
  name: string;
  maxPlayers?: number;
  worldSize?: number;
  tickRate?: number;
  snapshotRate?: number;
  aoiRadius?: number;
  module?: string;
  moduleOptions?: Record<string, unknown>;
  emptyTimeoutSeconds?: number;
  persistIntervalSeconds?: number;
}

export interface WorldView {
  record: WorldRecord;
  live: WorldLiveStats | null;
}

export interface WorldEntitiesView {
  record: WorldRecord;
  /** Null when the host wrote none within the wait (the world is not hosted yet). */
  snapshot: WorldEntitySnapshot | null;
}

/** The first read of a world's entities waits this long for its host's first snapshot (it writes one a second). */
const FIRST_SNAPSHOT_WAIT_MS = 1_500;
const SNAPSHOT_POLL_MS = 100;

/** How long DELETE waits for the host to save its players and let go. */
const STOP_WAIT_MS = 5_000;
export const WORLDS_LIST_MAX = 100;

/**
 * Worlds as the REST API sees them: definitions in Postgres, hosting and live numbers in the
 * registry. Creating one asks the realtime nodes to host it; the first to claim it runs it.
 */
@Injectable()
export class WorldsService {
  constructor(
    private readonly worlds: WorldsRepository,
    private readonly registry: WorldRegistry,
    private readonly modules: WorldModuleRegistry,
  ) {}

  async create(gameId: string, input: CreateWorldInput): Promise<WorldView> {
    const module = input.module ?? 'arena';
    if (!this.modules.has(module)) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'module', message: `module must be one of ${this.modules.names().join(', ')}` },
      ]);
    }
    const tickRate = input.tickRate ?? WORLD_DEFAULTS.tickRate;
    const settings: WorldDefinitionSettings = {
      maxPlayers: input.maxPlayers ?? WORLD_DEFAULTS.maxPlayers,
      worldSize: input.worldSize ?? WORLD_DEFAULTS.worldSize,
      tickRate,
      snapshotRate: Math.min(input.snapshotRate ?? WORLD_DEFAULTS.snapshotRate, tickRate),
      aoiRadius: input.aoiRadius ?? WORLD_DEFAULTS.aoiRadius,
      emptyTimeoutSeconds: input.emptyTimeoutSeconds ?? 0,
      persistIntervalSeconds: input.persistIntervalSeconds ?? 30,
      moduleOptions: input.moduleOptions ?? {},
    };
    // The engine's grid cells are aoi_radius wide and must fit in the world: a larger radius would
    // be accepted here and then fail on every node that tries to host it (the world stays `starting`).
    if (settings.aoiRadius > settings.worldSize) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'aoi_radius', message: 'aoi_radius must not be larger than world_size' },
      ]);
    }
    const record = await this.worlds.create(gameId, input.name, module, settings);
    if (!record) throw new AppError(ErrorCode.Conflict, `A world named ${input.name} is already running`);
    await this.registry.command({ kind: 'start', gameId, name: input.name });
    return { record, live: null };
  }

  async get(gameId: string, name: string): Promise<WorldView> {
    const record = await this.worlds.find(gameId, name);
    if (!record || !record.running) throw new NotFoundError('World');
    const [live] = await this.registry.stats(gameId, [name]);
    return { record, live: live ?? null };
  }

  async list(gameId: string, options: { module?: string; hasSpace?: boolean }): Promise<WorldView[]> {
    const records = await this.worlds.listRunning(gameId, { module: options.module, limit: WORLDS_LIST_MAX });
    const live = await this.registry.stats(
      gameId,
      records.map((r) => r.name),
    );
    const views = records.map((record, index) => ({ record, live: live[index] ?? null }));
    return options.hasSpace ? views.filter((v) => (v.live?.players ?? 0) < v.record.settings.maxPlayers) : views;
  }

  /**
   * The world's entities, at most ~1 s old: each read keeps the world watched, so its host keeps
   * writing snapshots; the first read waits for the first one.
   */
  async entities(gameId: string, name: string): Promise<WorldEntitiesView> {
    const record = await this.worlds.find(gameId, name);
    if (!record || !record.running) throw new NotFoundError('World');
    let snapshot = await this.registry.watchEntities(gameId, name);
    const deadline = Date.now() + FIRST_SNAPSHOT_WAIT_MS;
    while (snapshot === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_POLL_MS));
      snapshot = await this.registry.watchEntities(gameId, name);
    }
    return { record, snapshot };
  }

  /** Stops the world; resolves once its host saved the players and let go (or after a bounded wait). */
  async stop(gameId: string, name: string): Promise<void> {
    if (!(await this.worlds.stop(gameId, name))) throw new NotFoundError('World');
    await this.registry.command({ kind: 'stop', gameId, name });
    const deadline = Date.now() + STOP_WAIT_MS;
    while (Date.now() < deadline && (await this.registry.owner(gameId, name)) !== null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
