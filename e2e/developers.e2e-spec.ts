import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { PASSWORD, unique } from './support/fixtures.js';

describe('/developers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ LOGIN_FAILURES_PER_ACCOUNT: '3' });
  });
  afterAll(() => t.close());

  describe('POST /developers/signup', () => {
    it('creates the account and returns it with a token', async () => {
      const email = `${unique('Ada')}@Studio.test`;
      const res = await t.http.post('/developers/signup').send({ email, password: PASSWORD, name: 'Ada' }).expect(201);
      expect(res.body.developer).toMatchObject({ email: email.toLowerCase(), name: 'Ada' });
      expect(res.body.developer).not.toHaveProperty('password_hash');
      expect(res.body.token).toMatch(/^ey/);
    });

    it('rejects a second account with the same email (any case) with 409 email_taken', async () => {
      const email = `${unique('dup')}@studio.test`;
      await t.http.post('/developers/signup').send({ email, password: PASSWORD, name: 'A' }).expect(201);
      const res = await t.http.post('/developers/signup').send({ email: email.toUpperCase(), password: PASSWORD, name: 'B' }).expect(409);
      expect(res.body.error.code).toBe('email_taken');
    });

    it('rejects a short password with field details', async () => {
      const res = await t.http.post('/developers/signup').send({ email: `${unique('x')}@s.test`, password: 'short', name: 'A' }).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toContainEqual({ field: 'password', message: expect.stringContaining('8') });
    });
  });

  describe('POST /developers/login', () => {
    it('returns a token that opens GET /developers/me', async () => {
      const email = `${unique('login')}@studio.test`;
      await t.http.post('/developers/signup').send({ email, password: PASSWORD, name: 'Lin' }).expect(201);
      const login = await t.http.post('/developers/login').send({ email, password: PASSWORD }).expect(200);
      const me = await t.http.get('/developers/me').set('authorization', `Bearer ${login.body.token}`).expect(200);
      expect(me.body).toMatchObject({ email, name: 'Lin' });
    });

    it('answers a wrong password and an unknown email the same way', async () => {
      const email = `${unique('wrong')}@studio.test`;
      await t.http.post('/developers/signup').send({ email, password: PASSWORD, name: 'W' }).expect(201);
      const wrong = await t.http.post('/developers/login').send({ email, password: 'not the password' }).expect(401);
      const unknown = await t.http.post('/developers/login').send({ email: `${unique('nobody')}@studio.test`, password: PASSWORD }).expect(401);
      expect(wrong.body.error.code).toBe('invalid_credentials');
      expect(unknown.body.error).toMatchObject({ code: 'invalid_credentials', message: wrong.body.error.message });
    });

    it('locks an account after repeated failures with 429 and Retry-After, even for the right password', async () => {
      const email = `${unique('locked')}@studio.test`;
      await t.http.post('/developers/signup').send({ email, password: PASSWORD, name: 'L' }).expect(201);
      for (let i = 0; i < 3; i++) await t.http.post('/developers/login').send({ email, password: 'bad password' }).expect(401);
      const res = await t.http.post('/developers/login').send({ email, password: PASSWORD }).expect(429);
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Another account from the same IP is not locked by this one.
      const other = `${unique('free')}@studio.test`;
      await t.http.post('/developers/signup').send({ email: other, password: PASSWORD, name: 'F' }).expect(201);
      await t.http.post('/developers/login').send({ email: other, password: PASSWORD }).expect(200);
    });
  });

  describe('GET /developers/me', () => {
    it('rejects a missing token with 401 unauthorized', async () => {
      const res = await t.http.get('/developers/me').expect(401);
      expect(res.body.error.code).toBe('unauthorized');
    });

    it('rejects a tampered token with 401 invalid_token', async () => {
      const signup = await t.http.post('/developers/signup').send({ email: `${unique('t')}@s.test`, password: PASSWORD, name: 'T' }).expect(201);
      const token = `${signup.body.token as string}x`;
      const res = await t.http.get('/developers/me').set('authorization', `Bearer ${token}`).expect(401);
      expect(res.body.error.code).toBe('invalid_token');
    });
  });
});
