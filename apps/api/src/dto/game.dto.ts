import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiKeyView, GameView } from '@spawnpoint/auth';
import { USAGE_MINUTES_MAX, type UsagePoint } from '@spawnpoint/observability';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { NAME_MAX } from './common.dto.js';

export class CreateGameDto {
  @ApiProperty({ example: 'Space Raiders', minLength: 1, maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;
}

export class UpdateGameDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ description: 'Lifetime of player session tokens', minimum: 60, maximum: 86_400, default: 900 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(86_400)
  session_ttl_seconds?: number;

  @ApiPropertyOptional({ description: 'Lifetime of refresh tokens (sliding)', minimum: 3_600, maximum: 31_536_000, default: 2_592_000 })
  @IsOptional()
  @IsInt()
  @Min(3_600)
  @Max(31_536_000)
  refresh_ttl_seconds?: number;
}

export class GameDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  session_ttl_seconds: number;
  @ApiProperty()
  refresh_ttl_seconds: number;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(g: GameView): GameDto {
    return {
      id: g.id,
      name: g.name,
      session_ttl_seconds: g.sessionTtlSeconds,
      refresh_ttl_seconds: g.refreshTtlSeconds,
      created_at: g.createdAt.toISOString(),
    };
  }
}

export class GameListDto {
  @ApiProperty({ type: [GameDto] })
  games: GameDto[];
}

export const API_KEY_KINDS = ['server', 'client'] as const;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'game server (prod)', minLength: 1, maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiProperty({
    enum: API_KEY_KINDS,
    description:
      "`server`: full access to the game's data (keep it secret). `client`: can only create and refresh player sessions (ships in the game client).",
  })
  @IsIn(API_KEY_KINDS)
  kind: (typeof API_KEY_KINDS)[number];
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ enum: API_KEY_KINDS })
  kind: string;
  @ApiProperty({ example: 'sp_sk_Zx81kQ2a', description: 'The first characters of the key, to tell keys apart' })
  prefix: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  last_used_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revoked_at: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(k: ApiKeyView): ApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      kind: k.kind,
      prefix: k.prefix,
      last_used_at: k.lastUsedAt?.toISOString() ?? null,
      revoked_at: k.revokedAt?.toISOString() ?? null,
      created_at: k.createdAt.toISOString(),
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'sp_sk_Zx81kQ2a…', description: 'The whole key. Shown only in this response: store it now.' })
  key: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  keys: ApiKeyDto[];
}

export class UsageQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: USAGE_MINUTES_MAX,
    default: 60,
    description: 'How many minutes back, the current one included',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(USAGE_MINUTES_MAX)
  minutes?: number;
}

export class UsagePointDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the minute' })
  at: string;
  @ApiProperty({ example: 120, description: 'REST requests made with the game’s keys, sessions or as its developer' })
  requests: number;
  @ApiProperty({ example: 3, description: 'Of those, answered 4xx' })
  client_errors: number;
  @ApiProperty({ example: 0, description: 'Of those, answered 5xx' })
  server_errors: number;
  @ApiProperty({ example: 12, description: 'Most realtime players connected at once in that minute (sampled every few seconds)' })
  connected_players: number;

  static from(p: UsagePoint): UsagePointDto {
    return {
      at: p.at.toISOString(),
      requests: p.requests,
      client_errors: p.clientErrors,
      server_errors: p.serverErrors,
      connected_players: p.connectedPlayers,
    };
  }
}

export class UsageDto {
  @ApiProperty({ example: 60 })
  interval_seconds: number;
  @ApiProperty({ type: [UsagePointDto], description: 'One per minute, oldest first; minutes without traffic are zeros' })
  points: UsagePointDto[];
}
