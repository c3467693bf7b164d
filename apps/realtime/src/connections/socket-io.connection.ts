import { ServerEvent, type ErrorPayload } from '@spawnpoint/shared';
import type { Socket } from 'socket.io';
import { Connection, type ConnectionIdentity, type Frame } from './connection.js';
import { textFrame } from './websocket-frame.js';

/** Packets waiting in engine.io's write buffer before a socket counts as congested. */
const HIGH_WATER_PACKETS = 256;
const EVENT_PACKET = 2;

interface EncoderLike {
  encode(packet: { type: number; nsp: string; data: unknown[] }): (string | Buffer)[];
}

/**
 * engine.io writes `wsPreEncodedFrame` as is on a WebSocket transport (and encodes the packet as
 * usual on others): socket.io's own broadcasts frame a message once for all sockets this way.
 */
interface WriteOptions {
  wsPreEncodedFrame?: Buffer[];
}

/** The parts of socket.io internals used to write a frame encoded once for many sockets (as its own broadcasts do). */
interface SocketInternals {
  client: { writeToEngine(packets: Frame, options: WriteOptions): void };
  conn: { writeBuffer: unknown[]; once(event: 'drain', listener: () => void): void };
}

/** A Socket.IO client: the event name is the message `type`, the payload its one argument. */
export class SocketIoConnection extends Connection {
  readonly transport = 'socket.io' as const;
  readonly encoding = 'socket.io';

  constructor(
    id: string,
    identity: ConnectionIdentity,
    resumeToken: string,
    readonly socket: Socket,
    private readonly encoder: EncoderLike,
  ) {
    super(id, identity, resumeToken);
  }

  /** Socket.IO clients get the stream offset as a second argument; the SDK keeps the last one for resuming. */
  encode(event: string, payload: unknown, offset?: string): Frame {
    // A binary world message is a view of bytes the world reuses: the attachment needs its own copy.
    const body = payload instanceof Uint8Array ? Buffer.from(payload) : payload;
    const data = offset === undefined ? [event, body] : [event, body, offset];
    const packets = this.encoder.encode({ type: EVENT_PACKET, nsp: '/', data });
    // A payload with bytes (a binary world delta) is a header packet plus attachments.
    return packets.length === 1 ? packets[0]! : packets;
  }

  protected congested(): boolean {
    return (this.socket as unknown as SocketInternals).conn.writeBuffer.length > HIGH_WATER_PACKETS;
  }

  protected onceDrained(listener: () => void): void {
    (this.socket as unknown as SocketInternals).conn.once('drain', listener);
  }

  protected write(frame: Frame): void {
    (this.socket as unknown as SocketInternals).client.writeToEngine(frame, writeOptions(frame));
  }

  close(closeCode: number, error: ErrorPayload): void {
    this.socket.emit(ServerEvent.Error, { ...error, close_code: closeCode });
    this.socket.disconnect(true);
  }
}

/**
 * The options of the last frame written. A delivery writes one frame to every connection of its
 * rooms in a row, so one remembered frame spares all but the first the WebSocket framing and the
 * UTF-8 encoding of the payload (its text was encoded per socket before: the bulk of a broadcast).
 */
let last: { frame: Frame; options: WriteOptions } = { frame: '', options: {} };

function writeOptions(frame: Frame): WriteOptions {
  if (frame === last.frame) return last.options;
  // Binary events are several packets: engine.io encodes those itself.
  const options: WriteOptions = typeof frame === 'string' ? { wsPreEncodedFrame: [textFrame(`4${frame}`)] } : {};
  last = { frame, options };
  return options;
}
