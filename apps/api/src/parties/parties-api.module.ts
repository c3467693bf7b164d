import { Module } from '@nestjs/common';

/** REST endpoints of the parties domain (controllers and DTOs in this folder). */
@Module({})
export class PartiesApiModule {}
