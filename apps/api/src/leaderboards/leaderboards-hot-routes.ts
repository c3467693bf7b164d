import { Injectable } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { GameAuthGuard, type GameRequest } from '@spawnpoint/auth';
import { LEADERBOARD_ID } from '@spawnpoint/leaderboards';
import type { FastifyInstance, FastifyReply, RouteHandlerMethod } from 'fastify';
import { PLAYER_ID } from '../dto/player.dto.js';
import { LeaderboardsController } from './leaderboards.controller.js';
import { RankQueryDto, SubmitScoreDto } from './leaderboards.dto.js';

/** Answers a request the fast path is sure of, or undefined to hand it to Nest's handler. */
type FastPath = (request: GameRequest, reply: FastifyReply, controller: LeaderboardsController) => Promise<unknown> | undefined;

/**
 * Why this exists: submitting a score and reading a rank are the hot path of a game backend
 * (issue 3 wants ≥ 10,000/s on one process), and Nest's per-request pipeline (guards, pipes,
 * interceptors, the response controller: a dozen promises) cost ~15 µs of the ~100 µs of CPU a
 * request may take on the bench machine (docs/benchmarks.md, Leaderboards).
 *
 * The two routes stay declared and documented by LeaderboardsController. When Fastify registers
 * them (an `onRoute` hook), their handler is wrapped: a request with an `X-API-Key`, valid path
 * parameters and a body or query the DTO accepts as valid runs the guard's own API-key check and
 * then the controller method itself; its errors take the route of Fastify's own errors to
 * HttpErrorFilter (the same error shape). Every other request (session tokens, anything invalid,
 * metadata, `?season=`) goes to Nest's handler unchanged. The check for those cases stays in
 * one place, and no domain rule is restated here.
 */
@Injectable()
export class LeaderboardHotRoutes {
  private controller: LeaderboardsController | undefined;

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly auth: GameAuthGuard,
    private readonly moduleRef: ModuleRef,
  ) {
    // Nest registers routes in app.init(), after constructing providers and before any lifecycle
    // hook runs: only from a constructor is an onRoute hook in place early enough.
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const paths = new Map<string, FastPath>([
      ['POST /leaderboards/:leaderboardId/scores', this.submit()],
      ['GET /leaderboards/:leaderboardId/rank/:playerId', this.rank()],
    ]);
    fastify.addHook('onRoute', (route) => {
      const fast = paths.get(`${String(route.method)} ${route.url}`);
      if (!fast) return;
      const viaNest = route.handler;
      const controller = () => this.target();
      route.handler = function (this: FastifyInstance, request, reply) {
        return fast(request, reply, controller()) ?? viaNest.call(this, request, reply);
      } as RouteHandlerMethod;
    });
  }

  /** The controller Nest made (resolved on first use: it may be constructed after this provider). */
  private target(): LeaderboardsController {
    this.controller ??= this.moduleRef.get<LeaderboardsController>(LeaderboardsController, { strict: true });
    return this.controller;
  }

  private submit(): FastPath {
    const kinds = this.auth.allowedKinds(LeaderboardsController.prototype.submit, LeaderboardsController);
    return (request, reply, controller) => {
      const apiKey = request.headers['x-api-key'];
      const { leaderboardId } = request.params as { leaderboardId: string };
      if (typeof apiKey !== 'string' || apiKey.length === 0 || !LEADERBOARD_ID.test(leaderboardId)) return undefined;
      const body = SubmitScoreDto.acceptValid(request.body);
      if (!body) return undefined;
      return this.auth.authorizeApiKey(request, apiKey, kinds).then(async (caller) => {
        const record = await controller.submit(caller, leaderboardId, body);
        void reply.code(201);
        return record;
      });
    };
  }

  private rank(): FastPath {
    const kinds = this.auth.allowedKinds(LeaderboardsController.prototype.rank, LeaderboardsController);
    return (request, _reply, controller) => {
      const apiKey = request.headers['x-api-key'];
      const { leaderboardId, playerId } = request.params as { leaderboardId: string; playerId: string };
      if (typeof apiKey !== 'string' || apiKey.length === 0 || !LEADERBOARD_ID.test(leaderboardId) || !PLAYER_ID.test(playerId)) {
        return undefined;
      }
      const query = RankQueryDto.acceptValid(request.query);
      if (!query) return undefined;
      return this.auth.authorizeApiKey(request, apiKey, kinds).then((caller) => controller.rank(caller, leaderboardId, playerId, query));
    };
  }
}
