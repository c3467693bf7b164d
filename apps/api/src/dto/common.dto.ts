import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@spawnpoint/shared';

export class ErrorDetailDto {
  @ApiPropertyOptional({ example: 'email' })
  field?: string;
  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

export class ErrorPayloadDto {
  @ApiProperty({ enum: Object.values(ErrorCode), example: ErrorCode.ValidationFailed })
  code: string;
  @ApiProperty({ example: 'The request is not valid' })
  message: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];
  @ApiProperty({ example: 'req-1' })
  request_id: string;
}

/** The body of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ type: ErrorPayloadDto })
  error: ErrorPayloadDto;
}

export const EMAIL_MAX = 254;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;
