import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PARTY_SIZE_DEFAULT, PARTY_SIZE_MAX, PARTY_SIZE_MIN, partyPayload, type PartyView, type ReceivedInvite } from '@spawnpoint/parties';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ActingPlayerDto, PLAYER_ID } from '../dto/player.dto.js';

const PLAYER_ID_MESSAGE = 'player_id must be 1-128 letters, digits, _ . : @ or -';

export class CreatePartyDto extends ActingPlayerDto {
  @ApiPropertyOptional({ type: 'integer', minimum: PARTY_SIZE_MIN, maximum: PARTY_SIZE_MAX, default: PARTY_SIZE_DEFAULT })
  @IsOptional()
  @IsInt()
  @Min(PARTY_SIZE_MIN)
  @Max(PARTY_SIZE_MAX)
  max_size?: number;
}

/** The player a leader acts on (invitee, kicked member, new leader). */
export class TargetPlayerDto {
  @ApiProperty({ example: 'player_456', pattern: PLAYER_ID.source })
  @IsString()
  @Matches(PLAYER_ID, { message: PLAYER_ID_MESSAGE })
  player_id: string;
}

export class PartyMemberDto {
  @ApiProperty({ example: 'player_123' })
  player_id: string;
  @ApiProperty({ type: String, nullable: true, example: 'Ada', description: 'Display name, else username, else null' })
  name: string | null;
  @ApiProperty({ format: 'date-time' })
  joined_at: string;
}

export class PartyInviteDto {
  @ApiProperty({ example: 'player_456', description: 'The invited player' })
  player_id: string;
  @ApiProperty({ example: 'player_123' })
  invited_by: string;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}

export class PartyDto {
  @ApiProperty({ format: 'uuid' })
  party_id: string;
  @ApiProperty({ example: 'player_123' })
  leader_id: string;
  @ApiProperty({ type: 'integer', minimum: PARTY_SIZE_MIN, maximum: PARTY_SIZE_MAX, example: PARTY_SIZE_DEFAULT })
  max_size: number;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ type: [PartyMemberDto], description: 'Longest-present first' })
  members: PartyMemberDto[];
  @ApiProperty({ type: [PartyInviteDto], description: 'Pending (unexpired) invites, oldest first' })
  invites: PartyInviteDto[];

  static from(party: PartyView): PartyDto {
    return partyPayload(party);
  }
}

export class ReceivedInviteDto {
  @ApiProperty({ format: 'uuid' })
  party_id: string;
  @ApiProperty({ example: 'player_123' })
  leader_id: string;
  @ApiProperty({ example: 'player_123' })
  invited_by: string;
  @ApiProperty({ type: 'integer', example: 2 })
  member_count: number;
  @ApiProperty({ type: 'integer', example: PARTY_SIZE_DEFAULT })
  max_size: number;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time' })
  expires_at: string;

  static from(i: ReceivedInvite): ReceivedInviteDto {
    return {
      party_id: i.partyId,
      leader_id: i.leaderId,
      invited_by: i.invitedBy,
      member_count: i.memberCount,
      max_size: i.maxSize,
      created_at: i.createdAt.toISOString(),
      expires_at: i.expiresAt.toISOString(),
    };
  }
}

export class ReceivedInviteListDto {
  @ApiProperty({ type: [ReceivedInviteDto], description: 'Unexpired invites, oldest first (at most 100)' })
  invites: ReceivedInviteDto[];
}
