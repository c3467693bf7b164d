import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { PartiesModule } from '@spawnpoint/parties';
import { PartiesController } from './parties.controller.js';

/** REST endpoints of the parties domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, PartiesModule],
  controllers: [PartiesController],
})
export class PartiesApiModule {}
