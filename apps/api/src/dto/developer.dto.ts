import { ApiProperty } from '@nestjs/swagger';
import type { DeveloperView } from '@spawnpoint/auth';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from './common.dto.js';

export class SignupDeveloperDto {
  @ApiProperty({ example: 'ada@studio.dev', maxLength: EMAIL_MAX })
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password: string;

  @ApiProperty({ example: 'Ada', minLength: 1, maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;
}

export class LoginDeveloperDto {
  @ApiProperty({ example: 'ada@studio.dev' })
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, PASSWORD_MAX)
  password: string;
}

export class DeveloperDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  email: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(d: DeveloperView): DeveloperDto {
    return { id: d.id, email: d.email, name: d.name, created_at: d.createdAt.toISOString() };
  }
}

export class DeveloperTokenDto {
  @ApiProperty({ description: 'Developer token for the dashboard endpoints: `Authorization: Bearer <token>`' })
  token: string;
}

export class SignupResponseDto extends DeveloperTokenDto {
  @ApiProperty({ type: DeveloperDto })
  developer: DeveloperDto;
}
