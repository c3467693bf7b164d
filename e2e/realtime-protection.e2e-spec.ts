import { CloseCode, ServerEvent, type ErrorPayload } from '@spawnpoint/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, type Studio } from './support/fixtures.js';
import { RealtimeClients, TRANSPORTS, type RealtimeClient, type Transport } from './support/realtime-client.js';

const MAX_EVENT_BYTES = 2048;
const BURST = 12;
const FLOOD_LIMIT = 10;

describe('realtime gateway: garbage, size limits and rate limits', () => {
  let t: TestApp;
  let s: Studio;
  let rt: RealtimeClients;

  beforeAll(async () => {
    t = await startApp(
      {
        REALTIME_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES),
        REALTIME_EVENT_BURST: String(BURST),
        REALTIME_EVENTS_PER_SECOND: '1',
        REALTIME_FLOOD_LIMIT: String(FLOOD_LIMIT),
      },
      ['api', 'realtime'],
    );
    s = await createStudio(t);
    rt = new RealtimeClients(t.url);
  });
  afterAll(async () => {
    rt.closeAll();
    await t.close();
  });

  const connect = async (transport: Transport): Promise<RealtimeClient> => {
    const p = await deviceLogin(t, s.clientKey);
    return rt.connect(transport, { token: p.sessionToken });
  };
  /** Proof that the process still serves: a fresh connection is welcomed and answered. */
  const stillServing = async () => {
    const client = await connect('ws');
    expect(await client.call('ping', {})).toMatchObject({ server_time: expect.any(Number) });
  };

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it('answers unknown events and schema failures with stable codes and keeps the connection', async () => {
      const client = await connect(transport);
      expect(await client.request('teleport', { x: 1 })).toEqual({
        ok: false,
        error: { code: 'unknown_event', message: expect.stringContaining('teleport') },
      });
      const invalid = await client.request('chat_send', { channel: 'global', content: '', colour: 'red' });
      expect(invalid).toEqual({
        ok: false,
        error: {
          code: 'validation_failed',
          message: 'Invalid chat_send',
          details: expect.arrayContaining([
            { field: 'colour', message: 'is not allowed' },
            { field: 'content', message: expect.stringContaining('characters') },
          ]),
        },
      });
      expect(await client.refused('ping', { timestamp: 'soon' })).toBe('validation_failed');
      expect(await client.refused('presence_update', { status: 'offline' })).toBe('validation_failed');
      expect(await client.refused('presence_get', { player_ids: [] })).toBe('validation_failed');
      expect(await client.refused('notifications_read', { ids: ['not-a-uuid'] })).toBe('validation_failed');
      expect(await client.call('ping', { timestamp: 7 })).toMatchObject({ timestamp: 7 });
    });

    it('keeps the refusal of an event full of unknown fields shorter than the event', async () => {
      const client = await connect(transport);
      const fields = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, 0]));
      const reply = await client.request('ping', fields);
      expect(reply.ok ? null : reply.error.details).toHaveLength(11);
      expect(JSON.stringify(reply).length).toBeLessThan(JSON.stringify(fields).length);
    });

    it('answers an event over the size limit with payload_too_large before reading it', async () => {
      const client = await connect(transport);
      const big = { channel: 'global', content: 'x'.repeat(MAX_EVENT_BYTES) };
      expect(await client.request('chat_send', big)).toEqual({
        ok: false,
        error: { code: 'payload_too_large', message: expect.any(String) },
      });
      expect(await client.call('ping', {})).toMatchObject({ server_time: expect.any(Number) });
    });

    it('disconnects a client that sends more than 64 KiB at once, and goes on serving others', async () => {
      const client = await connect(transport);
      client.emit('chat_send', { channel: 'global', content: 'x'.repeat(70 * 1024) });
      const closed = await client.closed;
      expect(closed).toEqual(transport === 'ws' ? { code: 1009, reason: expect.any(String) } : { code: null, reason: 'transport close' });
      await stillServing();
    });

    it('answers rate_limited past the burst, then disconnects a client that keeps flooding', async () => {
      const client = await connect(transport);
      const replies = await Promise.all(Array.from({ length: BURST + 4 }, (_, i) => client.request('ping', { timestamp: i })));
      // The bucket starts full: the burst is served in order, and what follows at once is refused.
      expect(replies.slice(0, BURST).every((reply) => reply.ok)).toBe(true);
      const limited = replies.slice(BURST).filter((reply) => !reply.ok);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited.map((reply) => (reply.ok ? null : reply.error.code))).toEqual(limited.map(() => 'rate_limited'));

      for (let i = 0; i < FLOOD_LIMIT * 2; i++) client.emit('ping', {});
      const closed = await client.closed;
      expect(closed.code).toBe(CloseCode.Flooding);
      expect(client.pending(ServerEvent.Error)).toContainEqual(
        expect.objectContaining({ code: 'rate_limited', close_code: CloseCode.Flooding }),
      );
      await stillServing();
    });

    it('disconnects a client that floods with refused garbage even within the rate', async () => {
      const client = await connect(transport);
      for (let i = 0; i <= FLOOD_LIMIT; i++) client.emit('no_such_event', {});
      expect((await client.closed).code).toBe(CloseCode.Flooding);
    });
  });

  describe('/ws framing', () => {
    it('answers invalid JSON, non-objects, unknown or malformed binary messages and a missing type with an error, and keeps serving', async () => {
      const client = await rt.connect('ws', { token: (await deviceLogin(t, s.clientKey)).sessionToken });
      client.sendRaw('{"type": "ping",');
      expect(await client.next<ErrorPayload>(ServerEvent.Error)).toEqual({ code: 'invalid_json', message: expect.any(String) });
      client.sendRaw('[1,2,3]');
      expect((await client.next<ErrorPayload>(ServerEvent.Error)).code).toBe('invalid_json');
      // A binary message's first byte names the event: 99 is none; 1 is a world input, and 3 bytes are not one.
      client.sendRaw(Buffer.from([99, 2, 3]));
      expect(await client.next<ErrorPayload>(ServerEvent.Error)).toMatchObject({ code: 'unknown_event' });
      client.sendRaw(Buffer.from([1, 2, 3]));
      expect(await client.next<ErrorPayload>(ServerEvent.Error)).toMatchObject({ event: 'input', code: 'validation_failed' });
      client.send({ ref: 'no-type' });
      expect(await client.next<ErrorPayload>(ServerEvent.Error)).toMatchObject({ ref: 'no-type', code: 'unknown_event' });
      // A fire-and-forget message with a ref still gets its ack, matched by the ref.
      client.send({ type: 'ping', ref: 'mine', timestamp: 1 });
      expect(await client.next('ack', (ack: { ref?: unknown }) => ack.ref === 'mine')).toEqual({
        ref: 'mine',
        event: 'ping',
        data: { timestamp: 1, server_time: expect.any(Number) },
      });
      expect(client.pending()).toEqual([]);
    });
  });

  describe('Socket.IO framing', () => {
    it('sends an error event for a refused event sent without an acknowledgement', async () => {
      const client = await connect('socket.io');
      client.emit('no_such_event', {});
      expect(await client.next<ErrorPayload>(ServerEvent.Error)).toMatchObject({ code: 'unknown_event' });
      expect(await client.refused('ping', 'a string' as unknown as object)).toBe('validation_failed');
    });

    it('counts binary attachments against the size limit', async () => {
      const client = await connect('socket.io');
      const reply = await client.request('ping', { timestamp: Buffer.alloc(MAX_EVENT_BYTES * 4) } as object);
      expect(reply).toEqual({ ok: false, error: { code: 'payload_too_large', message: expect.any(String) } });
    });

    it('refuses a binary payload within the size limit as not an object', async () => {
      const client = await connect('socket.io');
      const reply = await client.request('ping', Buffer.alloc(MAX_EVENT_BYTES / 2) as unknown as object);
      expect(reply).toEqual({ ok: false, error: expect.objectContaining({ details: [{ field: '', message: 'must be an object' }] }) });
    });

    it('drops a connection that sends a malformed packet, and goes on serving others', async () => {
      const client = await connect('socket.io');
      (client as unknown as { socket: { io: { engine: { write(data: string): void } } } }).socket.io.engine.write('2{not a packet');
      expect((await client.closed).reason).toMatch(/server disconnect|transport close/);
      await stillServing();
    });
  });
});
