import { RealtimePublisher } from '@spawnpoint/redis';
import { Rooms, ServerEvent } from '@spawnpoint/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, type Studio } from './support/fixtures.js';

function connect(url: string, auth: Record<string, string>): Socket {
  return io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

function outcome(socket: Socket): Promise<{ welcome?: Record<string, unknown>; error?: { message: string; data?: { code: string } } }> {
  return new Promise((resolve) => {
    socket.once('welcome', (welcome: Record<string, unknown>) => resolve({ welcome }));
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => resolve({ error }));
  });
}

describe('realtime handshake', () => {
  let t: TestApp;
  let s: Studio;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startApp();
    s = await createStudio(t);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  const open = (auth: Record<string, string>) => {
    const socket = connect(t.url, auth);
    sockets.push(socket);
    return socket;
  };

  it('welcomes a player connecting with its session token', async () => {
    const player = await deviceLogin(t, s.clientKey);
    const result = await outcome(open({ token: player.sessionToken }));
    expect(result.welcome).toMatchObject({ player_id: player.id, game_id: s.gameId });
  });

  it('accepts a server key as a trusted game server', async () => {
    const result = await outcome(open({ api_key: s.serverKey }));
    expect(result.welcome).toMatchObject({ player_id: null, game_id: s.gameId });
  });

  it('refuses bad credentials with connect_error carrying a stable code', async () => {
    expect((await outcome(open({ token: 'garbage' }))).error?.data?.code).toBe('invalid_token');
    expect((await outcome(open({ api_key: 'sp_sk_nope' }))).error?.data?.code).toBe('invalid_api_key');
    expect((await outcome(open({}))).error?.data?.code).toBe('unauthorized');
  });

  it('disconnects a player\'s socket within seconds of logout', async () => {
    const player = await deviceLogin(t, s.clientKey);
    const socket = open({ token: player.sessionToken });
    await outcome(socket);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await t.http.post('/auth/logout').set('authorization', `Bearer ${player.sessionToken}`).send({}).expect(204);
    expect(await disconnected).toBe('io server disconnect');
    expect((await outcome(open({ token: player.sessionToken }))).error?.data?.code).toBe('session_revoked');
  });

  it('delivers an event published by an api-only process to the player\'s socket', async () => {
    const player = await deviceLogin(t, s.clientKey);
    const socket = open({ token: player.sessionToken });
    await outcome(socket);
    const api = await startApp({}, ['api']);
    try {
      const received = new Promise<unknown>((resolve) => socket.once(ServerEvent.Error, resolve));
      await api.app.get(RealtimePublisher).emit([Rooms.player(s.gameId, player.id)], ServerEvent.Error, { code: 'test', message: 'hello' });
      expect(await received).toEqual({ code: 'test', message: 'hello' });
    } finally {
      await api.close();
    }
  });

  it('disconnects a game server\'s socket when its key is revoked', async () => {
    const created = await t.http.post(`/games/${s.gameId}/keys`).set('authorization', `Bearer ${s.token}`).send({ name: 'rt', kind: 'server' }).expect(201);
    const socket = open({ api_key: created.body.key });
    await outcome(socket);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await t.http.delete(`/games/${s.gameId}/keys/${created.body.id}`).set('authorization', `Bearer ${s.token}`).expect(200);
    expect(await disconnected).toBe('io server disconnect');
  });
});
