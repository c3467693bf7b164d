import { EventPriority } from '@spawnpoint/shared';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { WsConnection } from './ws.connection.js';

function setup() {
  const drainListeners: (() => void)[] = [];
  const sent: { data: unknown; options?: { binary?: boolean } }[] = [];
  const socket = {
    bufferedAmount: 0,
    _socket: { once: (_event: 'drain', listener: () => void) => drainListeners.push(listener) },
    send: (data: unknown, options?: { binary?: boolean }) => sent.push({ data, options }),
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
  it('sends a JSON frame as text, its bytes encoded once for every connection it goes to', () => {
    const { sut: first, sent } = setup();
    const { sut: second, sent: sentToSecond } = setup();
    const frame = first.encode('chat_message', { text: 'héllo' }, '1-0');
    first.send(frame, EventPriority.Chat);
    second.send(frame, EventPriority.Chat);

    expect(sent[0]!.options).toEqual({ binary: false });
    expect((sent[0]!.data as Buffer).toString()).toBe('{"type":"chat_message","offset":"1-0","text":"héllo"}');
    expect(sentToSecond[0]!.data).toBe(sent[0]!.data);
  });

  it('sends a binary world message as a binary frame', () => {
    const { sut, sent } = setup();
    sut.send(sut.encode('state_delta', new Uint8Array([1, 2, 3])), EventPriority.Critical);

    expect(sent[0]!.data).toEqual(Buffer.from([1, 2, 3]));
    expect(sent[0]!.options).toBeUndefined();
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
    expect(sent.map((s) => JSON.parse((s.data as Buffer).toString()).type)).toEqual(['match_found', 'presence']);
  });
});
