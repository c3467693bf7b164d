import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { WorldsService } from '@spawnpoint/worlds';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { CreateWorldDto, ListWorldsQueryDto, WorldDto, WorldEntitiesDto, WorldListDto } from './worlds.dto.js';

/**
 * Hosted worlds: the seed's `POST /worlds` creates and starts one (a realtime node claims and runs
 * it); players join over the socket with `join_world {world_id: <name>}`.
 */
@ApiTags('worlds')
@Controller('worlds')
export class WorldsController {
  constructor(private readonly worlds: WorldsService) {}

  @Post()
  @GameAuth('server')
  @ApiOperation({ summary: 'Create and start a world (server key)' })
  @ApiCreatedResponse({ type: WorldDto })
  @ApiErrors(400, 401, 403, 409)
  async create(@CurrentPrincipal() caller: GamePrincipal, @Body() body: CreateWorldDto): Promise<WorldDto> {
    return WorldDto.from(
      await this.worlds.create(caller.gameId, {
        name: body.name,
        maxPlayers: body.max_players,
        worldSize: body.world_size,
        tickRate: body.tick_rate,
        snapshotRate: body.snapshot_rate,
        aoiRadius: body.aoi_radius,
        module: body.module,
        moduleOptions: body.module_options,
        emptyTimeoutSeconds: body.empty_timeout_seconds,
        persistIntervalSeconds: body.persist_interval_seconds,
      }),
    );
  }

  @Get()
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'Running worlds of the game with their live numbers' })
  @ApiOkResponse({ type: WorldListDto })
  @ApiErrors(400, 401, 403)
  async list(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ListWorldsQueryDto): Promise<WorldListDto> {
    const views = await this.worlds.list(caller.gameId, { module: query.module, hasSpace: query.has_space === 'true' });
    return { worlds: views.slice(0, query.limit ?? 100).map(WorldDto.from) };
  }

  @Get(':name')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'One world: players, tick, entities, tick times' })
  @ApiOkResponse({ type: WorldDto })
  @ApiErrors(401, 403, 404)
  async get(@CurrentPrincipal() caller: GamePrincipal, @Param('name') name: string): Promise<WorldDto> {
    return WorldDto.from(await this.worlds.get(caller.gameId, name));
  }

  @Get(':name/entities')
  @GameAuth('server')
  @ApiOperation({
    summary: 'A running world’s entities, for a map (server key or developer)',
    description:
      'At most about 1 s old: the world’s host writes a snapshot each second while someone reads this. The first read may take up to 1.5 s.',
  })
  @ApiOkResponse({ type: WorldEntitiesDto })
  @ApiErrors(401, 403, 404)
  async entities(@CurrentPrincipal() caller: GamePrincipal, @Param('name') name: string): Promise<WorldEntitiesDto> {
    return WorldEntitiesDto.from(await this.worlds.entities(caller.gameId, name));
  }

  @Delete(':name')
  @GameAuth('server')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop a world after saving its players (server key)' })
  @ApiNoContentResponse()
  @ApiErrors(401, 403, 404)
  async stop(@CurrentPrincipal() caller: GamePrincipal, @Param('name') name: string): Promise<void> {
    await this.worlds.stop(caller.gameId, name);
  }
}
