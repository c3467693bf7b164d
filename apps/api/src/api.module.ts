import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { PlayersModule } from '@spawnpoint/players';
import { DevelopersController } from './controllers/developers.controller.js';
import { GamesController } from './controllers/games.controller.js';
import { PlayerAuthController } from './controllers/player-auth.controller.js';
import { PlayersController } from './controllers/players.controller.js';
import { ChatApiModule } from './chat/chat-api.module.js';
import { EconomyApiModule } from './economy/economy-api.module.js';
import { LeaderboardsApiModule } from './leaderboards/leaderboards-api.module.js';
import { LobbiesApiModule } from './lobbies/lobbies-api.module.js';
import { MatchmakingApiModule } from './matchmaking/matchmaking-api.module.js';
import { PartiesApiModule } from './parties/parties-api.module.js';
import { SocialApiModule } from './social/social-api.module.js';
import { StorageApiModule } from './storage/storage-api.module.js';
import { WorldsApiModule } from './worlds/worlds-api.module.js';

/** The REST role: thin controllers over the domain libs. It never imports socket.io. */
@Module({
  imports: [
    AuthModule,
    PlayersModule,
    ChatApiModule,
    EconomyApiModule,
    LeaderboardsApiModule,
    LobbiesApiModule,
    MatchmakingApiModule,
    PartiesApiModule,
    SocialApiModule,
    StorageApiModule,
    WorldsApiModule,
  ],
  controllers: [DevelopersController, GamesController, PlayerAuthController, PlayersController],
})
export class ApiModule {}
