import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { GamePrincipal, GamePrincipalKind } from '../principal.js';
import { jwtFailure } from './jwt-failure.js';
import { PLAYER_JWT } from './player-jwt.strategy.js';

export const GAME_AUTH_KINDS = 'spawnpoint:game-auth-kinds';

export type GameRequest = FastifyRequest & { user?: GamePrincipal; principal?: GamePrincipal };

@Injectable()
class PlayerJwtGuard extends AuthGuard(PLAYER_JWT) {
  override handleRequest<T = GamePrincipal>(error: unknown, user: T | false, info: unknown): T {
    if (error || !user) throw jwtFailure(error, info);
    return user;
  }
}

/**
 * Resolves the caller of a game endpoint from `X-API-Key` (server or client key) or
 * `Authorization: Bearer <session token>`, then checks it is one of the kinds the route allows.
 */
@Injectable()
export class GameAuthGuard implements CanActivate {
  private readonly playerJwt = new PlayerJwtGuard();

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = this.reflector.getAllAndOverride<GamePrincipalKind[]>(GAME_AUTH_KINDS, [context.getHandler(), context.getClass()]) ?? [];
    const request = context.switchToHttp().getRequest<GameRequest>();
    const principal = await this.authenticate(context, request);
    if (!allowed.includes(principal.kind)) throw forbidden(principal.kind);
    request.principal = principal;
    return true;
  }

  private async authenticate(context: ExecutionContext, request: GameRequest): Promise<GamePrincipal> {
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) return this.apiKeys.resolve(apiKey);
    if (request.headers.authorization) {
      await this.playerJwt.canActivate(context);
      return request.user as GamePrincipal;
    }
    throw new AppError(ErrorCode.Unauthorized, 'Send X-API-Key or Authorization: Bearer <session_token>');
  }
}

function forbidden(kind: GamePrincipalKind): AppError {
  const reason: Record<GamePrincipalKind, string> = {
    client: 'A client key can only create and refresh player sessions',
    player: 'A player session cannot call this endpoint',
    server: 'A server key cannot call this endpoint; use a player session',
  };
  return new AppError(ErrorCode.Forbidden, reason[kind]);
}
