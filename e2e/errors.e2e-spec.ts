import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, type Studio } from './support/fixtures.js';

describe('error contract', () => {
  let t: TestApp;
  let s: Studio;
  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT_BYTES: '4096' });
    s = await createStudio(t);
  });
  afterAll(() => t.close());

  const device = () => t.http.post('/auth/device').set('x-api-key', s.clientKey);

  it('answers malformed JSON with 400 invalid_json and a request id', async () => {
    const res = await device().set('content-type', 'application/json').send('{"device_id": ').expect(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_json', request_id: expect.any(String) });
    expect(res.headers['x-request-id']).toBe(res.body.error.request_id);
  });

  it('rejects unknown fields with 400 validation_failed naming the field', async () => {
    const res = await device().send({ device_id: 'device-123456', is_admin: true }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toContainEqual({ field: 'is_admin', message: 'property is_admin should not exist' });
  });

  it('rejects wrong types with 400 validation_failed', async () => {
    const res = await device().send({ device_id: 12345678 }).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('device_id');
  });

  it('rejects a hostile deeply nested body with 400, on any route, without crashing', async () => {
    const deep = `${'['.repeat(2_000)}${']'.repeat(2_000)}`;
    for (const path of ['/auth/device', '/auth/refresh']) {
      const res = await t.http.post(path).set('x-api-key', s.clientKey).set('content-type', 'application/json').send(`{"device_id": ${deep}}`).expect(400);
      expect(res.body.error.details).toEqual([{ field: 'body', message: 'the body nests objects and arrays deeper than 64 levels' }]);
    }
  });

  it('rejects a body over the limit with 413 payload_too_large', async () => {
    const res = await device().send({ device_id: 'x'.repeat(10_000) }).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('rejects a body that is not JSON with 415', async () => {
    const res = await device().set('content-type', 'text/plain').send('device_id=abc').expect(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('accepts a JSON object sent with curl\'s default form content type, as the seed docs do', async () => {
    const res = await device().set('content-type', 'application/x-www-form-urlencoded').send('{"device_id": "curl-device-1"}').expect(201);
    expect(res.body.player.id).toMatch(/^p_/);
    const form = await device().set('content-type', 'application/x-www-form-urlencoded').send('device_id=curl-device-1').expect(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const res = await t.http.get('/no/such/route').expect(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('keeps a well-formed request id given by the caller', async () => {
    const res = await t.http.get('/no/such/route').set('x-request-id', 'trace-abc-123').expect(404);
    expect(res.body.error.request_id).toBe('trace-abc-123');
  });
});

describe('rate limits', () => {
  let t: TestApp;
  let s: Studio;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_KEY_PER_MINUTE: '5' });
    s = await createStudio(t);
  });
  afterAll(() => t.close());

  it('answers 429 rate_limited with Retry-After once a key spends its budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.http.get('/players').set('x-api-key', s.serverKey)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const res = await t.http.get('/players').set('x-api-key', s.serverKey).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another key of the same game has its own budget.
    await t.http.get('/players/me').set('x-api-key', s.clientKey).expect(403);
  });

  it('holds the budget across processes because it lives in Redis', async () => {
    const second = await startApp({ RATE_LIMIT_KEY_PER_MINUTE: '5' }, ['api']);
    try {
      await second.http.get('/players').set('x-api-key', s.serverKey).expect(429);
    } finally {
      await second.close();
    }
  });
});

describe('per-IP rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_IP_PER_MINUTE: '3', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}ip:` });
  });
  afterAll(() => t.close());

  it('limits anonymous traffic per IP but never health checks', async () => {
    for (let i = 0; i < 3; i++) await t.http.get('/nothing-here').expect(404);
    await t.http.get('/nothing-here').expect(429);
    await t.http.get('/healthz').expect(200);
  });
});
