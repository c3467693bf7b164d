import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  batchItemPrecondition,
  STORAGE_BATCH_MAX_WRITES,
  STORAGE_LIST_LIMIT_DEFAULT,
  STORAGE_LIST_LIMIT_MAX,
  STORAGE_NAME_PATTERN,
  STORAGE_READ_ACCESS,
  STORAGE_VALUE_MAX_BYTES,
  STORAGE_VALUE_MAX_DEPTH,
  STORAGE_VERSION_MAX,
  STORAGE_WRITE_ACCESS,
  type StorageAck,
  type StorageObjectView,
  type StoragePage,
  type StorageWrite,
  type StorageReadAccess,
  type StorageWriteAccess,
} from '@spawnpoint/storage';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const NAME_MESSAGE = (field: string) => `${field} must be 1-64 letters, digits, _ . or -`;
const VALUE_DESCRIPTION = `Any JSON object: at most ${STORAGE_VALUE_MAX_BYTES} bytes serialised, nested at most ${STORAGE_VALUE_MAX_DEPTH} levels`;
const READ_DESCRIPTION =
  'Who else may read it: `none` (server keys only), `owner` (also the player), `public` (every player of the game). Omitted: kept on update, `owner` on create.';
const WRITE_DESCRIPTION =
  'Who else may write it: `none` (server keys only) or `owner` (also the player). Omitted: kept on update, `owner` on create.';

export class PutStorageObjectDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: VALUE_DESCRIPTION, example: { gold: 120, items: ['sword'] } })
  @IsObject({ message: 'value must be a JSON object' })
  value: Record<string, unknown>;

  @ApiPropertyOptional({ enum: STORAGE_READ_ACCESS, description: READ_DESCRIPTION })
  @IsOptional()
  @IsIn(STORAGE_READ_ACCESS)
  read?: StorageReadAccess;

  @ApiPropertyOptional({ enum: STORAGE_WRITE_ACCESS, description: WRITE_DESCRIPTION })
  @IsOptional()
  @IsIn(STORAGE_WRITE_ACCESS)
  write?: StorageWriteAccess;
}

export class StorageBatchWriteDto extends PutStorageObjectDto {
  @ApiProperty({ pattern: STORAGE_NAME_PATTERN.source, example: 'inventory' })
  @IsString()
  @Matches(STORAGE_NAME_PATTERN, { message: NAME_MESSAGE('collection') })
  collection: string;

  @ApiProperty({ pattern: STORAGE_NAME_PATTERN.source, example: 'main' })
  @IsString()
  @Matches(STORAGE_NAME_PATTERN, { message: NAME_MESSAGE('key') })
  key: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: STORAGE_VERSION_MAX,
    description: 'Write only if the stored version is this one (as the If-Match header)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(STORAGE_VERSION_MAX)
  if_match?: number;

  @ApiPropertyOptional({ description: 'true: create only, fail if the document exists (as If-None-Match: *)' })
  @IsOptional()
  @IsBoolean()
  if_none_match?: boolean;
}

export class StorageBatchDto {
  @ApiProperty({
    type: [StorageBatchWriteDto],
    minItems: 1,
    maxItems: STORAGE_BATCH_MAX_WRITES,
    description: 'Each document at most once per batch',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(STORAGE_BATCH_MAX_WRITES)
  @ValidateNested({ each: true })
  @Type(() => StorageBatchWriteDto)
  writes: StorageBatchWriteDto[];
}

/** The page size both storage listings take; each declares its own cursor (they encode different positions). */
class StoragePageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: STORAGE_LIST_LIMIT_MAX, default: STORAGE_LIST_LIMIT_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(STORAGE_LIST_LIMIT_MAX)
  limit?: number;
}

export class ListStorageQueryDto extends StoragePageQueryDto {
  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cursor?: string;
}

export class StorageObjectDto {
  @ApiProperty({ example: 'inventory' })
  collection: string;
  @ApiProperty({ example: 'main' })
  key: string;
  @ApiProperty({ example: 'p_Jx7…' })
  player_id: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  value: Record<string, unknown>;
  @ApiProperty({ example: 3, description: 'Starts at 1 and goes up by one per write; the ETag is `"<version>"`' })
  version: number;
  @ApiProperty({ enum: STORAGE_READ_ACCESS })
  read: StorageReadAccess;
  @ApiProperty({ enum: STORAGE_WRITE_ACCESS })
  write: StorageWriteAccess;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(o: StorageObjectView): StorageObjectDto {
    return {
      collection: o.collection,
      key: o.key,
      player_id: o.playerId,
      value: o.value,
      version: o.version,
      read: o.read,
      write: o.write,
      created_at: o.createdAt.toISOString(),
      updated_at: o.updatedAt.toISOString(),
    };
  }
}

export class StorageListDto {
  @ApiProperty({ type: [StorageObjectDto] })
  objects: StorageObjectDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;

  static from(page: StoragePage): StorageListDto {
    return { objects: page.objects.map(StorageObjectDto.from), next_cursor: page.next };
  }
}

export class ListPlayerStorageQueryDto extends StoragePageQueryDto {
  @ApiPropertyOptional({ description: 'The `cursor` of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;
}

export class PlayerStorageListDto {
  @ApiProperty({ type: [StorageObjectDto], description: 'Ordered by collection, then key' })
  objects: StorageObjectDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  cursor: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The same as `cursor`, named as in the other listings' })
  next_cursor: string | null;

  static from(page: StoragePage): PlayerStorageListDto {
    return { objects: page.objects.map(StorageObjectDto.from), cursor: page.next, next_cursor: page.next };
  }
}

export class StorageAckDto {
  @ApiProperty({ example: 'inventory' })
  collection: string;
  @ApiProperty({ example: 'main' })
  key: string;
  @ApiProperty({ example: 4, description: 'The version this write created' })
  version: number;

  static from(ack: StorageAck): StorageAckDto {
    return { collection: ack.collection, key: ack.key, version: ack.version };
  }
}

export class StorageBatchResultDto {
  @ApiProperty({ type: [StorageAckDto], description: 'One per write, in the order of `writes`' })
  acks: StorageAckDto[];
}

/** The batch items as the service takes them: `if_match` / `if_none_match` become the same preconditions as the headers. */
export function batchWrites(body: StorageBatchDto): StorageWrite[] {
  return body.writes.map((item, index) => ({
    collection: item.collection,
    key: item.key,
    value: item.value,
    read: item.read,
    write: item.write,
    precondition: batchItemPrecondition({ ifMatch: item.if_match, ifNoneMatch: item.if_none_match }, `writes[${index}]`),
  }));
}
