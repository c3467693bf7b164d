import { Module } from '@nestjs/common';
import { AuthModule } from '@spawnpoint/auth';
import { ChatModule } from '@spawnpoint/chat';
import { LobbiesModule } from '@spawnpoint/lobbies';
import { PartiesModule } from '@spawnpoint/parties';
import { PlayersModule } from '@spawnpoint/players';
import { SocialModule } from '@spawnpoint/social';
import { WorldsModule } from '@spawnpoint/worlds';
import { ConnectionLifecycle } from './connections/connection-lifecycle.service.js';
import { ConnectionRegistry } from './connections/connection-registry.js';
import { REALTIME_HANDLERS, RealtimeDispatcher } from './dispatcher/realtime-dispatcher.js';
import type { RealtimeHandlerSet } from './dispatcher/realtime-handler.js';
import { HandshakeService } from './handshake.service.js';
import { ChatHandlers } from './handlers/chat.handlers.js';
import { CoreHandlers } from './handlers/core.handlers.js';
import { SocialHandlers } from './handlers/social.handlers.js';
import { RealtimeStreamReader } from './realtime-stream.reader.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { ResumeStore } from './resume.store.js';
import { WsTransport } from './ws.transport.js';
import { WorldHost } from './worlds/world-host.service.js';
import { WorldHandlers } from './worlds/world.handlers.js';

/** Every domain's socket handlers; a new domain adds its set here. */
const HANDLER_SETS = [CoreHandlers, ChatHandlers, SocialHandlers, WorldHandlers];

@Module({
  imports: [AuthModule, PlayersModule, ChatModule, SocialModule, PartiesModule, LobbiesModule, WorldsModule],
  providers: [
    ...HANDLER_SETS,
    {
      provide: REALTIME_HANDLERS,
      inject: HANDLER_SETS,
      useFactory: (...sets: RealtimeHandlerSet[]) => sets.flatMap((set) => set.handlers()),
    },
    ConnectionLifecycle,
    ConnectionRegistry,
    HandshakeService,
    RealtimeDispatcher,
    RealtimeGateway,
    RealtimeStreamReader,
    ResumeStore,
    WorldHost,
    WsTransport,
  ],
})
export class RealtimeModule {}
