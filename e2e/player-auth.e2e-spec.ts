import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, PASSWORD, unique, type Studio } from './support/fixtures.js';

describe('/auth (players)', () => {
  let t: TestApp;
  let s: Studio;
  beforeAll(async () => {
    t = await startApp({ LOGIN_FAILURES_PER_ACCOUNT: '3' });
    s = await createStudio(t);
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  describe('POST /auth/device', () => {
    it('creates an anonymous player on first use and signs the same player in afterwards', async () => {
      const deviceId = unique('device-');
      const first = await t.http.post('/auth/device').set('x-api-key', s.clientKey).send({ device_id: deviceId }).expect(201);
      expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, created: true, player: { anonymous: true } });
      expect(first.body.player.id).toMatch(/^p_/);
      expect(first.body.refresh_token).toMatch(/^sp_rt_/);

      const again = await t.http.post('/auth/device').set('x-api-key', s.clientKey).send({ device_id: deviceId }).expect(201);
      expect(again.body).toMatchObject({ created: false, player: { id: first.body.player.id } });
    });

    it('makes exactly one player when a new device signs in twice at once', async () => {
      const deviceId = unique('race-');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => t.http.post('/auth/device').set('x-api-key', s.clientKey).send({ device_id: deviceId })),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.body.player.id)).size).toBe(1);
      expect(results.filter((r) => r.body.created)).toHaveLength(1);
    });
  });

  describe('POST /auth/custom', () => {
    it('uses the game\'s own id as the player id, so server calls can address it', async () => {
      const customId = unique('player_');
      const res = await t.http.post('/auth/custom').set('x-api-key', s.clientKey).send({ custom_id: customId, username: unique('u') }).expect(201);
      expect(res.body.player.id).toBe(customId);
      const viaServer = await t.http.get(`/players/${customId}`).set('x-api-key', s.serverKey).expect(200);
      expect(viaServer.body.id).toBe(customId);
    });

    it('rejects ids outside the documented syntax', async () => {
      const res = await t.http.post('/auth/custom').set('x-api-key', s.clientKey).send({ custom_id: 'has space/slash' }).expect(400);
      expect(res.body.error.details[0].field).toBe('custom_id');
    });
  });

  describe('POST /auth/email/signup and /auth/email/login', () => {
    it('signs up and logs in with email and password', async () => {
      const email = `${unique('p')}@player.test`;
      const signup = await t.http.post('/auth/email/signup').set('x-api-key', s.clientKey).send({ email, password: PASSWORD, username: unique('hero') }).expect(201);
      expect(signup.body.player).toMatchObject({ email, anonymous: false });
      const login = await t.http.post('/auth/email/login').set('x-api-key', s.clientKey).send({ email, password: PASSWORD }).expect(200);
      expect(login.body.player.id).toBe(signup.body.player.id);
    });

    it('refuses a taken email or username with 409 and its own code', async () => {
      const email = `${unique('taken')}@player.test`;
      const username = unique('name');
      await t.http.post('/auth/email/signup').set('x-api-key', s.clientKey).send({ email, password: PASSWORD, username }).expect(201);
      const dupEmail = await t.http.post('/auth/email/signup').set('x-api-key', s.clientKey).send({ email, password: PASSWORD }).expect(409);
      expect(dupEmail.body.error.code).toBe('email_taken');
      const dupName = await t.http.post('/auth/email/signup').set('x-api-key', s.clientKey).send({ email: `${unique('o')}@p.test`, password: PASSWORD, username }).expect(409);
      expect(dupName.body.error.code).toBe('username_taken');
    });

    it('limits failed logins per account with 429', async () => {
      const email = `${unique('brute')}@player.test`;
      await t.http.post('/auth/email/signup').set('x-api-key', s.clientKey).send({ email, password: PASSWORD }).expect(201);
      for (let i = 0; i < 3; i++) await t.http.post('/auth/email/login').set('x-api-key', s.clientKey).send({ email, password: 'nope nope' }).expect(401);
      const res = await t.http.post('/auth/email/login').set('x-api-key', s.clientKey).send({ email, password: PASSWORD }).expect(429);
      expect(res.headers['retry-after']).toBeDefined();
    });
  });

  describe('POST /auth/link/email', () => {
    it('turns an anonymous player into an email player with the same id', async () => {
      const player = await deviceLogin(t, s.clientKey);
      const email = `${unique('linked')}@player.test`;
      const linked = await t.http.post('/auth/link/email').set(bearer(player.sessionToken)).send({ email, password: PASSWORD }).expect(200);
      expect(linked.body).toMatchObject({ id: player.id, email, anonymous: false });
      const login = await t.http.post('/auth/email/login').set('x-api-key', s.clientKey).send({ email, password: PASSWORD }).expect(200);
      expect(login.body.player.id).toBe(player.id);
      const again = await t.http.post('/auth/link/email').set(bearer(player.sessionToken)).send({ email: `${unique('x')}@p.test`, password: PASSWORD }).expect(409);
      expect(again.body.error.code).toBe('already_linked');
    });
  });

  describe('GET /players/me', () => {
    it('returns the signed-in player', async () => {
      const player = await deviceLogin(t, s.clientKey);
      const me = await t.http.get('/players/me').set(bearer(player.sessionToken)).expect(200);
      expect(me.body).toMatchObject({ id: player.id, anonymous: true, banned: false });
    });

    it('rejects an expired session token with 401 token_expired', async () => {
      const player = await deviceLogin(t, s.clientKey);
      const claims = jwt.decode(player.sessionToken) as Record<string, unknown>;
      const expired = jwt.sign({ sub: claims.sub, gid: claims.gid, sid: claims.sid, aud: claims.aud, exp: Math.floor(Date.now() / 1000) - 10 }, process.env.JWT_SESSION_SECRET!);
      const res = await t.http.get('/players/me').set(bearer(expired)).expect(401);
      expect(res.body.error.code).toBe('token_expired');
    });

    it('rejects a token signed with another secret with 401 invalid_token', async () => {
      const forged = jwt.sign({ sub: 'p_x', gid: s.gameId, sid: 'x', aud: 'spawnpoint:player' }, 'not-our-secret');
      expect((await t.http.get('/players/me').set(bearer(forged)).expect(401)).body.error.code).toBe('invalid_token');
    });
  });

  describe('POST /auth/refresh', () => {
    it('rotates: the new pair works and the old refresh token is dead', async () => {
      const player = await deviceLogin(t, s.clientKey);
      const rotated = await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: player.refreshToken }).expect(200);
      expect(rotated.body.player_id).toBe(player.id);
      expect(rotated.body.refresh_token).not.toBe(player.refreshToken);
      await t.http.get('/players/me').set(bearer(rotated.body.session_token)).expect(200);
      await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: rotated.body.refresh_token }).expect(200);
    });

    it('treats reuse of a dead refresh token as theft and revokes the whole session', async () => {
      const player = await deviceLogin(t, s.clientKey);
      const rotated = await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: player.refreshToken }).expect(200);

      const reuse = await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: player.refreshToken }).expect(401);
      expect(reuse.body.error.code).toBe('refresh_token_reused');

      // Every token of the family is dead now: the newest refresh token and the session tokens.
      const next = await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: rotated.body.refresh_token }).expect(401);
      expect(next.body.error.code).toBe('session_revoked');
      expect((await t.http.get('/players/me').set(bearer(rotated.body.session_token)).expect(401)).body.error.code).toBe('session_revoked');
      await t.http.get('/players/me').set(bearer(player.sessionToken)).expect(401);
    });

    it('lets exactly one of two concurrent refreshes with the same token win', async () => {
      const player = await deviceLogin(t, s.clientKey);
      const results = await Promise.all(
        [1, 2].map(() => t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: player.refreshToken })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('rejects an unknown refresh token and one from another game', async () => {
      const other = await createStudio(t);
      const player = await deviceLogin(t, other.clientKey);
      await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: 'sp_rt_nope' }).expect(401);
      const cross = await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: player.refreshToken }).expect(401);
      expect(cross.body.error.code).toBe('invalid_token');
    });
  });

  describe('POST /auth/logout', () => {
    it('revokes the session: its session token and refresh token stop working at once', async () => {
      const player = await deviceLogin(t, s.clientKey);
      await t.http.get('/players/me').set(bearer(player.sessionToken)).expect(200);
      await t.http.post('/auth/logout').set(bearer(player.sessionToken)).send({}).expect(204);
      expect((await t.http.get('/players/me').set(bearer(player.sessionToken)).expect(401)).body.error.code).toBe('session_revoked');
      await t.http.post('/auth/refresh').set('x-api-key', s.clientKey).send({ refresh_token: player.refreshToken }).expect(401);
    });

    it('logs out with a client key and the refresh token', async () => {
      const player = await deviceLogin(t, s.clientKey);
      await t.http.post('/auth/logout').set('x-api-key', s.clientKey).send({}).expect(400);
      await t.http.post('/auth/logout').set('x-api-key', s.clientKey).send({ refresh_token: player.refreshToken }).expect(204);
      await t.http.get('/players/me').set(bearer(player.sessionToken)).expect(401);
    });
  });

  describe('banning', () => {
    it('ends a banned player\'s sessions and refuses its sign-in with 403 player_banned', async () => {
      const deviceId = unique('banned-');
      const player = await deviceLogin(t, s.clientKey, deviceId);
      await t.http.post(`/players/${player.id}/ban`).set('x-api-key', s.serverKey).expect(200);
      await t.http.get('/players/me').set(bearer(player.sessionToken)).expect(401);
      const res = await t.http.post('/auth/device').set('x-api-key', s.clientKey).send({ device_id: deviceId }).expect(403);
      expect(res.body.error.code).toBe('player_banned');
      await t.http.post(`/players/${player.id}/unban`).set('x-api-key', s.serverKey).expect(200);
      await t.http.post('/auth/device').set('x-api-key', s.clientKey).send({ device_id: deviceId }).expect(201);
    });
  });
});
