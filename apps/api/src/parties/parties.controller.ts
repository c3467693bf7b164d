import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { PartiesService } from '@spawnpoint/parties';
import { NotFoundError } from '@spawnpoint/shared';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { ActingPlayerDto } from '../dto/player.dto.js';
import { CreatePartyDto, PartyDto, ReceivedInviteDto, ReceivedInviteListDto, TargetPlayerDto } from './parties.dto.js';

// Party ids are UUIDs; anything else names no party.
const partyIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Party') });

/**
 * Parties of players. A player session acts for itself; a server key acts for the player named by
 * `player_id` and, on leader-only routes (invite, kick, promote), as the party's authority. Every
 * change is pushed to the members' sockets as `party_updated`; an invitee gets `party_invite`.
 */
@ApiTags('parties')
@Controller('parties')
@GameAuth('server', 'player')
export class PartiesController {
  constructor(private readonly parties: PartiesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a party: the acting player becomes its leader and first member (409 if already in a party)' })
  @ApiCreatedResponse({ type: PartyDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async create(@CurrentPrincipal() caller: GamePrincipal, @Body() body: CreatePartyDto): Promise<PartyDto> {
    return PartyDto.from(await this.parties.create(caller, { playerId: body.player_id, maxSize: body.max_size }));
  }

  @Get('me')
  @ApiOperation({ summary: "The acting player's party (404 when in none); a server key names the player with ?player_id=" })
  @ApiOkResponse({ type: PartyDto })
  @ApiErrors(400, 401, 403, 404)
  async mine(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ActingPlayerDto): Promise<PartyDto> {
    return PartyDto.from(await this.parties.mine(caller, query.player_id));
  }

  @Get('invites')
  @ApiOperation({ summary: "The acting player's pending invites; a server key names the player with ?player_id=" })
  @ApiOkResponse({ type: ReceivedInviteListDto })
  @ApiErrors(400, 401, 403, 404)
  async invites(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ActingPlayerDto): Promise<ReceivedInviteListDto> {
    return { invites: (await this.parties.invitesOf(caller, query.player_id)).map(ReceivedInviteDto.from) };
  }

  @Get(':partyId')
  @ApiOperation({ summary: 'A party with its members and pending invites (members and server keys only; others get 404)' })
  @ApiOkResponse({ type: PartyDto })
  @ApiErrors(401, 403, 404)
  async get(@CurrentPrincipal() caller: GamePrincipal, @Param('partyId', partyIdPipe) partyId: string): Promise<PartyDto> {
    return PartyDto.from(await this.parties.get(caller, partyId));
  }

  @Post(':partyId/invites')
  @ApiOperation({
    summary: 'Leader only: invite a player of the game (expires after 10 minutes)',
    description: '409 when the player is already a member or has a pending invite, or the party is full or holds 32 pending invites.',
  })
  @ApiCreatedResponse({ type: PartyDto, description: 'The party, with the new invite' })
  @ApiErrors(400, 401, 403, 404, 409)
  async invite(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('partyId', partyIdPipe) partyId: string,
    @Body() body: TargetPlayerDto,
  ): Promise<PartyDto> {
    return PartyDto.from(await this.parties.invite(caller, partyId, body.player_id));
  }

  @Post(':partyId/invites/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invite and join the party (409 when full or already in a party; 404 without an unexpired invite)' })
  @ApiOkResponse({ type: PartyDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async accept(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('partyId', partyIdPipe) partyId: string,
    @Body() body: ActingPlayerDto,
  ): Promise<PartyDto> {
    return PartyDto.from(await this.parties.accept(caller, partyId, body.player_id));
  }

  @Post(':partyId/invites/decline')
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline an invite (404 without an unexpired invite)' })
  @ApiNoContentResponse({ description: 'Declined' })
  @ApiErrors(400, 401, 403, 404)
  async decline(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('partyId', partyIdPipe) partyId: string,
    @Body() body: ActingPlayerDto,
  ): Promise<void> {
    await this.parties.decline(caller, partyId, body.player_id);
  }

  @Post(':partyId/leave')
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave the party: a leaving leader hands over to the longest-present member; the last member disbands it' })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiErrors(400, 401, 403, 404)
  async leave(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('partyId', partyIdPipe) partyId: string,
    @Body() body: ActingPlayerDto,
  ): Promise<void> {
    await this.parties.leave(caller, partyId, body.player_id);
  }

  @Post(':partyId/kick')
  @HttpCode(200)
  @ApiOperation({ summary: 'Leader only: remove a member (the leader leaves instead of kicking itself: 409)' })
  @ApiOkResponse({ type: PartyDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async kick(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('partyId', partyIdPipe) partyId: string,
    @Body() body: TargetPlayerDto,
  ): Promise<PartyDto> {
    return PartyDto.from(await this.parties.kick(caller, partyId, body.player_id));
  }

  @Post(':partyId/leader')
  @HttpCode(200)
  @ApiOperation({ summary: 'Leader only: make another member the leader' })
  @ApiOkResponse({ type: PartyDto })
  @ApiErrors(400, 401, 403, 404)
  async promote(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('partyId', partyIdPipe) partyId: string,
    @Body() body: TargetPlayerDto,
  ): Promise<PartyDto> {
    return PartyDto.from(await this.parties.promote(caller, partyId, body.player_id));
  }
}
