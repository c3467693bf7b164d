import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, CurrentDeveloper, DeveloperAuth, GamesService, type DeveloperPrincipal } from '@spawnpoint/auth';
import { UsageService } from '@spawnpoint/observability';
import { NotFoundError } from '@spawnpoint/shared';
import {
  ApiKeyDto,
  ApiKeyListDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  CreateGameDto,
  GameDto,
  GameListDto,
  UpdateGameDto,
  UsageDto,
  UsagePointDto,
  UsageQueryDto,
} from '../dto/game.dto.js';
import { ApiErrors } from './api-errors.decorator.js';

/** A malformed id can name no game, so it reads as 404 like any other unknown id. */
const gameIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Game') });
const keyIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('API key') });

@ApiTags('games')
@DeveloperAuth()
@Controller('games')
export class GamesController {
  constructor(
    private readonly games: GamesService,
    private readonly apiKeys: ApiKeysService,
    private readonly usage: UsageService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a game (a tenant: its players and data are isolated from every other game)' })
  @ApiCreatedResponse({ type: GameDto })
  @ApiErrors(400, 401)
  async create(@CurrentDeveloper() dev: DeveloperPrincipal, @Body() body: CreateGameDto): Promise<GameDto> {
    return GameDto.from(await this.games.create(dev.developerId, body.name));
  }

  @Get()
  @ApiOperation({ summary: 'List your games' })
  @ApiOkResponse({ type: GameListDto })
  @ApiErrors(401)
  async list(@CurrentDeveloper() dev: DeveloperPrincipal): Promise<GameListDto> {
    return { games: (await this.games.list(dev.developerId)).map(GameDto.from) };
  }

  @Get(':gameId')
  @ApiOperation({ summary: 'Get one of your games' })
  @ApiOkResponse({ type: GameDto })
  @ApiErrors(401, 404)
  async get(@CurrentDeveloper() dev: DeveloperPrincipal, @Param('gameId', gameIdPipe) gameId: string): Promise<GameDto> {
    return GameDto.from(await this.games.getOwned(dev.developerId, gameId));
  }

  @Patch(':gameId')
  @ApiOperation({ summary: 'Rename a game or change its session lifetimes' })
  @ApiOkResponse({ type: GameDto })
  @ApiErrors(400, 401, 404)
  async update(
    @CurrentDeveloper() dev: DeveloperPrincipal,
    @Param('gameId', gameIdPipe) gameId: string,
    @Body() body: UpdateGameDto,
  ): Promise<GameDto> {
    const game = await this.games.update(dev.developerId, gameId, {
      name: body.name,
      sessionTtlSeconds: body.session_ttl_seconds,
      refreshTtlSeconds: body.refresh_ttl_seconds,
    });
    return GameDto.from(game);
  }

  @Post(':gameId/keys')
  @ApiOperation({ summary: 'Create an API key; the full key is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiErrors(400, 401, 404)
  async createKey(
    @CurrentDeveloper() dev: DeveloperPrincipal,
    @Param('gameId', gameIdPipe) gameId: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    const key = await this.apiKeys.create(dev.developerId, gameId, body.name, body.kind);
    return { ...ApiKeyDto.from(key), key: key.key };
  }

  @Get(':gameId/keys')
  @ApiOperation({ summary: "List a game's keys (prefix and last use, never the secret)" })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiErrors(401, 404)
  async listKeys(@CurrentDeveloper() dev: DeveloperPrincipal, @Param('gameId', gameIdPipe) gameId: string): Promise<ApiKeyListDto> {
    return { keys: (await this.apiKeys.list(dev.developerId, gameId)).map(ApiKeyDto.from) };
  }

  @Delete(':gameId/keys/:keyId')
  @ApiOperation({ summary: 'Revoke a key; it stops working at once on every node' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiErrors(401, 404)
  async revokeKey(
    @CurrentDeveloper() dev: DeveloperPrincipal,
    @Param('gameId', gameIdPipe) gameId: string,
    @Param('keyId', keyIdPipe) keyId: string,
  ): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.apiKeys.revoke(dev.developerId, gameId, keyId));
  }

  @Get(':gameId/usage')
  @ApiOperation({ summary: 'Requests, errors and connected players per minute, for the dashboard’s charts (up to 24 hours)' })
  @ApiOkResponse({ type: UsageDto })
  @ApiErrors(400, 401, 404)
  async usageOf(
    @CurrentDeveloper() dev: DeveloperPrincipal,
    @Param('gameId', gameIdPipe) gameId: string,
    @Query() query: UsageQueryDto,
  ): Promise<UsageDto> {
    const game = await this.games.actAs(dev.developerId, gameId);
    return { interval_seconds: 60, points: (await this.usage.series(game.gameId, query.minutes ?? 60)).map(UsagePointDto.from) };
  }
}
