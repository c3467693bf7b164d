import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { SESSION_TOKEN_AUDIENCE, type GamePrincipal, type SessionTokenClaims } from '../principal.js';
import { principalOf, SessionsService } from '../sessions/sessions.service.js';

export const PLAYER_JWT = 'player-jwt';

/** Verifies a player session token and that its session was not revoked since it was signed. */
@Injectable()
export class PlayerJwtStrategy extends PassportStrategy(Strategy, PLAYER_JWT) {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SESSION_SECRET,
      audience: SESSION_TOKEN_AUDIENCE,
      algorithms: ['HS256'],
    });
  }

  async validate(claims: SessionTokenClaims): Promise<GamePrincipal> {
    if (!(await this.sessions.isActive(claims.sid))) {
      throw new AppError(ErrorCode.SessionRevoked, 'The session was revoked; sign in again');
    }
    return principalOf(claims);
  }
}
