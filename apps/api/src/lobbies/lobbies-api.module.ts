import { Module } from '@nestjs/common';

/** REST endpoints of the lobbies domain (controllers and DTOs in this folder). */
@Module({})
export class LobbiesApiModule {}
