import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { DEVELOPER_TOKEN_AUDIENCE, type DeveloperPrincipal } from '../principal.js';

export const DEVELOPER_JWT = 'developer-jwt';

@Injectable()
export class DeveloperJwtStrategy extends PassportStrategy(Strategy, DEVELOPER_JWT) {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_DEVELOPER_SECRET,
      audience: DEVELOPER_TOKEN_AUDIENCE,
      algorithms: ['HS256'],
    });
  }

  validate(claims: { sub: string }): DeveloperPrincipal {
    return { developerId: claims.sub };
  }
}
