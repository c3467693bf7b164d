import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  CHANGE_TYPES,
  ECONOMY_CODE_PATTERN,
  ECONOMY_LIMITS,
  IDEMPOTENCY_KEY_PATTERN,
  LEDGER_CURSOR_PATTERN,
  type AppliedChange,
  type ChangeType,
  type LedgerPage,
  type LedgerRow,
  type TransactionRequest,
  type TransactionResult,
} from '@spawnpoint/economy';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  NotEquals,
  ValidateNested,
} from 'class-validator';
import { PLAYER_ID } from '../dto/player.dto.js';

const DELTA_MAX = ECONOMY_LIMITS.deltaMax;
const CODE_MESSAGE = 'must be 1-64 letters, digits, _ . or -';

abstract class ChangeFields {
  @ApiProperty({
    type: 'integer',
    description: `Non-zero integer: positive grants, negative spends or consumes. |delta| ≤ ${DELTA_MAX}.`,
    example: -100,
    minimum: -DELTA_MAX,
    maximum: DELTA_MAX,
  })
  @IsInt()
  @NotEquals(0, { message: 'delta must not be 0' })
  @Min(-DELTA_MAX)
  @Max(DELTA_MAX)
  delta: number;

  @ApiPropertyOptional({
    description: 'Another player of the same game (trades); defaults to the path player',
    pattern: PLAYER_ID.source,
    example: 'player_456',
  })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: 'player_id must be 1-128 letters, digits, _ . : @ or -' })
  player_id?: string;
}

export class CurrencyChangeDto extends ChangeFields {
  @ApiProperty({ enum: ['currency'] })
  @Equals('currency')
  type: 'currency';

  @ApiProperty({ example: 'gold', pattern: ECONOMY_CODE_PATTERN.source })
  @IsString()
  @Matches(ECONOMY_CODE_PATTERN, { message: `currency ${CODE_MESSAGE}` })
  currency: string;
}

export class ItemChangeDto extends ChangeFields {
  @ApiProperty({ enum: ['item'] })
  @Equals('item')
  type: 'item';

  @ApiProperty({ example: 'sword', pattern: ECONOMY_CODE_PATTERN.source })
  @IsString()
  @Matches(ECONOMY_CODE_PATTERN, { message: `item_id ${CODE_MESSAGE}` })
  item_id: string;
}

/**
 * What class-transformer builds when `type` is missing or unknown: only `type` is reported
 * (the other fields are allowed here, since which of them belong depends on the type).
 */
class UnknownChangeDto {
  @IsIn(CHANGE_TYPES, { message: 'type must be currency or item' })
  type: unknown;
  @Allow()
  currency?: unknown;
  @Allow()
  item_id?: unknown;
  @Allow()
  delta?: unknown;
  @Allow()
  player_id?: unknown;
}

export class CreateTransactionDto {
  @ApiProperty({
    description: 'Your id for this transaction: retrying with the same key and body returns the first result; another body is 409',
    example: 'purchase-8841',
    pattern: IDEMPOTENCY_KEY_PATTERN.source,
  })
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: 'idempotency_key must be 1-128 letters, digits, _ . : or -' })
  idempotency_key: string;

  @ApiProperty({
    description: `1-${ECONOMY_LIMITS.changesMax} changes, applied all or none; at most ${ECONOMY_LIMITS.playersMax} distinct players`,
    type: 'array',
    minItems: 1,
    maxItems: ECONOMY_LIMITS.changesMax,
    items: {
      oneOf: [{ $ref: getSchemaPath(CurrencyChangeDto) }, { $ref: getSchemaPath(ItemChangeDto) }],
      discriminator: {
        propertyName: 'type',
        mapping: { currency: getSchemaPath(CurrencyChangeDto), item: getSchemaPath(ItemChangeDto) },
      },
    },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ECONOMY_LIMITS.changesMax)
  @ValidateNested({ each: true })
  @Type(() => UnknownChangeDto, {
    discriminator: {
      property: 'type',
      subTypes: [
        { value: CurrencyChangeDto, name: 'currency' },
        { value: ItemChangeDto, name: 'item' },
      ],
    },
    keepDiscriminatorProperty: true,
  })
  changes: (CurrencyChangeDto | ItemChangeDto)[];

  static toRequest(body: CreateTransactionDto): TransactionRequest {
    return {
      idempotencyKey: body.idempotency_key,
      changes: body.changes.map((change) => ({
        type: change.type,
        code: change.type === 'currency' ? change.currency : change.item_id,
        delta: change.delta,
        playerId: change.player_id,
      })),
    };
  }
}

