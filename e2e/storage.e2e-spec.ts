import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type SignedInPlayer, type Studio } from './support/fixtures.js';

// The seed contract, verbatim: any JSON object in, the same object out.
const SEED_BODY = { inventory: ['sword', 'shield', 'potion'], stats: { level: 42, xp: 15000 }, settings: { sensitivity: 0.8 } };

/** An object nested `depth` levels deep ({} is depth 1). */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

/** A value whose serialised JSON is exactly `bytes` long: {"b":"xxx…"} has 8 bytes of envelope. */
function valueOfSize(bytes: number): Record<string, unknown> {
  return { b: 'x'.repeat(bytes - 8) };
}

describe('player storage', () => {
  let t: TestApp;
  let a: Studio;
  let b: Studio;
  let alice: SignedInPlayer;
  let bob: SignedInPlayer;
  beforeAll(async () => {
    // Storage is served by the api role alone.
    t = await startApp({}, ['api']);
    [a, b] = await Promise.all([createStudio(t), createStudio(t)]);
    [alice, bob] = await Promise.all([deviceLogin(t, a.clientKey), deviceLogin(t, a.clientKey)]);
  });
  afterAll(() => t.close());

  const server = (studio: Studio) => ({ 'x-api-key': studio.serverKey });
  const session = (player: SignedInPlayer) => ({ authorization: `Bearer ${player.sessionToken}` });
  const doc = (playerId: string, collection: string, key: string) => `/players/${playerId}/storage/${collection}/${key}`;

  describe('/players/:playerId/data', () => {
    describe('PUT /players/:playerId/data', () => {
      it('stores the seed body with a server key, and GET returns the same object', async () => {
        const playerId = unique('player_');
        const put = await t.http.put(`/players/${playerId}/data`).set(server(a)).send(SEED_BODY).expect(200);
        expect(put.body).toEqual(SEED_BODY);
        expect(put.headers.etag).toBe('"1"');
        const get = await t.http.get(`/players/${playerId}/data`).set(server(a)).expect(200);
        expect(get.body).toEqual(SEED_BODY);
        expect(get.headers.etag).toBe('"1"');
      });

      it('creates a player id the game has not seen (server key)', async () => {
        const playerId = unique('player_');
        await t.http.get(`/players/${playerId}`).set(server(a)).expect(404);
        await t.http.put(`/players/${playerId}/data`).set(server(a)).send(SEED_BODY).expect(200);
        expect((await t.http.get(`/players/${playerId}`).set(server(a)).expect(200)).body.id).toBe(playerId);
      });

      it('is the storage document data/default, with a version that goes up per write', async () => {
        const playerId = unique('player_');
        await t.http.put(`/players/${playerId}/data`).set(server(a)).send({ round: 1 }).expect(200);
        const second = await t.http.put(`/players/${playerId}/data`).set(server(a)).send({ round: 2 }).expect(200);
        expect(second.headers.etag).toBe('"2"');
        const asDoc = await t.http
          .get(doc(playerId, 'data', 'default'))
          .set(server(a))
          .expect(200);
        expect(asDoc.body).toMatchObject({ collection: 'data', key: 'default', player_id: playerId, value: { round: 2 }, version: 2 });
      });

      it('replaces the whole object rather than merging', async () => {
        const playerId = unique('player_');
        await t.http.put(`/players/${playerId}/data`).set(server(a)).send(SEED_BODY).expect(200);
        await t.http.put(`/players/${playerId}/data`).set(server(a)).send({ only: true }).expect(200);
        expect((await t.http.get(`/players/${playerId}/data`).set(server(a)).expect(200)).body).toEqual({ only: true });
      });

      it('honours If-Match on the data document', async () => {
        const playerId = unique('player_');
        await t.http.put(`/players/${playerId}/data`).set(server(a)).send({ v: 1 }).expect(200);
        const stale = await t.http.put(`/players/${playerId}/data`).set(server(a)).set('if-match', '"7"').send({ v: 2 }).expect(412);
        expect(stale.body.error.code).toBe('precondition_failed');
        await t.http.put(`/players/${playerId}/data`).set(server(a)).set('if-match', '"1"').send({ v: 2 }).expect(200);
      });

      it('lets a player write and read its own data with its session token', async () => {
        const player = await deviceLogin(t, a.clientKey);
        await t.http.put(`/players/${player.id}/data`).set(session(player)).send(SEED_BODY).expect(200);
        expect((await t.http.get(`/players/${player.id}/data`).set(session(player)).expect(200)).body).toEqual(SEED_BODY);
        expect((await t.http.get(`/players/${player.id}/data`).set(server(a)).expect(200)).body).toEqual(SEED_BODY);
      });

      it("answers a player writing another player's data with 404, and writes nothing", async () => {
        await t.http.put(`/players/${alice.id}/data`).set(server(a)).send({ mine: 'alice' }).expect(200);
        const res = await t.http.put(`/players/${alice.id}/data`).set(session(bob)).send({ mine: 'bob' }).expect(404);
        expect(res.body.error.code).toBe('not_found');
        expect((await t.http.get(`/players/${alice.id}/data`).set(server(a)).expect(200)).body).toEqual({ mine: 'alice' });
      });

      it('refuses a body that is not a JSON object with 400', async () => {
        const playerId = unique('player_');
        for (const body of [['sword'], 'sword', 42, true, null]) {
          const res = await t.http
            .put(`/players/${playerId}/data`)
            .set(server(a))
            .set('content-type', 'application/json')
            .send(JSON.stringify(body))
            .expect(400);
          expect(res.body.error.code).toBe('validation_failed');
        }
        await t.http.get(`/players/${playerId}/data`).set(server(a)).expect(404);
      });

      it('refuses a body over 64 KiB of JSON with 413, and takes one of exactly 64 KiB', async () => {
        const playerId = unique('player_');
        const res = await t.http.put(`/players/${playerId}/data`).set(server(a)).send(valueOfSize(65_537)).expect(413);
        expect(res.body.error.code).toBe('payload_too_large');
        await t.http.get(`/players/${playerId}/data`).set(server(a)).expect(404);
        await t.http.put(`/players/${playerId}/data`).set(server(a)).send(valueOfSize(65_536)).expect(200);
      });

      it('refuses a body nested deeper than 32 levels with 400, and takes 32', async () => {
        const playerId = unique('player_');
        const res = await t.http.put(`/players/${playerId}/data`).set(server(a)).send(nested(33)).expect(400);
        expect(res.body.error.code).toBe('validation_failed');
        await t.http.put(`/players/${playerId}/data`).set(server(a)).send(nested(32)).expect(200);
      });

      it('gets 403 with a client key', async () => {
        const res = await t.http.put(`/players/${alice.id}/data`).set('x-api-key', a.clientKey).send(SEED_BODY).expect(403);
        expect(res.body.error.code).toBe('forbidden');
      });
    });

    describe('GET /players/:playerId/data', () => {
      it('answers a player with no data yet with 404', async () => {
        const player = await deviceLogin(t, a.clientKey);
        const res = await t.http.get(`/players/${player.id}/data`).set(session(player)).expect(404);
        expect(res.body.error.code).toBe('not_found');
        await t.http.get(`/players/${player.id}/data`).set(server(a)).expect(404);
      });

      it("answers another player's data with 404", async () => {
        await t.http.put(`/players/${alice.id}/data`).set(server(a)).send(SEED_BODY).expect(200);
        const res = await t.http.get(`/players/${alice.id}/data`).set(session(bob)).expect(404);
        expect(res.body.error.code).toBe('not_found');
      });

      it('gets 403 with a client key', async () => {
        await t.http.get(`/players/${alice.id}/data`).set('x-api-key', a.clientKey).expect(403);
      });
    });
  });

  describe('/players/:playerId/storage/:collection/:key', () => {
    describe('PUT /players/:playerId/storage/:collection/:key', () => {
      it('creates a document at version 1, owner/owner by default, with an ETag', async () => {
        const res = await t.http
          .put(doc(alice.id, 'profile', 'main'))
          .set(session(alice))
          .send({ value: { title: 'Knight' } })
          .expect(200);
        expect(res.headers.etag).toBe('"1"');
        expect(res.body).toEqual({
          collection: 'profile',
          key: 'main',
          player_id: alice.id,
          value: { title: 'Knight' },
          version: 1,
          read: 'owner',
          write: 'owner',
          created_at: expect.any(String),
          updated_at: expect.any(String),
        });
      });

      it('replaces the value and bumps the version; omitted access is kept', async () => {
        const id = unique('player_');
        await t.http
          .put(doc(id, 'profile', 'main'))
          .set(server(a))
          .send({ value: { n: 1 }, read: 'public' })
          .expect(200);
        const res = await t.http
          .put(doc(id, 'profile', 'main'))
          .set(server(a))
          .send({ value: { n: 2 } })
          .expect(200);
        expect(res.body).toMatchObject({ value: { n: 2 }, version: 2, read: 'public', write: 'owner' });
        expect(res.headers.etag).toBe('"2"');
      });

      it('with a stale If-Match answers 412 and writes nothing; with the current one it writes', async () => {
        const id = unique('player_');
        await t.http
          .put(doc(id, 'deck', 'main'))
          .set(server(a))
          .send({ value: { cards: 1 } })
          .expect(200);
        const stale = await t.http
          .put(doc(id, 'deck', 'main'))
          .set(server(a))
          .set('if-match', '"5"')
          .send({ value: { cards: 2 } })
          .expect(412);
        expect(stale.body.error.code).toBe('precondition_failed');
        expect(
          (
            await t.http
              .get(doc(id, 'deck', 'main'))
              .set(server(a))
              .expect(200)
          ).body,
        ).toMatchObject({ value: { cards: 1 }, version: 1 });
        const ok = await t.http
          .put(doc(id, 'deck', 'main'))
          .set(server(a))
          .set('if-match', '"1"')
          .send({ value: { cards: 2 } })
          .expect(200);
        expect(ok.headers.etag).toBe('"2"');
      });

      it('accepts If-Match as "3", 3 and W/"3"', async () => {
        const id = unique('player_');
        await t.http
          .put(doc(id, 'deck', 'main'))
          .set(server(a))
          .send({ value: { v: 1 } })
          .expect(200);
        for (const [tag, next] of [
          ['"1"', 2],
          ['2', 3],
          ['W/"3"', 4],
        ] as const) {
          const res = await t.http
            .put(doc(id, 'deck', 'main'))
            .set(server(a))
            .set('if-match', tag)
            .send({ value: { v: next } })
            .expect(200);
          expect(res.body.version).toBe(next);
        }
      });

      it('refuses a malformed If-Match with 400', async () => {
        const res = await t.http
          .put(doc(alice.id, 'deck', 'main'))
          .set(server(a))
          .set('if-match', '"abc"')
          .send({ value: {} })
          .expect(400);
        expect(res.body.error.details[0].field).toBe('If-Match');
      });

      it('with If-Match on a missing document answers 412; If-Match: * updates only an existing one', async () => {
        const key = unique('k');
        await t.http
          .put(doc(alice.id, 'deck', key))
          .set(server(a))
          .set('if-match', '"1"')
          .send({ value: {} })
          .expect(412);
        await t.http
          .put(doc(alice.id, 'deck', key))
          .set(server(a))
          .set('if-match', '*')
          .send({ value: {} })
          .expect(412);
        await t.http
          .get(doc(alice.id, 'deck', key))
          .set(server(a))
          .expect(404);
        await t.http
          .put(doc(alice.id, 'deck', key))
          .set(server(a))
          .send({ value: { v: 1 } })
          .expect(200);
        expect(
          (
            await t.http
              .put(doc(alice.id, 'deck', key))
              .set(server(a))
              .set('if-match', '*')
              .send({ value: { v: 2 } })
              .expect(200)
          ).body.version,
        ).toBe(2);
      });

      it('with If-None-Match: * creates only if absent', async () => {
        const key = unique('k');
        await t.http
          .put(doc(alice.id, 'claims', key))
          .set(session(alice))
          .set('if-none-match', '*')
          .send({ value: { by: 'first' } })
          .expect(200);
        const again = await t.http
          .put(doc(alice.id, 'claims', key))
          .set(session(alice))
          .set('if-none-match', '*')
          .send({ value: { by: 'second' } })
          .expect(412);
        expect(again.body.error.code).toBe('precondition_failed');
        expect(
          (
            await t.http
              .get(doc(alice.id, 'claims', key))
              .set(session(alice))
              .expect(200)
          ).body,
        ).toMatchObject({ value: { by: 'first' }, version: 1 });
      });

      it('lets exactly one of 20 concurrent writers with the same If-Match win', async () => {
        const id = unique('player_');
        await t.http
          .put(doc(id, 'race', 'main'))
          .set(server(a))
          .send({ value: { winner: null } })
          .expect(200);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            t.http
              .put(doc(id, 'race', 'main'))
              .set(server(a))
              .set('if-match', '"1"')
              .send({ value: { winner: i } }),
          ),
        );
        const statuses = results.map((r) => r.status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(1);
        expect(statuses.filter((s) => s === 412)).toHaveLength(19);
        const winner = results.find((r) => r.status === 200)!.body.value.winner;
        const final = await t.http
          .get(doc(id, 'race', 'main'))
          .set(server(a))
          .expect(200);
        expect(final.body).toMatchObject({ version: 2, value: { winner } });
      });

      it('lets exactly one of 20 concurrent If-None-Match: * creators win', async () => {
        const id = unique('player_');
        await t.http.put(`/players/${id}/data`).set(server(a)).send({}).expect(200);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            t.http
              .put(doc(id, 'race', 'claim'))
              .set(server(a))
              .set('if-none-match', '*')
              .send({ value: { by: i } }),
          ),
        );
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        expect(results.filter((r) => r.status === 412)).toHaveLength(19);
      });

      it('counts every one of 20 concurrent unconditional writes', async () => {
        const id = unique('player_');
        await t.http
          .put(doc(id, 'race', 'free'))
          .set(server(a))
          .send({ value: {} })
          .expect(200);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            t.http
              .put(doc(id, 'race', 'free'))
              .set(server(a))
              .send({ value: { i } }),
          ),
        );
        expect(results.every((r) => r.status === 200)).toBe(true);
        expect(new Set(results.map((r) => r.body.version)).size).toBe(20);
        expect(
          (
            await t.http
              .get(doc(id, 'race', 'free'))
              .set(server(a))
              .expect(200)
          ).body.version,
        ).toBe(21);
      });

      it('refuses collection and key names outside [A-Za-z0-9_.-]{1,64} with 400', async () => {
        for (const path of [doc(alice.id, 'bad%20name', 'k'), doc(alice.id, 'c', 'k'.repeat(65)), doc(alice.id, 'c', 'k%24')]) {
          const res = await t.http.put(path).set(server(a)).send({ value: {} }).expect(400);
          expect(res.body.error.code).toBe('validation_failed');
        }
        await t.http
          .get(doc(alice.id, 'c', 'k'.repeat(65)))
          .set(server(a))
          .expect(400);
        await t.http
          .put(doc(alice.id, 'c', 'k'.repeat(64)))
          .set(server(a))
          .send({ value: {} })
          .expect(200);
      });

      it('refuses a value over 64 KiB with 413 and writes nothing', async () => {
        const key = unique('k');
        const res = await t.http
          .put(doc(alice.id, 'big', key))
          .set(server(a))
          .send({ value: valueOfSize(65_537) })
          .expect(413);
        expect(res.body.error).toMatchObject({ code: 'payload_too_large', details: [{ field: 'value' }] });
        await t.http
          .get(doc(alice.id, 'big', key))
          .set(server(a))
          .expect(404);
      });

      it('refuses a value nested deeper than 32 levels with 400, even a hostile one', async () => {
        const key = unique('k');
        const res = await t.http
          .put(doc(alice.id, 'deep', key))
          .set(server(a))
          .send({ value: nested(33) })
          .expect(400);
        expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'value' }] });
        const hostile = `{"value":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
        const res2 = await t.http
          .put(doc(alice.id, 'deep', key))
          .set(server(a))
          .set('content-type', 'application/json')
          .send(hostile)
          .expect(400);
        expect(res2.body.error.code).toBe('validation_failed');
        await t.http
          .get(doc(alice.id, 'deep', key))
          .set(server(a))
          .expect(404);
        await t.http
          .put(doc(alice.id, 'deep', key))
          .set(server(a))
          .send({ value: nested(32) })
          .expect(200);
      });

      it('refuses a value that is not an object, unknown fields and bad access values with 400', async () => {
        for (const body of [
          { value: [1, 2] },
          { value: 'x' },
          {},
          { value: {}, extra: 1 },
          { value: {}, read: 'everyone' },
          { value: {}, write: 'public' },
        ]) {
          const res = await t.http
            .put(doc(alice.id, 'c', 'k'))
            .set(server(a))
            .send(body)
            .expect(400);
          expect(res.body.error.code).toBe('validation_failed');
        }
      });

      it('refuses a value holding a NUL character with 400 (Postgres cannot store it)', async () => {
        const res = await t.http
          .put(doc(alice.id, 'c', 'nul'))
          .set(server(a))
          .send({ value: { name: 'a\u0000b' } })
          .expect(400);
        expect(res.body.error.code).toBe('validation_failed');
      });

      it('answers 403 to a player writing its own write=none document, while a server key still can', async () => {
        const key = unique('k');
        await t.http
          .put(doc(alice.id, 'wallet', key))
          .set(server(a))
          .send({ value: { gold: 10 }, write: 'none' })
          .expect(200);
        const res = await t.http
          .put(doc(alice.id, 'wallet', key))
          .set(session(alice))
          .send({ value: { gold: 9999 } })
          .expect(403);
        expect(res.body.error.code).toBe('forbidden');
        await t.http
          .put(doc(alice.id, 'wallet', key))
          .set(session(alice))
          .set('if-match', '"1"')
          .send({ value: { gold: 9999 } })
          .expect(403);
        expect(
          (
            await t.http
              .get(doc(alice.id, 'wallet', key))
              .set(session(alice))
              .expect(200)
          ).body,
        ).toMatchObject({ value: { gold: 10 }, version: 1 });
        await t.http
          .put(doc(alice.id, 'wallet', key))
          .set(server(a))
          .send({ value: { gold: 20 } })
          .expect(200);
      });

      it("lets a player set the access of its own documents, but not write another player's", async () => {
        const key = unique('k');
        const own = await t.http
          .put(doc(alice.id, 'profile', key))
          .set(session(alice))
          .send({ value: { bio: 'hi' }, read: 'public', write: 'owner' })
          .expect(200);
        expect(own.body).toMatchObject({ read: 'public', write: 'owner' });
        const res = await t.http
          .put(doc(alice.id, 'profile', key))
          .set(session(bob))
          .send({ value: { bio: 'pwned' }, read: 'none' })
          .expect(404);
        expect(res.body.error.code).toBe('not_found');
        expect(
          (
            await t.http
              .get(doc(alice.id, 'profile', key))
              .set(server(a))
              .expect(200)
          ).body,
        ).toMatchObject({ value: { bio: 'hi' }, read: 'public', version: 1 });
      });

      it('gets 403 with a client key', async () => {
        await t.http
          .put(doc(alice.id, 'c', 'k'))
          .set('x-api-key', a.clientKey)
          .send({ value: {} })
          .expect(403);
      });
    });

    describe('GET /players/:playerId/storage/:collection/:key', () => {
      it('returns the document with its ETag', async () => {
        await t.http
          .put(doc(alice.id, 'settings', 'audio'))
          .set(session(alice))
          .send({ value: { volume: 0.5 } })
          .expect(200);
        const res = await t.http
          .get(doc(alice.id, 'settings', 'audio'))
          .set(session(alice))
          .expect(200);
        expect(res.headers.etag).toBe(`"${res.body.version}"`);
        expect(res.body.value).toEqual({ volume: 0.5 });
      });

      it('shows another player a public document, and answers 404 for an owner-only one', async () => {
        await t.http
          .put(doc(alice.id, 'shown', 'pub'))
          .set(session(alice))
          .send({ value: { x: 1 }, read: 'public' })
          .expect(200);
        await t.http
          .put(doc(alice.id, 'shown', 'own'))
          .set(session(alice))
          .send({ value: { x: 2 }, read: 'owner' })
          .expect(200);
        expect(
          (
            await t.http
              .get(doc(alice.id, 'shown', 'pub'))
              .set(session(bob))
              .expect(200)
          ).body.value,
        ).toEqual({ x: 1 });
        const hidden = await t.http
          .get(doc(alice.id, 'shown', 'own'))
          .set(session(bob))
          .expect(404);
        const missing = await t.http
          .get(doc(alice.id, 'shown', 'nope'))
          .set(session(bob))
          .expect(404);
        expect(hidden.body.error.message).toBe(missing.body.error.message);
      });

      it('hides a read=none document from its own player, not from the server key', async () => {
        await t.http
          .put(doc(alice.id, 'secret', 'k'))
          .set(server(a))
          .send({ value: { seed: 7 }, read: 'none' })
          .expect(200);
        await t.http
          .get(doc(alice.id, 'secret', 'k'))
          .set(session(alice))
          .expect(404);
        await t.http
          .get(doc(alice.id, 'secret', 'k'))
          .set(server(a))
          .expect(200);
      });

      it('answers a missing document with 404', async () => {
        expect(
          (
            await t.http
              .get(doc(alice.id, 'nothing', 'here'))
              .set(server(a))
              .expect(404)
          ).body.error.code,
        ).toBe('not_found');
      });
    });

    describe('DELETE /players/:playerId/storage/:collection/:key', () => {
      it('deletes with 204, then answers 404', async () => {
        const key = unique('k');
        await t.http
          .put(doc(alice.id, 'temp', key))
          .set(session(alice))
          .send({ value: {} })
          .expect(200);
        await t.http
          .delete(doc(alice.id, 'temp', key))
          .set(session(alice))
          .expect(204);
        await t.http
          .get(doc(alice.id, 'temp', key))
          .set(session(alice))
          .expect(404);
        await t.http
          .delete(doc(alice.id, 'temp', key))
          .set(session(alice))
          .expect(404);
      });

      it('honours If-Match: 412 on a stale version, 204 on the current one', async () => {
        const key = unique('k');
        await t.http
          .put(doc(alice.id, 'temp', key))
          .set(server(a))
          .send({ value: {} })
          .expect(200);
        await t.http
          .put(doc(alice.id, 'temp', key))
          .set(server(a))
          .send({ value: {} })
          .expect(200);
        expect(
          (
            await t.http
              .delete(doc(alice.id, 'temp', key))
              .set(server(a))
              .set('if-match', '"1"')
              .expect(412)
          ).body.error.code,
        ).toBe('precondition_failed');
        await t.http
          .get(doc(alice.id, 'temp', key))
          .set(server(a))
          .expect(200);
        await t.http
          .delete(doc(alice.id, 'temp', key))
          .set(server(a))
          .set('if-match', '"2"')
          .expect(204);
      });

      it('answers 403 to a player deleting its write=none document, 404 to another player', async () => {
        const key = unique('k');
        await t.http
          .put(doc(alice.id, 'locked', key))
          .set(server(a))
          .send({ value: {}, write: 'none', read: 'public' })
          .expect(200);
        await t.http
          .delete(doc(alice.id, 'locked', key))
          .set(session(alice))
          .expect(403);
        await t.http
          .delete(doc(alice.id, 'locked', key))
          .set(session(bob))
          .expect(404);
        await t.http
          .get(doc(alice.id, 'locked', key))
          .set(server(a))
          .expect(200);
        await t.http
          .delete(doc(alice.id, 'locked', key))
          .set(server(a))
          .expect(204);
      });
    });
  });

  describe('/players/:playerId/storage/:collection', () => {
    describe('GET /players/:playerId/storage/:collection', () => {
      let owner: SignedInPlayer;
      beforeAll(async () => {
        owner = await deviceLogin(t, a.clientKey);
        const docs: Array<[string, string]> = [
          ['k1', 'public'],
          ['k2', 'owner'],
          ['k3', 'public'],
          ['k4', 'none'],
          ['k5', 'public'],
        ];
        for (const [key, read] of docs) {
          await t.http
            .put(doc(owner.id, 'items', key))
            .set(server(a))
            .send({ value: { key }, read })
            .expect(200);
        }
      });

      it('pages by key with an opaque cursor (server key sees every document)', async () => {
        const first = await t.http.get(`/players/${owner.id}/storage/items?limit=2`).set(server(a)).expect(200);
        expect(first.body.objects.map((o: { key: string }) => o.key)).toEqual(['k1', 'k2']);
        expect(first.body.next_cursor).toEqual(expect.any(String));
        const second = await t.http
          .get(`/players/${owner.id}/storage/items?limit=2&cursor=${first.body.next_cursor}`)
          .set(server(a))
          .expect(200);
        expect(second.body.objects.map((o: { key: string }) => o.key)).toEqual(['k3', 'k4']);
        const third = await t.http
          .get(`/players/${owner.id}/storage/items?limit=2&cursor=${second.body.next_cursor}`)
          .set(server(a))
          .expect(200);
        expect(third.body.objects.map((o: { key: string }) => o.key)).toEqual(['k5']);
        expect(third.body.next_cursor).toBeNull();
      });

      it('defaults to 25 per page', async () => {
        const res = await t.http.get(`/players/${owner.id}/storage/items`).set(server(a)).expect(200);
        expect(res.body.objects).toHaveLength(5);
        expect(res.body.next_cursor).toBeNull();
      });

      it('shows the owner its readable documents and other players only public ones', async () => {
        const mine = await t.http.get(`/players/${owner.id}/storage/items`).set(session(owner)).expect(200);
        expect(mine.body.objects.map((o: { key: string }) => o.key)).toEqual(['k1', 'k2', 'k3', 'k5']);
        const theirs = await t.http.get(`/players/${owner.id}/storage/items?limit=2`).set(session(bob)).expect(200);
        expect(theirs.body.objects.map((o: { key: string }) => o.key)).toEqual(['k1', 'k3']);
        const rest = await t.http
          .get(`/players/${owner.id}/storage/items?limit=2&cursor=${theirs.body.next_cursor}`)
          .set(session(bob))
          .expect(200);
        expect(rest.body.objects.map((o: { key: string }) => o.key)).toEqual(['k5']);
        expect(rest.body.next_cursor).toBeNull();
      });

      it('answers an empty collection with an empty page, and an unknown player with 404', async () => {
        expect((await t.http.get(`/players/${owner.id}/storage/empty`).set(server(a)).expect(200)).body).toEqual({
          objects: [],
          next_cursor: null,
        });
        await t.http
          .get(`/players/${unique('nobody_')}/storage/items`)
          .set(server(a))
          .expect(404);
      });

      it('refuses a limit outside 1-100 and a forged cursor with 400', async () => {
        await t.http.get(`/players/${owner.id}/storage/items?limit=0`).set(server(a)).expect(400);
        await t.http.get(`/players/${owner.id}/storage/items?limit=101`).set(server(a)).expect(400);
        const res = await t.http.get(`/players/${owner.id}/storage/items?cursor=not*a*cursor`).set(server(a)).expect(400);
        expect(res.body.error.details[0].field).toBe('cursor');
      });

      it('gets 403 with a client key', async () => {
        await t.http.get(`/players/${owner.id}/storage/items`).set('x-api-key', a.clientKey).expect(403);
      });
    });
  });

  describe('/players/:playerId/storage', () => {
    describe('PUT /players/:playerId/storage', () => {
      it('writes every document in one go and returns the new versions', async () => {
        const id = unique('player_');
        await t.http
          .put(doc(id, 'deck', 'b'))
          .set(server(a))
          .send({ value: { n: 0 } })
          .expect(200);
        const res = await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({
            writes: [
              { collection: 'deck', key: 'a', value: { n: 1 } },
              { collection: 'deck', key: 'b', value: { n: 2 }, if_match: 1 },
              { collection: 'stats', key: 'main', value: { wins: 3 }, read: 'public', if_none_match: true },
            ],
          })
          .expect(200);
        expect(res.body.acks).toEqual([
          { collection: 'deck', key: 'a', version: 1 },
          { collection: 'deck', key: 'b', version: 2 },
          { collection: 'stats', key: 'main', version: 1 },
        ]);
        expect(
          (
            await t.http
              .get(doc(id, 'stats', 'main'))
              .set(server(a))
              .expect(200)
          ).body,
        ).toMatchObject({ value: { wins: 3 }, read: 'public' });
      });

      it('writes nothing when one precondition fails, and names the failing item', async () => {
        const id = unique('player_');
        await t.http
          .put(doc(id, 'deck', 'c'))
          .set(server(a))
          .send({ value: { n: 0 } })
          .expect(200);
        const res = await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({
            writes: [
              { collection: 'deck', key: 'a', value: { n: 1 } },
              { collection: 'deck', key: 'b', value: { n: 2 } },
              { collection: 'deck', key: 'c', value: { n: 3 }, if_match: 9 },
            ],
          })
          .expect(412);
        expect(res.body.error).toMatchObject({ code: 'precondition_failed', details: [{ field: 'writes[2]' }] });
        await t.http
          .get(doc(id, 'deck', 'a'))
          .set(server(a))
          .expect(404);
        await t.http
          .get(doc(id, 'deck', 'b'))
          .set(server(a))
          .expect(404);
        expect(
          (
            await t.http
              .get(doc(id, 'deck', 'c'))
              .set(server(a))
              .expect(200)
          ).body,
        ).toMatchObject({ value: { n: 0 }, version: 1 });
      });

      it('answers 403 and writes nothing when a player batch touches its write=none document', async () => {
        const player = await deviceLogin(t, a.clientKey);
        await t.http
          .put(doc(player.id, 'wallet', 'main'))
          .set(server(a))
          .send({ value: { gold: 1 }, write: 'none' })
          .expect(200);
        const res = await t.http
          .put(`/players/${player.id}/storage`)
          .set(session(player))
          .send({
            writes: [
              { collection: 'notes', key: 'a', value: {} },
              { collection: 'wallet', key: 'main', value: { gold: 1e9 } },
            ],
          })
          .expect(403);
        expect(res.body.error).toMatchObject({ code: 'forbidden', details: [{ field: 'writes[1]' }] });
        await t.http
          .get(doc(player.id, 'notes', 'a'))
          .set(session(player))
          .expect(404);
      });

      it('runs concurrent batches over the same documents in opposite orders without deadlock', async () => {
        const id = unique('player_');
        const forward = [
          { collection: 'pair', key: 'x', value: {} },
          { collection: 'pair', key: 'y', value: {} },
        ];
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            t.http
              .put(`/players/${id}/storage`)
              .set(server(a))
              .send({ writes: i % 2 ? forward : [...forward].reverse() }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
        const page = await t.http.get(`/players/${id}/storage/pair`).set(server(a)).expect(200);
        expect(page.body.objects.map((o: { version: number }) => o.version)).toEqual([10, 10]);
      });

      it('refuses more than 100 writes, an empty batch and a document written twice with 400', async () => {
        const id = unique('player_');
        const many = Array.from({ length: 101 }, (_, i) => ({ collection: 'c', key: `k${i}`, value: {} }));
        await t.http.put(`/players/${id}/storage`).set(server(a)).send({ writes: many }).expect(400);
        await t.http.put(`/players/${id}/storage`).set(server(a)).send({ writes: [] }).expect(400);
        const twice = await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({
            writes: [
              { collection: 'c', key: 'k', value: {} },
              { collection: 'c', key: 'k', value: {} },
            ],
          })
          .expect(400);
        expect(twice.body.error.details[0].field).toBe('writes[1]');
        await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({ writes: many.slice(0, 100) })
          .expect(200);
      });

      it('refuses an oversized, too deep or misnamed item with nothing written', async () => {
        const id = unique('player_');
        const ok = { collection: 'c', key: 'ok', value: {} };
        const big = await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({ writes: [ok, { collection: 'c', key: 'big', value: valueOfSize(65_537) }] })
          .expect(413);
        expect(big.body.error.details[0].field).toBe('writes[1].value');
        const deep = await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({ writes: [ok, { collection: 'c', key: 'deep', value: nested(33) }] })
          .expect(400);
        expect(deep.body.error.details[0].field).toBe('writes[1].value');
        await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({ writes: [ok, { collection: 'c d', key: 'x', value: {} }] })
          .expect(400);
        await t.http
          .put(`/players/${id}/storage`)
          .set(server(a))
          .send({ writes: [{ ...ok, if_match: 1, if_none_match: true }] })
          .expect(400);
        await t.http.get(`/players/${id}/storage/c`).set(server(a)).expect(404);
      });

      it('does not clash with a collection named "batch" or "storage"', async () => {
        await t.http
          .put(doc(alice.id, 'batch', 'k'))
          .set(session(alice))
          .send({ value: { in: 'batch' } })
          .expect(200);
        await t.http
          .put(doc(alice.id, 'storage', 'k'))
          .set(session(alice))
          .send({ value: { in: 'storage' } })
          .expect(200);
        expect((await t.http.get(`/players/${alice.id}/storage/batch`).set(session(alice)).expect(200)).body.objects[0].value).toEqual({
          in: 'batch',
        });
      });

      it('answers a player batch for another player with 404, and a client key with 403', async () => {
        const writes = [{ collection: 'c', key: 'k', value: {} }];
        await t.http.put(`/players/${alice.id}/storage`).set(session(bob)).send({ writes }).expect(404);
        await t.http.put(`/players/${alice.id}/storage`).set('x-api-key', a.clientKey).send({ writes }).expect(403);
      });
    });
  });

  describe('tenant isolation', () => {
    let bPlayer: SignedInPlayer;
    beforeAll(async () => {
      bPlayer = await deviceLogin(t, b.clientKey);
      await t.http.put(`/players/${bPlayer.id}/data`).set(server(b)).send({ game: 'B' }).expect(200);
      await t.http
        .put(doc(bPlayer.id, 'profile', 'main'))
        .set(server(b))
        .send({ value: { game: 'B' }, read: 'public' })
        .expect(200);
    });

    it("answers game A's server key reading game B's player with 404", async () => {
      await t.http.get(`/players/${bPlayer.id}/data`).set(server(a)).expect(404);
      await t.http
        .get(doc(bPlayer.id, 'profile', 'main'))
        .set(server(a))
        .expect(404);
      await t.http.get(`/players/${bPlayer.id}/storage/profile`).set(server(a)).expect(404);
    });

    it("answers game A's server key deleting or conditionally writing game B's documents with 404/412, touching nothing in B", async () => {
      await t.http
        .delete(doc(bPlayer.id, 'profile', 'main'))
        .set(server(a))
        .expect(404);
      await t.http
        .put(doc(bPlayer.id, 'profile', 'main'))
        .set(server(a))
        .set('if-match', '"1"')
        .send({ value: { game: 'A' } })
        .expect(412);
      await t.http
        .put(`/players/${bPlayer.id}/storage`)
        .set(server(a))
        .send({ writes: [{ collection: 'profile', key: 'main', value: {}, if_match: 1 }] })
        .expect(412);
      // Nothing was created in A either: the player id is still unknown there.
      await t.http.get(`/players/${bPlayer.id}`).set(server(a)).expect(404);
      expect(
        (
          await t.http
            .get(doc(bPlayer.id, 'profile', 'main'))
            .set(server(b))
            .expect(200)
        ).body,
      ).toMatchObject({ value: { game: 'B' }, version: 1 });
    });

    it("keeps an unconditional write by game A's key in game A: game B's player is untouched", async () => {
      // Player ids are per game, so to game A this id is simply new: its server key creates it in A.
      await t.http.put(`/players/${bPlayer.id}/data`).set(server(a)).send({ game: 'A' }).expect(200);
      await t.http
        .put(doc(bPlayer.id, 'profile', 'main'))
        .set(server(a))
        .send({ value: { game: 'A' } })
        .expect(200);
      expect((await t.http.get(`/players/${bPlayer.id}/data`).set(server(b)).expect(200)).body).toEqual({ game: 'B' });
      expect((await t.http.get(`/players/${bPlayer.id}/data`).set(session(bPlayer)).expect(200)).body).toEqual({ game: 'B' });
      expect(
        (
          await t.http
            .get(doc(bPlayer.id, 'profile', 'main'))
            .set(server(b))
            .expect(200)
        ).body,
      ).toMatchObject({ value: { game: 'B' }, version: 1 });
    });

    it("answers a game B session reading game A's public documents with 404", async () => {
      await t.http
        .put(doc(alice.id, 'board', 'pub'))
        .set(server(a))
        .send({ value: {}, read: 'public' })
        .expect(200);
      await t.http
        .get(doc(alice.id, 'board', 'pub'))
        .set(session(bob))
        .expect(200);
      await t.http
        .get(doc(alice.id, 'board', 'pub'))
        .set(session(bPlayer))
        .expect(404);
      await t.http.get(`/players/${alice.id}/storage/board`).set(session(bPlayer)).expect(404);
    });
  });
});
