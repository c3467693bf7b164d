import { Module } from '@nestjs/common';
import { PartiesRepository } from './parties.repository.js';
import { PartiesService } from './parties.service.js';

@Module({
  providers: [PartiesRepository, PartiesService],
  exports: [PartiesService],
})
export class PartiesModule {}
