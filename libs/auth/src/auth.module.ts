import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { DevelopersRepository } from './developers/developers.repository.js';
import { DevelopersService } from './developers/developers.service.js';
import { GamesRepository } from './games/games.repository.js';
import { GamesService } from './games/games.service.js';
import { DeveloperAuthGuard } from './guards/developer-auth.guard.js';
import { DeveloperJwtStrategy } from './guards/developer-jwt.strategy.js';
import { GameAuthGuard } from './guards/game-auth.guard.js';
import { PlayerJwtStrategy } from './guards/player-jwt.strategy.js';
import { LoginThrottle } from './login-throttle.service.js';
import { RevocationBus } from './revocation-bus.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';

/** Tenancy and identity of callers: developers, games, API keys, player sessions, and the guards. */
@Module({
  imports: [PassportModule, JwtModule.register({})],
  providers: [
    ApiKeysRepository,
    ApiKeysService,
    DeveloperAuthGuard,
    DeveloperJwtStrategy,
    DevelopersRepository,
    DevelopersService,
    GameAuthGuard,
    GamesRepository,
    GamesService,
    LoginThrottle,
    PlayerJwtStrategy,
    RevocationBus,
    SessionsRepository,
    SessionsService,
  ],
  exports: [ApiKeysService, DeveloperAuthGuard, DevelopersService, GameAuthGuard, GamesService, LoginThrottle, RevocationBus, SessionsService],
})
export class AuthModule {}
