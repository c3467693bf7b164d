import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, type Studio } from './support/fixtures.js';

describe('/games', () => {
  let t: TestApp;
  let a: Studio;
  let b: Studio;
  beforeAll(async () => {
    t = await startApp();
    [a, b] = await Promise.all([createStudio(t), createStudio(t)]);
  });
  afterAll(() => t.close());

  const dev = (s: Studio) => ({ authorization: `Bearer ${s.token}` });

  describe('POST /games and GET /games', () => {
    it('lists only the developer\'s own games', async () => {
      await t.http.post('/games').set(dev(a)).send({ name: 'Second' }).expect(201);
      const list = await t.http.get('/games').set(dev(a)).expect(200);
      expect(list.body.games.map((g: { name: string }) => g.name)).toEqual(['Test game', 'Second']);
      expect(list.body.games.map((g: { id: string }) => g.id)).not.toContain(b.gameId);
    });

    it('returns the game with its session policy', async () => {
      const res = await t.http.get(`/games/${a.gameId}`).set(dev(a)).expect(200);
      expect(res.body).toMatchObject({ id: a.gameId, name: 'Test game', session_ttl_seconds: 900, refresh_ttl_seconds: 2_592_000 });
    });

    it('answers another developer\'s game with 404, and a malformed id too', async () => {
      expect((await t.http.get(`/games/${b.gameId}`).set(dev(a)).expect(404)).body.error.code).toBe('not_found');
      await t.http.get('/games/not-a-uuid').set(dev(a)).expect(404);
    });

    it('refuses game endpoints without a developer token', async () => {
      await t.http.get('/games').expect(401);
      // A game key is not a developer credential.
      await t.http.get('/games').set('x-api-key', a.serverKey).expect(401);
    });
  });

  describe('POST /games/:gameId/keys', () => {
    it('returns the full key once, recognisable by kind, and lists only its prefix', async () => {
      const res = await t.http.post(`/games/${a.gameId}/keys`).set(dev(a)).send({ name: 'ci', kind: 'server' }).expect(201);
      expect(res.body).toMatchObject({ kind: 'server', name: 'ci' });
      expect(res.body.key).toMatch(/^sp_sk_[A-Za-z0-9_-]{40}$/);
      expect(res.body.key.startsWith(res.body.prefix)).toBe(true);

      const list = await t.http.get(`/games/${a.gameId}/keys`).set(dev(a)).expect(200);
      const listed = list.body.keys.find((k: { id: string }) => k.id === res.body.id);
      expect(listed).toMatchObject({ prefix: res.body.prefix, kind: 'server', revoked_at: null });
      expect(JSON.stringify(list.body)).not.toContain(res.body.key);
      expect(a.clientKey).toMatch(/^sp_ck_/);
    });

    it('rejects an unknown kind', async () => {
      const res = await t.http.post(`/games/${a.gameId}/keys`).set(dev(a)).send({ name: 'x', kind: 'admin' }).expect(400);
      expect(res.body.error.details[0].field).toBe('kind');
    });

    it('cannot create keys for another developer\'s game', async () => {
      await t.http.post(`/games/${b.gameId}/keys`).set(dev(a)).send({ name: 'steal', kind: 'server' }).expect(404);
    });

    it('records when a key was last used', async () => {
      await deviceLogin(t, a.clientKey);
      await expect
        .poll(async () => {
          const list = await t.http.get(`/games/${a.gameId}/keys`).set(dev(a));
          return list.body.keys.find((k: { kind: string; name: string }) => k.name === 'client').last_used_at;
        })
        .not.toBeNull();
    });
  });

  describe('DELETE /games/:gameId/keys/:keyId', () => {
    it('revokes a key so that it gets 401 on the very next request', async () => {
      const created = await t.http.post(`/games/${a.gameId}/keys`).set(dev(a)).send({ name: 'temp', kind: 'server' }).expect(201);
      const key = created.body.key as string;
      await t.http.get('/players').set('x-api-key', key).expect(200);
      const revoked = await t.http.delete(`/games/${a.gameId}/keys/${created.body.id}`).set(dev(a)).expect(200);
      expect(revoked.body.revoked_at).not.toBeNull();
      const res = await t.http.get('/players').set('x-api-key', key).expect(401);
      expect(res.body.error.code).toBe('invalid_api_key');
    });

    it('revokes on every process: one that cached the key refuses it within a moment', async () => {
      const other = await startApp({}, ['api']);
      try {
        const created = await t.http.post(`/games/${a.gameId}/keys`).set(dev(a)).send({ name: 'cached', kind: 'server' }).expect(201);
        await other.http.get('/players').set('x-api-key', created.body.key).expect(200);
        await t.http.delete(`/games/${a.gameId}/keys/${created.body.id}`).set(dev(a)).expect(200);
        await expect.poll(async () => (await other.http.get('/players').set('x-api-key', created.body.key)).status, { timeout: 1_000, interval: 20 }).toBe(401);
      } finally {
        await other.close();
      }
    });

    it('answers another game\'s key id with 404', async () => {
      const list = await t.http.get(`/games/${b.gameId}/keys`).set(dev(b)).expect(200);
      await t.http.delete(`/games/${a.gameId}/keys/${list.body.keys[0].id}`).set(dev(a)).expect(404);
      await t.http.delete(`/games/${b.gameId}/keys/${list.body.keys[0].id}`).set(dev(a)).expect(404);
    });
  });

  describe('PATCH /games/:gameId', () => {
    it('changes the session lifetime used for new sessions', async () => {
      const studio = await createStudio(t);
      await t.http.patch(`/games/${studio.gameId}`).set(dev(studio)).send({ session_ttl_seconds: 120 }).expect(200);
      const res = await t.http.post('/auth/device').set('x-api-key', studio.clientKey).send({ device_id: 'ttl-device-1' }).expect(201);
      expect(res.body.expires_in).toBe(120);
    });

    it('bounds the session lifetime', async () => {
      await t.http.patch(`/games/${a.gameId}`).set(dev(a)).send({ session_ttl_seconds: 10 }).expect(400);
    });
  });
});
