import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@spawnpoint/config';
import type { GameRequest } from '@spawnpoint/auth';
import { MetricsService, UsageRecorder } from '@spawnpoint/observability';
import { RateLimiter, type RateLimit } from '@spawnpoint/redis';
import { AppError, ErrorCode, jsonDepth, MAX_BODY_DEPTH, RateLimitedError } from '@spawnpoint/shared';
import { createHash } from 'node:crypto';
import { sendError } from './error-filter.js';

const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);
const MINUTE_MS = 60_000;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

/** Distinct API keys whose bucket id is remembered (a miss only costs one SHA-256). */
const KEY_BUCKETS_MAX = 1000;

/**
 * Fastify-level plumbing every role shares: request ids on responses, Prometheus timings, per-game
 * usage counts, and rate limits per IP and per API key held in Redis for all processes. (Errors Fastify raises
 * itself — bad JSON, body too large, unknown routes — reach Nest's handlers and so HttpErrorFilter.)
 *
 * These run on every request, so they are callback-style hooks (an async hook costs Fastify a
 * promise and a microtask hop each) and the rate limit answers synchronously while this process
 * holds a reserved block of both buckets.
 */
export function installHttpHooks(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  const limiter = app.get(RateLimiter);
  const usage = app.get(UsageRecorder);
  const keyBuckets = new Map<string, string>();
  const keyBucket = (apiKey: string): string => {
    let bucket = keyBuckets.get(apiKey);
    if (bucket === undefined) {
      if (keyBuckets.size >= KEY_BUCKETS_MAX) keyBuckets.clear();
      bucket = `key:${createHash('sha256').update(apiKey).digest('hex').slice(0, 32)}`;
      keyBuckets.set(apiKey, bucket);
    }
    return bucket;
  };

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    const query = request.url.indexOf('?');
    if (UNLIMITED.has(query < 0 ? request.url : request.url.slice(0, query))) return done();
    const limits: RateLimit[] = [{ key: `ip:${request.ip}`, limit: config.RATE_LIMIT_IP_PER_MINUTE, periodMs: MINUTE_MS }];
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      limits.push({ key: keyBucket(apiKey), limit: config.RATE_LIMIT_KEY_PER_MINUTE, periodMs: MINUTE_MS });
    }
    if (limiter.consumeHeld(limits)) return done();
    limiter.consumeReserved(limits).then((result) => {
      if (result.allowed) return done();
      metrics.rateLimited.inc({ scope: 'http' });
      void sendError(request, reply, new RateLimitedError(result.retryAfterMs / 1000));
    }, done);
  });

  // Every body we accept is JSON; anything else is refused before parsing (Fastify would otherwise
  // hand text/plain bodies to the handlers as strings).
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    if (!hasBody(request.headers)) return done(null, payload);
    const type = request.headers['content-type'] ?? '';
    if (!JSON_TYPE.test(type) && !FORM_TYPE.test(type)) {
      void sendError(request, reply, new AppError(ErrorCode.UnsupportedMediaType, 'Send JSON with Content-Type: application/json'));
      return;
    }
    done(null, payload);
  });

  // `curl -d '{"player_id": …}'` without -H sends JSON labelled as a form (the seed docs do this):
  // accept a JSON object under that label; a real form body is still refused.
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: config.BODY_LIMIT_BYTES }, (_request, body, done) => {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return done(null, parsed);
    } catch {
      // fall through: not JSON
    }
    done(new AppError(ErrorCode.UnsupportedMediaType, 'Send JSON with Content-Type: application/json'));
  });

  // Runs after parsing and before Nest: a hostile `[[[[…` body would otherwise overflow the stack of
  // class-transformer inside the ValidationPipe and surface as a 500.
  fastify.addHook('preValidation', (request, reply, done) => {
    if (jsonDepth(request.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      void sendError(
        request,
        reply,
        new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
          { field: 'body', message: `the body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels` },
        ]),
      );
      return;
    }
    done();
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    // A request counts toward a game's usage once its caller resolved to that game (GameAuthGuard).
    const principal = (request as GameRequest).principal;
    if (principal !== undefined) usage.recordRequest(principal.gameId, reply.statusCode);
    done();
  });
}
