import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../dto/common.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (`validation_failed` with field details, or `invalid_json`)',
  401: 'Missing, invalid, expired or revoked credentials',
  403: 'The caller is authenticated but not allowed here',
  404: 'Not found (also for another game\'s ids)',
  409: 'Conflicts with existing state',
  413: 'Body over the documented limit (BODY_LIMIT_BYTES, default 1 MiB)',
  429: 'Rate limited; see Retry-After',
};

/** Documents the error responses a route can give, all in the one error shape. */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...[...statuses, 429].map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto })),
  );
}
