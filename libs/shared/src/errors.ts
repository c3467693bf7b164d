// The one table of error codes. Services throw `AppError` with a code; only the transports
// (HTTP exception filter, socket acknowledgements) turn a code into a status or a close reason.

export const ErrorCode = {
  ValidationFailed: 'validation_failed',
  InvalidJson: 'invalid_json',
  UnsupportedMediaType: 'unsupported_media_type',
  PayloadTooLarge: 'payload_too_large',
  Unauthorized: 'unauthorized',
  InvalidCredentials: 'invalid_credentials',
  InvalidApiKey: 'invalid_api_key',
  InvalidToken: 'invalid_token',
  TokenExpired: 'token_expired',
  SessionRevoked: 'session_revoked',
  RefreshTokenReused: 'refresh_token_reused',
  Forbidden: 'forbidden',
  PlayerBanned: 'player_banned',
  NotFound: 'not_found',
  RouteNotFound: 'route_not_found',
  UnknownEvent: 'unknown_event',
  Conflict: 'conflict',
  EmailTaken: 'email_taken',
  UsernameTaken: 'username_taken',
  PlayerIdTaken: 'player_id_taken',
  AlreadyLinked: 'already_linked',
  PreconditionFailed: 'precondition_failed',
  InsufficientBalance: 'insufficient_balance',
  IdempotencyKeyReused: 'idempotency_key_reused',
  RateLimited: 'rate_limited',
  Internal: 'internal_error',
  Unavailable: 'service_unavailable',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_api_key: 401,
  invalid_token: 401,
  token_expired: 401,
  session_revoked: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  player_banned: 403,
  not_found: 404,
  route_not_found: 404,
  unknown_event: 400,
  conflict: 409,
  email_taken: 409,
  username_taken: 409,
  player_id_taken: 409,
  already_linked: 409,
  precondition_failed: 412,
  insufficient_balance: 409,
  idempotency_key_reused: 409,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

export interface ErrorDetail {
  field?: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra response headers, e.g. Retry-After for rate limits. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

export class NotFoundError extends AppError {
  /** Also used for another tenant's ids: existence is never revealed across games. */
  constructor(what: string) {
    super(ErrorCode.NotFound, `${what} not found`);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many requests') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(ErrorCode.RateLimited, `${message}; retry after ${seconds}s`, undefined, { 'retry-after': String(seconds) });
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: ErrorDetail[];
    request_id: string;
  };
}
