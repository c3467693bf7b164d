import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { PlayerAuthService } from './player-auth.service.js';
import { PlayersRepository } from './players.repository.js';
import { PlayersService } from './players.service.js';

@Module({
  imports: [AuthModule],
  providers: [PlayerAuthService, PlayersRepository, PlayersService],
  exports: [PlayerAuthService, PlayersService],
})
export class PlayersModule {}
