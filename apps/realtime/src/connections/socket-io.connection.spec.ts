import { createRequire } from 'node:module';
import { EventPriority } from '@spawnpoint/shared';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import type { Frame } from './connection.js';
import { SocketIoConnection } from './socket-io.connection.js';

// The framing engine.io and socket.io's own broadcasts use: the reference for ours.
const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, options: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean }): Buffer[] };
};

interface Written {
  frame: Frame;
  options: { wsPreEncodedFrame?: Buffer[] };
}

function setup() {
  const drainListeners: (() => void)[] = [];
  const written: Written[] = [];
  const conn = { writeBuffer: [] as unknown[], once: (_event: 'drain', listener: () => void) => drainListeners.push(listener) };
  const socket = { conn, client: { writeToEngine: (frame: Frame, options: Written['options']) => written.push({ frame, options }) } };
  const encoder = { encode: (packet: { data: unknown[] }) => [`2${JSON.stringify(packet.data)}`] };
  const sut = new SocketIoConnection(
    'c1',
    { principal: { kind: 'server', gameId: 'g1', keyId: 'k1' }, gameId: 'g1', playerId: null },
    'resume',
    socket as unknown as Socket,
    encoder,
  );
  const congest = (on: boolean) => (conn.writeBuffer = on ? Array.from({ length: 300 }) : []);
  const drain = () => drainListeners.splice(0).forEach((listener) => listener());
  return { sut, written, drainListeners, congest, drain };
}

describe(SocketIoConnection.name, () => {
  it('hands engine.io the WebSocket frame ws itself would build, for short and long messages', () => {
    const { sut, written } = setup();
    for (const text of ['x'.repeat(10), 'y'.repeat(300), 'é'.repeat(40_000)])
      sut.send(sut.encode('chat_message', { text }), EventPriority.Chat);

    expect(written).toHaveLength(3);
    for (const { frame, options } of written) {
      const reference = Sender.frame(Buffer.from(`4${frame as string}`), {
        readOnly: false,
        mask: false,
        rsv1: false,
        opcode: 1,
        fin: true,
      });
      expect(Buffer.concat(options.wsPreEncodedFrame!)).toEqual(Buffer.concat(reference));
    }
  });

  it('frames a message once for every connection it is written to', () => {
    const { sut: first, written } = setup();
    const { sut: second, written: writtenToSecond } = setup();
    const frame = first.encode('chat_message', { text: 'hi' });
    first.send(frame, EventPriority.Chat);
    second.send(frame, EventPriority.Chat);

    expect(writtenToSecond[0]!.options.wsPreEncodedFrame).toBe(written[0]!.options.wsPreEncodedFrame);
  });

  it('queues behind a congested socket and sends the most urgent first once it drains', () => {
    const { sut, written, drainListeners, congest, drain } = setup();
    congest(true);
    sut.send('chat', EventPriority.Chat);
    sut.send('cosmetic', EventPriority.Cosmetic);
    sut.send('critical', EventPriority.Critical);

    expect(written).toHaveLength(0);
    expect(drainListeners).toHaveLength(1);
    congest(false);
    drain();
    expect(written.map((w) => w.frame)).toEqual(['critical', 'chat', 'cosmetic']);
    expect(drainListeners).toHaveLength(0);
  });

  it('waits for the next drain when the socket congests again while flushing', () => {
    const { sut, written, drainListeners, congest, drain } = setup();
    congest(true);
    sut.send('a', EventPriority.Normal);
    drain();

    expect(written).toHaveLength(0);
    expect(drainListeners).toHaveLength(1);
    congest(false);
    drain();
    expect(written.map((w) => w.frame)).toEqual(['a']);
  });
});
