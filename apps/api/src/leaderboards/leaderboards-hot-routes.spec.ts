import { GameAuthGuard } from '@spawnpoint/auth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type TestApp } from '../../../../e2e/support/app.js';
import { createStudio, unique, type Studio } from '../../../../e2e/support/fixtures.js';
import { LeaderboardHotRoutes } from './leaderboards-hot-routes.js';
import { LeaderboardsController } from './leaderboards.controller.js';

// Integration: the booted platform. Requests the fast path takes must be answered exactly as Nest's
// pipeline answers the same request; `?season=<current>` and `"subscore": null` mean the same as
// leaving them out but are left to Nest, which gives each case its reference answer.
describe(LeaderboardHotRoutes.name, () => {
  let sut: TestApp;
  let s: Studio;
  beforeAll(async () => {
    sut = await startApp();
    s = await createStudio(sut);
  });
  afterAll(() => sut.close());

  const asServer = () => ({ 'x-api-key': s.serverKey });
  const withoutRequestId = (body: { error: { request_id?: string } }) => ({ ...body, error: { ...body.error, request_id: undefined } });

  it('answers a rank read as Nest does, with the same headers', async () => {
    const board = unique('hot_');
    await sut.http.post(`/leaderboards/${board}/scores`).set(asServer()).send({ player_id: 'a', score: 5 }).expect(201);
    await sut.http.post(`/leaderboards/${board}/scores`).set(asServer()).send({ player_id: 'b', score: 9 }).expect(201);
    const fast = await sut.http.get(`/leaderboards/${board}/rank/a`).set(asServer()).expect(200);
    const viaNest = await sut.http.get(`/leaderboards/${board}/rank/a?season=1`).set(asServer()).expect(200);
    expect(fast.body).toEqual({ player_id: 'a', score: 5, subscore: 0, rank: 2, season: 1 });
    expect(fast.body).toEqual(viaNest.body);
    expect(fast.headers['content-type']).toBe(viaNest.headers['content-type']);
    expect(fast.headers['x-request-id']).toMatch(/./);
  });

  it('answers a submission as Nest does: 201 and the record with its rank', async () => {
    const board = unique('hot_');
    const fast = await sut.http
      .post(`/leaderboards/${board}/scores`)
      .set(asServer())
      .send({ player_id: 'a', score: 7, subscore: 2 })
      .expect(201);
    const viaNest = await sut.http
      .post(`/leaderboards/${board}/scores`)
      .set(asServer())
      .send({ player_id: 'b', score: 7, subscore: null })
      .expect(201);
    expect(fast.body).toMatchObject({
      leaderboard_id: board,
      season: 1,
      player_id: 'a',
      score: 7,
      subscore: 2,
      metadata: null,
      submissions: 1,
      rank: 1,
    });
    expect(viaNest.body).toMatchObject({ player_id: 'b', score: 7, subscore: 0, rank: 2 });
    expect(Object.keys(fast.body)).toEqual(Object.keys(viaNest.body));
    expect(fast.headers['content-type']).toBe(viaNest.headers['content-type']);
  });

  it('serves valid API-key requests with the controller but without Nest, and leaves everything else to Nest', async () => {
    const board = unique('hot_');
    const nestGuard = vi.spyOn(GameAuthGuard.prototype, 'canActivate');
    const submit = vi.spyOn(sut.app.get(LeaderboardsController), 'submit');
    try {
      await sut.http.post(`/leaderboards/${board}/scores`).set(asServer()).send({ player_id: 'a', score: 1 }).expect(201);
      await sut.http.get(`/leaderboards/${board}/rank/a`).set(asServer()).expect(200);
      expect(submit).toHaveBeenCalledTimes(1);
      expect(nestGuard).not.toHaveBeenCalled();

      await sut.http.get(`/leaderboards/${board}/rank/a?season=1`).set(asServer()).expect(200);
      await sut.http
        .post(`/leaderboards/${board}/scores`)
        .set(asServer())
        .send({ player_id: 'a', score: 2, metadata: { x: 1 } })
        .expect(201);
      expect(nestGuard).toHaveBeenCalledTimes(2);
      // Invalid input is Nest's to refuse, after its guard: the controller is never reached.
      submit.mockClear();
      await sut.http.post(`/leaderboards/${board}/scores`).set(asServer()).send({ player_id: 'a', score: 1.5 }).expect(400);
      await sut.http.post(`/leaderboards/${board}/scores`).set(asServer()).send({ player_id: 'a', score: 1, extra: true }).expect(400);
      await sut.http.post('/leaderboards/bad%20id/scores').set(asServer()).send({ player_id: 'a', score: 1 }).expect(400);
      expect(nestGuard).toHaveBeenCalledTimes(5);
      expect(submit).not.toHaveBeenCalled();
    } finally {
      nestGuard.mockRestore();
      submit.mockRestore();
    }
  });

  it('refuses with the error shape and codes of the guard and the service', async () => {
    const board = unique('hot_');
    await sut.http.post(`/leaderboards/${board}/scores`).set(asServer()).send({ player_id: 'a', score: 1 }).expect(201);
    const cases: Array<[string, () => ReturnType<TestApp['http']['get']>, number, string]> = [
      [
        'unknown key, submit',
        () => sut.http.post(`/leaderboards/${board}/scores`).set('x-api-key', 'sp_sk_nope').send({ player_id: 'a', score: 1 }),
        401,
        'invalid_api_key',
      ],
      ['unknown key, rank', () => sut.http.get(`/leaderboards/${board}/rank/a`).set('x-api-key', 'sp_sk_nope'), 401, 'invalid_api_key'],
      [
        'client key, submit',
        () => sut.http.post(`/leaderboards/${board}/scores`).set('x-api-key', s.clientKey).send({ player_id: 'a', score: 1 }),
        403,
        'forbidden',
      ],
      ['client key, rank', () => sut.http.get(`/leaderboards/${board}/rank/a`).set('x-api-key', s.clientKey), 403, 'forbidden'],
      ['no record', () => sut.http.get(`/leaderboards/${board}/rank/nobody`).set(asServer()), 404, 'not_found'],
      ['no leaderboard', () => sut.http.get(`/leaderboards/${unique('none_')}/rank/a`).set(asServer()), 404, 'not_found'],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status, code });
      expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
    }
    // The same refusal through Nest's pipeline (a query the fast path leaves to it) is the same body.
    const fast = await sut.http.get(`/leaderboards/${board}/rank/a`).set('x-api-key', s.clientKey).expect(403);
    const viaNest = await sut.http.get(`/leaderboards/${board}/rank/a?season=1`).set('x-api-key', s.clientKey).expect(403);
    expect(withoutRequestId(fast.body)).toEqual(withoutRequestId(viaNest.body));
  });
});
