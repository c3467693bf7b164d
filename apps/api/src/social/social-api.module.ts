import { Module } from '@nestjs/common';

/** REST endpoints of the social domain (controllers and DTOs in this folder). */
@Module({})
export class SocialApiModule {}
