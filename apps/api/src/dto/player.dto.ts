import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IssuedSession, SessionView } from '@spawnpoint/auth';
import type { PlayerView, SignedIn } from '@spawnpoint/players';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from './common.dto.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const DEVICE_ID = /^[A-Za-z0-9_.:-]{6,128}$/;
/** Custom ids become player ids, so they share one syntax (safe in URLs and logs). */
export const PLAYER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

class UsernameField {
  @ApiPropertyOptional({ example: 'ada_l', pattern: USERNAME.source, description: 'Unique within the game' })
  @IsOptional()
  @IsString()
  @Matches(USERNAME, { message: 'username must be 3-32 letters, digits, _ . or -' })
  username?: string;
}

export class DeviceAuthDto extends UsernameField {
  @ApiProperty({ example: 'a3f1c9e2-device-7781', pattern: DEVICE_ID.source })
  @IsString()
  @Matches(DEVICE_ID, { message: 'device_id must be 6-128 letters, digits, _ . : or -' })
  device_id: string;
}

export class CustomAuthDto extends UsernameField {
  @ApiProperty({ example: 'player_123', pattern: PLAYER_ID.source, description: 'Your own id for the player; it becomes the player id' })
  @IsString()
  @Matches(PLAYER_ID, { message: 'custom_id must be 1-128 letters, digits, _ . : @ or -' })
  custom_id: string;
}

export class EmailSignupDto extends UsernameField {
  @ApiProperty({ example: 'player@example.com' })
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password: string;
}

export class EmailLoginDto {
  @ApiProperty({ example: 'player@example.com' })
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX)
  password: string;
}

export class LinkEmailDto extends EmailLoginDto {
  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  declare password: string;
}

export class LinkDeviceDto {
  @ApiProperty({ pattern: DEVICE_ID.source })
  @IsString()
  @Matches(DEVICE_ID, { message: 'device_id must be 6-128 letters, digits, _ . : or -' })
  device_id: string;
}

export class RefreshDto {
  @ApiProperty({ example: 'sp_rt_…' })
  @IsString()
  @Length(1, 256)
  refresh_token: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'With a client key: the refresh token of the session to end. With a session token: not needed.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  refresh_token?: string;
}

/**
 * The player a call acts for: required with a server key where a route needs one; a player
 * session may omit it or send only its own id. One class, so OpenAPI has one schema of that name.
 */
export class ActingPlayerDto {
  @ApiPropertyOptional({
    example: 'player_123',
    pattern: PLAYER_ID.source,
    description: 'Required with a server key (the player it acts for); a player session may omit it or send only its own id',
  })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: 'player_id must be 1-128 letters, digits, _ . : @ or -' })
  player_id?: string;
}

export class UpdatePlayerDto {
  @ApiPropertyOptional({ pattern: USERNAME.source })
  @IsOptional()
  @IsString()
  @Matches(USERNAME, { message: 'username must be 3-32 letters, digits, _ . or -' })
  username?: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  display_name?: string;
}

export class ListPlayersQueryDto {
  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Prefix of a player id or username, any case' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  query?: string;

  @ApiPropertyOptional({ description: 'The same as `query` (its earlier name)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  q?: string;
}

export class PlayerDto {
  @ApiProperty({ example: 'p_Jx7…', description: 'Generated (`p_…`) for device and email sign-ups; your `custom_id` for custom auth' })
  id: string;
  @ApiProperty({ nullable: true, type: String })
  username: string | null;
  @ApiProperty({ nullable: true, type: String })
  display_name: string | null;
  @ApiProperty({ nullable: true, type: String })
  email: string | null;
  @ApiProperty({ description: 'No email linked yet' })
  anonymous: boolean;
  @ApiProperty()
  banned: boolean;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  last_seen_at: string | null;

  static from(p: PlayerView): PlayerDto {
    return {
      id: p.id,
      username: p.username,
      display_name: p.displayName,
      email: p.email,
      anonymous: p.anonymous,
      banned: p.banned,
      created_at: p.createdAt.toISOString(),
      last_seen_at: p.lastSeenAt?.toISOString() ?? null,
    };
  }
}

export class PlayerListDto {
  @ApiProperty({ type: [PlayerDto] })
  players: PlayerDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;
}

export class TokenPairDto {
  @ApiProperty({ description: 'Short-lived JWT: `Authorization: Bearer <session_token>`' })
  session_token: string;
  @ApiProperty({ description: 'Opaque, single-use: trade it at POST /auth/refresh for a new pair' })
  refresh_token: string;
  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';
  @ApiProperty({ description: 'Seconds until session_token expires', example: 900 })
  expires_in: number;
  @ApiProperty({ format: 'date-time' })
  refresh_expires_at: string;

  static from(s: IssuedSession): TokenPairDto {
    return {
      session_token: s.sessionToken,
      refresh_token: s.refreshToken,
      token_type: 'Bearer',
      expires_in: s.expiresIn,
      refresh_expires_at: s.refreshExpiresAt.toISOString(),
    };
  }
}

export class SessionDto extends TokenPairDto {
  @ApiProperty({ type: PlayerDto })
  player: PlayerDto;
  @ApiProperty({ description: 'True when this call created the player' })
  created: boolean;

  static override from(s: SignedIn): SessionDto {
    return { ...TokenPairDto.from(s), player: PlayerDto.from(s.player), created: s.created };
  }
}

export class RefreshedDto extends TokenPairDto {
  @ApiProperty()
  player_id: string;
}

export class PlayerSessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  refreshed_at: string | null;
  @ApiProperty({ format: 'date-time' })
  expires_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revoked_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'logout' })
  revoked_reason: string | null;
  @ApiProperty({ nullable: true, type: String })
  user_agent: string | null;
  @ApiProperty({ nullable: true, type: String })
  ip: string | null;

  static from(s: SessionView): PlayerSessionDto {
    return {
      id: s.id,
      created_at: s.createdAt.toISOString(),
      refreshed_at: s.refreshedAt?.toISOString() ?? null,
      expires_at: s.expiresAt.toISOString(),
      revoked_at: s.revokedAt?.toISOString() ?? null,
      revoked_reason: s.revokedReason,
      user_agent: s.userAgent,
      ip: s.ip,
    };
  }
}

export class PlayerSessionListDto {
  @ApiProperty({ type: [PlayerSessionDto] })
  sessions: PlayerSessionDto[];
}
