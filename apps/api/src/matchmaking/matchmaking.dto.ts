import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DEFAULT_MODE_RULES,
  GAME_MODE_PATTERN,
  MAX_WAIT_SECONDS,
  MODE_LIMITS,
  PROPERTY_NAME_PATTERN,
  REGION_PATTERN,
  REGION_POLICIES,
  TIMEOUT_ACTIONS,
  RECENT_MATCHES_MAX,
  type MatchRecord,
  type ModeRules,
  type ModeStats,
  type QueueRequest,
  type RegionPolicy,
  type TicketStatus,
  type TicketView,
  type TimeoutAction,
} from '@spawnpoint/matchmaking';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { PLAYER_ID } from '../dto/player.dto.js';

const NAME_MESSAGE = 'must be 1-64 letters, digits, _ . or -';
const PROPERTY_STRING_MAX = 64;

/** A plain object of at most `maxKeys` entries whose keys match `keyPattern` and values pass `valueOk`. */
function IsRecordOf(keyPattern: RegExp, maxKeys: number, valueOk: (value: unknown) => boolean, what: string, options?: ValidationOptions) {
  return (target: object, propertyName: string): void =>
    registerDecorator({
      name: 'isRecordOf',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an object of at most ${maxKeys} ${what}`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return entries.length <= maxKeys && entries.every(([key, v]) => keyPattern.test(key) && valueOk(v));
        },
      },
    });
}

const isPropertyValue = (v: unknown): boolean =>
  (typeof v === 'string' && v.length <= PROPERTY_STRING_MAX) || (typeof v === 'number' && Number.isFinite(v));
const isRegionList = (v: unknown): boolean =>
  Array.isArray(v) && v.length <= 16 && v.every((r) => typeof r === 'string' && REGION_PATTERN.test(r));

export class QueueTicketDto {
  @ApiProperty({ example: 'player_123', pattern: PLAYER_ID.source, description: "With a player session: must be the session's own id" })
  @IsString()
  @Matches(PLAYER_ID, { message: 'player_id must be 1-128 letters, digits, _ . : @ or -' })
  player_id: string;

  @ApiProperty({
    example: 1850,
    minimum: 0,
    maximum: MODE_LIMITS.skillMax,
    description: 'For a party leader: the rating of the whole party',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MODE_LIMITS.skillMax)
  skill_rating: number;

  @ApiProperty({ example: 'ranked', pattern: GAME_MODE_PATTERN.source })
  @IsString()
  @Matches(GAME_MODE_PATTERN, { message: `game_mode ${NAME_MESSAGE}` })
  game_mode: string;

  @ApiProperty({ example: 'us-east', pattern: REGION_PATTERN.source })
  @IsString()
  @Matches(REGION_PATTERN, { message: `region ${NAME_MESSAGE}` })
  region: string;

  @ApiPropertyOptional({
    description: `Custom properties the mode's rules may require to match: up to ${MODE_LIMITS.propertiesMax}, strings ≤ ${PROPERTY_STRING_MAX} chars or numbers`,
    example: { map: 'dust', level: 12 },
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
  })
  @IsOptional()
  @IsRecordOf(PROPERTY_NAME_PATTERN, MODE_LIMITS.propertiesMax, isPropertyValue, 'named strings (≤ 64 chars) or numbers')
  properties?: Record<string, string | number>;

  static toRequest(body: QueueTicketDto): QueueRequest {
    return {
      playerId: body.player_id,
      skill: body.skill_rating,
      mode: body.game_mode,
      region: body.region,
      properties: body.properties ?? {},
    };
  }
}

export class QueueQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_WAIT_SECONDS,
    description: 'Long poll: wait up to this many seconds for a match',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_WAIT_SECONDS)
  wait?: number;
}

export class TicketPlayerDto {
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ example: 1850 })
  skill_rating: number;
}

export class MatchDto {
  @ApiProperty({ format: 'uuid' })
  match_id: string;
  @ApiProperty({
    example: 'world_5b1c0f9e-8a51-4a4f-9d33-7f3e2f0b9d1a',
    description: 'The world the match is played in (worlds are hosted in a later release)',
  })
  world_id: string;
  @ApiProperty({ example: 'ranked' })
  game_mode: string;
  @ApiProperty({ example: 'us-east' })
  region: string;
  @ApiProperty({ type: [String], example: ['player_123', 'player_456'] })
  players: string[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } }, example: [['player_123'], ['player_456']] })
  teams: string[][];
  @ApiProperty({ example: 'localhost:8500', description: 'host:port the players connect to' })
  server: string;
  @ApiProperty({ example: 50, description: 'Highest minus lowest skill rating in the match' })
  skill_spread: number;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(m: MatchRecord): MatchDto {
    return {
      match_id: m.id,
      world_id: m.worldId,
      game_mode: m.mode,
      region: m.region,
      players: m.teams.flat(),
      teams: m.teams,
      server: m.server,
      skill_spread: m.skillSpread,
      created_at: m.createdAt.toISOString(),
    };
  }
}

