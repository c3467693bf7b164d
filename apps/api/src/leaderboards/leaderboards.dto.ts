import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  LEADERBOARD_ID,
  LEADERBOARD_METADATA_MAX_BYTES,
  metadataProblem,
  OPERATORS,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  parseResetSchedule,
  RECORD_METADATA_MAX_BYTES,
  SCORE_MAX,
  SCORE_MIN,
  SORT_ORDERS,
  type ConfigChanges,
  type JsonObject,
  type LeaderboardConfig,
  type LeaderboardPage,
  type Operator,
  type PlayerRank,
  type RankedEntry,
  type RecordView,
  type ScoreSubmission,
  type SeasonView,
  type SortOrder,
} from '@spawnpoint/leaderboards';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { PLAYER_ID } from '../dto/player.dto.js';

const PLAYER_ID_MESSAGE = (field: string) => `${field} must be 1-128 letters, digits, _ . : @ or -`;
const SCORE_RANGE = `an integer from -(2^53 - 1) to 2^53 - 1`;

/** @IsInt() @Min(SCORE_MIN) @Max(SCORE_MAX), for the fast paths. */
function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= SCORE_MIN && value <= SCORE_MAX;
}

/** A JSON object within the size bound (and a sane depth, without U+0000). */
function IsMetadata(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMetadata',
      validator: {
        validate: (value: unknown) => metadataProblem(value, maxBytes) === null,
        defaultMessage: (args) => `${args?.property ?? 'metadata'} ${metadataProblem(args?.value, maxBytes) ?? 'is not valid'}`,
      },
    },
    options,
  );
}

/** A cron expression (5 fields, UTC) or daily / weekly / monthly, that fires at least once. */
function IsResetSchedule(options?: ValidationOptions): PropertyDecorator {
  const problem = (value: unknown): string | null => {
    if (typeof value !== 'string') return 'reset_schedule must be a string or null';
    try {
      parseResetSchedule(value);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };
  return ValidateBy(
    {
      name: 'isResetSchedule',
      validator: { validate: (value: unknown) => problem(value) === null, defaultMessage: (args) => problem(args?.value) ?? '' },
    },
    options,
  );
}

export class SubmitScoreDto {
  @ApiProperty({
    example: 'player_123',
    pattern: PLAYER_ID.source,
    description: 'Unknown ids are created (server key); a player session may only send its own',
  })
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE('player_id') })
  player_id: string;

  @ApiProperty({
    example: 15847,
    minimum: SCORE_MIN,
    maximum: SCORE_MAX,
    description: `The score (best, set) or the amount, 0 or more (increment, decrement): ${SCORE_RANGE}`,
  })
  @IsInt()
  @Min(SCORE_MIN)
  @Max(SCORE_MAX)
  score: number;

  @ApiPropertyOptional({
    example: 0,
    default: 0,
    minimum: SCORE_MIN,
    maximum: SCORE_MAX,
    description: 'Breaks ties on equal scores; combined with the same operator as score',
  })
  @IsOptional()
  @IsInt()
  @Min(SCORE_MIN)
  @Max(SCORE_MAX)
  subscore?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { character: 'mage', level: 12 },
    description: `Any JSON object, at most ${RECORD_METADATA_MAX_BYTES} bytes; stored when the submission changes the record (omitted: kept)`,
  })
  @IsOptional()
  @IsMetadata(RECORD_METADATA_MAX_BYTES)
  metadata?: JsonObject;

  /**
   * The global pipe's fast path (FastAccepting in apps/spawnpoint/src/http/validation.ts): a flat
   * `{player_id, score[, subscore]}` body that passes every rule above, as the instance
   * class-transformer would make of it. Anything else (metadata, null, any doubt) answers undefined
   * and takes the full validator.
   */
  static acceptValid(value: unknown): SubmitScoreDto | undefined {
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const body = value as Record<string, unknown>;
    const { player_id: playerId, score, subscore } = body;
    if (typeof playerId !== 'string' || !PLAYER_ID.test(playerId) || !isScore(score)) return undefined;
    if (Object.keys(body).length !== (subscore === undefined ? 2 : isScore(subscore) ? 3 : 0)) return undefined;
    return Object.assign(new SubmitScoreDto(), body);
  }

  static toSubmission(dto: SubmitScoreDto): ScoreSubmission {
    return { playerId: dto.player_id, score: dto.score, subscore: dto.subscore ?? undefined, metadata: dto.metadata ?? undefined };
  }
}

