import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's User-Agent, recorded with a new session. Not `@Headers('user-agent')`: Swagger would
 * document that as a required header, and browsers (and so the generated SDK) cannot set it.
 */
export const UserAgent = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers['user-agent'];
  return typeof value === 'string' ? value : undefined;
});
