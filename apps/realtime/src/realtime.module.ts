import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({
  imports: [AuthModule],
  providers: [RealtimeGateway],
})
export class RealtimeModule {}
