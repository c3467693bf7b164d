import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { MatchmakingService, MatchmakingStatsService, ModeRulesService } from '@spawnpoint/matchmaking';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { GameModePipe } from './game-mode.pipe.js';
import {
  ListMatchesQueryDto,
  MatchDto,
  MatchListDto,
  MatchmakingStatsDto,
  ModeDto,
  ModeStatsDto,
  PutModeDto,
  QueueQueryDto,
  QueueTicketDto,
  TicketDto,
} from './matchmaking.dto.js';

@ApiTags('matchmaking')
@Controller('matchmaking')
export class MatchmakingController {
  constructor(
    private readonly matchmaking: MatchmakingService,
    private readonly modes: ModeRulesService,
    private readonly stats: MatchmakingStatsService,
  ) {}

  @Get('stats')
  @GameAuth('server')
  @ApiOperation({ summary: 'Per game mode: tickets queued now, wait percentiles and matches formed over the last hour' })
  @ApiOkResponse({ type: MatchmakingStatsDto })
  @ApiErrors(401, 403)
  async modeStats(@CurrentPrincipal() caller: GamePrincipal): Promise<MatchmakingStatsDto> {
    return { modes: (await this.stats.modes(caller.gameId)).map(ModeStatsDto.from) };
  }

  @Get('matches')
  @GameAuth('server')
  @ApiOperation({ summary: 'The game’s most recent matches, newest first' })
  @ApiOkResponse({ type: MatchListDto })
  @ApiErrors(400, 401, 403)
  async matches(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ListMatchesQueryDto): Promise<MatchListDto> {
    const matches = await this.stats.recentMatches(caller.gameId, { mode: query.game_mode, limit: query.limit ?? 20 });
    return { matches: matches.map(MatchDto.from) };
  }

  @Put('modes/:gameMode')
  @GameAuth('server')
  @ApiOperation({ summary: 'Set the matchmaking rules of a game mode (missing fields take their defaults)' })
  @ApiOkResponse({ type: ModeDto })
  @ApiErrors(400, 401, 403)
  async putMode(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('gameMode', GameModePipe) mode: string,
    @Body() body: PutModeDto,
  ): Promise<ModeDto> {
    return ModeDto.from(mode, await this.modes.save(caller.gameId, mode, PutModeDto.toRules(body)));
  }

  @Get('modes/:gameMode')
  @GameAuth('server')
  @ApiOperation({ summary: 'The rules of a game mode (the defaults when never set)' })
  @ApiOkResponse({ type: ModeDto })
  @ApiErrors(400, 401, 403)
  async getMode(@CurrentPrincipal() caller: GamePrincipal, @Param('gameMode', GameModePipe) mode: string): Promise<ModeDto> {
    return ModeDto.from(mode, await this.modes.rulesFor(caller.gameId, mode));
  }

  @Post('queue')
  @GameAuth('server', 'player')
  @ApiOperation({
    summary: 'Queue a player (or, from its leader, a whole party) for a match',
    description:
      'Answers 202 with the queued ticket. With `?wait=N` (0-30 s) the call is a long poll: 200 with the matched ticket as soon as ' +
      'it is matched, else 202 with the ticket when time is up. A player session may queue only itself. A party leader queues its ' +
      'whole party as one ticket that lands on one team; another party member gets 409.',
  })
  @ApiAcceptedResponse({ type: TicketDto, description: 'Queued (or still queued when the wait ran out, or ended)' })
  @ApiOkResponse({ type: TicketDto, description: 'Matched within the wait' })
  @ApiErrors(400, 401, 403, 404, 409)
  async queue(
    @CurrentPrincipal() caller: GamePrincipal,
    @Body() body: QueueTicketDto,
    @Query() query: QueueQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ticket = await this.matchmaking.enqueue(caller, QueueTicketDto.toRequest(body), query.wait ?? 0);
    // 200 only when the long poll ends in a match, which a static @HttpCode cannot express.
    await reply.status(ticket.status === 'matched' ? 200 : 202).send(TicketDto.from(ticket));
  }

  @Get('tickets/:ticketId')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'A ticket and, once matched, its match (a player session sees only its own tickets)' })
  @ApiOkResponse({ type: TicketDto })
  @ApiErrors(401, 403, 404)
  async ticket(@CurrentPrincipal() caller: GamePrincipal, @Param('ticketId') ticketId: string): Promise<TicketDto> {
    return TicketDto.from(await this.matchmaking.ticket(caller, ticketId));
  }

  @Delete('tickets/:ticketId')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'Cancel a queued ticket (409 once matched; an ended ticket is returned as it is)' })
  @ApiOkResponse({ type: TicketDto })
  @ApiErrors(401, 403, 404, 409)
  async cancel(@CurrentPrincipal() caller: GamePrincipal, @Param('ticketId') ticketId: string): Promise<TicketDto> {
    return TicketDto.from(await this.matchmaking.cancel(caller, ticketId));
  }
}
