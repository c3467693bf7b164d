import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type Studio } from './support/fixtures.js';
import { TRANSPORTS, type Credentials, type Transport } from './support/realtime-client.js';
import { ownRedisPrefix, savedState, seedPlayer, WorldClient, WorldsApi } from './support/worlds.js';

type Entity = { id: number; x: number; y: number; kind: number; hp: number; flags: number };
type WorldState = { type: 'world_state'; tick: number; seq: number; scale: number; entities: Entity[] };
type StateDelta = {
  type: 'state_delta';
  tick: number;
  seq: number;
  changes: { updated: Partial<Entity>[]; entered: Entity[]; left: number[] };
};
type JoinAck = { world_id: string; player_id: string; entity: number; encoding: string };

describe('worlds', () => {
  let t: TestApp;
  const clients: WorldClient[] = [];
  beforeAll(async () => {
    t = await startApp(ownRedisPrefix('worlds'));
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t.close();
  });

  async function connect(transport: Transport, credentials: Credentials, url = t.url): Promise<WorldClient> {
    const client = await WorldClient.connect(url, transport, credentials);
    clients.push(client);
    return client;
  }

  describe.each(TRANSPORTS)('the seed flow over %s', (transport) => {
    let s: Studio;
    let api: WorldsApi;
    beforeAll(async () => {
      s = await createStudio(t);
      api = new WorldsApi(t, s.serverKey);
    });

    it('creates battle-royale-1 verbatim and reports its live numbers', async () => {
      const created = await api.create({ name: 'battle-royale-1', max_players: 100, world_size: 10000, tick_rate: 60 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'battle-royale-1', max_players: 100, world_size: 10000, tick_rate: 60, module: 'arena' });
      const live = await api.until('battle-royale-1', (w) => w.status === 'running' && (w.tick as number) > 0);
      expect(live).toMatchObject({
        name: 'battle-royale-1',
        players: 0,
        max_players: 100,
        entities: 0,
        snapshot_rate: 20,
        aoi_radius: 100,
      });
      for (const field of ['tick', 'avg_tick_us', 'p99_tick_us', 'overruns']) {
        expect(live[field], field).toEqual(expect.any(Number));
        expect(live[field] as number, field).toBeGreaterThanOrEqual(0);
      }
      expect(live.p99_tick_us as number).toBeGreaterThanOrEqual(Math.floor(live.avg_tick_us as number) - 1);
    });

    it('joins with only a client key; world_state, own and others’ movement in state_delta, player_joined and player_left', async () => {
      const a = await connect(transport, { api_key: s.clientKey });
      const b = await connect(transport, { api_key: s.clientKey });
      const aId = a.welcome.player_id as string;
      const bId = b.welcome.player_id as string;
      expect(aId).toMatch(/^g_/);
      await seedPlayer(t, s.gameId, 'battle-royale-1', aId, { x: 5000, y: 5000 });
      await seedPlayer(t, s.gameId, 'battle-royale-1', bId, { x: 5010, y: 5000 });

      const aJoin = await a.call<JoinAck>('join_world', { world_id: 'battle-royale-1' });
      expect(aJoin).toMatchObject({ world_id: 'battle-royale-1', player_id: aId, encoding: 'json', tick_rate: 60, world_size: 10000 });
      const aState = (await a.next<WorldState>('world_state')).payload;
      expect(aState).toMatchObject({ type: 'world_state', seq: -1, scale: 16 });
      expect(aState.entities).toEqual([{ id: aJoin.entity, x: 5000, y: 5000, kind: 1, hp: 100, flags: 0 }]);

      const aMark = a.mark();
      const bJoin = await b.call<JoinAck>('join_world', { world_id: 'battle-royale-1' });
      const bState = (await b.next<WorldState>('world_state')).payload;
      expect(bState.entities.map((e) => e.id).sort()).toEqual([aJoin.entity, bJoin.entity].sort());
      expect((await a.next('player_joined', (p) => p.player === bId, aMark)).payload).toMatchObject({ type: 'player_joined', player: bId });
      const entered = await a.next<StateDelta>('state_delta', (d) => d.changes.entered.some((e) => e.id === bJoin.entity), aMark);
      expect(entered.payload.changes.entered).toContainEqual({ id: bJoin.entity, x: 5010, y: 5000, kind: 1, hp: 100, flags: 0 });

      const bMark = b.mark();
      const moved = a.mark();
      a.emit('input', { move_x: -1, move_y: 0, action: 0, timestamp: Date.now(), seq: 1 }); // away from b: no pushing
      const own = await a.next<StateDelta>(
        'state_delta',
        (d) => d.seq === 1 && d.changes.updated.some((u) => u.id === aJoin.entity),
        moved,
      );
      expect(own.payload.changes.updated.find((u) => u.id === aJoin.entity)!.x).toBeLessThan(5000);
      const seen = await b.next<StateDelta>(
        'state_delta',
        (d) => d.changes.updated.some((u) => u.id === aJoin.entity && u.x! < 5000),
        bMark,
      );
      expect(seen.payload.seq).toBe(-1); // b's own inputs: none yet
      await b.until(() => (b.mirror.entities.get(aJoin.entity)?.x ?? 5000) < 4999, 'a moving in b’s view');
      expect(a.mirror.entities.get(aJoin.entity)!.y).toBe(5000);

      await api.until('battle-royale-1', (w) => w.players === 2 && w.entities === 2);

      const left = a.mark();
      expect(await b.call('leave_world')).toEqual({ world_id: 'battle-royale-1' });
      expect((await a.next('player_left', (p) => p.player === bId, left)).payload).toMatchObject({ type: 'player_left', player: bId });
      await a.next<StateDelta>('state_delta', (d) => d.changes.left.includes(bJoin.entity), left);
      expect(a.mirror.entities.has(bJoin.entity)).toBe(false);
      expect(await savedState(t, s.gameId, 'battle-royale-1', bId)).toMatchObject({ x: 5010, y: 5000, hp: 100 });
      await api.until('battle-royale-1', (w) => w.players === 1);
    });
  });

  describe('REST', () => {
    let s: Studio;
    let api: WorldsApi;
    beforeAll(async () => {
      s = await createStudio(t);
      api = new WorldsApi(t, s.serverKey);
    });

    it('refuses a second running world of the same name with 409 and unknown worlds with 404', async () => {
      await api.create({ name: 'dup-world' }).expect(201);
      const again = await api.create({ name: 'dup-world' });
      expect(again.status).toBe(409);
      expect(JSON.stringify(again.body)).toContain('conflict');
      expect((await api.get('no-such-world')).status).toBe(404);
      expect((await api.create({ name: 'bad', module: 'no-such-module' })).status).toBe(400);
    });

    it('lists running worlds, filtered by module and by free space', async () => {
      await api.start({ name: 'solo', max_players: 1, world_size: 100 });
      await api.start({ name: 'roomy', max_players: 10, world_size: 100 });
      const player = await deviceLogin(t, s.clientKey);
      const client = await connect('ws', { token: player.sessionToken });
      await client.call('join_world', { world_id: 'solo' });
      await api.until('solo', (w) => w.players === 1);

      const names = async (query: Record<string, string>) => {
        const res = await api.list(query).expect(200);
        return (res.body.worlds as { name: string }[]).map((w) => w.name);
      };
      expect(await names({})).toEqual(expect.arrayContaining(['dup-world', 'roomy', 'solo']));
      expect(await names({ module: 'arena' })).toEqual(expect.arrayContaining(['roomy', 'solo']));
      expect(await names({ module: 'racing' })).toEqual([]);
      const spacious = await names({ has_space: 'true' });
      expect(spacious).toContain('roomy');
      expect(spacious).not.toContain('solo');
      expect(await names({ has_space: 'false' })).toContain('solo');
      const listed = (await api.list({ module: 'arena' })).body.worlds.find((w: { name: string }) => w.name === 'solo');
      expect(listed).toMatchObject({ name: 'solo', players: 1, max_players: 1, status: 'running' });

      const other = await connect('socket.io', { token: (await deviceLogin(t, s.clientKey)).sessionToken });
      const full = await other.request('join_world', { world_id: 'solo' });
      expect(full).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('stops a world with DELETE after saving its players', async () => {
      await api.start({ name: 'to-stop', world_size: 100, module_options: { speed: 20 } });
      const player = await deviceLogin(t, s.clientKey);
      await seedPlayer(t, s.gameId, 'to-stop', player.id, { x: 20, y: 20, hp: 60 });
      const client = await connect('socket.io', { token: player.sessionToken });
      const { entity } = await client.call<JoinAck>('join_world', { world_id: 'to-stop' });
      await client.next('world_state');
      client.emit('input', { move_x: 1, move_y: 0, seq: 1 });
      await client.until(() => (client.mirror.entities.get(entity)?.x ?? 0) > 25, 'walking');
      client.emit('input', { move_x: 0, move_y: 0, seq: 2 });
      await client.next<StateDelta>('state_delta', (d) => d.seq === 2);

      await api.delete('to-stop').expect(204);
      await api.get('to-stop').expect(404);
      const saved = (await savedState(t, s.gameId, 'to-stop', player.id)) as { x: number; y: number; hp: number };
      expect(saved.hp).toBe(60);
      expect(saved.y).toBe(20);
      expect(saved.x).toBeGreaterThan(25);
      expect(Math.abs(saved.x - client.mirror.entities.get(entity)!.x)).toBeLessThan(20 / 60 + 1 / 16);
      expect(await client.request('join_world', { world_id: 'to-stop' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect((await api.delete('to-stop')).status).toBe(404);
    });
  });

  it('keeps two worlds on one process independent: inputs and entities do not cross', async () => {
    const s = await createStudio(t);
    const api = new WorldsApi(t, s.serverKey);
    await api.start({ name: 'left-world', world_size: 100 });
    await api.start({ name: 'right-world', world_size: 100 });
    const [p1, p2] = await Promise.all([deviceLogin(t, s.clientKey), deviceLogin(t, s.clientKey)]);
    await seedPlayer(t, s.gameId, 'left-world', p1.id, { x: 50, y: 50 });
    await seedPlayer(t, s.gameId, 'right-world', p2.id, { x: 50, y: 50 });
    const c1 = await connect('socket.io', { token: p1.sessionToken });
    const c2 = await connect('ws', { token: p2.sessionToken });
    const j1 = await c1.call<JoinAck>('join_world', { world_id: 'left-world' });
    const j2 = await c2.call<JoinAck>('join_world', { world_id: 'right-world' });
    const s2 = (await c2.next<WorldState>('world_state')).payload;
    expect(s2.entities).toEqual([{ id: j2.entity, x: 50, y: 50, kind: 1, hp: 100, flags: 0 }]);
    const quiet = c2.mark();

    c1.emit('input', { move_x: 0, move_y: 1, seq: 1 });
    // Five snapshots of movement in one world: the other, with nothing moving, has nothing to say.
    await c1.until(() => c1.all<StateDelta>('state_delta').filter((d) => d.changes.updated.length > 0).length >= 5, 'five moving deltas');
    expect(c1.mirror.entities.get(j1.entity)!.y).toBeGreaterThan(50);
    expect(c2.all('state_delta', quiet)).toEqual([]);
    expect(c2.all('player_joined', quiet)).toEqual([]);
    expect(c2.mirror.entities.get(j2.entity)).toMatchObject({ x: 50, y: 50 });
    expect([...c1.mirror.entities.keys()]).toEqual([j1.entity]);
    const [left, right] = await Promise.all([
      api.until('left-world', (w) => w.players === 1),
      api.until('right-world', (w) => w.players === 1),
    ]);
    expect([left.entities, right.entities]).toEqual([1, 1]);
  });

  it('keeps tenants apart: another game cannot see, join or stop a world', async () => {
    const a = await createStudio(t);
    const b = await createStudio(t);
    const apiA = new WorldsApi(t, a.serverKey);
    const apiB = new WorldsApi(t, b.serverKey);
    const name = unique('private-');
    await apiA.start({ name, world_size: 100 });

    expect((await apiB.get(name)).status).toBe(404);
    expect((await apiB.list()).body.worlds).toEqual([]);
    expect((await apiB.delete(name)).status).toBe(404);
    const intruder = await connect('ws', { api_key: b.clientKey });
    expect(await intruder.request('join_world', { world_id: name })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await intruder.request('input', { move_x: 1, move_y: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    expect((await apiA.get(name)).body).toMatchObject({ name, status: 'running', players: 0 });
    const owner = await connect('socket.io', { api_key: a.clientKey });
    expect(await owner.call('join_world', { world_id: name })).toMatchObject({ world_id: name });
  });

  it('hosts a world on one node: a join on another node is a conflict naming the host', async () => {
    const s = await createStudio(t);
    const api = new WorldsApi(t, s.serverKey);
    const name = unique('hosted-');
    const live = await api.start({ name, world_size: 100 });
    const other = await startApp(ownRedisPrefix('worlds'));
    try {
      const client = await connect('socket.io', { api_key: s.clientKey }, other.url);
      const reply = await client.request('join_world', { world_id: name });
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'conflict', details: [{ field: 'world_id', message: `hosted at ${live.server}` }] },
      });
      if (!reply.ok) expect(reply.error.message).toContain(live.server as string);
      client.close();
    } finally {
      await other.close();
    }
  });

  it('refuses join_world from a game-server connection and world events before joining', async () => {
    const s = await createStudio(t);
    const server = await connect('ws', { api_key: s.serverKey });
    expect(await server.request('join_world', { world_id: 'anything' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const player = await connect('socket.io', { api_key: s.clientKey });
    expect(await player.request('request_state')).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await player.call('leave_world')).toEqual({ world_id: null });
    expect(await player.request('join_world', { world_id: 'no world!' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
  });
});