/** `currency` or `item_id` by type, as in the request. */
function codeField(type: ChangeType, code: string): { currency: string } | { item_id: string } {
  return type === 'currency' ? { currency: code } : { item_id: code };
}

export class AppliedChangeDto {
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ enum: CHANGE_TYPES })
  type: ChangeType;
  @ApiPropertyOptional({ example: 'gold', description: 'For currency changes' })
  currency?: string;
  @ApiPropertyOptional({ example: 'sword', description: 'For item changes' })
  item_id?: string;
  @ApiProperty({ type: 'integer', description: 'Net delta applied (changes to the same balance are summed into one)', example: -100 })
  delta: number;
  @ApiProperty({ type: 'integer', description: 'Balance or stack quantity after this transaction', example: 400 })
  balance_after: number;

  static from(c: AppliedChange): AppliedChangeDto {
    return { player_id: c.playerId, type: c.type, ...codeField(c.type, c.code), delta: c.delta, balance_after: c.balanceAfter };
  }
}

export class TransactionDto {
  @ApiProperty({ format: 'uuid' })
  transaction_id: string;
  @ApiProperty({ example: 'purchase-8841' })
  idempotency_key: string;
  @ApiProperty({ format: 'date-time' })
  applied_at: string;
  @ApiProperty({ type: [AppliedChangeDto], description: 'One per balance changed, ordered by player, type and id' })
  changes: AppliedChangeDto[];

  static from(r: TransactionResult): TransactionDto {
    return {
      transaction_id: r.transactionId,
      idempotency_key: r.idempotencyKey,
      applied_at: r.appliedAt.toISOString(),
      changes: r.changes.map(AppliedChangeDto.from),
    };
  }
}

export class WalletDto {
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    example: { gold: 100, gems: 5 },
    description: 'Every currency the player has held, by id (0 included)',
  })
  balances: Record<string, number>;
}

export class InventoryItemDto {
  @ApiProperty({ example: 'sword' })
  item_id: string;
  @ApiProperty({ type: 'integer', example: 1, minimum: 1 })
  quantity: number;
}

export class InventoryDto {
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ type: [InventoryItemDto], description: 'Stacks with a positive quantity, by item id' })
  items: InventoryItemDto[];

  static from(playerId: string, items: { itemId: string; quantity: number }[]): InventoryDto {
    return { player_id: playerId, items: items.map((i) => ({ item_id: i.itemId, quantity: i.quantity })) };
  }
}

export class LedgerQueryDto {
  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page', pattern: LEDGER_CURSOR_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(LEDGER_CURSOR_PATTERN, { message: 'cursor must be a next_cursor from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class LedgerEntryDto {
  @ApiProperty({ example: '1042', description: 'Increasing with time; a string because it is a 64-bit integer' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  transaction_id: string;
  @ApiProperty({ enum: CHANGE_TYPES })
  type: ChangeType;
  @ApiPropertyOptional({ example: 'gold' })
  currency?: string;
  @ApiPropertyOptional({ example: 'sword' })
  item_id?: string;
  @ApiProperty({ type: 'integer', example: -100 })
  delta: number;
  @ApiProperty({ type: 'integer', example: 400 })
  balance_after: number;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(e: LedgerRow): LedgerEntryDto {
    return {
      id: e.id.toString(),
      transaction_id: e.transactionId,
      type: e.type,
      ...codeField(e.type, e.code),
      delta: e.delta,
      balance_after: e.balanceAfter,
      created_at: e.createdAt.toISOString(),
    };
  }
}

export class LedgerPageDto {
  @ApiProperty({ type: [LedgerEntryDto], description: 'Newest first' })
  entries: LedgerEntryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next (older) page; null on the last page' })
  next_cursor: string | null;

  static from(page: LedgerPage): LedgerPageDto {
    return { entries: page.entries.map(LedgerEntryDto.from), next_cursor: page.next };
  }
}
