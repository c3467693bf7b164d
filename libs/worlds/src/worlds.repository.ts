import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@spawnpoint/prisma';

export interface WorldRecord {
  gameId: string;
  name: string;
  module: string;
  settings: WorldDefinitionSettings;
  running: boolean;
  createdAt: Date;
}

/** What POST /worlds stored: the engine's settings, in the API's units. */
export interface WorldDefinitionSettings {
  maxPlayers: number;
  worldSize: number;
  tickRate: number;
  snapshotRate: number;
  aoiRadius: number;
  emptyTimeoutSeconds: number;
  persistIntervalSeconds: number;
  moduleOptions: Record<string, unknown>;
}

@Injectable()
export class WorldsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the world, or restarts a stopped one of that name; null when one of that name is running. */
  async create(gameId: string, name: string, module: string, settings: WorldDefinitionSettings): Promise<WorldRecord | null> {
    const rows = await this.prisma.$queryRaw<{ created_at: Date }[]>`
      INSERT INTO worlds (game_id, name, module, settings, running)
      VALUES (${gameId}::uuid, ${name}, ${module}, ${JSON.stringify(settings)}::jsonb, true)
      ON CONFLICT (game_id, name) DO UPDATE
        SET module = EXCLUDED.module, settings = EXCLUDED.settings, running = true, created_at = now(), stopped_at = NULL
        WHERE worlds.running = false
      RETURNING created_at`;
    const row = rows[0];
    return row ? { gameId, name, module, settings, running: true, createdAt: row.created_at } : null;
  }

  async find(gameId: string, name: string): Promise<WorldRecord | null> {
    const row = await this.prisma.world.findUnique({ where: { gameId_name: { gameId, name } } });
    return row ? toRecord(row) : null;
  }

  async listRunning(gameId: string, options: { module?: string; limit: number }): Promise<WorldRecord[]> {
    const rows = await this.prisma.world.findMany({
      where: { gameId, running: true, ...(options.module ? { module: options.module } : {}) },
      orderBy: { name: 'asc' },
      take: options.limit,
    });
    return rows.map(toRecord);
  }

  /** Every running world of every game: what the realtime nodes share out among themselves. */
  async allRunning(limit: number): Promise<WorldRecord[]> {
    const rows = await this.prisma.world.findMany({ where: { running: true }, orderBy: { createdAt: 'asc' }, take: limit });
    return rows.map(toRecord);
  }

  async stop(gameId: string, name: string): Promise<boolean> {
    const result = await this.prisma.world.updateMany({
      where: { gameId, name, running: true },
      data: { running: false, stoppedAt: new Date() },
    });
    return result.count > 0;
  }

  async saveStates(gameId: string, world: string, states: { playerId: string; state: Record<string, unknown> }[]): Promise<void> {
    if (states.length === 0) return;
    const values = states.map((s) => Prisma.sql`(${gameId}::uuid, ${world}, ${s.playerId}, ${JSON.stringify(s.state)}::jsonb, now())`);
    await this.prisma.$executeRaw`
      INSERT INTO world_player_states (game_id, world, player_id, state, updated_at)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (game_id, world, player_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`;
  }

  async loadState(gameId: string, world: string, playerId: string): Promise<Record<string, unknown> | null> {
    const row = await this.prisma.worldPlayerState.findUnique({ where: { gameId_world_playerId: { gameId, world, playerId } } });
    return (row?.state as Record<string, unknown> | undefined) ?? null;
  }
}

function toRecord(row: {
  gameId: string;
  name: string;
  module: string;
  settings: unknown;
  running: boolean;
  createdAt: Date;
}): WorldRecord {
  return {
    gameId: row.gameId,
    name: row.name,
    module: row.module,
    settings: row.settings as WorldDefinitionSettings,
    running: row.running,
    createdAt: row.createdAt,
  };
}
