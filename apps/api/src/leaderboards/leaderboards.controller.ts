import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { LeaderboardsService, PAGE_LIMIT_DEFAULT } from '@spawnpoint/leaderboards';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { PlayerIdPipe } from '../controllers/player-id.pipe.js';
import { LeaderboardIdPipe, MetadataDepthGuard } from './leaderboards-http.js';
import {
  ConfigureLeaderboardDto,
  LeaderboardDto,
  LeaderboardListDto,
  LeaderboardPageDto,
  LeaderboardQueryDto,
  LeaderboardRecordDto,
  ListLeaderboardsQueryDto,
  PlayerRankDto,
  RankQueryDto,
  SeasonDto,
  SeasonListDto,
  SeasonsQueryDto,
  SubmitScoreDto,
} from './leaderboards.dto.js';

@ApiTags('leaderboards')
@Controller('leaderboards')
export class LeaderboardsController {
  constructor(private readonly leaderboards: LeaderboardsService) {}

  @Get()
  @GameAuth('server', 'player')
  @ApiOperation({ summary: "The game's leaderboards, by id" })
  @ApiOkResponse({ type: LeaderboardListDto })
  @ApiErrors(400, 401, 403)
  async list(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ListLeaderboardsQueryDto): Promise<LeaderboardListDto> {
    const page = await this.leaderboards.list(caller.gameId, { after: query.cursor, limit: query.limit ?? 50 });
    return { leaderboards: page.leaderboards.map(LeaderboardDto.from), next_cursor: page.next };
  }

  @Put(':leaderboardId')
  // Above @GameAuth: decorators apply bottom-up, so authentication runs first.
  @UseGuards(MetadataDepthGuard)
  @GameAuth('server')
  @ApiOperation({
    summary: 'Create or configure a leaderboard',
    description:
      'Omitted fields keep their value (the defaults on create: desc, best, never resets, not authoritative). ' +
      'sort_order changes only while no season has records, operator only while the current season has none (409 `conflict`). ' +
      'A new reset_schedule takes effect from now.',
  })
  @ApiOkResponse({ type: LeaderboardDto })
  @ApiErrors(400, 401, 403, 409)
  async configure(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('leaderboardId', LeaderboardIdPipe) id: string,
    @Body() body: ConfigureLeaderboardDto,
  ): Promise<LeaderboardDto> {
    return LeaderboardDto.from((await this.leaderboards.configure(caller.gameId, id, ConfigureLeaderboardDto.toChanges(body))).config);
  }

  @Get(':leaderboardId/config')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: "A leaderboard's configuration and current season" })
  @ApiOkResponse({ type: LeaderboardDto })
  @ApiErrors(400, 401, 403, 404)
  async config(@CurrentPrincipal() caller: GamePrincipal, @Param('leaderboardId', LeaderboardIdPipe) id: string): Promise<LeaderboardDto> {
    return LeaderboardDto.from(await this.leaderboards.get(caller.gameId, id));
  }

  @Get(':leaderboardId/seasons')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: "A leaderboard's seasons, newest first, with their number of entries (past ones: read with ?season=)" })
  @ApiOkResponse({ type: SeasonListDto })
  @ApiErrors(400, 401, 403, 404)
  async seasons(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('leaderboardId', LeaderboardIdPipe) id: string,
    @Query() query: SeasonsQueryDto,
  ): Promise<SeasonListDto> {
    return { seasons: (await this.leaderboards.seasons(caller.gameId, id, query.limit ?? 20)).map(SeasonDto.from) };
  }

  @Post(':leaderboardId/reset')
  @HttpCode(200)
  @GameAuth('server')
  @ApiOperation({ summary: 'Archive the current season now and start the next (its ranking stays readable with ?season=)' })
  @ApiOkResponse({ type: LeaderboardDto })
  @ApiErrors(400, 401, 403, 404)
  async reset(@CurrentPrincipal() caller: GamePrincipal, @Param('leaderboardId', LeaderboardIdPipe) id: string): Promise<LeaderboardDto> {
    return LeaderboardDto.from(await this.leaderboards.reset(caller.gameId, id));
  }

  @Post(':leaderboardId/scores')
  @UseGuards(MetadataDepthGuard)
  @GameAuth('server', 'player')
  @ApiOperation({
    summary: 'Submit a score',
    description:
      'Combined with the stored record by the leaderboard operator; answered once durable in Postgres, with the record and its rank. ' +
      'A server key may submit for any player id (unknown ids are created) and to a new leaderboard id (created with the defaults). ' +
      'A player session may submit only its own score (another player_id: 404), and not to an authoritative leaderboard (403).',
  })
  @ApiCreatedResponse({ type: LeaderboardRecordDto })
  @ApiErrors(400, 401, 403, 404)
  async submit(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('leaderboardId', LeaderboardIdPipe) id: string,
    @Body() body: SubmitScoreDto,
  ): Promise<LeaderboardRecordDto> {
    return LeaderboardRecordDto.from(await this.leaderboards.submit(caller, id, SubmitScoreDto.toSubmission(body)));
  }

  @Get(':leaderboardId')
  @GameAuth('server', 'player')
  @ApiOperation({
    summary: 'Ranked entries: the top N, the page after a cursor, or the players around one',
    description: 'Ties: higher (desc) or lower (asc) subscore first, then whoever reached the score first.',
  })
  @ApiOkResponse({ type: LeaderboardPageDto })
  @ApiErrors(400, 401, 403, 404)
  async page(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('leaderboardId', LeaderboardIdPipe) id: string,
    @Query() query: LeaderboardQueryDto,
  ): Promise<LeaderboardPageDto> {
    const page = await this.leaderboards.page(caller.gameId, id, {
      limit: query.limit ?? PAGE_LIMIT_DEFAULT,
      cursor: query.cursor,
      around: query.around,
      season: query.season,
    });
    return LeaderboardPageDto.from(page);
  }

  @Get(':leaderboardId/rank/:playerId')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: "A player's score and rank (404 when the player has no record in the season)" })
  @ApiOkResponse({ type: PlayerRankDto })
  @ApiErrors(400, 401, 403, 404)
  async rank(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('leaderboardId', LeaderboardIdPipe) id: string,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() query: RankQueryDto,
  ): Promise<PlayerRankDto> {
    return PlayerRankDto.from(await this.leaderboards.rank(caller.gameId, id, playerId, query.season));
  }
}
