import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { SocialModule } from '@spawnpoint/social';
import { FriendsController } from './friends.controller.js';
import { NotificationsController, PlayerNotificationsController } from './notifications.controller.js';

/** REST endpoints of the social domain (controllers and DTOs in this folder). */
@Module({
  imports: [AuthModule, SocialModule],
  controllers: [FriendsController, NotificationsController, PlayerNotificationsController],
})
export class SocialApiModule {}
