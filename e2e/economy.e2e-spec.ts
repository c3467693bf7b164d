import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type Studio } from './support/fixtures.js';

interface Change {
  type: 'currency' | 'item';
  currency?: string;
  item_id?: string;
  delta: number;
  player_id?: string;
}

interface LedgerEntry {
  id: string;
  transaction_id: string;
  type: 'currency' | 'item';
  currency?: string;
  item_id?: string;
  delta: number;
  balance_after: number;
  created_at: string;
}

const gold = (delta: number, player_id?: string): Change => ({
  type: 'currency',
  currency: 'gold',
  delta,
  ...(player_id ? { player_id } : {}),
});
const gems = (delta: number, player_id?: string): Change => ({
  type: 'currency',
  currency: 'gems',
  delta,
  ...(player_id ? { player_id } : {}),
});
const sword = (delta: number, player_id?: string): Change => ({
  type: 'item',
  item_id: 'sword',
  delta,
  ...(player_id ? { player_id } : {}),
});

/** A small seeded PRNG (mulberry32), so a failing run can be replayed exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('/players/:playerId (economy)', () => {
  let t: TestApp;
  let s: Studio;
  beforeAll(async () => {
    // The economy is REST only; the other roles are not needed here.
    t = await startApp({}, ['api']);
    s = await createStudio(t);
  });
  afterAll(() => t.close());

  const post = (playerId: string, body: object, key = s.serverKey) =>
    t.http.post(`/players/${playerId}/transactions`).set('x-api-key', key).send(body);
  const apply = async (playerId: string, changes: Change[], key = s.serverKey) =>
    (await post(playerId, { idempotency_key: unique('k-'), changes }, key).expect(201)).body;
  const wallet = async (playerId: string, key = s.serverKey) =>
    (await t.http.get(`/players/${playerId}/wallet`).set('x-api-key', key).expect(200)).body.balances;
  const inventory = async (playerId: string, key = s.serverKey) =>
    (await t.http.get(`/players/${playerId}/inventory`).set('x-api-key', key).expect(200)).body.items;
  const ledger = async (playerId: string, query = ''): Promise<{ entries: LedgerEntry[]; next_cursor: string | null }> =>
    (await t.http.get(`/players/${playerId}/ledger${query}`).set('x-api-key', s.serverKey).expect(200)).body;
  const fullLedger = async (playerId: string): Promise<LedgerEntry[]> => {
    const all: LedgerEntry[] = [];
    let cursor: string | null = null;
    do {
      const page = await ledger(playerId, `?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.entries);
      cursor = page.next_cursor;
    } while (cursor);
    return all;
  };

  describe('POST /players/:playerId/transactions', () => {
    it('grants currency and items to a new player id, returns the balances after, and writes the ledger', async () => {
      const player = unique('grant_');
      const key = unique('grant-');
      const res = await post(player, { idempotency_key: key, changes: [gold(500), sword(2), gems(5)] }).expect(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(res.body).toEqual({
        transaction_id: expect.any(String),
        idempotency_key: key,
        applied_at: expect.any(String),
        changes: [
          { player_id: player, type: 'currency', currency: 'gems', delta: 5, balance_after: 5 },
          { player_id: player, type: 'currency', currency: 'gold', delta: 500, balance_after: 500 },
          { player_id: player, type: 'item', item_id: 'sword', delta: 2, balance_after: 2 },
        ],
      });
      expect(await wallet(player)).toEqual({ gems: 5, gold: 500 });
      expect(await inventory(player)).toEqual([{ item_id: 'sword', quantity: 2 }]);
      const { entries } = await ledger(player);
      expect(entries).toHaveLength(3);
      expect(entries.every((e) => e.transaction_id === res.body.transaction_id)).toBe(true);
      expect(entries.map((e) => [e.type, e.currency ?? e.item_id, e.delta, e.balance_after])).toEqual([
        ['item', 'sword', 2, 2],
        ['currency', 'gold', 500, 500],
        ['currency', 'gems', 5, 5],
      ]);
      // The server key's first write created the player, as for any other server write.
      await t.http.get(`/players/${player}`).set('x-api-key', s.serverKey).expect(200);
    });

    it('spends currency and consumes items, omitting a stack that reaches zero', async () => {
      const player = unique('spend_');
      await apply(player, [gold(100), sword(1)]);
      const res = await apply(player, [gold(-30), sword(-1)]);
      expect(res.changes.map((c: { balance_after: number }) => c.balance_after)).toEqual([70, 0]);
      expect(await wallet(player)).toEqual({ gold: 70 });
      expect(await inventory(player)).toEqual([]);
      expect((await ledger(player)).entries.map((e) => e.delta)).toEqual([-1, -30, 1, 100]);
    });

    it('trades between two players in one transaction: gold one way, an item the other', async () => {
      const buyer = unique('buyer_');
      const seller = unique('seller_');
      await apply(buyer, [gold(250)]);
      await apply(seller, [sword(1)]);
      const res = await apply(buyer, [gold(-200), gold(200, seller), sword(-1, seller), sword(1)]);
      expect(res.changes).toHaveLength(4);
      expect(await wallet(buyer)).toEqual({ gold: 50 });
      expect(await wallet(seller)).toEqual({ gold: 200 });
      expect(await inventory(buyer)).toEqual([{ item_id: 'sword', quantity: 1 }]);
      expect(await inventory(seller)).toEqual([]);
      const sellerLedger = (await ledger(seller)).entries;
      expect(sellerLedger.filter((e) => e.transaction_id === res.transaction_id).map((e) => [e.currency ?? e.item_id, e.delta])).toEqual([
        ['sword', -1],
        ['gold', 200],
      ]);
    });

    it('nets several changes to the same balance into one applied change', async () => {
      const player = unique('net_');
      const res = await apply(player, [gold(10), sword(3), gold(-4), gold(1, player)]);
      expect(res.changes).toEqual([
        { player_id: player, type: 'currency', currency: 'gold', delta: 7, balance_after: 7 },
        { player_id: player, type: 'item', item_id: 'sword', delta: 3, balance_after: 3 },
      ]);
      expect((await ledger(player)).entries).toHaveLength(2);
    });

    it('records a transaction whose changes net to nothing without touching any balance', async () => {
      const player = unique('zero_');
      const res = await apply(player, [gold(5), gold(-5)]);
      expect(res.changes).toEqual([]);
      expect(await wallet(player)).toEqual({});
      expect((await ledger(player)).entries).toEqual([]);
    });

    it('rejects the whole transaction with 409 when one change would go negative, and changes nothing', async () => {
      const player = unique('poor_');
      const other = unique('other_');
      await apply(player, [gold(50), sword(1)]);
      const before = { wallet: await wallet(player), inventory: await inventory(player), ledger: await ledger(player) };
      const key = unique('fail-');
      const body = { idempotency_key: key, changes: [gems(10), sword(-1), gold(-80), gold(80, other)] };
      const res = await post(player, body).expect(409);
      expect(res.body.error.code).toBe('insufficient_balance');
      expect(res.body.error.details).toEqual([{ field: 'changes.2', message: expect.stringContaining('holds 50') }]);
      expect(await wallet(player)).toEqual(before.wallet);
      expect(await inventory(player)).toEqual(before.inventory);
      expect(await ledger(player)).toEqual(before.ledger);
      // The other player was created (like any server write) but got nothing.
      expect(await wallet(other)).toEqual({});

      // A rejected transaction is not recorded: once funded, the same key and body apply.
      await apply(player, [gold(30)]);
      const retry = await post(player, body).expect(201);
      expect(retry.body.idempotency_key).toBe(key);
      expect(await wallet(player)).toEqual({ gems: 10, gold: 0 });
      expect(await wallet(other)).toEqual({ gold: 80 });
    });

    it('rejects a debit of a currency or item the player never had', async () => {
      const player = unique('empty_');
      const res = await post(player, { idempotency_key: unique('k-'), changes: [sword(-1)] }).expect(409);
      expect(res.body.error).toMatchObject({ code: 'insufficient_balance', details: [{ field: 'changes.0' }] });
      expect(await inventory(player)).toEqual([]);
    });

    it('names every merged change when their net is what went negative', async () => {
      const player = unique('merged_');
      await apply(player, [gold(5)]);
      const res = await post(player, { idempotency_key: unique('k-'), changes: [gold(-4), sword(1), gold(-4)] }).expect(409);
      expect(res.body.error.details[0]).toEqual({
        field: 'changes.0',
        message: expect.stringContaining('the net of changes 0, 2 needs 8'),
      });
    });

    it('refuses a balance above 2^53-1 (JSON numbers stay exact) with 409 conflict', async () => {
      const player = unique('whale_');
      const fifty = Array.from({ length: 50 }, () => ({ type: 'currency', currency: 'big', delta: 1e12 }) as Change);
      for (let batch = 0; batch < 9; batch++) {
        await Promise.all(Array.from({ length: 20 }, () => apply(player, fifty)));
      }
      expect(await wallet(player)).toEqual({ big: 9e15 });
      const over = await post(player, { idempotency_key: unique('k-'), changes: fifty }).expect(409);
      expect(over.body.error).toMatchObject({ code: 'conflict', details: [{ field: 'changes.0' }] });
      const rest = Number.MAX_SAFE_INTEGER - 9e15;
      const topUp = [
        ...Array.from({ length: 7 }, () => ({ type: 'currency', currency: 'big', delta: 1e12 }) as Change),
        { type: 'currency', currency: 'big', delta: rest - 7e12 } as Change,
      ];
      await apply(player, topUp);
      expect(await wallet(player)).toEqual({ big: Number.MAX_SAFE_INTEGER });
      await post(player, { idempotency_key: unique('k-'), changes: [{ type: 'currency', currency: 'big', delta: 1 }] }).expect(409);
    });

    describe('idempotency', () => {
      it('replays the first result with 200 and Idempotent-Replayed, changing nothing', async () => {
        const player = unique('idem_');
        const body = { idempotency_key: unique('once-'), changes: [gold(100), sword(1)] };
        const first = await post(player, body).expect(201);
        const again = await post(player, body).expect(200);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(first.body);
        expect(await wallet(player)).toEqual({ gold: 100 });
        expect((await ledger(player)).entries).toHaveLength(2);
      });

      it('treats the same net request in another order as the same request', async () => {
        const player = unique('idem_');
        const key = unique('order-');
        const first = await post(player, { idempotency_key: key, changes: [gold(100), sword(1)] }).expect(201);
        const again = await post(player, { changes: [sword(1, player), gold(60), gold(40)], idempotency_key: key }).expect(200);
        expect(again.body).toEqual(first.body);
      });

      it('applies once when ten requests with the same key arrive at the same time', async () => {
        const player = unique('race_');
        await apply(player, [gold(100)]);
        const body = { idempotency_key: unique('race-'), changes: [gold(-60), sword(1)] };
        const results = await Promise.all(Array.from({ length: 10 }, () => post(player, body)));
        expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
        expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
        expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
        expect(await wallet(player)).toEqual({ gold: 40 });
        expect(await inventory(player)).toEqual([{ item_id: 'sword', quantity: 1 }]);
        expect((await ledger(player)).entries).toHaveLength(3);
      });

      it('answers 409 idempotency_key_reused for the same key with another body or another player', async () => {
        const player = unique('reuse_');
        const key = unique('reuse-');
        await post(player, { idempotency_key: key, changes: [gold(10)] }).expect(201);
        const other = await post(player, { idempotency_key: key, changes: [gold(11)] }).expect(409);
        expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', details: [{ field: 'idempotency_key' }] });
        const otherPlayer = await post(unique('reuse_'), { idempotency_key: key, changes: [gold(10)] }).expect(409);
        expect(otherPlayer.body.error.code).toBe('idempotency_key_reused');
        expect(await wallet(player)).toEqual({ gold: 10 });
      });

      it('scopes keys by game: another game may use the same key', async () => {
        const other = await createStudio(t);
        const key = unique('shared-key-');
        await post(unique('p_'), { idempotency_key: key, changes: [gold(1)] }).expect(201);
        await post(unique('p_'), { idempotency_key: key, changes: [gold(2)] }, other.serverKey).expect(201);
      });
    });

    describe('validation', () => {
      const invalid = async (body: unknown, playerId = 'player_1') => {
        const res = await post(playerId, body as object).expect(400);
        expect(res.body.error.code).toBe('validation_failed');
        return (res.body.error.details as { field: string; message: string }[]).map((d) => d.field);
      };

      it('reports nested problems with their field paths', async () => {
        const fields = await invalid({
          idempotency_key: 'k1',
          changes: [
            gold(1),
            { type: 'currency', currency: 'gold', delta: 1.5 },
            { type: 'item', item_id: 'bad id', delta: 0 },
            { type: 'currency', currency: 'gold', delta: '5' },
          ],
        });
        expect(fields).toEqual(expect.arrayContaining(['changes.1.delta', 'changes.2.item_id', 'changes.2.delta', 'changes.3.delta']));
        expect(fields).not.toContain('changes.0.delta');
      });

      it('rejects a missing or malformed idempotency key', async () => {
        expect(await invalid({ changes: [gold(1)] })).toContain('idempotency_key');
        expect(await invalid({ idempotency_key: 'has space', changes: [gold(1)] })).toContain('idempotency_key');
        expect(await invalid({ idempotency_key: 'k'.repeat(129), changes: [gold(1)] })).toContain('idempotency_key');
      });

      it("rejects unknown types, the other type's field, missing ids and unknown fields", async () => {
        expect(await invalid({ idempotency_key: 'k', changes: [{ type: 'xp', delta: 1 }] })).toEqual(['changes.0.type']);
        expect(await invalid({ idempotency_key: 'k', changes: [{ delta: 1, currency: 'gold' }] })).toEqual(['changes.0.type']);
        expect(await invalid({ idempotency_key: 'k', changes: [{ type: 'item', item_id: 'sword', currency: 'gold', delta: 1 }] })).toEqual([
          'changes.0.currency',
        ]);
        expect(await invalid({ idempotency_key: 'k', changes: [{ type: 'item', delta: 1 }] })).toContain('changes.0.item_id');
        expect(await invalid({ idempotency_key: 'k', changes: [{ ...gold(1), price: 3 }] })).toEqual(['changes.0.price']);
        expect(await invalid({ idempotency_key: 'k', changes: [gold(1)], note: 'x' })).toEqual(['note']);
        expect(await invalid({ idempotency_key: 'k', changes: [5] })).toEqual(['changes.0']);
      });

      it('bounds deltas to ±1e12 and safe integers', async () => {
        expect(await invalid({ idempotency_key: 'k', changes: [gold(1e12 + 1)] })).toEqual(['changes.0.delta']);
        expect(await invalid({ idempotency_key: 'k', changes: [gold(-1e13)] })).toEqual(['changes.0.delta']);
        expect(await invalid({ idempotency_key: 'k', changes: [gold(2 ** 60)] })).toEqual(['changes.0.delta']);
      });

      it('bounds the number of changes and of distinct players', async () => {
        expect(await invalid({ idempotency_key: 'k', changes: [] })).toEqual(['changes']);
        expect(await invalid({ idempotency_key: 'k', changes: Array.from({ length: 51 }, () => gold(1)) })).toEqual(['changes']);
        const eleven = Array.from({ length: 11 }, (_, i) => gold(1, `bounded_${i}`));
        expect(await invalid({ idempotency_key: 'k', changes: eleven })).toEqual(['changes']);
        await post(unique('ten_'), { idempotency_key: unique('k-'), changes: eleven.slice(0, 10) }).expect(201);
      });

      it('rejects bad player ids in the path and in a change', async () => {
        expect(await invalid({ idempotency_key: 'k', changes: [gold(1, 'no spaces')] })).toEqual(['changes.0.player_id']);
        expect(await invalid({ idempotency_key: 'k', changes: [gold(1)] }, 'bad%20id')).toEqual(['playerId']);
      });

      it('rejects currency and item ids outside the syntax', async () => {
        expect(await invalid({ idempotency_key: 'k', changes: [{ type: 'currency', currency: 'x'.repeat(65), delta: 1 }] })).toEqual([
          'changes.0.currency',
        ]);
        expect(await invalid({ idempotency_key: 'k', changes: [{ type: 'currency', currency: 'go:ld', delta: 1 }] })).toEqual([
          'changes.0.currency',
        ]);
      });
    });

    describe('credentials', () => {
      it('is for server keys only: client keys and player sessions get 403', async () => {
        const player = await deviceLogin(t, s.clientKey);
        const body = { idempotency_key: unique('k-'), changes: [gold(1000)] };
        expect((await post(player.id, body, s.clientKey).expect(403)).body.error.code).toBe('forbidden');
        await t.http
          .post(`/players/${player.id}/transactions`)
          .set('authorization', `Bearer ${player.sessionToken}`)
          .send(body)
          .expect(403);
        await t.http.post(`/players/${player.id}/transactions`).send(body).expect(401);
        expect(await wallet(player.id)).toEqual({});
      });
    });
  });

  describe('GET /players/:playerId/wallet, /inventory and /ledger', () => {
    it('lets a player session read its own wallet, inventory and ledger', async () => {
      const player = await deviceLogin(t, s.clientKey);
      await apply(player.id, [gold(42), sword(2)]);
      const bearer = { authorization: `Bearer ${player.sessionToken}` };
      const own = await t.http.get(`/players/${player.id}/wallet`).set(bearer).expect(200);
      expect(own.body).toEqual({ player_id: player.id, balances: { gold: 42 } });
      const items = await t.http.get(`/players/${player.id}/inventory`).set(bearer).expect(200);
      expect(items.body).toEqual({ player_id: player.id, items: [{ item_id: 'sword', quantity: 2 }] });
      const entries = await t.http.get(`/players/${player.id}/ledger`).set(bearer).expect(200);
      expect(entries.body.entries).toHaveLength(2);
    });

    it("answers another player's session with 404 and a client key with 403", async () => {
      const me = await deviceLogin(t, s.clientKey);
      const other = await deviceLogin(t, s.clientKey);
      await apply(other.id, [gold(5)]);
      for (const path of ['wallet', 'inventory', 'ledger']) {
        const res = await t.http.get(`/players/${other.id}/${path}`).set('authorization', `Bearer ${me.sessionToken}`).expect(404);
        expect(res.body.error.code).toBe('not_found');
        await t.http.get(`/players/${other.id}/${path}`).set('x-api-key', s.clientKey).expect(403);
      }
    });

    it('answers 404 for a player id the game does not have', async () => {
      await t.http
        .get(`/players/${unique('nobody_')}/wallet`)
        .set('x-api-key', s.serverKey)
        .expect(404);
      await t.http
        .get(`/players/${unique('nobody_')}/ledger`)
        .set('x-api-key', s.serverKey)
        .expect(404);
    });

    it('pages the ledger newest first with a cursor', async () => {
      const player = unique('pages_');
      for (let i = 1; i <= 5; i++) await apply(player, [gold(i)]);
      const first = await ledger(player, '?limit=2');
      expect(first.entries.map((e) => e.delta)).toEqual([5, 4]);
      expect(first.entries.map((e) => e.balance_after)).toEqual([15, 10]);
      const second = await ledger(player, `?limit=2&cursor=${first.next_cursor}`);
      expect(second.entries.map((e) => e.delta)).toEqual([3, 2]);
      const third = await ledger(player, `?limit=2&cursor=${second.next_cursor}`);
      expect(third.entries.map((e) => e.delta)).toEqual([1]);
      expect(third.next_cursor).toBeNull();
      expect(BigInt(first.entries[0]!.id)).toBeGreaterThan(BigInt(first.entries[1]!.id));
    });

    it('rejects a malformed cursor or limit with 400', async () => {
      const player = unique('pages_');
      await apply(player, [gold(1)]);
      for (const query of ['?cursor=abc', '?cursor=-1', '?cursor=99999999999999999999', '?limit=0', '?limit=101']) {
        const res = await t.http.get(`/players/${player}/ledger${query}`).set('x-api-key', s.serverKey).expect(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
    });
  });

  describe('tenant isolation', () => {
    it("a server key of game A naming game B's player id addresses A's own player of that id", async () => {
      const b = await createStudio(t);
      const shared = unique('shared_');
      await apply(shared, [gold(50), sword(1)], b.serverKey);

      await apply(shared, [gold(10)], s.serverKey);
      const res = await post(unique('a_'), { idempotency_key: unique('k-'), changes: [sword(-1, shared)] }).expect(409);
      expect(res.body.error.code).toBe('insufficient_balance');

      expect(await wallet(shared, b.serverKey)).toEqual({ gold: 50 });
      expect(await inventory(shared, b.serverKey)).toEqual([{ item_id: 'sword', quantity: 1 }]);
      expect(await wallet(shared, s.serverKey)).toEqual({ gold: 10 });
      const bLedger = await t.http.get(`/players/${shared}/ledger`).set('x-api-key', b.serverKey).expect(200);
      expect(bLedger.body.entries).toHaveLength(2);
    });

    it('answers 404 to game A reading a player only game B has', async () => {
      const b = await createStudio(t);
      const onlyInB = await deviceLogin(t, b.clientKey);
      await apply(onlyInB.id, [gold(7)], b.serverKey);
      for (const path of ['wallet', 'inventory', 'ledger']) {
        await t.http.get(`/players/${onlyInB.id}/${path}`).set('x-api-key', s.serverKey).expect(404);
      }
      // A's session for its own player cannot name B's player either.
      const mine = await deviceLogin(t, s.clientKey);
      await t.http.get(`/players/${onlyInB.id}/wallet`).set('authorization', `Bearer ${mine.sessionToken}`).expect(404);
    });
  });

  describe('concurrency: no item exists twice, no balance goes negative', () => {
    it('keeps every invariant under 320 concurrent transactions on one wallet', async () => {
      const rnd = random(20_261_121);
      const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
      const alice = unique('alice_');
      const bob = unique('bob_');
      const initial = [
        { path: alice, changes: [gold(300)] },
        { path: bob, changes: [sword(10)] },
      ];
      for (const seed of initial) await apply(seed.path, seed.changes);

      // Each change names its player explicitly here; the body omits it when it is the path player.
      type Op = { path: string; changes: Change[] };
      const ops: Op[] = Array.from({ length: 320 }, () => {
        const r = rnd();
        let changes: Op['changes'];
        if (r < 0.15) changes = [gold(int(1, 60), alice)];
        else if (r < 0.35) changes = [gold(-int(1, 120), alice)];
        else if (r < 0.45) changes = [sword(int(1, 3), rnd() < 0.5 ? alice : bob)];
        else if (r < 0.55) changes = [sword(-int(1, 3), rnd() < 0.5 ? alice : bob)];
        else if (r < 0.65) changes = [gold(-int(20, 80), alice), sword(1, alice)];
        else if (r < 0.85) {
          const price = int(10, 90);
          changes = [gold(-price, alice), gold(price, bob), sword(-1, bob), sword(1, alice)];
        } else {
          const price = int(5, 40);
          changes = [sword(-1, alice), sword(1, bob), gold(-price, bob), gold(price, alice)];
        }
        return { path: rnd() < 0.5 ? alice : bob, changes };
      });

      const started = performance.now();
      const responses: Response[] = await Promise.all(
        ops.map((op) =>
          post(op.path, {
            idempotency_key: unique('prop-'),
            changes: op.changes.map(({ player_id, ...change }) => (player_id === op.path ? change : { ...change, player_id })),
          }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;

      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((st) => st !== 201 && st !== 409)).toEqual([]);
      expect(responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'insufficient_balance')).toBe(true);
      const ok = ops.filter((_, i) => statuses[i] === 201);
      expect(ok.length).toBeGreaterThan(0);
      expect(ok.length).toBeLessThan(ops.length);
      console.log(
        `economy: ${ops.length} concurrent transactions in ${seconds.toFixed(2)} s (${(ops.length / seconds).toFixed(0)}/s), ` +
          `${ok.length} applied, ${ops.length - ok.length} rejected for insufficient balance`,
      );

      // Expected state: the seeds plus every change of every transaction that answered 201.
      const expected = new Map<string, number>();
      const add = (player: string, code: string, delta: number) =>
        expected.set(`${player}/${code}`, (expected.get(`${player}/${code}`) ?? 0) + delta);
      add(alice, 'gold', 300);
      add(bob, 'sword', 10);
      let swordsGranted = 10;
      let swordsConsumed = 0;
      for (const op of ok) {
        for (const c of op.changes) add(c.player_id!, c.currency ?? c.item_id!, c.delta);
        const swordNet = op.changes.filter((c) => c.item_id === 'sword').reduce((sum, c) => sum + c.delta, 0);
        if (swordNet > 0) swordsGranted += swordNet;
        else swordsConsumed -= swordNet;
      }
      for (const r of responses.filter((res) => res.status === 201)) {
        for (const c of r.body.changes) expect(c.balance_after).toBeGreaterThanOrEqual(0);
      }

      for (const player of [alice, bob]) {
        const balances = await wallet(player);
        const items: { item_id: string; quantity: number }[] = await inventory(player);
        const entries = (await fullLedger(player)).reverse(); // oldest first
        for (const code of ['gold', 'sword']) {
          const held = code === 'gold' ? (balances.gold ?? 0) : (items.find((i) => i.item_id === 'sword')?.quantity ?? 0);
          const mine = entries.filter((e) => (e.currency ?? e.item_id) === code);
          expect(held, `${player} ${code}`).toBe(expected.get(`${player}/${code}`) ?? 0);
          expect(
            mine.reduce((sum, e) => sum + e.delta, 0),
            `${player} ${code} ledger sum`,
          ).toBe(held);
          // Serial history: each entry's balance is the previous balance plus its delta, never below 0.
          let running = 0;
          for (const e of mine) {
            running += e.delta;
            expect(e.balance_after).toBe(running);
            expect(e.balance_after).toBeGreaterThanOrEqual(0);
          }
        }
      }

      // Conservation: trades move swords, never copy them.
      const swordsHeld = async (player: string) =>
        ((await inventory(player)) as { item_id: string; quantity: number }[]).find((i) => i.item_id === 'sword')?.quantity ?? 0;
      expect((await swordsHeld(alice)) + (await swordsHeld(bob))).toBe(swordsGranted - swordsConsumed);
    });
  });
});
