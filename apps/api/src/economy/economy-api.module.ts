import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { EconomyModule } from '@spawnpoint/economy';
import { PlayersModule } from '@spawnpoint/players';
import { EconomyController } from './economy.controller.js';

/** REST endpoints of the economy domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, EconomyModule, PlayersModule],
  controllers: [EconomyController],
})
export class EconomyApiModule {}