export class TicketDto {
  @ApiProperty({ format: 'uuid' })
  ticket_id: string;
  @ApiProperty({ enum: ['queued', 'matched', 'cancelled', 'expired'] })
  status: TicketStatus;
  @ApiProperty({ example: 'ranked' })
  game_mode: string;
  @ApiProperty({ example: 'us-east' })
  region: string;
  @ApiProperty({ type: [TicketPlayerDto], description: 'One player, or every member of a queued party' })
  players: TicketPlayerDto[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  party_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] } })
  properties: Record<string, string | number>;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time', description: 'When the ticket expires (or is partially matched) if not matched before' })
  expires_at: string;
  @ApiProperty({ type: MatchDto, nullable: true, description: 'Set once matched' })
  match: MatchDto | null;

  static from(t: TicketView): TicketDto {
    return {
      ticket_id: t.id,
      status: t.status,
      game_mode: t.mode,
      region: t.region,
      players: t.players.map((p) => ({ player_id: p.playerId, skill_rating: p.skill })),
      party_id: t.partyId,
      properties: t.properties,
      created_at: t.createdAt.toISOString(),
      expires_at: t.expiresAt.toISOString(),
      match: t.match ? MatchDto.from(t.match) : null,
    };
  }
}

const D = DEFAULT_MODE_RULES;

