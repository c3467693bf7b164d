import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, ErrorCode, NotFoundError } from '@spawnpoint/shared';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { GamesService } from '../games/games.service.js';
import type { DeveloperPrincipal, GamePrincipal, GamePrincipalKind } from '../principal.js';
import { DeveloperAuthGuard } from './developer-auth.guard.js';
import { jwtFailure } from './jwt-failure.js';
import { PLAYER_JWT } from './player-jwt.strategy.js';

export const GAME_AUTH_KINDS = 'spawnpoint:game-auth-kinds';

export type GameRequest = FastifyRequest & { user?: GamePrincipal | DeveloperPrincipal; principal?: GamePrincipal };

/** With a developer token, names the game the developer acts on (the dashboard sends both). */
export const GAME_ID_HEADER = 'x-game-id';

type RouteHandler = ReturnType<ExecutionContext['getHandler']>;
type RouteController = ReturnType<ExecutionContext['getClass']>;

@Injectable()
class PlayerJwtGuard extends AuthGuard(PLAYER_JWT) {
  override handleRequest<T = GamePrincipal>(error: unknown, user: T | false, info: unknown): T {
    if (error || !user) throw jwtFailure(error, info);
    return user;
  }
}

/**
 * Resolves the caller of a game endpoint from `X-API-Key` (server or client key),
 * `Authorization: Bearer <session token>`, or `Authorization: Bearer <developer token>` with
 * `X-Game-Id` (a developer acting on its own game, with server rights), then checks it is one of
 * the kinds the route allows.
 */
@Injectable()
export class GameAuthGuard implements CanActivate {
  private readonly playerJwt = new PlayerJwtGuard();
  private readonly developerJwt = new DeveloperAuthGuard();
  /** The kinds each route handler allows: a route's metadata never changes, and this runs on every request. */
  private readonly kindsByHandler = new WeakMap<object, readonly GamePrincipalKind[]>();

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly games: GamesService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = this.allowedKinds(context.getHandler(), context.getClass());
    const request = context.switchToHttp().getRequest<GameRequest>();
    const apiKey = request.headers['x-api-key'];
    const principal =
      typeof apiKey === 'string' && apiKey.length > 0
        ? await this.apiKeys.resolve(apiKey)
        : await this.authenticateSession(context, request);
    // Set before the kind check: a refused call still counts toward its game's usage (4xx).
    request.principal = principal;
    authorize(principal, allowed);
    return true;
  }

  /** The caller kinds `@GameAuth` allows on a route handler (none when it has no @GameAuth). */
  allowedKinds(handler: RouteHandler, controller: RouteController): readonly GamePrincipalKind[] {
    let kinds = this.kindsByHandler.get(handler);
    if (!kinds) {
      kinds = this.reflector.getAllAndOverride<GamePrincipalKind[] | undefined>(GAME_AUTH_KINDS, [handler, controller]) ?? [];
      this.kindsByHandler.set(handler, kinds);
    }
    return kinds;
  }

  /**
   * This guard's check of an `X-API-Key` caller, also for routes served outside Nest's pipeline
   * (see LeaderboardHotRoutes): sets `request.principal` before the kind check (a refused call
   * still counts toward its game's usage, as in `canActivate`), then returns it if the kind is
   * allowed; 401 or 403 otherwise.
   */
  async authorizeApiKey(request: GameRequest, apiKey: string, allowed: readonly GamePrincipalKind[]): Promise<GamePrincipal> {
    const principal = await this.apiKeys.resolve(apiKey);
    request.principal = principal;
    return authorize(principal, allowed);
  }

  private async authenticateSession(context: ExecutionContext, request: GameRequest): Promise<GamePrincipal> {
    const gameId = request.headers[GAME_ID_HEADER];
    if (gameId !== undefined) return this.authenticateDeveloper(context, request, gameId);
    if (request.headers.authorization) {
      await this.playerJwt.canActivate(context);
      return request.user as GamePrincipal;
    }
    throw new AppError(ErrorCode.Unauthorized, 'Send X-API-Key or Authorization: Bearer <session_token>');
  }

  private async authenticateDeveloper(context: ExecutionContext, request: GameRequest, gameId: string | string[]): Promise<GamePrincipal> {
    await this.developerJwt.canActivate(context);
    const { developerId } = request.user as DeveloperPrincipal;
    if (typeof gameId !== 'string') throw new NotFoundError('Game');
    return this.games.actAs(developerId, gameId);
  }
}

function authorize(principal: GamePrincipal, allowed: readonly GamePrincipalKind[]): GamePrincipal {
  if (!allowed.includes(principal.kind)) throw forbidden(principal.kind);
  return principal;
}

function forbidden(kind: GamePrincipalKind): AppError {
  const reason: Record<GamePrincipalKind, string> = {
    client: 'A client key can only create and refresh player sessions',
    player: 'A player session cannot call this endpoint',
    server: 'A server key cannot call this endpoint; use a player session',
  };
  return new AppError(ErrorCode.Forbidden, reason[kind]);
}
