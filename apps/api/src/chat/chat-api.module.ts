import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { ChatModule } from '@spawnpoint/chat';
import { ChatController } from './chat.controller.js';

/** REST endpoints of the chat domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, ChatModule],
  controllers: [ChatController],
})
export class ChatApiModule {}
