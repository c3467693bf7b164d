import { Body, Controller, Get, HttpCode, Ip, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { LobbiesService } from '@spawnpoint/lobbies';
import { NotFoundError } from '@spawnpoint/shared';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { ActingPlayerDto } from '../dto/player.dto.js';
import {
  CreateLobbyDto,
  JoinLobbyDto,
  KickDto,
  ListLobbiesQueryDto,
  LobbyDto,
  LobbyPageDto,
  LobbyStartDto,
  ReadyDto,
} from './lobbies.dto.js';

// Lobby ids are UUIDs; anything else names no lobby.
const lobbyIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Lobby') });

/**
 * Lobbies. A player session acts for itself under the leader rules; a server key acts as the game
 * server on any lobby of its game (players named by `player_id`). Changes are pushed to members'
 * sockets as `lobby_updated`; a start as `lobby_started`.
 */
@ApiTags('lobbies')
@Controller('lobbies')
@GameAuth('server', 'player')
export class LobbiesController {
  constructor(private readonly lobbies: LobbiesService) {}

  @Post()
  @ApiOperation({ summary: 'Open a lobby under a fresh join code (the creating player, if any, becomes its leader)' })
  @ApiCreatedResponse({ type: LobbyDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async create(@CurrentPrincipal() caller: GamePrincipal, @Body() body: CreateLobbyDto): Promise<LobbyDto> {
    return LobbyDto.from(
      await this.lobbies.create(caller, {
        name: body.name,
        mode: body.game_mode,
        maxPlayers: body.max_players,
        private: body.private ?? false,
        playerId: body.player_id,
        playerName: body.player_name,
      }),
    );
  }

  @Get()
  @ApiOperation({ summary: 'Open public lobbies of the game, newest first (private lobbies are never listed)' })
  @ApiOkResponse({ type: LobbyPageDto })
  @ApiErrors(400, 401, 403)
  async list(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ListLobbiesQueryDto): Promise<LobbyPageDto> {
    return LobbyPageDto.from(
      await this.lobbies.list(caller.gameId, {
        mode: query.game_mode,
        hasSpace: query.has_space === 'true',
        limit: query.limit ?? 20,
        cursor: query.cursor,
      }),
    );
  }

  @Post('join/:code')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Join an open lobby by its code (case-insensitive), alone or with a whole party',
    description:
      'A party leader joining brings the party (all members or none). 409 when the lobby is full or locked or a joiner is already ' +
      'in a lobby; 404 for an unknown code. Rate limited per joining player and, for sessions, per IP (429 with Retry-After).',
  })
  @ApiOkResponse({ type: LobbyDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async join(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('code') code: string,
    @Body() body: JoinLobbyDto,
    @Ip() ip: string,
  ): Promise<LobbyDto> {
    return LobbyDto.from(await this.lobbies.joinByCode(caller, code, { playerId: body.player_id, partyId: body.party_id }, ip));
  }

  @Get(':lobbyId')
  @ApiOperation({ summary: 'One lobby (a player sees public lobbies and those it is in)' })
  @ApiOkResponse({ type: LobbyDto })
  @ApiErrors(401, 403, 404)
  async get(@CurrentPrincipal() caller: GamePrincipal, @Param('lobbyId', lobbyIdPipe) lobbyId: string): Promise<LobbyDto> {
    return LobbyDto.from(await this.lobbies.get(caller, lobbyId));
  }

  @Post(':lobbyId/leave')
  @HttpCode(200)
  @ApiOperation({ summary: 'Leave: the longest-present member leads next; the last one out closes the lobby and frees its code' })
  @ApiOkResponse({ type: LobbyDto, description: 'The lobby after the leave' })
  @ApiErrors(400, 401, 403, 404)
  async leave(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('lobbyId', lobbyIdPipe) lobbyId: string,
    @Body() body: ActingPlayerDto,
  ): Promise<LobbyDto> {
    return LobbyDto.from(await this.lobbies.leave(caller, lobbyId, body.player_id));
  }

  @Post(':lobbyId/kick')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a member (the leader, or a server key)' })
  @ApiOkResponse({ type: LobbyDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async kick(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('lobbyId', lobbyIdPipe) lobbyId: string,
    @Body() body: KickDto,
  ): Promise<LobbyDto> {
    return LobbyDto.from(await this.lobbies.kick(caller, lobbyId, body.player_id));
  }

  @Post(':lobbyId/ready')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a member's ready flag" })
  @ApiOkResponse({ type: LobbyDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async ready(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('lobbyId', lobbyIdPipe) lobbyId: string,
    @Body() body: ReadyDto,
  ): Promise<LobbyDto> {
    return LobbyDto.from(await this.lobbies.setReady(caller, lobbyId, body.ready, body.player_id));
  }

  @Post(':lobbyId/lock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lock the lobby: joins are refused with 409 (the leader, or a server key)' })
  @ApiOkResponse({ type: LobbyDto })
  @ApiErrors(401, 403, 404, 409)
  async lock(@CurrentPrincipal() caller: GamePrincipal, @Param('lobbyId', lobbyIdPipe) lobbyId: string): Promise<LobbyDto> {
    return LobbyDto.from(await this.lobbies.setLocked(caller, lobbyId, true));
  }

  @Post(':lobbyId/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlock the lobby (the leader, or a server key)' })
  @ApiOkResponse({ type: LobbyDto })
  @ApiErrors(401, 403, 404, 409)
  async unlock(@CurrentPrincipal() caller: GamePrincipal, @Param('lobbyId', lobbyIdPipe) lobbyId: string): Promise<LobbyDto> {
    return LobbyDto.from(await this.lobbies.setLocked(caller, lobbyId, false));
  }

  @Post(':lobbyId/start')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start: records a world id, frees the code and gives every member a seat (the leader, or a server key)',
    description: 'Every member also receives `lobby_started` with the same body on its sockets.',
  })
  @ApiOkResponse({ type: LobbyStartDto })
  @ApiErrors(401, 403, 404, 409)
  async start(@CurrentPrincipal() caller: GamePrincipal, @Param('lobbyId', lobbyIdPipe) lobbyId: string): Promise<LobbyStartDto> {
    return LobbyStartDto.from(await this.lobbies.start(caller, lobbyId));
  }
}