export class LeaderboardRecordDto {
  @ApiProperty({ example: 'weekly_kills' })
  leaderboard_id: string;
  @ApiProperty({ example: 1 })
  season: number;
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ example: 15847, description: 'The score after the operator was applied' })
  score: number;
  @ApiProperty({ example: 0 })
  subscore: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  metadata: JsonObject | null;
  @ApiProperty({ example: 3, description: 'Submissions this season, this one included' })
  submissions: number;
  @ApiProperty({ format: 'date-time', description: 'When the player first reached this score (ties: earlier ranks first)' })
  reached_at: string;
  @ApiProperty({ example: 42, description: '1-based rank in the current season' })
  rank: number;

  static from(r: RecordView): LeaderboardRecordDto {
    return {
      leaderboard_id: r.leaderboardId,
      season: r.season,
      player_id: r.playerId,
      score: r.score,
      subscore: r.subscore,
      metadata: r.metadata,
      submissions: r.submissions,
      reached_at: r.reachedAt.toISOString(),
      rank: r.rank,
    };
  }
}

export class LeaderboardQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page (opaque); not with `around`' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({
    example: 'player_123',
    description: 'A player id: the page of `limit` entries centred on that player (404 if it has no record)',
  })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE('around') })
  around?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'A past season (archived by a reset); the current one by default' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  season?: number;
}

export class RankQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'A past season; the current one by default' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  season?: number;

  /** The global pipe's fast path: no query parameters at all (the current season). */
  static acceptValid(value: unknown): RankQueryDto | undefined {
    return typeof value === 'object' && value !== null && Object.keys(value).length === 0 ? new RankQueryDto() : undefined;
  }
}

export class LeaderboardEntryDto {
  @ApiProperty({ example: 1 })
  rank: number;
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ example: 15847 })
  score: number;
  @ApiProperty({ example: 0 })
  subscore: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  metadata: JsonObject | null;

  static from(e: RankedEntry): LeaderboardEntryDto {
    return { rank: e.rank, player_id: e.playerId, score: e.score, subscore: e.subscore, metadata: e.metadata };
  }
}

export class LeaderboardPageDto {
  @ApiProperty({ example: 'weekly_kills' })
  leaderboard_id: string;
  @ApiProperty({ example: 1 })
  season: number;
  @ApiProperty({ type: [LeaderboardEntryDto], description: 'In rank order' })
  entries: LeaderboardEntryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the entries after this page; null on the last page' })
  next_cursor: string | null;

  static from(p: LeaderboardPage): LeaderboardPageDto {
    return {
      leaderboard_id: p.leaderboardId,
      season: p.season,
      entries: p.entries.map(LeaderboardEntryDto.from),
      next_cursor: p.nextCursor,
    };
  }
}

export class PlayerRankDto {
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ example: 15847 })
  score: number;
  @ApiProperty({ example: 0 })
  subscore: number;
  @ApiProperty({ example: 42, description: '1-based' })
  rank: number;
  @ApiProperty({ example: 1 })
  season: number;

  static from(r: PlayerRank): PlayerRankDto {
    return { player_id: r.playerId, score: r.score, subscore: r.subscore, rank: r.rank, season: r.season };
  }
}

export class ConfigureLeaderboardDto {
  @ApiPropertyOptional({
    enum: SORT_ORDERS,
    description: 'desc: higher scores rank first (default). Changes only while no season has records (409).',
  })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  sort_order?: SortOrder;

