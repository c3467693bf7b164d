import type { ErrorCode } from '../../shared/src/errors.js';

/** One entry of `details`: which field and what is wrong with it (`validation_failed`). */
export interface SpawnpointErrorDetail {
  field?: string;
  message: string;
}

/**
 * Every failure the SDK reports: a REST error response, a refused realtime request or handshake.
 * `code` is the platform's stable error code (README, Errors) — branch on it, never on `message`.
 */
export class SpawnpointError extends Error {
  override readonly name = 'SpawnpointError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The HTTP status; null for realtime errors. */
    readonly status: number | null = null,
    /** The request id to quote in a bug report (REST only). */
    readonly requestId: string | null = null,
    readonly details: SpawnpointErrorDetail[] = [],
    /** Seconds to wait before retrying (`rate_limited` over REST). */
    readonly retryAfter: number | null = null,
  ) {
    // The details go into the message too: an uncaught error then says which field was wrong.
    super(details.length ? `${message}: ${details.map((d) => (d.field ? `${d.field} ${d.message}` : d.message)).join('; ')}` : message);
  }

  /** The error a REST response stands for; a body that is not the platform's error shape (a proxy's page) becomes `internal_error`. */
  static fromResponse(response: Response, body: unknown): SpawnpointError {
    const requestId = response.headers.get('x-request-id');
    const retryAfter = Number(response.headers.get('retry-after')) || null;
    const error = isErrorBody(body) ? body.error : null;
    if (!error) return new SpawnpointError('internal_error', `HTTP ${response.status}`, response.status, requestId, [], retryAfter);
    return new SpawnpointError(error.code, error.message, response.status, error.request_id ?? requestId, error.details ?? [], retryAfter);
  }

  /** A realtime refusal: an acknowledgement `{ ok: false, error }` or a Socket.IO `connect_error`'s data. */
  static fromRealtime(error: { code: string; message: string; details?: SpawnpointErrorDetail[] }): SpawnpointError {
    return new SpawnpointError(error.code as ErrorCode, error.message, null, null, error.details ?? []);
  }
}

interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id?: string; details?: SpawnpointErrorDetail[] };
}

function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}
