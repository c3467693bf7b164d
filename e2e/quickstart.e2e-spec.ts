import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { PASSWORD, unique } from './support/fixtures.js';

// The README's walkthrough, step by step, as one studio would do it.
describe('quick start journey', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('signup → login → game → keys → device auth → refresh (rotation, reuse) → logout', async () => {
    const email = `${unique('ada')}@studio.dev`;
    await t.http.post('/developers/signup').send({ email, password: PASSWORD, name: 'Ada' }).expect(201);
    const { token } = (await t.http.post('/developers/login').send({ email, password: PASSWORD }).expect(200)).body;
    const dev = { authorization: `Bearer ${token}` };

    const game = (await t.http.post('/games').set(dev).send({ name: 'Space Raiders' }).expect(201)).body;
    expect(game).toMatchObject({ id: expect.any(String), name: 'Space Raiders' });
    const clientKey = (await t.http.post(`/games/${game.id}/keys`).set(dev).send({ name: 'client', kind: 'client' }).expect(201)).body;
    const serverKey = (await t.http.post(`/games/${game.id}/keys`).set(dev).send({ name: 'server', kind: 'server' }).expect(201)).body;
    expect(Object.keys(clientKey)).toEqual(expect.arrayContaining(['id', 'kind', 'key', 'prefix']));

    const signIn = (await t.http.post('/auth/device').set('x-api-key', clientKey.key).send({ device_id: 'my-device-0001' }).expect(201)).body;
    expect(signIn).toMatchObject({ session_token: expect.any(String), refresh_token: expect.any(String), player: { id: expect.any(String) } });
    const me = (await t.http.get('/players/me').set('authorization', `Bearer ${signIn.session_token}`).expect(200)).body;
    expect(me.id).toBe(signIn.player.id);

    const listed = (await t.http.get('/players').set('x-api-key', serverKey.key).expect(200)).body;
    expect(listed.players.map((p: { id: string }) => p.id)).toEqual([signIn.player.id]);
    await t.http.get('/players').set('x-api-key', clientKey.key).expect(403);

    const rotated = (await t.http.post('/auth/refresh').set('x-api-key', clientKey.key).send({ refresh_token: signIn.refresh_token }).expect(200)).body;
    await t.http.post('/auth/refresh').set('x-api-key', clientKey.key).send({ refresh_token: signIn.refresh_token }).expect(401);
    await t.http.get('/players/me').set('authorization', `Bearer ${rotated.session_token}`).expect(401);

    const again = (await t.http.post('/auth/device').set('x-api-key', clientKey.key).send({ device_id: 'my-device-0001' }).expect(201)).body;
    expect(again.player.id).toBe(signIn.player.id);
    await t.http.post('/auth/logout').set('authorization', `Bearer ${again.session_token}`).expect(204);
    await t.http.get('/players/me').set('authorization', `Bearer ${again.session_token}`).expect(401);

    await t.http.delete(`/games/${game.id}/keys/${clientKey.id}`).set(dev).expect(200);
    await t.http.post('/auth/device').set('x-api-key', clientKey.key).send({ device_id: 'my-device-0001' }).expect(401);
  });
});
