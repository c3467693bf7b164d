import { Module } from '@nestjs/common';

/** REST endpoints of the chat domain (controllers and DTOs in this folder). */
@Module({})
export class ChatApiModule {}
