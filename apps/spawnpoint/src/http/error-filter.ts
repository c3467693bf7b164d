import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { AppError, ErrorCode, ERROR_HTTP_STATUS, type ErrorBody, type ErrorCode as Code } from '@spawnpoint/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';

const logger = new Logger('HttpError');

/** Maps anything thrown while handling a request to the one error shape; unknown errors leak nothing. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    void sendError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}

export function sendError(request: FastifyRequest, reply: FastifyReply, exception: unknown): FastifyReply {
  const error = toAppError(exception, request);
  if (error.code === ErrorCode.Internal) {
    logger.error(`${request.method} ${request.url} failed (request ${request.id})`, (exception as Error)?.stack);
  }
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}), request_id: String(request.id) },
  };
  if (error.headers) void reply.headers(error.headers);
  return reply.status(error.status).send(body);
}

/** Errors from Fastify itself (body parsing, limits) and Nest's built-ins, by their status. */
function toAppError(exception: unknown, request: FastifyRequest): AppError {
  if (exception instanceof AppError) return exception;
  // Nest wraps Fastify's own 4xx errors in an HttpException whose cause keeps the FST_ code.
  const cause = exception instanceof HttpException ? exception.cause : exception;
  const fastifyCode = (cause as { code?: string })?.code;
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(ErrorCode.PayloadTooLarge, (exception as Error).message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(ErrorCode.UnsupportedMediaType, 'Send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError(ErrorCode.InvalidJson, 'The body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(ErrorCode.InvalidJson, 'The body is empty but Content-Type says JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(ErrorCode.InvalidJson, 'The Content-Length does not match the body');
    default:
      break;
  }
  if (exception instanceof SyntaxError && (exception as { statusCode?: number }).statusCode === 400) {
    return new AppError(ErrorCode.InvalidJson, `The body is not valid JSON: ${exception.message}`);
  }
  // Nest's router answers unknown routes with a plain NotFoundException.
  if (exception instanceof NotFoundException) {
    return new AppError(ErrorCode.RouteNotFound, `No route ${request.method} ${request.url.split('?', 1)[0]}`);
  }
  const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (Object.entries(ERROR_HTTP_STATUS).find(([, s]) => s === status)?.[0] as Code | undefined) ?? ErrorCode.ValidationFailed;
    return new AppError(code, (exception as Error).message);
  }
  return new AppError(ErrorCode.Internal, 'Something went wrong on our side; quote the request id if you report it');
}
