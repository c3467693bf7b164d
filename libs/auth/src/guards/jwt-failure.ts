import { AppError, ErrorCode } from '@spawnpoint/shared';

/** Turns passport-jwt's failure `info` into our stable codes. */
export function jwtFailure(error: unknown, info: unknown): AppError {
  if (error instanceof AppError) return error;
  const name = (info as Error | undefined)?.name;
  if (name === 'TokenExpiredError') return new AppError(ErrorCode.TokenExpired, 'The token has expired');
  if (info instanceof Error && info.message === 'No auth token') {
    return new AppError(ErrorCode.Unauthorized, 'Authentication required');
  }
  return new AppError(ErrorCode.InvalidToken, 'The token is not valid');
}
