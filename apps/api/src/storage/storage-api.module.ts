import { Module } from '@nestjs/common';

/** REST endpoints of the storage domain (controllers and DTOs in this folder). */
@Module({})
export class StorageApiModule {}
