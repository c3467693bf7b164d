import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { EconomyService } from '@spawnpoint/economy';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { PlayerIdPipe } from '../controllers/player-id.pipe.js';
import {
  CreateTransactionDto,
  CurrencyChangeDto,
  InventoryDto,
  ItemChangeDto,
  LedgerPageDto,
  LedgerQueryDto,
  TransactionDto,
  WalletDto,
} from './economy.dto.js';

@ApiTags('economy')
@ApiExtraModels(CurrencyChangeDto, ItemChangeDto)
@Controller('players/:playerId')
export class EconomyController {
  constructor(private readonly economy: EconomyService) {}

  @Post('transactions')
  @GameAuth('server')
  @ApiOperation({
    summary: 'Apply currency and item changes atomically and exactly once per idempotency key',
    description:
      'All changes apply in one database transaction or none do. A change that would make a balance or stack negative ' +
      'rejects the whole transaction (409 `insufficient_balance`, nothing recorded: a retry re-evaluates). Repeating a key ' +
      'with the same body returns the first result with 200 and `Idempotent-Replayed: true`; another body is 409 `idempotency_key_reused`.',
  })
  @ApiCreatedResponse({ type: TransactionDto, description: 'Applied now' })
  @ApiOkResponse({
    type: TransactionDto,
    description: 'Already applied under this key: the first result, unchanged',
    headers: { 'Idempotent-Replayed': { description: 'Always `true` on a replay', schema: { type: 'string', enum: ['true'] } } },
  })
  @ApiErrors(400, 401, 403, 409)
  async apply(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: CreateTransactionDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { result, replayed } = await this.economy.apply(caller.gameId, playerId, CreateTransactionDto.toRequest(body));
    // The status depends on the outcome, which a static @HttpCode cannot express.
    if (replayed) void reply.header('idempotent-replayed', 'true');
    await reply.status(replayed ? 200 : 201).send(TransactionDto.from(result));
  }

  @Get('wallet')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: "A player's currency balances (a player session may read only its own)" })
  @ApiOkResponse({ type: WalletDto })
  @ApiErrors(400, 401, 403, 404)
  async wallet(@CurrentPrincipal() caller: GamePrincipal, @Param('playerId', PlayerIdPipe) playerId: string): Promise<WalletDto> {
    return { player_id: playerId, balances: await this.economy.wallet(caller, playerId) };
  }

  @Get('inventory')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: "A player's item stacks (a player session may read only its own)" })
  @ApiOkResponse({ type: InventoryDto })
  @ApiErrors(400, 401, 403, 404)
  async inventory(@CurrentPrincipal() caller: GamePrincipal, @Param('playerId', PlayerIdPipe) playerId: string): Promise<InventoryDto> {
    return InventoryDto.from(playerId, await this.economy.inventory(caller, playerId));
  }

  @Get('ledger')
  @GameAuth('server', 'player')
  @ApiOperation({ summary: 'Every applied change of a player, newest first (a player session may read only its own)' })
  @ApiOkResponse({ type: LedgerPageDto })
  @ApiErrors(400, 401, 403, 404)
  async ledger(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() query: LedgerQueryDto,
  ): Promise<LedgerPageDto> {
    return LedgerPageDto.from(await this.economy.ledger(caller, playerId, { cursor: query.cursor, limit: query.limit ?? 50 }));
  }
}
