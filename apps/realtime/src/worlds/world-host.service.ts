import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { RedisPubSub } from '@spawnpoint/redis';
import { LocationService } from '@spawnpoint/social';
import {
  AppError,
  ErrorCode,
  JobName,
  NotFoundError,
  QueueName,
  SERVER_EVENT_PRIORITY,
  WORLD_COMMANDS_CHANNEL,
  type JobPayloads,
  type ServerEvent,
} from '@spawnpoint/shared';
import {
  World,
  WorldLoop,
  WorldModuleRegistry,
  WorldRegistry,
  WorldsRepository,
  WORLD_ENTITIES_MAX,
  type Encoding,
  type RawInput,
  type SavedState,
  type WorldCommand,
  type WorldEntitySnapshot,
  type WorldMessage,
  type WorldRecord,
} from '@spawnpoint/worlds';
import type { Queue } from 'bullmq';
import { NODE_ID, ConnectionLifecycle } from '../connections/connection-lifecycle.service.js';
import type { Connection } from '../connections/connection.js';

/** How often a host heartbeats its worlds, publishes their numbers, looks for orphans and moves players between sectors. */
const HOUSEKEEPING_MS = 1_000;
/** Orphaned worlds (no live owner) are looked for every this many housekeeping rounds. */
const ORPHAN_SCAN_EVERY = 5;
/** Sectors are a coarse grid over the world: this many per side. */
const SECTORS_PER_SIDE = 10;
const WORLDS_PER_SCAN = 1_000;

interface HostedWorld {
  record: WorldRecord;
  world: World;
  loop: WorldLoop;
  /** playerId → the connections on this node watching as that player. */
  viewers: Map<string, Set<Connection>>;
  sectors: Map<string, string>;
  /** playerId → the encoding its view was created with (fixed until it leaves the world). */
  encodings: Map<string, Encoding>;
  emptySince: number | null;
  lastPersist: number;
}

/**
 * Runs worlds on this realtime node: claims them in the registry (one host per world), ticks each
 * in its own loop, routes the sink's messages to the players' connections, and saves players
 * periodically (through the worker), on leave and on critical events (at once). A player whose
 * connection drops keeps its entity for the resume grace period, then leaves (and is saved).
 */
