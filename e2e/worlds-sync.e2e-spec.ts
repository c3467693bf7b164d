import { encodeInputBinary, EntityFlag } from '@spawnpoint/worlds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, deviceLogin, unique, type SignedInPlayer, type Studio } from './support/fixtures.js';
import { TRANSPORTS, type Credentials, type Transport } from './support/realtime-client.js';
import { ownRedisPrefix, savedState, seedPlayer, WorldClient, WorldsApi } from './support/worlds.js';

type Entity = { id: number; x: number; y: number; kind: number; hp: number; flags: number };
type WorldState = { tick: number; seq: number; entities: Entity[] };
type StateDelta = { tick: number; seq: number; changes: { updated: Partial<Entity>[]; entered: Entity[]; left: number[] } };
type JoinAck = { entity: number; encoding: string };
type Failure = { ok: false; error: { code: string; details?: { field: string }[] } };

const GRACE_MS = 1_500;
/** 60 Hz ticks, 20 Hz snapshots: a player's snapshots are this many ticks apart. */
const SNAPSHOT_TICKS = 3;
const STEP = 1 / 16;

/** Small worlds (100 units, 60 Hz) and a short resume grace, so each scenario takes a second or two. */
describe('worlds: inputs, interest, sync and persistence', () => {
  let t: TestApp;
  let s: Studio;
  let api: WorldsApi;
  const clients: WorldClient[] = [];
  beforeAll(async () => {
    t = await startApp({ ...ownRedisPrefix('worlds_sync'), REALTIME_RESUME_GRACE_MS: String(GRACE_MS) });
    s = await createStudio(t);
    api = new WorldsApi(t, s.serverKey);
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t.close();
  });

  async function connect(transport: Transport, credentials: Credentials): Promise<WorldClient> {
    const client = await WorldClient.connect(t.url, transport, credentials);
    clients.push(client);
    return client;
  }

  /** A world of its own, a signed-in player per start position (seeded as saved state), each connected and joined. */
  async function worldWith(
    settings: Record<string, unknown>,
    players: { transport: Transport; at: { x: number; y: number }; encoding?: 'json' | 'binary' }[],
  ): Promise<{ name: string; joined: { client: WorldClient; player: SignedInPlayer; entity: number }[] }> {
    const name = unique('w-');
    await api.start({ name, world_size: 100, ...settings });
    const joined = [];
    for (const { transport, at, encoding } of players) {
      const player = await deviceLogin(t, s.clientKey);
      await seedPlayer(t, s.gameId, name, player.id, at);
      const client = await connect(transport, { token: player.sessionToken });
      const ack = await client.call<JoinAck>('join_world', { world_id: name, ...(encoding ? { encoding } : {}) });
      await client.next('world_state');
      joined.push({ client, player, entity: ack.entity });
    }
    return { name, joined };
  }

  /** The (tick, value) pairs of one entity's field as the deltas carried them. */
  function track(client: WorldClient, entity: number, field: 'x' | 'y', from = 0): { tick: number; value: number }[] {
    return client.all<StateDelta>('state_delta', from).flatMap((d) => {
      const u = d.changes.updated.find((e) => e.id === entity) ?? d.changes.entered.find((e) => e.id === entity);
      return u?.[field] === undefined ? [] : [{ tick: d.tick, value: u[field] }];
    });
  }

  describe.each(TRANSPORTS)('binary inputs over %s', (transport) => {
    it('moves the player as JSON inputs do, acknowledges their seq, and refuses a malformed one by field', async () => {
      const { joined } = await worldWith({ world_size: 1000 }, [{ transport, at: { x: 100, y: 100 } }]);
      const [{ client, entity }] = joined as [(typeof joined)[0]];
      const from = client.mark();
      client.emitBinary('input', encodeInputBinary({ move_x: 1, move_y: 0, seq: 1, timestamp: Date.now() }));
      await client.next<StateDelta>('state_delta', (d) => d.seq === 1, from);
      await client.until(() => (client.mirror.entities.get(entity)?.x ?? 0) > 102, 'walking 2 units');

      const malformed = encodeInputBinary({ move_x: 0, move_y: 0, seq: 2 });
      new DataView(malformed.buffer).setFloat32(2, Number.NaN, true);
      const errorsFrom = client.mark();
      client.emitBinary('input', malformed);
      const { payload: error } = await client.next<{ code: string; details?: { field: string }[] }>('error', () => true, errorsFrom);
      expect(error).toMatchObject({ code: 'validation_failed', details: [{ field: 'move_x' }] });

      // The refused seq 2 never reached the world: the stop below is acknowledged as seq 3.
      client.emitBinary('input', encodeInputBinary({ move_x: 0, move_y: 0, seq: 3 }));
      await client.next<StateDelta>('state_delta', (d) => d.seq === 3, errorsFrom);
      expect(client.all<StateDelta>('state_delta', from).some((d) => d.seq === 2)).toBe(false);
    });
  });

  describe.each(TRANSPORTS)('invalid inputs over %s', (transport) => {
    it('clamps too-fast moves, refuses malformed ones and disconnects a flooder, while another player plays on', async () => {
      const { joined } = await worldWith({ world_size: 1000 }, [
        { transport, at: { x: 100, y: 100 } },
        { transport, at: { x: 150, y: 100 } },
      ]);
      const [{ client: cheat, entity: cheatEntity }, { client: victim, entity: victimEntity }] = joined as [
        (typeof joined)[0],
        (typeof joined)[0],
      ];
      const victimFrom = victim.mark();
      victim.emit('input', { move_x: 0.5, move_y: 0, seq: 1 }); // 4 units/s: a change in every snapshot

      // Too fast: the move vector is normalised, so 1e5 is full speed (arena: 8 units/s) and no more.
      const fastFrom = cheat.mark();
      cheat.emit('input', { move_x: 1e5, move_y: 0, seq: 1 });
      await cheat.until(() => (cheat.mirror.entities.get(cheatEntity)?.x ?? 0) > 103, 'walking 3 units');
      cheat.emit('input', { move_x: 0, move_y: 0, seq: 2 });
      await cheat.next<StateDelta>('state_delta', (d) => d.seq === 2, fastFrom);
      const path = [{ tick: 0, value: 100 }, ...track(cheat, cheatEntity, 'x', fastFrom)];
      expect(path.length).toBeGreaterThan(3);
      for (let i = 2; i < path.length; i++) {
        const [a, b] = [path[i - 1]!, path[i]!];
        expect(b.value - a.value, `tick ${a.tick} → ${b.tick}`).toBeLessThanOrEqual(((b.tick - a.tick) * 8) / 60 + STEP);
      }
      const stoppedAt = cheat.mirror.entities.get(cheatEntity)!.x;

      // Malformed: refused by the schema with a stable code, never reaching the world.
      const malformed: [object, string][] = [
        [{ move_x: 'fast', move_y: 0 }, 'move_x'],
        [{ move_x: Number.NaN, move_y: 0 }, 'move_x'], // NaN is null in JSON
        [{ move_x: 1e7, move_y: 0 }, 'move_x'],
        [{ move_x: 0, move_y: -1e300 }, 'move_y'],
        [{ move_x: 0 }, 'move_y'],
        [{ move_x: 0, move_y: 0, seq: 1.5 }, 'seq'],
        [{ move_x: 0, move_y: 0, action: 256 }, 'action'],
        [{ move_x: 1, move_y: 0, teleport: { x: 0, y: 0 } }, 'teleport'],
      ];
      for (const [payload, field] of malformed) {
        const reply = (await cheat.request('input', payload)) as Failure;
        expect(reply.ok, JSON.stringify(payload)).toBe(false);
        expect(reply.error.code).toBe('validation_failed');
        expect(reply.error.details?.map((d) => d.field)).toContain(field);
      }
      // A replayed seq passes the schema but the world ignores it.
      expect(await cheat.request('input', { move_x: 1, move_y: 0, seq: 1 })).toEqual({ ok: true, data: null });
      const afterReplay = victim.mark();
      await victim.until(() => victim.all('state_delta', afterReplay).length >= 4, 'four more snapshots');
      expect(cheat.mirror.entities.get(cheatEntity)!.x).toBe(stoppedAt);
      expect(victim.mirror.entities.get(cheatEntity)!.x).toBe(stoppedAt);

      // Flooding: past the input bucket every input is refused, and past the flood limit the connection is closed.
      for (let i = 0; i < 400; i++) cheat.emit('input', { move_x: 0, move_y: 1 });
      expect(await cheat.closed).toBe(4008);
      expect(cheat.all<{ code: string }>('error', fastFrom).map((e) => e.code)).toContain('rate_limited');
      const afterFlood = victim.mark();
      await victim.until(() => victim.all('state_delta', afterFlood).length >= 5, 'five snapshots after the flood');

      // The victim's snapshots never skipped a beat: one every snapshot period, each with its own steady progress.
      const victimPath = track(victim, victimEntity, 'x', victimFrom).filter((p) => p.value > 150);
      expect(victimPath.length).toBeGreaterThan(10);
      for (let i = 1; i < victimPath.length; i++) {
        const [a, b] = [victimPath[i - 1]!, victimPath[i]!];
        expect(b.tick - a.tick, `victim snapshot after tick ${a.tick}`).toBe(SNAPSHOT_TICKS);
        expect(b.value - a.value).toBeCloseTo((SNAPSHOT_TICKS * 4) / 60, 0);
      }
      expect(victim.mirror.entities.get(cheatEntity)!.x).toBe(stoppedAt);
    });
  });

  it('keeps a far entity out of view until the player walks within the area-of-interest radius', async () => {
    const { joined } = await worldWith({ world_size: 1000, aoi_radius: 10, module_options: { speed: 20 } }, [
      { transport: 'ws', at: { x: 100, y: 100 } },
      { transport: 'socket.io', at: { x: 140, y: 100 } },
    ]);
    const [{ client: walker, entity: me }, { entity: far }] = joined as [(typeof joined)[0], (typeof joined)[0]];
    expect(walker.all<WorldState>('world_state')[0]!.entities.map((e) => e.id)).toEqual([me]);

    walker.emit('input', { move_x: 1, move_y: 0, seq: 1 });
    const { index: enteredAt } = await walker.next<StateDelta>('state_delta', (d) => d.changes.entered.some((e) => e.id === far));
    walker.emit('input', { move_x: -1, move_y: 0, seq: 2 });
    const path = track(walker, me, 'x');
    const before = walker.received.slice(0, enteredAt);
    expect(JSON.stringify(before.map((r) => r.payload))).not.toMatch(new RegExp(`"id":${far}\\b`));
    const atEnter = path.filter((p) => p.tick <= (walker.received[enteredAt]!.payload as StateDelta).tick).at(-1)!;
    const previous = path.filter((p) => p.tick < atEnter.tick).at(-1)!;
    expect(140 - atEnter.value).toBeLessThanOrEqual(10 + STEP);
    expect(140 - previous.value).toBeGreaterThan(10 - STEP);
    expect(walker.mirror.entities.get(far)).toMatchObject({ x: 140, y: 100, kind: 1 });

    // Leaving takes 10% more distance than entering (hysteresis), then the entity is dropped from the view.
    const { payload: gone } = await walker.next<StateDelta>('state_delta', (d) => d.changes.left.includes(far), enteredAt);
    const atLeave = track(walker, me, 'x')
      .filter((p) => p.tick <= gone.tick)
      .at(-1)!;
    expect(140 - atLeave.value).toBeGreaterThan(11 - STEP);
    expect(walker.mirror.entities.has(far)).toBe(false);
  });

  describe.each(TRANSPORTS)('drift checksum over %s', (transport) => {
    it('agrees with the server, detects a tampered mirror and recovers through request_state', async () => {
      const { joined } = await worldWith({ module_options: { bots: 12 } }, [{ transport, at: { x: 50, y: 50 } }]);
      const { client } = joined[0]!;
      await client.until(() => client.checks.length >= 2, 'two checksums');
      expect(client.checks).toEqual(client.checks.map(() => 'ok'));
      expect(client.mirror.entities.size).toBe(13);

      const bot = [...client.mirror.entities.values()].find((e) => e.kind === 2)!;
      bot.hp -= 1; // bots are never hit here: nothing the server sends repairs this
      const tampered = client.checks.length;
      await client.until(() => client.checks.length > tampered, 'the next checksum');
      expect(client.checks[tampered]).toBe('resync');
      expect(client.mirror.stale).toBe(true);

      const from = client.mark();
      expect(await client.call('request_state')).toEqual({ requested: true });
      await client.next('world_state', () => true, from);
      expect(client.mirror.stale).toBe(false);
      const resynced = client.checks.length;
      await client.until(() => client.checks.length > resynced, 'a checksum after the resync');
      expect(client.checks.slice(resynced)).toEqual(client.checks.slice(resynced).map(() => 'ok'));
      expect(client.mirror.entities.get(bot.id)!.hp).toBe(100);
    });
  });

  describe.each(TRANSPORTS)('binary encoding over %s', (transport) => {
    it('decodes into the same entities a JSON client sees', async () => {
      // Both near the middle of the 100-unit world, so that the 100-unit area of interest covers all
      // of it for each: bots spawn at random spots, and one in a corner the other cannot see would
      // leave the two views different for good.
      const { joined } = await worldWith({ module_options: { bots: 8, botSpeed: 0 } }, [
        { transport, at: { x: 50, y: 55 }, encoding: 'binary' },
        { transport, at: { x: 45, y: 50 } },
      ]);
      const [{ client: binary, entity: mover }, { client: json }] = joined as [(typeof joined)[0], (typeof joined)[0]];
      const first = binary.all<Uint8Array>('world_state')[0]!;
      expect(first).toBeInstanceOf(Uint8Array);
      expect(first[0]).toBe(1);
      expect(binary.all('player_joined')[0]).toMatchObject({ type: 'player_joined' }); // broadcasts stay JSON

      const from = binary.mark();
      binary.emit('input', { move_x: 0.25, move_y: 0, seq: 1 }); // 2 units/s: a change in every snapshot
      await binary.until(() => binary.checks.length >= 1, 'a binary checksum');
      binary.emit('input', { move_x: 0, move_y: 0, seq: 2 });
      await binary.until(() => binary.mirror.seq === 2, 'the stop applied');
      expect(binary.checks).toEqual(binary.checks.map(() => 'ok'));
      expect(binary.all('state_delta', from).every((m) => m instanceof Uint8Array)).toBe(true);
      expect(binary.mirror.entities.get(mover)!.x).toBeGreaterThan(50);

      const view = (c: WorldClient) =>
        [...c.mirror.entities.values()].sort((a, b) => a.id - b.id).map(({ id, x, y, kind, hp, flags }) => ({ id, x, y, kind, hp, flags }));
      await json.until(() => JSON.stringify(view(json)) === JSON.stringify(view(binary)), 'the JSON view to match the binary one');
      expect(view(binary)).toHaveLength(10);
    });
  });

  it('restores position and health on rejoin after leave_world', async () => {
    const { name, joined } = await worldWith({ module_options: { speed: 20 } }, [
      { transport: 'socket.io', at: { x: 50, y: 50 } },
      { transport: 'ws', at: { x: 51, y: 50 } },
    ]);
    const [{ client, player, entity }, { client: hitter }] = joined as [(typeof joined)[0], (typeof joined)[0]];
    hitter.emit('input', { move_x: 0, move_y: 0, action: 1, seq: 1 }); // arena: 25 damage to the nearest within 3 units
    await client.until(() => client.mirror.entities.get(entity)?.hp === 75, 'the hit');
    client.emit('input', { move_x: 0, move_y: 1, seq: 1 });
    await client.until(() => client.mirror.entities.get(entity)!.y > 55, 'walking 5 units');
    client.emit('input', { move_x: 0, move_y: 0, seq: 2 });
    await client.until(() => client.mirror.seq === 2, 'stopping');
    const before = { ...client.mirror.entities.get(entity)! };

    // Joining again while in the world keeps the view, so its encoding: the ack says which one applies.
    const rejoinFrom = client.mark();
    expect(await client.call('join_world', { world_id: name, encoding: 'binary' })).toMatchObject({ entity, encoding: 'json' });
    const { payload: fresh } = await client.next<WorldState>('world_state', () => true, rejoinFrom);
    expect(fresh).not.toBeInstanceOf(Uint8Array);
    expect(fresh.entities).toContainEqual({ id: entity, x: before.x, y: before.y, kind: 1, hp: 75, flags: 0 });

    expect(await client.call('leave_world')).toEqual({ world_id: name });
    const saved = (await savedState(t, s.gameId, name, player.id)) as { x: number; y: number; hp: number };
    expect(saved).toMatchObject({ hp: 75 });
    expect(Math.round(saved.y * 16)).toBe(before.qy);
    const from = client.mark();
    const again = await client.call<JoinAck>('join_world', { world_id: name });
    const { payload: state } = await client.next<WorldState>('world_state', () => true, from);
    expect(state.entities.find((e) => e.id === again.entity)).toEqual({
      id: again.entity,
      x: before.x,
      y: before.y,
      kind: 1,
      hp: 75,
      flags: 0,
    });
  });

  it('saves players periodically through the worker', async () => {
    const { name, joined } = await worldWith({ persist_interval_seconds: 1, module_options: { speed: 20 } }, [
      { transport: 'ws', at: { x: 50, y: 50 } },
    ]);
    const { client, player, entity } = joined[0]!;
    client.emit('input', { move_x: 0, move_y: -1, seq: 1 });
    await client.until(() => client.mirror.entities.get(entity)!.y < 45, 'walking 5 units');
    client.emit('input', { move_x: 0, move_y: 0, seq: 2 });
    await client.until(() => client.mirror.seq === 2, 'stopping');
    const stopped = client.mirror.entities.get(entity)!;
    const saved = await pollSaved(name, player.id, (state) => Math.round(((state?.y as number) ?? 0) * 16) === stopped.qy);
    expect(saved).toMatchObject({ x: 50, hp: 100 });
    expect(Math.round((saved!.y as number) * 16)).toBe(stopped.qy);
  });

  it('saves at once on a critical event (death) and names module events on both transports', async () => {
    const { name, joined } = await worldWith({ module_options: { attackDamage: 100, respawnDelay: 60 } }, [
      { transport: 'ws', at: { x: 50, y: 50 } },
      { transport: 'socket.io', at: { x: 51, y: 50 } },
    ]);
    const [{ client: victim, player, entity }, { client: killer, entity: killerEntity }] = joined as [
      (typeof joined)[0],
      (typeof joined)[0],
    ];
    killer.emit('input', { move_x: 0, move_y: 0, action: 1, seq: 1 });
    const died = { type: 'entity_died', entity, by: killerEntity };
    expect((await victim.next('entity_died')).payload).toMatchObject(died);
    expect((await killer.next('entity_died')).payload).toMatchObject(died);
    await victim.until(() => victim.mirror.entities.get(entity)?.flags === EntityFlag.Dead, 'the dead flag');
    expect(victim.mirror.entities.get(entity)!.hp).toBe(0);
    const saved = await pollSaved(name, player.id, (state) => state?.hp === 0);
    expect(saved).toMatchObject({ x: 50, y: 50, hp: 0 });
  });

  it('keeps the entity through a resume within the grace period, then saves and removes the player after it', async () => {
    const { name, joined } = await worldWith({}, [
      { transport: 'socket.io', at: { x: 30, y: 30 } },
      { transport: 'ws', at: { x: 40, y: 30 } },
    ]);
    const [{ client, player, entity }, { client: watcher }] = joined as [(typeof joined)[0], (typeof joined)[0]];
    const watching = watcher.mark();
    client.drop();
    const resumed = await connect('socket.io', { token: player.sessionToken, resume: client.welcome.resume_token as string });
    expect(resumed.welcome).toMatchObject({ resumed: true });
    const { payload: state } = await resumed.next<WorldState>('world_state');
    expect(state.entities.find((e) => e.id === entity)).toMatchObject({ x: 30, y: 30, hp: 100 });
    resumed.emit('input', { move_x: 1, move_y: 0, seq: 1 });
    await resumed.until(() => (resumed.mirror.entities.get(entity)?.x ?? 0) > 31, 'moving after the resume');
    resumed.emit('input', { move_x: 0, move_y: 0, seq: 2 });
    await resumed.until(() => resumed.mirror.seq === 2, 'stopping');
    expect(watcher.all('player_left', watching)).toEqual([]);
    await api.until(name, (w) => w.players === 2);

    const stoppedAt = resumed.mirror.entities.get(entity)!;
    resumed.drop();
    expect((await watcher.next('player_left', (p) => p.player === player.id, watching)).payload).toMatchObject({ player: player.id });
    await watcher.until(() => !watcher.mirror.entities.has(entity), 'the entity leaving the watcher’s view');
    // The host broadcasts player_left as it removes the player, and then saves it: poll the row
    // (it holds the seeded x = 30 until the save lands).
    const savedX = async () => ((await savedState(t, s.gameId, name, player.id)) as { x: number }).x;
    await expect.poll(async () => Math.round((await savedX()) * 16), { timeout: 5_000 }).toBe(stoppedAt.qx);
    await api.until(name, (w) => w.players === 1);
  });

  it('moves the player’s sector room as it crosses a sector boundary', async () => {
    const { name, joined } = await worldWith({}, [{ transport: 'ws', at: { x: 5, y: 5 } }]);
    const { client, entity } = joined[0]!;
    type Rooms = { rooms: string[]; joined: string[]; left: string[] };
    await client.next<Rooms>('rooms', (r) => r.rooms.includes(`sector:${name}:0-0`) && r.rooms.includes(`world:${name}`));
    const from = client.mark();
    client.emit('input', { move_x: 1, move_y: 0, seq: 1 }); // 8 units/s; sectors are 10 units wide here
    const { payload: moved } = await client.next<Rooms>('rooms', (r) => r.left.includes(`sector:${name}:0-0`), from);
    // Rooms follow the position once a second, so a fast player may skip a sector.
    const sector = moved.joined.find((room) => room.startsWith(`sector:${name}:`))!;
    const column = Number(/:(\d+)-0$/.exec(sector)![1]);
    expect(column).toBeGreaterThanOrEqual(1);
    expect(moved.rooms.filter((room) => room.startsWith('sector:'))).toEqual([sector]);
    expect(moved.rooms).toContain(`world:${name}`);
    expect(client.mirror.entities.get(entity)!.x).toBeGreaterThanOrEqual(10 * column);
  });

  async function pollSaved(name: string, playerId: string, done: (state: Record<string, unknown> | null) => boolean) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const state = await savedState(t, s.gameId, name, playerId);
      if (done(state) || Date.now() > deadline) return state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});
