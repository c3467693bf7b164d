import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import {
  ListPlayersQueryDto,
  PlayerDto,
  PlayerListDto,
  PlayerSessionDto,
  PlayerSessionListDto,
  UpdatePlayerDto,
} from '../dto/player.dto.js';
import { ApiErrors } from './api-errors.decorator.js';

type PlayerCaller = GamePrincipal & { kind: 'player' };

@ApiTags('players')
@Controller('players')
export class PlayersController {
  constructor(private readonly players: PlayersService) {}

  @Get('me')
  @GameAuth('player')
  @ApiOperation({ summary: 'The signed-in player' })
  @ApiOkResponse({ type: PlayerDto })
  @ApiErrors(401, 403)
  async me(@CurrentPrincipal() caller: PlayerCaller): Promise<PlayerDto> {
    return PlayerDto.from(await this.players.get(caller.gameId, caller.playerId));
  }

  @Patch('me')
  @GameAuth('player')
  @ApiOperation({ summary: "Change the signed-in player's username or display name" })
  @ApiOkResponse({ type: PlayerDto })
  @ApiErrors(400, 401, 403, 409)
  async updateMe(@CurrentPrincipal() caller: PlayerCaller, @Body() body: UpdatePlayerDto): Promise<PlayerDto> {
    return PlayerDto.from(
      await this.players.update(caller.gameId, caller.playerId, { username: body.username, displayName: body.display_name }),
    );
  }

  @Get()
  @GameAuth('server')
  @ApiOperation({ summary: "List the game's players, by id, with an optional case-insensitive id/username prefix search" })
  @ApiOkResponse({ type: PlayerListDto })
  @ApiErrors(400, 401, 403)
  async list(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ListPlayersQueryDto): Promise<PlayerListDto> {
    const page = await this.players.list(caller.gameId, { after: query.cursor, limit: query.limit ?? 50, query: query.query ?? query.q });
    return { players: page.players.map(PlayerDto.from), next_cursor: page.next };
  }

  @Get(':playerId')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'One player of the game, by id (a player session may read only itself)' })
  @ApiOkResponse({ type: PlayerDto })
  @ApiErrors(401, 403, 404)
  async get(@CurrentPrincipal() caller: GamePrincipal, @Param('playerId') playerId: string): Promise<PlayerDto> {
    this.players.assertCanActFor(caller, playerId);
    return PlayerDto.from(await this.players.get(caller.gameId, playerId));
  }

  @Get(':playerId/sessions')
  @GameAuth('server')
  @ApiOperation({ summary: "A player's recent sessions" })
  @ApiOkResponse({ type: PlayerSessionListDto })
  @ApiErrors(401, 403, 404)
  async sessions(@CurrentPrincipal() caller: GamePrincipal, @Param('playerId') playerId: string): Promise<PlayerSessionListDto> {
    return { sessions: (await this.players.sessionsOf(caller.gameId, playerId)).map(PlayerSessionDto.from) };
  }

  @Post(':playerId/ban')
  @HttpCode(200)
  @GameAuth('server')
  @ApiOperation({ summary: 'Ban a player: its sessions end at once and it cannot sign in' })
  @ApiOkResponse({ type: PlayerDto })
  @ApiErrors(401, 403, 404)
  async ban(@CurrentPrincipal() caller: GamePrincipal, @Param('playerId') playerId: string): Promise<PlayerDto> {
    return PlayerDto.from(await this.players.setBanned(caller.gameId, playerId, true));
  }

  @Post(':playerId/unban')
  @HttpCode(200)
  @GameAuth('server')
  @ApiOperation({ summary: 'Lift a ban' })
  @ApiOkResponse({ type: PlayerDto })
  @ApiErrors(401, 403, 404)
  async unban(@CurrentPrincipal() caller: GamePrincipal, @Param('playerId') playerId: string): Promise<PlayerDto> {
    return PlayerDto.from(await this.players.setBanned(caller.gameId, playerId, false));
  }
}
