import type { ClientEvent } from '@spawnpoint/shared';
import type { Connection } from '../connections/connection.js';
import type { ObjectSchema, ParseResult } from '../protocol/schema.js';

/**
 * Who may send an event: `player` = a connection that speaks for a player (session token, guest,
 * or server key with player_id); `server` = a server key connection; `any` = both.
 */
export type HandlerAudience = 'player' | 'server' | 'any';

/** One inbound event: its schema and the call into a domain service. Transports never see these. */
export interface RealtimeHandler<T = unknown> {
  event: ClientEvent;
  schema: ObjectSchema<T>;
  audience: HandlerAudience;
  /** `inputs` is the high-rate bucket for world inputs; everything else spends `events`. */
  bucket?: 'events' | 'inputs';
  /**
   * A compact binary form of the event, besides its JSON: a /ws binary message whose first byte is
   * `type`, or a Socket.IO event whose one argument is those bytes. Decoded instead of the schema.
   */
  binary?: { type: number; decode(bytes: Uint8Array): ParseResult<T> };
  handle(connection: Connection, payload: T): unknown;
}

/** A provider that contributes handlers (one per domain); the dispatcher collects them all. */
export interface RealtimeHandlerSet {
  handlers(): RealtimeHandler<never>[];
}

/** Helper so each handler's payload type is inferred from its schema. */
export function handler<T>(definition: RealtimeHandler<T>): RealtimeHandler<never> {
  return definition as unknown as RealtimeHandler<never>;
}