  @ApiPropertyOptional({
    enum: OPERATORS,
    description:
      'How a submission combines with the stored record: best (keep the better, default), set (replace), increment / decrement (add / subtract the amount). ' +
      'Changes only while the current season has no records (409).',
  })
  @IsOptional()
  @IsIn(OPERATORS)
  operator?: Operator;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'weekly',
    description: 'When seasons reset (UTC): a 5-field cron expression (`0 0 * * 1`) or daily, weekly (Monday 00:00), monthly. null: never.',
  })
  @IsOptional()
  @IsResetSchedule()
  reset_schedule?: string | null;

  @ApiPropertyOptional({ description: 'true: only server keys may submit scores (player sessions get 403)' })
  @IsOptional()
  @IsBoolean()
  authoritative?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `Any JSON object, at most ${LEADERBOARD_METADATA_MAX_BYTES} bytes`,
  })
  @IsOptional()
  @IsMetadata(LEADERBOARD_METADATA_MAX_BYTES)
  metadata?: JsonObject;

  static toChanges(dto: ConfigureLeaderboardDto): ConfigChanges {
    return {
      sortOrder: dto.sort_order,
      operator: dto.operator,
      // null is meaningful (never reset); only an absent field keeps the schedule.
      resetSchedule: dto.reset_schedule,
      authoritative: dto.authoritative,
      metadata: dto.metadata,
    };
  }
}

export class LeaderboardDto {
  @ApiProperty({ example: 'weekly_kills' })
  id: string;
  @ApiProperty({ enum: SORT_ORDERS })
  sort_order: SortOrder;
  @ApiProperty({ enum: OPERATORS })
  operator: Operator;
  @ApiProperty({ type: String, nullable: true, example: 'weekly' })
  reset_schedule: string | null;
  @ApiProperty()
  authoritative: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: JsonObject;
  @ApiProperty({ example: 1, description: 'The current season; each reset starts the next' })
  season: number;
  @ApiProperty({ format: 'date-time' })
  season_started_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the current season ends (null: never)' })
  next_reset_at: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(c: LeaderboardConfig): LeaderboardDto {
    return {
      id: c.id,
      sort_order: c.sortOrder,
      operator: c.operator,
      reset_schedule: c.resetSchedule,
      authoritative: c.authoritative,
      metadata: c.metadata,
      season: c.season,
      season_started_at: c.seasonStartedAt.toISOString(),
      next_reset_at: c.nextResetAt?.toISOString() ?? null,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }
}

export class ListLeaderboardsQueryDto {
  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(LEADERBOARD_ID, { message: 'cursor must be a leaderboard id' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class LeaderboardListDto {
  @ApiProperty({ type: [LeaderboardDto] })
  leaderboards: LeaderboardDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;
}

export const SEASONS_LIMIT_MAX = 100;

export class SeasonsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: SEASONS_LIMIT_MAX, default: 20, description: 'Seasons to return, the current one included' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(SEASONS_LIMIT_MAX)
  limit?: number;
}

export class SeasonDto {
  @ApiProperty({ example: 3 })
  season: number;
  @ApiProperty({ description: 'True for the season scores go to now' })
  current: boolean;
  @ApiProperty({ format: 'date-time' })
  started_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null for the current season' })
  ended_at: string | null;
  @ApiProperty({ example: 123, description: 'Players with a score in that season' })
  entries: number;

  static from(s: SeasonView): SeasonDto {
    return {
      season: s.season,
      current: s.current,
      started_at: s.startedAt.toISOString(),
      ended_at: s.endedAt?.toISOString() ?? null,
      entries: s.entries,
    };
  }
}

export class SeasonListDto {
  @ApiProperty({ type: [SeasonDto], description: 'Newest first: the current season, then the archived ones' })
  seasons: SeasonDto[];
}
