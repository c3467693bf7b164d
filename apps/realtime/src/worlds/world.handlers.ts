import { Injectable } from '@nestjs/common';
import { ClientEvent } from '@spawnpoint/shared';
import { ClientMessageType, decodeInputBinary, INPUT_AXIS_LIMIT, INPUT_SEQ_MAX, type RawInput } from '@spawnpoint/worlds';
import { handler, type RealtimeHandlerSet } from '../dispatcher/realtime-handler.js';
import { number, object, oneOf, optional, string } from '../protocol/schema.js';
import { WorldHost } from './world-host.service.js';

const WORLD_ID = string({ max: 64, pattern: /^[A-Za-z0-9_.@-]{1,64}$/ });
/** Inputs beyond ±1e6 are garbage rather than a fast client; the world clamps the rest to ±1. */
const AXIS = number({ min: -INPUT_AXIS_LIMIT, max: INPUT_AXIS_LIMIT });

/** The seed's world messages: join_world, leave_world, input (high rate, own bucket), request_state. */
@Injectable()
export class WorldHandlers implements RealtimeHandlerSet {
  constructor(private readonly host: WorldHost) {}

  handlers() {
    return [
      handler({
        event: ClientEvent.JoinWorld,
        audience: 'player',
        schema: object<{ world_id: string; encoding?: 'json' | 'binary' }>({
          world_id: WORLD_ID,
          encoding: optional(oneOf(['json', 'binary'] as const)),
        }),
        handle: (connection, payload) => this.host.join(connection, payload.world_id, payload.encoding ?? 'json'),
      }),
      handler({
        event: ClientEvent.LeaveWorld,
        audience: 'player',
        schema: object<Record<string, never>>({}),
        handle: (connection) => this.host.leave(connection),
      }),
      handler({
        event: ClientEvent.Input,
        audience: 'player',
        bucket: 'inputs',
        schema: object<RawInput>({
          move_x: AXIS,
          move_y: AXIS,
          action: optional(number({ min: 0, max: 255, integer: true })),
          timestamp: optional(number({ min: 0, max: Number.MAX_SAFE_INTEGER })),
          seq: optional(number({ min: 0, max: INPUT_SEQ_MAX, integer: true })),
        }),
        // The same input in 10–23 bytes (docs/realtime-protocol.md, "Binary input").
        binary: {
          type: ClientMessageType.Input,
          decode: (bytes) => {
            const decoded = decodeInputBinary(bytes);
            return decoded.ok ? decoded : { ok: false, issues: [{ field: decoded.field, message: decoded.message }] };
          },
        },
        // Fire-and-forget on /ws (no data in the reply): an input rejected by the world is counted, not answered.
        handle: (connection, payload) => {
          this.host.input(connection, payload);
          return null;
        },
      }),
      handler({
        event: ClientEvent.RequestState,
        audience: 'player',
        schema: object<Record<string, never>>({}),
        handle: (connection) => this.host.requestState(connection),
      }),
    ];
  }
}
