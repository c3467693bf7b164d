import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { DeveloperPrincipal } from '../principal.js';
import { DEVELOPER_JWT } from './developer-jwt.strategy.js';
import { jwtFailure } from './jwt-failure.js';

@Injectable()
export class DeveloperAuthGuard extends AuthGuard(DEVELOPER_JWT) {
  override handleRequest<T = DeveloperPrincipal>(error: unknown, user: T | false, info: unknown, _context: ExecutionContext): T {
    if (error || !user) throw jwtFailure(error, info);
    return user;
  }
}
