import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WORLD_ENTITIES_MAX, type WorldEntitiesView, type WorldView } from '@spawnpoint/worlds';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** World names double as ids in realtime messages (`join_world {world_id}`) and room names. */
export const WORLD_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

export class CreateWorldDto {
  @ApiProperty({ example: 'battle-royale-1', pattern: WORLD_NAME.source })
  @IsString()
  @Matches(WORLD_NAME, { message: 'name must be 1-64 letters, digits, _ . @ or -' })
  name: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  max_players?: number;

  @ApiPropertyOptional({ minimum: 100, maximum: 1_000_000, default: 10_000, description: 'Side of the square world, in world units' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  world_size?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 60, description: 'Simulation ticks per second' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  tick_rate?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 120, default: 20, description: 'Snapshots per second to each player (at most tick_rate)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  snapshot_rate?: number;

  @ApiPropertyOptional({ minimum: 10, maximum: 10_000, default: 100, description: 'Area-of-interest radius, in world units' })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(10_000)
  aoi_radius?: number;

  @ApiPropertyOptional({ example: 'arena', default: 'arena', description: 'A registered world module (game logic)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  module?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Options passed to the module (arena: `bots`, the number of wandering NPCs)',
  })
  @IsOptional()
  @IsObject()
  module_options?: Record<string, unknown>;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 86_400,
    default: 0,
    description: 'Stop the world after it has been empty this long (0: never)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  empty_timeout_seconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3_600, default: 30, description: "How often players' world state is saved" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600)
  persist_interval_seconds?: number;
}

export class ListWorldsQueryDto {
  @ApiPropertyOptional({ description: 'Only worlds running this module' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  module?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only worlds with a free player slot' })
  @IsOptional()
  @IsIn(['true', 'false'])
  has_space?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class WorldDto {
  @ApiProperty({ example: 'battle-royale-1' })
  name: string;
  @ApiProperty({ description: 'Players in the world now' })
  players: number;
  @ApiProperty()
  max_players: number;
  @ApiProperty({ description: 'Ticks simulated so far' })
  tick: number;
  @ApiProperty({ description: 'Live entities' })
  entities: number;
  @ApiProperty({ description: 'Mean tick time over recent ticks, microseconds' })
  avg_tick_us: number;
  @ApiProperty({ description: '99th percentile tick time over recent ticks, microseconds' })
  p99_tick_us: number;
  @ApiProperty({ description: 'Ticks that started late or ran longer than their period' })
  overruns: number;
  @ApiProperty()
  tick_rate: number;
  @ApiProperty()
  snapshot_rate: number;
  @ApiProperty()
  world_size: number;
  @ApiProperty()
  aoi_radius: number;
  @ApiProperty({ example: 'arena' })
  module: string;
  @ApiProperty({ enum: ['running', 'starting'], description: '`starting` until a realtime node hosts it' })
  status: 'running' | 'starting';
  @ApiProperty({ type: String, nullable: true, description: 'host:port of the node hosting it (connect there to join)' })
  server: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from({ record, live }: WorldView): WorldDto {
    return {
      name: record.name,
      players: live?.players ?? 0,
      max_players: record.settings.maxPlayers,
      tick: live?.tick ?? 0,
      entities: live?.entities ?? 0,
      avg_tick_us: live?.avgTickUs ?? 0,
      p99_tick_us: live?.p99TickUs ?? 0,
      overruns: live?.overruns ?? 0,
      tick_rate: record.settings.tickRate,
      snapshot_rate: record.settings.snapshotRate,
      world_size: record.settings.worldSize,
      aoi_radius: record.settings.aoiRadius,
      module: record.module,
      status: live ? 'running' : 'starting',
      server: live?.server ?? null,
      created_at: record.createdAt.toISOString(),
    };
  }
}

export class WorldListDto {
  @ApiProperty({ type: [WorldDto], description: 'Ordered by name' })
  worlds: WorldDto[];
}

export class WorldEntityDto {
  @ApiProperty({ example: 5, description: 'Entity id, as in world_state' })
  id: number;
  @ApiProperty({ example: 1.5 })
  x: number;
  @ApiProperty({ example: 2 })
  y: number;
  @ApiProperty({ example: 'player', description: 'The world module’s name for the entity kind (arena: player, bot)' })
  kind: string;
  @ApiProperty({ type: String, nullable: true, example: 'p_Jx7…', description: 'The player controlling it; null for NPCs' })
  player_id: string | null;
}

export class WorldEntitiesDto {
  @ApiProperty({ description: 'The tick the snapshot was taken at (0 when the world is not hosted yet)' })
  tick: number;
  @ApiProperty({ example: 10_000 })
  world_size: number;
  @ApiProperty({ type: [WorldEntityDto], description: `At most ${WORLD_ENTITIES_MAX}` })
  entities: WorldEntityDto[];
  @ApiProperty({ description: `True when the world has more than ${WORLD_ENTITIES_MAX} entities (the rest are left out)` })
  truncated: boolean;
  @ApiProperty({ description: 'Live entities in the world' })
  total: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the host took the snapshot (about once a second)' })
  taken_at: string | null;

  static from({ record, snapshot }: WorldEntitiesView): WorldEntitiesDto {
    return {
      tick: snapshot?.tick ?? 0,
      world_size: record.settings.worldSize,
      entities: (snapshot?.entities ?? []).map(([id, x, y, kind, playerId]) => ({ id, x, y, kind, player_id: playerId })),
      truncated: snapshot !== null && snapshot.total > snapshot.entities.length,
      total: snapshot?.total ?? 0,
      taken_at: snapshot ? new Date(snapshot.at).toISOString() : null,
    };
  }
}
