import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, type SignedInPlayer, type Studio } from './support/fixtures.js';

// Every query is scoped by the game of the key or token. These prove it from the outside.
describe('tenant isolation and key kinds', () => {
  let t: TestApp;
  let a: Studio;
  let b: Studio;
  let playerA: SignedInPlayer;
  let playerB: SignedInPlayer;
  beforeAll(async () => {
    t = await startApp();
    [a, b] = await Promise.all([createStudio(t), createStudio(t)]);
    [playerA, playerB] = await Promise.all([deviceLogin(t, a.clientKey), deviceLogin(t, b.clientKey)]);
  });
  afterAll(() => t.close());

  describe('GET /players/:playerId', () => {
    it('lets a server key read its own game\'s player', async () => {
      const res = await t.http.get(`/players/${playerA.id}`).set('x-api-key', a.serverKey).expect(200);
      expect(res.body.id).toBe(playerA.id);
    });

    it('answers a server key of game A asking for game B\'s player with 404', async () => {
      const res = await t.http.get(`/players/${playerB.id}`).set('x-api-key', a.serverKey).expect(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it('lets a player read itself but not another player', async () => {
      const other = await deviceLogin(t, a.clientKey);
      await t.http.get(`/players/${playerA.id}`).set('authorization', `Bearer ${playerA.sessionToken}`).expect(200);
      await t.http.get(`/players/${other.id}`).set('authorization', `Bearer ${playerA.sessionToken}`).expect(404);
    });
  });

  describe('GET /players', () => {
    it('lists only the key\'s game', async () => {
      const res = await t.http.get('/players?limit=100').set('x-api-key', a.serverKey).expect(200);
      const ids = res.body.players.map((p: { id: string }) => p.id);
      expect(ids).toContain(playerA.id);
      expect(ids).not.toContain(playerB.id);
    });

    it('pages with a cursor', async () => {
      const studio = await createStudio(t);
      for (let i = 0; i < 3; i++) await deviceLogin(t, studio.clientKey);
      const first = await t.http.get('/players?limit=2').set('x-api-key', studio.serverKey).expect(200);
      expect(first.body.players).toHaveLength(2);
      const second = await t.http.get(`/players?limit=2&cursor=${first.body.next_cursor}`).set('x-api-key', studio.serverKey).expect(200);
      expect(second.body.players).toHaveLength(1);
      expect(second.body.next_cursor).toBeNull();
    });

    it('gets 403 with a client key: client keys only create and refresh sessions', async () => {
      const res = await t.http.get('/players').set('x-api-key', a.clientKey).expect(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it('gets 403 with a player session on a server endpoint', async () => {
      await t.http.get('/players').set('authorization', `Bearer ${playerA.sessionToken}`).expect(403);
    });

    it('gets 401 with a made-up key and with no credentials', async () => {
      expect((await t.http.get('/players').set('x-api-key', 'sp_sk_madeup').expect(401)).body.error.code).toBe('invalid_api_key');
      expect((await t.http.get('/players').expect(401)).body.error.code).toBe('unauthorized');
    });
  });

  describe('writes across tenants', () => {
    it('cannot ban another game\'s player', async () => {
      await t.http.post(`/players/${playerB.id}/ban`).set('x-api-key', a.serverKey).expect(404);
      await t.http.get('/players/me').set('authorization', `Bearer ${playerB.sessionToken}`).expect(200);
    });

    it('a session of game B is not a session of game A: custom ids may repeat across games', async () => {
      const id = 'player_123';
      const inA = await t.http.post('/auth/custom').set('x-api-key', a.clientKey).send({ custom_id: id }).expect(201);
      const inB = await t.http.post('/auth/custom').set('x-api-key', b.clientKey).send({ custom_id: id }).expect(201);
      expect(inA.body.player.id).toBe(id);
      expect(inB.body.player.id).toBe(id);
      expect(inA.body.created && inB.body.created).toBe(true);
    });
  });
});
