import { Module } from '@nestjs/common';
import { SocialModule } from '@spawnpoint/social';
import { PartiesModule } from '@spawnpoint/parties';
import { PlayersModule } from '@spawnpoint/players';
import { ChatRepository } from './chat.repository.js';
import { ChatService } from './chat.service.js';

/** Chat: channel messages with membership rules, mutes, send limits and live pushes to the audience. */
@Module({
  imports: [PartiesModule, PlayersModule, SocialModule],
  providers: [ChatRepository, ChatService],
  exports: [ChatService],
})
export class ChatModule {}