@Injectable()
export class WorldHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorldHost.name);
  private readonly worlds = new Map<string, HostedWorld>();
  /** game → player → the hosted world the player is in. */
  private readonly playerWorld = new PlayerWorlds();
  private readonly leaveTimers = new Map<string, NodeJS.Timeout>();
  private housekeeping: NodeJS.Timeout | null = null;
  private stopCommands: (() => Promise<void>) | undefined;
  private rounds = 0;
  private readonly server: string;

  constructor(
    private readonly registry: WorldRegistry,
    private readonly definitions: WorldsRepository,
    private readonly modules: WorldModuleRegistry,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly locations: LocationService,
    @InjectQueue(QueueName.Worlds) private readonly queue: Queue,
    private readonly pubsub: RedisPubSub,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.server = `${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.lifecycle.onOpened((connection) => this.reattach(connection));
    this.lifecycle.onClosed((connection) => this.detach(connection));
    this.stopCommands = await this.pubsub.subscribe(WORLD_COMMANDS_CHANNEL, this.onCommand);
    await this.claimOrphans().catch((error: unknown) => this.logger.warn(`world scan failed: ${(error as Error).message}`));
    this.housekeeping = setInterval(() => void this.houseKeep(), HOUSEKEEPING_MS);
    this.housekeeping.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.housekeeping) clearInterval(this.housekeeping);
    await this.stopCommands?.();
    for (const timer of this.leaveTimers.values()) clearTimeout(timer);
    for (const hosted of [...this.worlds.values()]) await this.unhost(hosted);
  }

  /** `join_world`: the world must be hosted here (else the ack names the node that hosts it). */
  async join(connection: Connection, worldId: string, encoding: Encoding): Promise<Record<string, unknown>> {
    const { gameId } = connection.identity;
    const playerId = connection.identity.playerId!;
    const hosted = this.worlds.get(key(gameId, worldId));
    if (!hosted) {
      const owner = await this.registry.owner(gameId, worldId);
      if (!owner) throw new NotFoundError('World');
      const [live] = await this.registry.stats(gameId, [worldId]);
      throw new AppError(ErrorCode.Conflict, `World ${worldId} is hosted by another node: connect to ${live?.server ?? owner}`, [
        { field: 'world_id', message: `hosted at ${live?.server ?? owner}` },
      ]);
    }
    const current = this.playerWorld.get(gameId, playerId);
    if (current && current !== hosted) await this.leaveWorld(current, playerId);
    this.cancelLeave(gameId, playerId);
    addViewer(hosted, playerId, connection);
    if (hosted.world.hasPlayer(playerId)) {
      hosted.world.requestFullState(playerId);
    } else {
      const saved = (await this.definitions.loadState(gameId, worldId, playerId)) ?? undefined;
      const result = hosted.world.join(playerId, saved as SavedState | undefined, encoding);
      if (!result.ok) {
        removeViewer(hosted, playerId, connection);
        throw new AppError(ErrorCode.Conflict, `Cannot join ${worldId}: ${result.reason}`);
      }
      this.playerWorld.set(gameId, playerId, hosted);
      hosted.encodings.set(playerId, encoding);
      hosted.emptySince = null;
    }
    await this.moveRooms(hosted, playerId);
    const s = hosted.record.settings;
    return {
      world_id: worldId,
      player_id: playerId,
      // Without it a client cannot tell its own entity from the others in world_state.
      entity: hosted.world.entityOf(playerId) ?? null,
      tick_rate: s.tickRate,
      snapshot_rate: s.snapshotRate,
      world_size: s.worldSize,
      aoi_radius: s.aoiRadius,
      // A player already in the world keeps its view, and so its encoding.
      encoding: hosted.encodings.get(playerId) ?? encoding,
    };
  }

  async leave(connection: Connection): Promise<{ world_id: string | null }> {
    const { gameId } = connection.identity;
    const playerId = connection.identity.playerId!;
    const hosted = this.playerWorld.get(gameId, playerId);
    if (!hosted) return { world_id: null };
    await this.leaveWorld(hosted, playerId);
    return { world_id: hosted.record.name };
  }

  input(connection: Connection, input: RawInput): { queued: boolean } {
    const hosted = this.playerWorld.get(connection.identity.gameId, connection.identity.playerId!);
    if (!hosted) throw new AppError(ErrorCode.Conflict, 'Join a world before sending input');
    return { queued: hosted.world.enqueueInput(connection.identity.playerId!, input) === 'queued' };
  }

  requestState(connection: Connection): { requested: boolean } {
    const hosted = this.playerWorld.get(connection.identity.gameId, connection.identity.playerId!);
    if (!hosted) throw new AppError(ErrorCode.Conflict, 'Join a world first');
    return { requested: hosted.world.requestFullState(connection.identity.playerId!) };
  }

  /** For tests and the dashboard: the worlds this node hosts. */
  hostedNames(): string[] {
    return [...this.worlds.values()].map((h) => `${h.record.gameId}/${h.record.name}`);
  }

  private start(record: WorldRecord): HostedWorld {
    const s = record.settings;
    const viewers = new Map<string, Set<Connection>>();
    const hosted = {} as HostedWorld;
    const world = new World(
      {
        name: record.name,
        maxPlayers: s.maxPlayers,
        worldSize: s.worldSize,
        tickRate: s.tickRate,
        snapshotRate: s.snapshotRate,
        aoiRadius: s.aoiRadius,
        module: record.module,
        moduleOptions: s.moduleOptions,
      },
      {
        sink: (playerId, message) => this.route(hosted, playerId, message),
        registry: this.modules,
        onSave: (playerId, state) => void this.saveNow(record, [{ playerId, state }]),
      },
    );
    const loop = new WorldLoop(world, {
      onError: (error: unknown) =>
        this.logger.error(`world ${record.gameId}/${record.name} stopped: ${(error as Error).stack ?? String(error)}`),
    });
    Object.assign(hosted, {
      record,
      world,
      loop,
      viewers,
      sectors: new Map(),
      encodings: new Map(),
      emptySince: Date.now(),
      lastPersist: Date.now(),
    });
    this.worlds.set(key(record.gameId, record.name), hosted);
    loop.start();
    this.logger.log(`hosting world ${record.gameId}/${record.name} (${record.module}, ${s.tickRate} Hz)`);
    return hosted;
  }

  private route(hosted: HostedWorld, playerId: string | null, message: WorldMessage): void {
    const payload = message.binary ?? message.json;
    if (payload === undefined) return;
    // A module event travels under its own name (`entity_died`), as /ws clients see it in `type`.
    const event = (message.kind === 'event' ? (message.json as { type: string }).type : message.kind) as ServerEvent;
    const priority = SERVER_EVENT_PRIORITY[event] ?? 0;
    if (playerId !== null) {
      for (const connection of hosted.viewers.get(playerId) ?? []) connection.send(connection.encode(event, payload), priority);
      return;
    }
    const frames = new Map<string, ReturnType<Connection['encode']>>();
    for (const connections of hosted.viewers.values()) {
      for (const connection of connections) {
        let frame = frames.get(connection.encoding);
        if (frame === undefined) frames.set(connection.encoding, (frame = connection.encode(event, payload)));
        connection.send(frame, priority);
      }
    }
  }

  private readonly onCommand = (raw: string): void => {
    let command: WorldCommand;
    try {
      command = JSON.parse(raw) as WorldCommand;
    } catch {
      return;
    }
    const hosted = this.worlds.get(key(command.gameId, command.name));
    if (command.kind === 'stop') {
      if (hosted) void this.unhost(hosted);
      return;
    }
    if (!hosted) void this.tryHost(command.gameId, command.name);
  };

  private async tryHost(gameId: string, name: string): Promise<void> {
    try {
      const record = await this.definitions.find(gameId, name);
      if (!record?.running || this.worlds.has(key(gameId, name))) return;
      if (!this.modules.has(record.module)) {
        this.logger.warn(`world ${gameId}/${name} needs module ${record.module}, not registered on this node`);
        return;
      }
      if (!(await this.registry.claim(gameId, name, NODE_ID))) return;
      const hosted = this.start(record);
      await this.registry.heartbeat(gameId, name, NODE_ID, this.liveStats(hosted));
    } catch (error) {
      this.logger.warn(`could not host world ${gameId}/${name}: ${(error as Error).message}`);
    }
  }

  private async claimOrphans(): Promise<void> {
    for (const record of await this.definitions.allRunning(WORLDS_PER_SCAN)) {
      if (!this.worlds.has(key(record.gameId, record.name)) && (await this.registry.owner(record.gameId, record.name)) === null) {
        await this.tryHost(record.gameId, record.name);
      }
    }
  }

  private async houseKeep(): Promise<void> {
    try {
      const now = Date.now();
      for (const hosted of [...this.worlds.values()]) {
        const { gameId, name } = hosted.record;
        if (!(await this.registry.heartbeat(gameId, name, NODE_ID, this.liveStats(hosted), () => entitySnapshot(hosted.world)))) {
          this.logger.warn(`lost the claim on world ${gameId}/${name}; stopping it here`);
          await this.unhost(hosted, false);
          continue;
        }
        const s = hosted.record.settings;
        if (hosted.world.playerCount === 0) {
          hosted.emptySince ??= now;
          if (s.emptyTimeoutSeconds > 0 && now - hosted.emptySince > s.emptyTimeoutSeconds * 1000) {
            await this.definitions.stop(gameId, name);
            await this.unhost(hosted);
            continue;
          }
        }
        if (now - hosted.lastPersist >= s.persistIntervalSeconds * 1000) {
          hosted.lastPersist = now;
          await this.persistLater(hosted);
        }
        await this.updateSectors(hosted);
      }
      if (++this.rounds % ORPHAN_SCAN_EVERY === 0) await this.claimOrphans();
    } catch (error) {
      this.logger.warn(`world housekeeping failed: ${(error as Error).message}`);
    }
  }

  /** The periodic save goes through the worker queue: a write-behind that never blocks a tick. */
  private async persistLater(hosted: HostedWorld): Promise<void> {
    const states = hosted.world.playerIds().flatMap((playerId) => {
      const state = hosted.world.saveState(playerId);
      return state ? [{ playerId, state }] : [];
    });
    if (states.length === 0) return;
    const payload: JobPayloads[typeof JobName.PersistWorldPlayers] = { gameId: hosted.record.gameId, world: hosted.record.name, states };
    await this.queue.add(JobName.PersistWorldPlayers, payload, { removeOnComplete: 100, removeOnFail: 1000 });
  }

  /** Leaves and critical events are saved straight to Postgres. */
  private async saveNow(record: WorldRecord, states: { playerId: string; state: SavedState }[]): Promise<void> {
    try {
      await this.definitions.saveStates(record.gameId, record.name, states);
    } catch (error) {
      this.logger.error(`saving ${states.length} player(s) of ${record.gameId}/${record.name} failed: ${(error as Error).message}`);
    }
  }

  private async leaveWorld(hosted: HostedWorld, playerId: string): Promise<void> {
    const { gameId } = hosted.record;
    this.cancelLeave(gameId, playerId);
    const state = hosted.world.leave(playerId);
    hosted.viewers.delete(playerId);
    hosted.sectors.delete(playerId);
    hosted.encodings.delete(playerId);
    this.playerWorld.delete(gameId, playerId);
    if (state) await this.saveNow(hosted.record, [{ playerId, state }]);
    await this.locations.set(gameId, playerId, { worldId: null, sector: null, team: null }).catch(() => undefined);
  }

  private async unhost(hosted: HostedWorld, save = true): Promise<void> {
    const { gameId, name } = hosted.record;
    if (this.worlds.get(key(gameId, name)) !== hosted) return;
    this.worlds.delete(key(gameId, name));
    hosted.loop.stop();
    const states = hosted.world.playerIds().flatMap((playerId) => {
      this.playerWorld.delete(gameId, playerId);
      this.cancelLeave(gameId, playerId);
      const state = hosted.world.leave(playerId);
      return state ? [{ playerId, state }] : [];
    });
    if (save) await this.saveNow(hosted.record, states);
    hosted.world.dispose();
    await this.registry.release(gameId, name, NODE_ID).catch(() => undefined);
    this.logger.log(`stopped hosting world ${gameId}/${name} (${states.length} player(s) saved)`);
  }

  /** A resumed (or second) connection of a player already in a world here picks its view back up. */
  private reattach(connection: Connection): void {
    const { gameId, playerId } = connection.identity;
    if (playerId === null) return;
    const hosted = this.playerWorld.get(gameId, playerId);
    if (!hosted) return;
    this.cancelLeave(gameId, playerId);
    addViewer(hosted, playerId, connection);
    hosted.world.requestFullState(playerId);
  }

  /** The last connection of a player dropped: it keeps its entity for the grace period. */
  private detach(connection: Connection): void {
    const { gameId, playerId } = connection.identity;
    if (playerId === null) return;
    const hosted = this.playerWorld.get(gameId, playerId);
    if (!hosted) return;
    removeViewer(hosted, playerId, connection);
    if ((hosted.viewers.get(playerId)?.size ?? 0) > 0) return;
    const timer = setTimeout(() => {
      this.leaveTimers.delete(key(gameId, playerId));
      if ((hosted.viewers.get(playerId)?.size ?? 0) === 0 && this.playerWorld.get(gameId, playerId) === hosted)
        void this.leaveWorld(hosted, playerId);
    }, this.config.REALTIME_RESUME_GRACE_MS);
    timer.unref();
    this.leaveTimers.set(key(gameId, playerId), timer);
  }

  private cancelLeave(gameId: string, playerId: string): void {
    const timer = this.leaveTimers.get(key(gameId, playerId));
    if (timer) clearTimeout(timer);
    this.leaveTimers.delete(key(gameId, playerId));
  }

  /** Sector membership follows the player's position (rooms move without the client asking). */
  private async updateSectors(hosted: HostedWorld): Promise<void> {
    for (const playerId of hosted.world.playerIds()) {
      const sector = this.sectorOf(hosted, playerId);
      if (sector !== null && hosted.sectors.get(playerId) !== sector) await this.moveRooms(hosted, playerId);
    }
  }

  private async moveRooms(hosted: HostedWorld, playerId: string): Promise<void> {
    const sector = this.sectorOf(hosted, playerId);
    hosted.sectors.set(playerId, sector ?? '');
    const location = await this.locations.get(hosted.record.gameId, playerId);
    await this.locations.set(hosted.record.gameId, playerId, { ...location, worldId: hosted.record.name, sector });
  }

  private sectorOf(hosted: HostedWorld, playerId: string): string | null {
    const entity = hosted.world.entityOf(playerId);
    if (entity === undefined) return null;
    const index = hosted.world.store.indexOf(entity);
    if (index < 0) return null;
    const size = hosted.record.settings.worldSize / SECTORS_PER_SIDE;
    const clamp = (v: number) => Math.min(SECTORS_PER_SIDE - 1, Math.max(0, Math.floor(v / size)));
    return `${clamp(hosted.world.store.x[index]!)}-${clamp(hosted.world.store.y[index]!)}`;
  }

  private liveStats(hosted: HostedWorld) {
    const stats = hosted.world.stats();
    return {
      node: NODE_ID,
      server: this.server,
      players: stats.players,
      entities: stats.entities,
      tick: stats.tick,
      avgTickUs: Math.round(stats.avgTickUs),
      p99TickUs: Math.round(stats.p99TickUs),
      overruns: stats.overruns,
    };
  }
}

/** Positions are rounded to 1/100 of a unit: plenty for a map, and half the JSON. */
function entitySnapshot(world: World): WorldEntitySnapshot {
  const sample = world.sampleEntities(WORLD_ENTITIES_MAX);
  return {
    tick: sample.tick,
    at: Date.now(),
    total: sample.total,
    entities: sample.entities.map((e) => [e.id, Math.round(e.x * 100) / 100, Math.round(e.y * 100) / 100, e.kind, e.playerId]),
  };
}

/**
 * Which world each player is in, by game then player: `input` looks this up 20,000 times a second
 * at 1,000 clients, and a `${gameId}|${playerId}` key was a string built (and collected) each time.
 */
class PlayerWorlds {
  private readonly games = new Map<string, Map<string, HostedWorld>>();

  get(gameId: string, playerId: string): HostedWorld | undefined {
    return this.games.get(gameId)?.get(playerId);
  }

  set(gameId: string, playerId: string, hosted: HostedWorld): void {
    let players = this.games.get(gameId);
    if (!players) this.games.set(gameId, (players = new Map()));
    players.set(playerId, hosted);
  }

  delete(gameId: string, playerId: string): void {
    const players = this.games.get(gameId);
    players?.delete(playerId);
    if (players?.size === 0) this.games.delete(gameId);
  }
}

function key(gameId: string, id: string): string {
  return `${gameId}|${id}`;
}

function addViewer(hosted: HostedWorld, playerId: string, connection: Connection): void {
  let set = hosted.viewers.get(playerId);
  if (!set) hosted.viewers.set(playerId, (set = new Set()));
  set.add(connection);
}

function removeViewer(hosted: HostedWorld, playerId: string, connection: Connection): void {
  const set = hosted.viewers.get(playerId);
  set?.delete(connection);
  if (set?.size === 0) hosted.viewers.delete(playerId);
}
