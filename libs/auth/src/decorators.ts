import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DeveloperAuthGuard } from './guards/developer-auth.guard.js';
import { GAME_AUTH_KINDS, GameAuthGuard, type GameRequest } from './guards/game-auth.guard.js';
import type { DeveloperPrincipal, GamePrincipal, GamePrincipalKind } from './principal.js';

/** Dashboard endpoint: `Authorization: Bearer <developer token>`. */
export function DeveloperAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(DeveloperAuthGuard), ApiBearerAuth('developer'));
}

/**
 * Game endpoint: the listed caller kinds are let in, every other gets 401/403. Where a server key
 * is, a developer token with `X-Game-Id` (one security requirement of both schemes) is too.
 */
export function GameAuth(...kinds: GamePrincipalKind[]): MethodDecorator & ClassDecorator {
  const docs = [];
  if (kinds.includes('server') || kinds.includes('client')) docs.push(ApiSecurity('api-key'));
  if (kinds.includes('server')) docs.push(ApiSecurity({ developer: [], 'game-id': [] }));
  if (kinds.includes('player')) docs.push(ApiBearerAuth('session'));
  return applyDecorators(SetMetadata(GAME_AUTH_KINDS, kinds), UseGuards(GameAuthGuard), ...docs);
}

export const CurrentDeveloper = createParamDecorator(
  (_data: unknown, context: ExecutionContext): DeveloperPrincipal =>
    context.switchToHttp().getRequest<FastifyRequest & { user: DeveloperPrincipal }>().user,
);

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): GamePrincipal => {
  const principal = context.switchToHttp().getRequest<GameRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without @GameAuth');
  return principal;
});
