import { Module } from '@nestjs/common';
import { PlayersModule } from '@spawnpoint/players';
import { FriendsRepository } from './friends.repository.js';
import { FriendsService } from './friends.service.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { LocationService } from './location.service.js';
import { PresenceService } from './presence.service.js';

/** Social: friends (requests, blocks), persistent notifications and presence, all pushed live to players. */
@Module({
  imports: [PlayersModule],
  providers: [FriendsRepository, FriendsService, NotificationsRepository, NotificationsService, PresenceService, LocationService],
  exports: [FriendsService, NotificationsService, PresenceService, LocationService],
})
export class SocialModule {}
