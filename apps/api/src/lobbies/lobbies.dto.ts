import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  LOBBY_CODE_ALPHABET,
  LOBBY_CURSOR_PATTERN,
  LOBBY_LIMITS,
  LOBBY_MODE_PATTERN,
  lobbyPayload,
  type LobbyRecord,
  type LobbyStart,
} from '@spawnpoint/lobbies';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ActingPlayerDto, PLAYER_ID } from '../dto/player.dto.js';

const PLAYER_ID_MESSAGE = 'player_id must be 1-128 letters, digits, _ . : @ or -';

export class CreateLobbyDto {
  @ApiProperty({ example: "Alice's Party", minLength: 1, maxLength: LOBBY_LIMITS.nameMax })
  @IsString()
  @Length(1, LOBBY_LIMITS.nameMax)
  name: string;

  @ApiProperty({ type: 'integer', example: 4, minimum: LOBBY_LIMITS.playersMin, maximum: LOBBY_LIMITS.playersMax })
  @IsInt()
  @Min(LOBBY_LIMITS.playersMin)
  @Max(LOBBY_LIMITS.playersMax)
  max_players: number;

  @ApiProperty({ example: 'co-op', pattern: LOBBY_MODE_PATTERN.source })
  @IsString()
  @Matches(LOBBY_MODE_PATTERN, { message: 'game_mode must be 1-32 letters, digits, _ . or -' })
  game_mode: string;

  @ApiPropertyOptional({ default: false, description: 'A private lobby is never listed: players join it only by its code' })
  @IsOptional()
  @IsBoolean()
  private?: boolean;

  @ApiPropertyOptional({
    example: 'player_123',
    pattern: PLAYER_ID.source,
    description:
      'Server keys: the creating player, who becomes the leader (an unknown id creates the player). Without it the lobby starts ' +
      'empty and leaderless, owned by the game server. A player session is always the creator (only its own id is accepted).',
  })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE })
  player_id?: string;

  @ApiPropertyOptional({
    example: 'Alice',
    minLength: 1,
    maxLength: LOBBY_LIMITS.nameMax,
    description: "Server keys: the creator's name in the lobby (default: display name, username or id)",
  })
  @IsOptional()
  @IsString()
  @Length(1, LOBBY_LIMITS.nameMax)
  player_name?: string;
}

export class JoinLobbyDto {
  @ApiPropertyOptional({
    example: 'player_456',
    pattern: PLAYER_ID.source,
    description: 'Server keys: who joins. A player session joins itself (send no body)',
  })
  @IsOptional()
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE })
  player_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Join a whole party at once (server keys, or the party leader); all members join or none',
  })
  @IsOptional()
  @IsUUID('all', { message: 'party_id must be a UUID' })
  party_id?: string;
}

export class ReadyDto extends ActingPlayerDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  ready: boolean;
}

export class KickDto {
  @ApiProperty({ example: 'player_456', pattern: PLAYER_ID.source, description: 'The member to remove' })
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE })
  player_id: string;
}

export class ListLobbiesQueryDto {
  @ApiPropertyOptional({ example: 'co-op', pattern: LOBBY_MODE_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(LOBBY_MODE_PATTERN, { message: 'game_mode must be 1-32 letters, digits, _ . or -' })
  game_mode?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'true: only unlocked lobbies with a free seat' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'has_space must be true or false' })
  has_space?: 'true' | 'false';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: LOBBY_LIMITS.listMax, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LOBBY_LIMITS.listMax)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page', pattern: LOBBY_CURSOR_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(LOBBY_CURSOR_PATTERN, { message: 'cursor must be a next_cursor from a previous page' })
  cursor?: string;
}

export class LobbyPlayerDto {
  @ApiProperty({ example: 'player_123' })
  id: string;
  @ApiProperty({ example: 'Alice', description: 'Display name, else username, else id (or the player_name a server key gave)' })
  name: string;
  @ApiProperty({ example: false })
  ready: boolean;
}

export class LobbyDto {
  @ApiProperty({ format: 'uuid' })
  lobby_id: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'ABC123',
    description: `6 characters of ${LOBBY_CODE_ALPHABET}, case-insensitive; null once the lobby started or closed (the code is then free)`,
  })
  code: string | null;
  @ApiProperty({ example: "Alice's Party" })
  name: string;
  @ApiProperty({ example: 'co-op' })
  game_mode: string;
  @ApiProperty({ type: 'integer', example: 4 })
  max_players: number;
  @ApiProperty()
  private: boolean;
  @ApiProperty({ description: 'A locked lobby refuses joins' })
  locked: boolean;
  @ApiProperty({ enum: ['open', 'started', 'closed'] })
  status: 'open' | 'started' | 'closed';
  @ApiProperty({ type: String, nullable: true, example: 'player_123', description: 'Null for a lobby owned by the game server' })
  leader_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Set when the lobby starts: `world_<uuid>`' })
  world_id: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ type: [LobbyPlayerDto], description: 'Longest-present first' })
  players: LobbyPlayerDto[];

  static from(lobby: LobbyRecord): LobbyDto {
    return lobbyPayload(lobby);
  }
}

export class LobbyPageDto {
  @ApiProperty({ type: [LobbyDto], description: 'Open public lobbies, newest first' })
  lobbies: LobbyDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;

  static from(page: { lobbies: LobbyRecord[]; next: string | null }): LobbyPageDto {
    return { lobbies: page.lobbies.map(LobbyDto.from), next_cursor: page.next };
  }
}

export class SeatPlayerDto {
  @ApiProperty({ example: 'player_123' })
  id: string;
  @ApiProperty({ example: 'Alice' })
  name: string;
}

export class LobbyStartDto {
  @ApiProperty({ format: 'uuid' })
  lobby_id: string;
  @ApiProperty({ example: 'world_6f1c2b9e-0d3a-4c55-9b1e-2a7d8f3c4b10' })
  world_id: string;
  @ApiProperty({ example: 'localhost:8500', description: 'host:port to connect to (this deployment until dedicated world servers exist)' })
  server: string;
  @ApiProperty({ type: [SeatPlayerDto], description: 'Every member, each holding a seat in the world' })
  players: SeatPlayerDto[];

  static from(start: LobbyStart): LobbyStartDto {
    return { lobby_id: start.lobbyId, world_id: start.worldId, server: start.server, players: start.players };
  }
}
