import { ServerEvent, type ErrorPayload } from '@spawnpoint/shared';
import type { WebSocket } from 'ws';
import { Connection, type ConnectionIdentity, type Frame } from './connection.js';

/** Bytes buffered by the socket before it counts as congested. */
const HIGH_WATER_BYTES = 256 * 1024;

/** A plain WebSocket client: every message is one JSON object whose `type` is the event name. */
export class WsConnection extends Connection {
  readonly transport = 'ws' as const;
  readonly encoding = 'ws';

  constructor(
    id: string,
    identity: ConnectionIdentity,
    resumeToken: string,
    readonly socket: WebSocket,
  ) {
    super(id, identity, resumeToken);
    // `ws` exposes no drain event of its own; its net.Socket does.
    (socket as unknown as { _socket?: { on(event: 'drain', listener: () => void): void } })._socket?.on('drain', () => this.flush());
  }

  /** `{ "type": event, ...payload, "offset"? }`: payload fields sit beside `type`, as the seed protocol has them. */
  encode(event: string, payload: unknown, offset?: string): Frame {
    // Binary world messages go as binary frames: their first byte says what they are.
    if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    return wsFrame(event, payload, offset);
  }

  protected congested(): boolean {
    return this.socket.bufferedAmount > HIGH_WATER_BYTES;
  }

  protected write(frame: Frame): void {
    this.socket.send(frame);
  }

  close(closeCode: number, error: ErrorPayload): void {
    this.socket.send(wsFrame(ServerEvent.Error, { ...error, close_code: closeCode }));
    this.socket.close(closeCode, error.code);
  }
}

export function wsFrame(event: string, payload: unknown, offset?: string): string {
  const body =
    payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? JSON.stringify(payload)
      : JSON.stringify({ data: payload });
  const head = offset === undefined ? `{"type":${JSON.stringify(event)}` : `{"type":${JSON.stringify(event)},"offset":"${offset}"`;
  return body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
}
