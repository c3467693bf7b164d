import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RedisPubSub } from '@spawnpoint/redis';
import { CHOSEN_PRESENCE, LocationService, PRESENCE_TEXT_MAX, PresenceService } from '@spawnpoint/social';
import {
  AppError,
  ClientEvent,
  ErrorCode,
  LEADERBOARD_UPDATES_CHANNEL,
  Rooms,
  ServerEvent,
  type LeaderboardUpdatedPayload,
} from '@spawnpoint/shared';
import { ConnectionLifecycle } from '../connections/connection-lifecycle.service.js';
import { ConnectionRegistry } from '../connections/connection-registry.js';
import { handler, type RealtimeHandlerSet } from '../dispatcher/realtime-handler.js';

import { array, number, object, oneOf, optional, string } from '../protocol/schema.js';
import { playerOf } from './acting.js';

const PLAYER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const ROOM_PART = /^[A-Za-z0-9_.@-]{1,64}$/;
/** Leaderboards one connection may follow live. */
const LEADERBOARD_SUBSCRIPTIONS_MAX = 20;

/** Ping, presence, live leaderboards, and moving players between world/sector/team rooms (game servers). */
@Injectable()
export class CoreHandlers implements RealtimeHandlerSet, OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly presence: PresenceService,
    private readonly locations: LocationService,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly registry: ConnectionRegistry,
    private readonly pubsub: RedisPubSub,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(LEADERBOARD_UPDATES_CHANNEL, this.onLeaderboardUpdate);
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  handlers() {
    return [
      handler({
        event: ClientEvent.Ping,
        audience: 'any',
        schema: object<{ timestamp?: number }>({ timestamp: optional(number({ min: 0, max: Number.MAX_SAFE_INTEGER })) }),
        handle: (_connection, payload) => ({ timestamp: payload.timestamp ?? null, server_time: Date.now() }),
      }),
      handler({
        event: ClientEvent.PresenceUpdate,
        audience: 'player',
        schema: object<{ status: (typeof CHOSEN_PRESENCE)[number]; status_text?: string }>({
          status: oneOf(CHOSEN_PRESENCE),
          status_text: optional(string({ min: 0, max: PRESENCE_TEXT_MAX })),
        }),
        handle: async (connection, payload) => {
          const { gameId } = connection.identity;
          const playerId = playerOf(connection);
          await this.presence.set(
            gameId,
            playerId,
            payload.status,
            payload.status_text ?? null,
            this.lifecycle.presenceAudience(connection),
          );
          const [current] = await this.presence.get(gameId, [playerId]);
          return current;
        },
      }),
      handler({
        event: ClientEvent.PresenceGet,
        audience: 'any',
        schema: object<{ player_ids: string[] }>({ player_ids: array(string({ max: 128, pattern: PLAYER_ID }), { min: 1, max: 100 }) }),
        handle: async (connection, payload) => ({ presences: await this.presence.get(connection.identity.gameId, payload.player_ids) }),
      }),
      handler({
        event: ClientEvent.LeaderboardSubscribe,
        audience: 'any',
        schema: object<{ leaderboard_id: string }>({ leaderboard_id: string({ max: 64, pattern: ROOM_PART }) }),
        handle: (connection, payload) => {
          const subscribed = [...connection.rooms].filter((room) => room.startsWith(Rooms.leaderboard(connection.identity.gameId, '')));
          if (subscribed.length >= LEADERBOARD_SUBSCRIPTIONS_MAX) {
            throw new AppError(ErrorCode.Conflict, `A connection follows at most ${LEADERBOARD_SUBSCRIPTIONS_MAX} leaderboards`);
          }
          this.lifecycle.move(connection, { join: [Rooms.leaderboard(connection.identity.gameId, payload.leaderboard_id)] });
          return { rooms: this.lifecycle.publicRooms(connection) };
        },
      }),
      handler({
        event: ClientEvent.LeaderboardUnsubscribe,
        audience: 'any',
        schema: object<{ leaderboard_id: string }>({ leaderboard_id: string({ max: 64, pattern: ROOM_PART }) }),
        handle: (connection, payload) => {
          this.lifecycle.move(connection, { leave: [Rooms.leaderboard(connection.identity.gameId, payload.leaderboard_id)] });
          return { rooms: this.lifecycle.publicRooms(connection) };
        },
      }),
      handler({
        event: ClientEvent.MovePlayer,
        audience: 'server',
        schema: object<{ player_id: string; world_id?: string; sector?: string; team?: string }>({
          player_id: string({ max: 128, pattern: PLAYER_ID }),
          world_id: optional(string({ max: 64, pattern: ROOM_PART })),
          sector: optional(string({ max: 64, pattern: ROOM_PART })),
          team: optional(string({ max: 129, pattern: /^[A-Za-z0-9_.@-]{1,64}:[A-Za-z0-9_.@-]{1,64}$/ })),
        }),
        handle: async (connection, payload) => {
          if (payload.sector !== undefined && payload.world_id === undefined) {
            throw new AppError(ErrorCode.ValidationFailed, 'A sector belongs to a world', [{ field: 'sector', message: 'needs world_id' }]);
          }
          const location = { worldId: payload.world_id ?? null, sector: payload.sector ?? null, team: payload.team ?? null };
          const moved = await this.locations.set(connection.identity.gameId, payload.player_id, location);
          return { player_id: payload.player_id, joined: moved.join.length, left: moved.leave.length };
        },
      }),
    ];
  }

  /** Score changes are published by the leaderboard script; only connections that follow the board hear them. */
  private readonly onLeaderboardUpdate = (raw: string): void => {
    let update: LeaderboardUpdatedPayload;
    try {
      update = JSON.parse(raw) as LeaderboardUpdatedPayload;
    } catch {
      return;
    }
    this.registry.deliver([Rooms.leaderboard(update.game_id, update.leaderboard_id)], ServerEvent.LeaderboardUpdated, update);
  };
}
