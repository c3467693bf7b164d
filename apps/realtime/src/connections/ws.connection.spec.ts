import { EventPriority } from '@spawnpoint/shared';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { receive } from './websocket-frame.test-support.js';
import { WsConnection } from './ws.connection.js';

function setup() {
  const drainListeners: (() => void)[] = [];
  /** Whole frames, as written to the TCP socket. */
  const sent: Buffer[] = [];
  const socket = {
    bufferedAmount: 0,
    readyState: WebSocket.OPEN as number,
    _socket: {
      once: (_event: 'drain', listener: () => void) => drainListeners.push(listener),
      write: (frame: Buffer) => sent.push(frame),
    },
  };
  const sut = new WsConnection(
    'c1',
    { principal: { kind: 'server', gameId: 'g1', keyId: 'k1' }, gameId: 'g1', playerId: null },
    'resume',
    socket as unknown as WebSocket,
  );
  return { sut, socket, sent, drainListeners };
}

describe(WsConnection.name, () => {
  it('sends a JSON message as a text frame, framed once for every connection it goes to', () => {
    const { sut: first, sent } = setup();
    const { sut: second, sent: sentToSecond } = setup();
    const frame = first.encode('chat_message', { text: 'héllo' }, '1-0');
    first.send(frame, EventPriority.Chat);
    second.send(frame, EventPriority.Chat);

    const [message] = receive(sent[0]!);
    expect(message!.isBinary).toBe(false);
    expect(message!.data.toString()).toBe('{"type":"chat_message","offset":"1-0","text":"héllo"}');
    expect(sentToSecond[0]).toBe(sent[0]);
  });

  it('sends a binary world message as a binary frame of its own bytes', () => {
    const { sut, sent } = setup();
    const bytes = new Uint8Array([1, 2, 3]);
    sut.send(sut.encode('state_delta', bytes), EventPriority.Critical);
    bytes.fill(0); // the world reuses its buffer after handing it over

    const [message] = receive(sent[0]!);
    expect(message!.isBinary).toBe(true);
    expect([...message!.data]).toEqual([1, 2, 3]);
  });

  it('writes nothing once the WebSocket is closing', () => {
    const { sut, socket, sent } = setup();
    socket.readyState = WebSocket.CLOSING;
    sut.send(sut.encode('state_delta', new Uint8Array([1])), EventPriority.Critical);
    expect(sent).toHaveLength(0);
  });

  it('holds frames while the socket is congested and flushes them, most urgent first, on drain', () => {
    const { sut, socket, sent, drainListeners } = setup();
    socket.bufferedAmount = 1024 * 1024;
    sut.send(sut.encode('presence', { status: 'away' }), EventPriority.Cosmetic);
    sut.send(sut.encode('match_found', { id: 'm1' }), EventPriority.Critical);

    expect(sent).toHaveLength(0);
    expect(drainListeners).toHaveLength(1);
    socket.bufferedAmount = 0;
    drainListeners.splice(0).forEach((listener) => listener());
    expect(receive(...sent).map((m) => JSON.parse(m.data.toString()).type)).toEqual(['match_found', 'presence']);
  });
});
