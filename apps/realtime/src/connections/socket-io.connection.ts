import { ServerEvent, type ErrorPayload } from '@spawnpoint/shared';
import type { Socket } from 'socket.io';
import { Connection, type ConnectionIdentity, type Frame } from './connection.js';

/** Packets waiting in engine.io's write buffer before a socket counts as congested. */
const HIGH_WATER_PACKETS = 256;
const EVENT_PACKET = 2;

interface EncoderLike {
  encode(packet: { type: number; nsp: string; data: unknown[] }): (string | Buffer)[];
}

/** The parts of socket.io internals used to write a frame encoded once for many sockets (as its own broadcasts do). */
interface SocketInternals {
  client: { writeToEngine(packets: Frame, options: Record<string, never>): void };
  conn: { writeBuffer: unknown[]; on(event: 'drain', listener: () => void): void };
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
    (socket as unknown as SocketInternals).conn.on('drain', () => this.flush());
  }

  /** Socket.IO clients get the stream offset as a second argument; the SDK keeps the last one for resuming. */
  encode(event: string, payload: unknown, offset?: string): Frame {
    const data = offset === undefined ? [event, payload] : [event, payload, offset];
    const packets = this.encoder.encode({ type: EVENT_PACKET, nsp: '/', data });
    // A payload with bytes (a binary world delta) is a header packet plus attachments.
    return packets.length === 1 ? packets[0]! : packets;
  }

  protected congested(): boolean {
    return (this.socket as unknown as SocketInternals).conn.writeBuffer.length > HIGH_WATER_PACKETS;
  }

  protected write(frame: Frame): void {
    (this.socket as unknown as SocketInternals).client.writeToEngine(frame, {});
  }

  close(closeCode: number, error: ErrorPayload): void {
    this.socket.emit(ServerEvent.Error, { ...error, close_code: closeCode });
    this.socket.disconnect(true);
  }
}
