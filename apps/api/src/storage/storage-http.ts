import {
  applyDecorators,
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import {
  isJsonObject,
  jsonDepth,
  parseWritePrecondition,
  STORAGE_VALUE_MAX_BYTES,
  STORAGE_VALUE_MAX_DEPTH,
  type WritePrecondition,
} from '@spawnpoint/storage';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ErrorResponseDto } from '../dto/common.dto.js';

// HTTP plumbing of the storage routes: conditional-request headers in, ETag out, and a depth
// guard on bodies that must run before the global ValidationPipe.

/** The write's precondition from `If-Match` / `If-None-Match` (400 when malformed). */
export const WritePreconditionHeaders = createParamDecorator((_data: unknown, context: ExecutionContext): WritePrecondition => {
  const headers = context.switchToHttp().getRequest<FastifyRequest>().headers;
  return parseWritePrecondition({ ifMatch: single(headers['if-match']), ifNoneMatch: single(headers['if-none-match']) });
});

function single(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header.join(', ') : header;
}

/** Envelope levels a body adds around a value: `{writes: [{value}]}` is three. */
const BODY_ENVELOPE_DEPTH = 3;

/**
 * class-transformer (inside the global ValidationPipe) copies bodies recursively and overflows
 * the stack on a hostile `[[[[…` value, which would surface as a 500. Interceptors run before
 * pipes, so this refuses such bodies first with the same 400 the service gives for a deep value.
 */
@Injectable()
export class BodyDepthInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    const max = STORAGE_VALUE_MAX_DEPTH + BODY_ENVELOPE_DEPTH;
    if (jsonDepth(body, max) > max) {
      const field = tooDeepField(body);
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field, message: `${field} nests objects and arrays deeper than ${STORAGE_VALUE_MAX_DEPTH} levels` },
      ]);
    }
    return next.handle();
  }
}

/** Names the value that is too deep, as the service would (`writes[3].value`); `body` when it is the envelope itself. */
function tooDeepField(body: unknown): string {
  if (!isJsonObject(body)) return 'body';
  if (Array.isArray(body.writes)) {
    const index = body.writes.findIndex((item) => isJsonObject(item) && jsonDepth(item.value) > STORAGE_VALUE_MAX_DEPTH);
    return index >= 0 ? `writes[${index}].value` : 'body';
  }
  return jsonDepth(body.value) > STORAGE_VALUE_MAX_DEPTH ? 'value' : 'body';
}

/** OpenAPI for a conditional write: the request headers it reads (none for the batch, whose items carry their own) and the 412 answer. */
export function ApiConditionalWrite(headers: Array<'If-Match' | 'If-None-Match'>): MethodDecorator {
  const descriptions = {
    'If-Match': 'Write only if the stored version is this one: `"3"` (also `3`, `W/"3"`), or `*` for "only if it exists"',
    'If-None-Match': '`*`: create only, fail if the document exists',
  };
  return applyDecorators(
    ...headers.map((name) => ApiHeader({ name, required: false, description: descriptions[name] })),
    ApiResponse({
      status: 412,
      description: '`precondition_failed`: a version precondition did not hold; nothing was written',
      type: ErrorResponseDto,
    }),
  );
}

/** The storage 413: a value over the document limit (bodies over BODY_LIMIT_BYTES also get it). */
export function ApiValueTooLarge(): MethodDecorator {
  return ApiResponse({
    status: 413,
    description: `\`payload_too_large\`: a value over ${STORAGE_VALUE_MAX_BYTES} bytes of JSON, or a body over BODY_LIMIT_BYTES`,
    type: ErrorResponseDto,
  });
}

export const ETAG_HEADER = {
  ETag: { description: 'The document version as a strong entity tag, `"<version>"`', schema: { type: 'string', example: '"3"' } },
};
