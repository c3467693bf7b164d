import { ServerEvent, type ErrorPayload } from '@spawnpoint/shared';
import { WebSocket } from 'ws';
import { Connection, type ConnectionIdentity, type Frame } from './connection.js';
import { binaryFrame, textFrame } from './websocket-frame.js';

/** Bytes buffered by the socket before it counts as congested. */
const HIGH_WATER_BYTES = 256 * 1024;

/** The TCP socket under a `ws` WebSocket (`ws` keeps it as `_socket`). */
interface RawSocket {
  write(frame: Buffer): boolean;
  once(event: 'drain', listener: () => void): void;
}

/**
 * A plain WebSocket client: every message is one JSON object whose `type` is the event name.
 *
 * Frames are built here, whole, and written to the TCP socket directly: a world snapshot goes to
 * each of a thousand clients twenty times a second, and `ws.send` costs a header allocation and a
 * two-buffer writev each time. That is safe because this server never compresses (no
 * permessage-deflate): `ws` then writes every frame of its own (pings, close) at once and in
 * order, so whole frames from here cannot land inside one of its frames.
 */
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

  /**
   * `{ "type": event, ...payload, "offset"? }`: payload fields sit beside `type`, as the seed
   * protocol has them. Binary world messages become whole binary frames (their first byte says
   * what they are), copied: the world reuses the bytes it handed over.
   */
  encode(event: string, payload: unknown, offset?: string): Frame {
    if (payload instanceof Uint8Array) return binaryFrame(payload);
    return wsFrame(event, payload, offset);
  }

  protected congested(): boolean {
    return this.socket.bufferedAmount > HIGH_WATER_BYTES;
  }

  protected onceDrained(listener: () => void): void {
    // `ws` exposes no drain event of its own; its net.Socket does.
    this.raw()?.once('drain', listener);
  }

  /** A string is a JSON message; a Buffer is a whole frame from `encode`. */
  protected write(frame: Frame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.raw()?.write(typeof frame === 'string' ? textFrameOf(frame) : (frame as Buffer));
  }

  private raw(): RawSocket | undefined {
    return (this.socket as unknown as { _socket?: RawSocket })._socket;
  }

  close(closeCode: number, error: ErrorPayload): void {
    this.socket.send(wsFrame(ServerEvent.Error, { ...error, close_code: closeCode }));
    this.socket.close(closeCode, error.code);
  }
}

/**
 * The last text frame written. A delivery writes one message to every connection of its rooms in
 * a row: the text is encoded and framed once instead of once per socket.
 */
let last: { text: string; frame: Buffer } = { text: '', frame: Buffer.alloc(0) };

function textFrameOf(text: string): Buffer {
  if (text !== last.text) last = { text, frame: textFrame(text) };
  return last.frame;
}

export function wsFrame(event: string, payload: unknown, offset?: string): string {
  const body =
    payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? JSON.stringify(payload)
      : JSON.stringify({ data: payload });
  const head = offset === undefined ? `{"type":${JSON.stringify(event)}` : `{"type":${JSON.stringify(event)},"offset":"${offset}"`;
  return body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
}