export class SkillWindowDto {
  @ApiProperty({
    minimum: 0,
    maximum: MODE_LIMITS.skillMax,
    example: D.skillWindow.initial,
    description: 'Skill distance accepted at once',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MODE_LIMITS.skillMax)
  initial: number;

  @ApiProperty({ minimum: 0, maximum: MODE_LIMITS.skillMax, example: D.skillWindow.perSecond, description: 'Added per second of waiting' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MODE_LIMITS.skillMax)
  per_second: number;

  @ApiProperty({ minimum: 0, maximum: MODE_LIMITS.skillMax, example: D.skillWindow.max, description: 'The window never grows past this' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MODE_LIMITS.skillMax)
  max: number;
}

export class RegionRuleDto {
  @ApiProperty({
    enum: REGION_POLICIES,
    example: 'neighbours',
    description: '`strict`: own region only; `neighbours`: also the listed regions after `after_seconds`',
  })
  @IsIn(REGION_POLICIES)
  policy: RegionPolicy;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MODE_LIMITS.maxWaitSecondsMax, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MODE_LIMITS.maxWaitSecondsMax)
  after_seconds?: number;

  @ApiPropertyOptional({
    description: 'Region → regions it may widen to (up to 16 each)',
    example: { 'us-east': ['us-west'], 'us-west': ['us-east'] },
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  @IsOptional()
  @IsRecordOf(REGION_PATTERN, 64, isRegionList, 'region names mapped to lists of region names')
  neighbours?: Record<string, string[]>;
}

export class NumericPropertyDto {
  @ApiProperty({ example: 'level', pattern: PROPERTY_NAME_PATTERN.source })
  @IsString()
  @Matches(PROPERTY_NAME_PATTERN, { message: `name ${NAME_MESSAGE}` })
  name: string;

  @ApiProperty({ minimum: 0, example: 5, description: 'Largest accepted difference between any two tickets of a match' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  tolerance: number;
}

/** Rules of one mode. Every field is optional: a missing one takes its default. */
export class PutModeDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MODE_LIMITS.playersMax, default: D.minPlayers })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MODE_LIMITS.playersMax)
  min_players?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MODE_LIMITS.playersMax, default: D.maxPlayers })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MODE_LIMITS.playersMax)
  max_players?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MODE_LIMITS.teamsMax, default: D.teams })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MODE_LIMITS.teamsMax)
  teams?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MODE_LIMITS.teamSizeMax, default: D.teamSize })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MODE_LIMITS.teamSizeMax)
  team_size?: number;

  @ApiPropertyOptional({ type: SkillWindowDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SkillWindowDto)
  skill_window?: SkillWindowDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MODE_LIMITS.maxWaitSecondsMax, default: D.maxWaitSeconds })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MODE_LIMITS.maxWaitSecondsMax)
  max_wait_seconds?: number;

  @ApiPropertyOptional({
    enum: TIMEOUT_ACTIONS,
    default: D.onTimeout,
    description: '`partial`: match what is there if ≥ min_players; `expire`: end the ticket',
  })
  @IsOptional()
  @IsIn(TIMEOUT_ACTIONS)
  on_timeout?: TimeoutAction;

  @ApiPropertyOptional({ type: RegionRuleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RegionRuleDto)
  region?: RegionRuleDto;

  @ApiPropertyOptional({ type: [String], description: 'Ticket properties that must be equal within a match', example: ['map'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MODE_LIMITS.propertiesMax)
  @Matches(PROPERTY_NAME_PATTERN, { each: true, message: `each string property ${NAME_MESSAGE}` })
  string_properties?: string[];

  @ApiPropertyOptional({ type: [NumericPropertyDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MODE_LIMITS.propertiesMax)
  @ValidateNested({ each: true })
  @Type(() => NumericPropertyDto)
  numeric_properties?: NumericPropertyDto[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MODE_LIMITS.seatReservationSecondsMax, default: D.seatReservationSeconds })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MODE_LIMITS.seatReservationSecondsMax)
  seat_reservation_seconds?: number;

  static toRules(body: PutModeDto): ModeRules {
    return {
      minPlayers: body.min_players ?? D.minPlayers,
      maxPlayers: body.max_players ?? D.maxPlayers,
      teams: body.teams ?? D.teams,
      teamSize: body.team_size ?? D.teamSize,
      skillWindow: body.skill_window
        ? { initial: body.skill_window.initial, perSecond: body.skill_window.per_second, max: body.skill_window.max }
        : D.skillWindow,
      maxWaitSeconds: body.max_wait_seconds ?? D.maxWaitSeconds,
      onTimeout: body.on_timeout ?? D.onTimeout,
      region: body.region
        ? { policy: body.region.policy, afterSeconds: body.region.after_seconds ?? 0, neighbours: body.region.neighbours ?? {} }
        : D.region,
      stringProperties: body.string_properties ?? D.stringProperties,
      numericProperties: body.numeric_properties?.map((p) => ({ name: p.name, tolerance: p.tolerance })) ?? D.numericProperties,
      seatReservationSeconds: body.seat_reservation_seconds ?? D.seatReservationSeconds,
    };
  }
}

export class ModeDto {
  @ApiProperty({ example: 'ranked' })
  game_mode: string;
  @ApiProperty({ type: 'integer' })
  min_players: number;
  @ApiProperty({ type: 'integer' })
  max_players: number;
  @ApiProperty({ type: 'integer' })
  teams: number;
  @ApiProperty({ type: 'integer' })
  team_size: number;
  @ApiProperty({ type: SkillWindowDto })
  skill_window: SkillWindowDto;
  @ApiProperty({ type: 'integer' })
  max_wait_seconds: number;
  @ApiProperty({ enum: TIMEOUT_ACTIONS })
  on_timeout: TimeoutAction;
  @ApiProperty({ type: RegionRuleDto })
  region: RegionRuleDto;
  @ApiProperty({ type: [String] })
  string_properties: string[];
  @ApiProperty({ type: [NumericPropertyDto] })
  numeric_properties: NumericPropertyDto[];
  @ApiProperty({ type: 'integer' })
  seat_reservation_seconds: number;

  static from(mode: string, r: ModeRules): ModeDto {
    return {
      game_mode: mode,
      min_players: r.minPlayers,
      max_players: r.maxPlayers,
      teams: r.teams,
      team_size: r.teamSize,
      skill_window: { initial: r.skillWindow.initial, per_second: r.skillWindow.perSecond, max: r.skillWindow.max },
      max_wait_seconds: r.maxWaitSeconds,
      on_timeout: r.onTimeout,
      region: { policy: r.region.policy, after_seconds: r.region.afterSeconds, neighbours: r.region.neighbours },
      string_properties: r.stringProperties,
      numeric_properties: r.numericProperties.map((p) => ({ name: p.name, tolerance: p.tolerance })),
      seat_reservation_seconds: r.seatReservationSeconds,
    };
  }
}

export class ModeStatsDto {
  @ApiProperty({ example: 'ranked' })
  game_mode: string;
  @ApiProperty({ example: 12, description: 'Tickets waiting now' })
  queued: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 800,
    description: 'Median wait of the tickets matched in the last hour; null when none',
  })
  wait_p50_ms: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 4000, description: '95th percentile of the same waits; null when none' })
  wait_p95_ms: number | null;
  @ApiProperty({ example: 4, description: 'Matches formed in the last hour' })
  matches_last_hour: number;

  static from(s: ModeStats): ModeStatsDto {
    return { game_mode: s.mode, queued: s.queued, wait_p50_ms: s.waitP50Ms, wait_p95_ms: s.waitP95Ms, matches_last_hour: s.matches };
  }
}

export class MatchmakingStatsDto {
  @ApiProperty({ type: [ModeStatsDto], description: 'Configured modes and modes with tickets or matches, by name' })
  modes: ModeStatsDto[];
}

export class ListMatchesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: RECENT_MATCHES_MAX, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(RECENT_MATCHES_MAX)
  limit?: number;

  @ApiPropertyOptional({ example: 'ranked', pattern: GAME_MODE_PATTERN.source, description: 'Only matches of this mode' })
  @IsOptional()
  @IsString()
  @Matches(GAME_MODE_PATTERN, { message: `game_mode ${NAME_MESSAGE}` })
  game_mode?: string;
}

export class MatchListDto {
  @ApiProperty({ type: [MatchDto], description: 'Newest first' })
  matches: MatchDto[];
}
