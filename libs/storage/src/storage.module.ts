import { Module } from '@nestjs/common';
import { PlayersModule } from '@spawnpoint/players';
import { StorageRepository } from './storage.repository.js';
import { StorageService } from './storage.service.js';

/** Player storage: versioned JSON documents with per-document read/write access. */
@Module({
  imports: [PlayersModule],
  providers: [StorageRepository, StorageService],
  exports: [StorageService],
})
export class StorageModule {}
