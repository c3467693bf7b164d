import { Module } from '@nestjs/common';

/** REST endpoints of the economy domain (controllers and DTOs in this folder). */
@Module({})
export class EconomyApiModule {}
