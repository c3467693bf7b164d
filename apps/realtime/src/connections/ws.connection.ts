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

  protected onceDrained(listener: () => void): void {
    // `ws` exposes no drain event of its own; its net.Socket does.
    (this.socket as unknown as { _socket?: { once(event: 'drain', listener: () => void): void } })._socket?.once('drain', listener);
  }

  protected write(frame: Frame): void {
    if (typeof frame === 'string') this.socket.send(textBytes(frame), { binary: false });
    else this.socket.send(frame);
  }

  close(closeCode: number, error: ErrorPayload): void {
    this.socket.send(wsFrame(ServerEvent.Error, { ...error, close_code: closeCode }));
    this.socket.close(closeCode, error.code);
  }
}

/**
 * The UTF-8 bytes of the last text frame written. A delivery writes one frame to every connection
 * of its rooms in a row: sent as bytes, the text is encoded once instead of once per socket.
 */
let last = { text: '', bytes: Buffer.alloc(0) };

function textBytes(text: string): Buffer {
  if (text !== last.text) last = { text, bytes: Buffer.from(text) };
  return last.bytes;
}

export function wsFrame(event: string, payload: unknown, offset?: string): string {
  const body =
    payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? JSON.stringify(payload)
      : JSON.stringify({ data: payload });
  const head = offset === undefined ? `{"type":${JSON.stringify(event)}` : `{"type":${JSON.stringify(event)},"offset":"${offset}"`;
  return body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
}
