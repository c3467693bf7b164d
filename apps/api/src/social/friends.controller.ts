import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { decodeFriendCursor, FriendsService } from '@spawnpoint/social';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { ActingPlayerDto } from '../dto/player.dto.js';
import { PlayerIdPipe } from '../controllers/player-id.pipe.js';
import { AddFriendDto, FriendDto, FriendListDto, ListFriendsQueryDto } from './social.dto.js';

/**
 * Friends. A player session acts for itself; a server key acts for the player named by `player_id`
 * (body or query; `acting_player_id` on `POST /friends`, where `player_id` is the target). Every
 * change is pushed to both players' sockets as `friend_update` (each side only when its row changed).
 */
@ApiTags('friends')
@Controller('friends')
@GameAuth('server', 'player')
export class FriendsController {
  constructor(private readonly friends: FriendsService) {}

  @Get()
  @ApiOperation({ summary: "The acting player's friends, invites and blocks, ordered by the other player's id" })
  @ApiOkResponse({ type: FriendListDto })
  @ApiErrors(400, 401, 403, 404)
  async list(@CurrentPrincipal() caller: GamePrincipal, @Query() query: ListFriendsQueryDto): Promise<FriendListDto> {
    return FriendListDto.from(
      await this.friends.list(caller, query.player_id, { state: query.state, limit: query.limit, after: decodeFriendCursor(query.cursor) }),
    );
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a friend request (accepts theirs when they asked first)',
    description:
      'Re-sending changes nothing. 400 for yourself, 404 for a player the game does not have, 403 when either player blocked the other.',
  })
  @ApiOkResponse({ type: FriendDto, description: 'The relationship as the acting player now sees it (invite_sent or friend)' })
  @ApiErrors(400, 401, 403, 404)
  async add(@CurrentPrincipal() caller: GamePrincipal, @Body() body: AddFriendDto): Promise<FriendDto> {
    return FriendDto.from(await this.friends.add(caller, body.acting_player_id, body.player_id));
  }

  @Post(':playerId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a received friend request (404 without one)' })
  @ApiOkResponse({ type: FriendDto })
  @ApiErrors(400, 401, 403, 404)
  async accept(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: ActingPlayerDto,
  ): Promise<FriendDto> {
    return FriendDto.from(await this.friends.accept(caller, body.player_id, playerId));
  }

  @Post(':playerId/decline')
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline a received friend request (404 without one)' })
  @ApiNoContentResponse({ description: 'Declined' })
  @ApiErrors(400, 401, 403, 404)
  async decline(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: ActingPlayerDto,
  ): Promise<void> {
    await this.friends.decline(caller, body.player_id, playerId);
  }

  @Delete(':playerId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Cancel a sent request, decline a received one, or remove a friend (404 without any)' })
  @ApiNoContentResponse({ description: 'Removed for both players' })
  @ApiErrors(400, 401, 403, 404)
  async remove(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() query: ActingPlayerDto,
  ): Promise<void> {
    await this.friends.remove(caller, query.player_id, playerId);
  }

  @Post(':playerId/block')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Block a player of the game',
    description:
      'Ends any friendship or request between the two; the blocked player keeps no row and cannot send requests (403). Idempotent.',
  })
  @ApiOkResponse({ type: FriendDto })
  @ApiErrors(400, 401, 403, 404)
  async block(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: ActingPlayerDto,
  ): Promise<FriendDto> {
    return FriendDto.from(await this.friends.block(caller, body.player_id, playerId));
  }

  @Delete(':playerId/block')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unblock a player (no earlier friendship is restored; 404 when not blocked)' })
  @ApiNoContentResponse({ description: 'Unblocked' })
  @ApiErrors(400, 401, 403, 404)
  async unblock(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() query: ActingPlayerDto,
  ): Promise<void> {
    await this.friends.unblock(caller, query.player_id, playerId);
  }
}
