import { Module } from '@nestjs/common';
import { PlayersModule } from '@spawnpoint/players';
import { FriendsRepository } from './friends.repository.js';
import { FriendsService } from './friends.service.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

/** Social: friends (requests, blocks) and persistent notifications, both pushed live to players. */
@Module({
  imports: [PlayersModule],
  providers: [FriendsRepository, FriendsService, NotificationsRepository, NotificationsService],
  exports: [FriendsService, NotificationsService],
})
export class SocialModule {}
