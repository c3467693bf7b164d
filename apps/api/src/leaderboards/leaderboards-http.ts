import { type CanActivate, type ExecutionContext, Injectable, type PipeTransform } from '@nestjs/common';
import { jsonDepth, LEADERBOARD_ID, METADATA_MAX_DEPTH } from '@spawnpoint/leaderboards';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import type { FastifyRequest } from 'fastify';

// HTTP plumbing of the leaderboard routes.

/** Validates a `:leaderboardId` path parameter. */
export class LeaderboardIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!LEADERBOARD_ID.test(value)) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'leaderboardId', message: 'leaderboard ids are 1-128 letters, digits, _ . : or -' },
      ]);
    }
    return value;
  }
}

/**
 * class-transformer (inside the global ValidationPipe) copies bodies recursively and overflows the
 * stack on a hostile `{"metadata":[[[[…` body, which would be a 500. Guards run before pipes, so
 * this refuses such bodies first with the 400 the metadata validator gives. A guard rather than an
 * interceptor because it is on the score hot path and a guard costs no rxjs pipeline.
 */
@Injectable()
export class MetadataDepthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    // The body object wraps metadata: one level more.
    if (jsonDepth(body, METADATA_MAX_DEPTH + 1) > METADATA_MAX_DEPTH + 1) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'metadata', message: `metadata must not nest deeper than ${METADATA_MAX_DEPTH} levels` },
      ]);
    }
    return true;
  }
}
