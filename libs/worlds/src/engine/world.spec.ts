import { describe, expect, it } from 'vitest';
import { ArenaKind, ArenaModule } from './arena.js';
import type { StateDeltaJson, WorldStateJson } from './codec.js';
import { EntityFlag } from './ecs.js';
import { WorldMirror } from './mirror.js';
import { UnknownWorldModuleError, WorldModuleRegistry } from './module-registry.js';
import { World, type WorldMessage, type WorldSettings } from './world.js';
import { WorldModule, type PlayerInput, type SavedState, type WorldPlayer } from './world-module.js';

interface Sent {
  to: string | null;
  message: WorldMessage;
}

function makeWorld(settings: Partial<WorldSettings> = {}, registry?: WorldModuleRegistry) {
  const sent: Sent[] = [];
  const saves: Array<{ playerId: string; state: SavedState }> = [];
  const sut = new World(
    { name: 'test', worldSize: 1000, tickRate: 20, aoiRadius: 100, seed: 7, ...settings },
    {
      // `binary` is the world's reused buffer: kept messages are copies, as the gateway's frames are.
      sink: (to, message) => sent.push({ to, message: message.binary ? { ...message, binary: message.binary.slice() } : message }),
      onSave: (playerId, state) => saves.push({ playerId, state }), registry },
  );
  const position = (playerId: string) => {
    const index = sut.store.indexOf(joined.get(playerId)!);
    return { x: sut.store.x[index]!, y: sut.store.y[index]!, hp: sut.store.hp[index]!, flags: sut.store.flags[index]! };
  };
  const joined = new Map<string, number>();
  const join = (playerId: string, saved?: SavedState, encoding: 'json' | 'binary' = 'json') => {
    const result = sut.join(playerId, saved, encoding);
    if (!result.ok) throw new Error(result.reason);
    joined.set(playerId, result.entity);
    return result.entity;
  };
  const place = (playerId: string, x: number, y: number) => {
    const index = sut.store.indexOf(joined.get(playerId)!);
    sut.store.x[index] = x;
    sut.store.y[index] = y;
    sut.grid.move(index, x, y);
  };
  const messagesTo = (playerId: string) => sent.filter((s) => s.to === playerId).map((s) => s.message);
  return { sut, sent, saves, position, join, place, messagesTo };
}

describe(World.name, () => {
  it('sends a world_state on join and broadcasts player_joined / player_left', () => {
    const { sut, sent, join, messagesTo } = makeWorld();
    const entity = join('alice');
    const [state] = messagesTo('alice');
    expect(state?.kind).toBe('world_state');
    expect((state?.json as WorldStateJson).entities.map((e) => e.id)).toContain(entity);
    expect(sent.filter((s) => s.to === null).map((s) => s.message.json)).toEqual([{ type: 'player_joined', player: 'alice' }]);
    expect(sut.leave('alice')).toMatchObject({ hp: 100 });
    expect(sent.at(-1)).toEqual({ to: null, message: { kind: 'player_left', json: { type: 'player_left', player: 'alice' } } });
    expect(sut.store.count).toBe(0);
    expect(sut.leave('alice')).toBeUndefined();
  });

  it('refuses a second join, and joins beyond max players', () => {
    const { sut, join } = makeWorld({ maxPlayers: 1 });
    join('alice');
    expect(sut.join('alice')).toEqual({ ok: false, reason: 'already_joined' });
    expect(sut.join('bob')).toEqual({ ok: false, reason: 'world_full' });
    sut.leave('alice');
    expect(sut.join('bob').ok).toBe(true);
  });

  it('moves a player by its input, and clamps a too-fast input to the module speed', () => {
    const { sut, join, place, position } = makeWorld({ tickRate: 10 });
    join('alice');
    place('alice', 500, 500);
    sut.enqueueInput('alice', { move_x: 1, move_y: 0, seq: 1 });
    sut.tick();
    expect(position('alice').x).toBeCloseTo(500 + 8 / 10); // arena speed 8 u/s, 10 Hz
    sut.enqueueInput('alice', { move_x: 50, move_y: 50, seq: 2 });
    sut.tick();
    const after = position('alice');
    expect(Math.hypot(after.x - 500.8, after.y - 500)).toBeCloseTo(0.8);
  });

  it('ignores NaN, infinite and huge inputs and replayed seqs without moving the player', () => {
    const { sut, join, place, position } = makeWorld();
    join('alice');
    place('alice', 500, 500);
    sut.enqueueInput('alice', { move_x: 1, move_y: 0, seq: 5 });
    sut.tick();
    sut.enqueueInput('alice', { move_x: 0, move_y: 0, seq: 6 });
    sut.tick();
    const before = position('alice');
    for (const [input, seq] of [
      [{ move_x: Number.NaN, move_y: 0 }, 7],
      [{ move_x: 0, move_y: Number.POSITIVE_INFINITY }, 8],
      [{ move_x: 1e300, move_y: 0 }, 9],
      [{ move_x: 1, move_y: 0 }, 6],
    ] as const) {
      sut.enqueueInput('alice', { ...input, seq });
      sut.tick();
    }
    expect(position('alice')).toEqual(before);
    expect(sut.playerStats('alice')).toMatchObject({ invalidInputs: 4, lastSeq: 6 });
  });

  it('drops a flooding player’s extra inputs without affecting another player', () => {
    const { sut, join, place, position } = makeWorld({ inputsPerTick: 2, tickRate: 10 });
    join('flooder');
    join('bob');
    place('flooder', 200, 200);
    place('bob', 600, 600);
    for (let seq = 1; seq <= 500; seq++) sut.enqueueInput('flooder', { move_x: 1, move_y: 0, seq });
    expect(sut.enqueueInput('bob', { move_x: 0, move_y: 1, seq: 1 })).toBe('queued');
    sut.tick();
    expect(sut.playerStats('flooder')).toMatchObject({ droppedInputs: 498 });
    expect(sut.playerStats('bob')).toMatchObject({ droppedInputs: 0, lastSeq: 1 });
    expect(position('bob').y).toBeCloseTo(600.8);
    // The flooder moved one tick's worth, not 500 inputs' worth.
    expect(position('flooder').x).toBeCloseTo(200.8);
    expect(sut.stats().droppedInputs).toBe(498);
  });

  it('numbers inputs sent without a seq in order', () => {
    const { sut, join } = makeWorld();
    join('alice');
    sut.enqueueInput('alice', { move_x: 1, move_y: 0 });
    sut.enqueueInput('alice', { move_x: 0, move_y: 1 });
    sut.tick();
    sut.enqueueInput('alice', { move_x: 1, move_y: 0 });
    sut.tick();
    expect(sut.playerStats('alice')).toEqual({ droppedInputs: 0, invalidInputs: 0, lastSeq: 2 });
  });

  it('reports the last processed input seq in state_delta for reconciliation', () => {
    const { sut, join, messagesTo } = makeWorld();
    join('alice');
    sut.enqueueInput('alice', { move_x: 1, move_y: 0, seq: 41 });
    sut.enqueueInput('alice', { move_x: 1, move_y: 0, seq: 42 });
    sut.tick();
    const delta = messagesTo('alice').find((m) => m.kind === 'state_delta')?.json as StateDeltaJson;
    expect(delta.seq).toBe(42);
    expect(delta.changes.updated[0]).toHaveProperty('x');
  });

  it('keeps a client mirror in sync through deltas and checksums in both encodings', () => {
    const { sut, join, messagesTo } = makeWorld({ checksumEvery: 3, moduleOptions: { bots: 200 }, worldSize: 300 });
    join('json-player', undefined, 'json');
    join('binary-player', undefined, 'binary');
    for (let seq = 1; seq <= 30; seq++) {
      sut.enqueueInput('json-player', { move_x: Math.sin(seq), move_y: Math.cos(seq), seq });
      sut.enqueueInput('binary-player', { move_x: -1, move_y: 0.5, seq });
      sut.tick();
    }
    for (const player of ['json-player', 'binary-player']) {
      const sut = new WorldMirror();
      const results = messagesTo(player).map((m) => sut.apply(m.binary ?? (m.json as WorldStateJson)));
      expect(results.every((r) => r === 'ok')).toBe(true);
      expect(messagesTo(player).filter((m) => m.kind === 'checksum').length).toBe(10);
      expect(sut.entities.size).toBeGreaterThan(1);
    }
    expect(messagesTo('binary-player').every((m) => m.binary instanceof Uint8Array && m.json === undefined)).toBe(true);
  });

  it('sends a fresh world_state on request', () => {
    const { sut, join, messagesTo } = makeWorld();
    join('alice');
    sut.tick();
    expect(sut.requestFullState('alice')).toBe(true);
    sut.tick();
    expect(messagesTo('alice').map((m) => m.kind)).toEqual(['world_state', 'world_state']);
    expect(sut.requestFullState('nobody')).toBe(false);
  });

  it('restores a saved position and health on rejoin', () => {
    const { sut, join, position } = makeWorld();
    join('alice', { x: 123.5, y: 456.25, hp: 40 });
    expect(position('alice')).toMatchObject({ x: 123.5, y: 456.25, hp: 40 });
    const saved = sut.leave('alice')!;
    join('alice', saved);
    expect(position('alice')).toMatchObject({ x: 123.5, y: 456.25, hp: 40 });
  });

  it('ignores a saved state that is out of the world', () => {
    const { join, position } = makeWorld();
    join('alice', { x: -5, y: 1e9, hp: 40 });
    const { x, y, hp } = position('alice');
    expect(x >= 0 && x <= 1000 && y >= 0 && y <= 1000).toBe(true);
    expect(hp).toBe(100);
  });

  it('keeps two worlds independent', () => {
    const a = makeWorld({ name: 'a' });
    const b = makeWorld({ name: 'b' });
    a.join('alice');
    b.join('alice');
    a.place('alice', 500, 500);
    b.place('alice', 500, 500);
    for (let seq = 1; seq <= 5; seq++) {
      a.sut.enqueueInput('alice', { move_x: 1, move_y: 0, seq });
      a.sut.tick();
      b.sut.tick();
    }
    expect(a.position('alice').x).toBeCloseTo(502);
    expect(b.position('alice').x).toBe(500);
    expect(b.sut.enqueueInput('bob', { move_x: 1, move_y: 0 })).toBe('unknown_player');
    expect([a.sut.currentTick, b.sut.currentTick]).toEqual([5, 5]);
  });

  it('never lets an entity leave the world or exceed the max speed', () => {
    const { sut, join, place, position } = makeWorld({ maxSpeed: 5, tickRate: 10 });
    const slot = sut.store.indexOf(join('alice'));
    place('alice', 999.9, 500);
    sut.store.vx[slot] = 1e6;
    sut.tick();
    expect(position('alice').x).toBe(1000);
    place('alice', 500, 500);
    sut.store.vx[slot] = 1e6;
    sut.tick();
    expect(position('alice').x).toBeCloseTo(500.5);
  });

  it('reports stats, tick times as its driver recorded them', () => {
    const { sut, join } = makeWorld({ moduleOptions: { bots: 10 } });
    join('alice');
    for (let i = 0; i < 5; i++) sut.tick();
    sut.recordOverrun();
    for (const ms of [1, 2, 3, 4, 10]) sut.recordTickTime(ms);
    expect(sut.stats()).toMatchObject({
      name: 'test',
      tick: 5,
      entities: 11,
      players: 1,
      maxPlayers: 100,
      overruns: 1,
      avgTickUs: 4000,
      p50TickUs: 3000,
      p99TickUs: 10_000,
      maxTickUs: 10_000,
    });
  });

  it('validates its settings', () => {
    expect(() => makeWorld({ tickRate: 0 })).toThrow(RangeError);
    expect(() => makeWorld({ tickRate: 10_001 })).toThrow(RangeError);
    expect(() => makeWorld({ tickRate: 10, snapshotRate: 20 })).toThrow(RangeError);
    expect(() => makeWorld({ module: 'nope' })).toThrow(UnknownWorldModuleError);
    expect(() => makeWorld({ moduleOptions: { bots: -1 } })).toThrow(RangeError);
  });

  describe('sampleEntities', () => {
    it('names each entity’s kind and player, and cuts at the limit with the total', () => {
      const { sut, join } = makeWorld({ moduleOptions: { bots: 3 } });
      const entity = join('ada');
      const all = sut.sampleEntities(10);
      expect(all.total).toBe(4);
      expect(all.entities.filter((e) => e.kind === 'bot' && e.playerId === null)).toHaveLength(3);
      expect(all.entities.filter((e) => e.kind === 'player')).toEqual([expect.objectContaining({ id: entity, playerId: 'ada' })]);
      const cut = sut.sampleEntities(2);
      expect(cut).toMatchObject({ total: 4, tick: sut.currentTick });
      expect(cut.entities).toHaveLength(2);
    });
  });
});

describe(ArenaModule.name, () => {
  it('attacks the nearest entity in range, ignores attacks during the cooldown, kills and respawns', () => {
    const { sut, join, place, position, saves } = makeWorld({
      tickRate: 10,
      moduleOptions: { attackDamage: 50, attackCooldown: 1, respawnDelay: 2 },
    });
    join('alice');
    join('bob');
    join('carol');
    place('alice', 500, 500);
    place('bob', 501.5, 500);
    place('carol', 502.5, 500);
    let seq = 0;
    const attack = () => sut.enqueueInput('alice', { move_x: 0, move_y: 0, action: 1, seq: ++seq });
    attack();
    sut.tick();
    expect(position('bob').hp).toBe(50);
    expect(position('carol').hp).toBe(100);
    for (let i = 0; i < 9; i++) {
      attack(); // cooldown: 1 s = 10 ticks
      sut.tick();
    }
    expect(position('bob').hp).toBe(50);
    attack();
    sut.tick();
    expect(position('bob')).toMatchObject({ hp: 0, flags: EntityFlag.Dead });
    expect(saves.map((s) => s.playerId)).toEqual(['bob']);
    for (let i = 0; i < 20; i++) sut.tick();
    expect(position('bob')).toMatchObject({ hp: 100, flags: 0 });
  });

  it('pushes overlapping players apart', () => {
    const { sut, join, place, position } = makeWorld();
    join('alice');
    join('bob');
    place('alice', 500, 500);
    place('bob', 500.2, 500);
    sut.tick();
    expect(position('bob').x - position('alice').x).toBeCloseTo(1); // two radii of 0.5
  });

  it('spawns wandering bots that move', () => {
    const { sut } = makeWorld({ moduleOptions: { bots: 50 } });
    const before = Float64Array.from(sut.store.x.subarray(0, 50));
    // The first tick's rules pick directions; the second tick's movement phase applies them.
    sut.tick();
    sut.tick();
    expect(sut.store.count).toBe(50);
    expect(Array.from(sut.store.kind.subarray(0, 50)).every((k) => k === ArenaKind.Bot)).toBe(true);
    expect(Array.from(sut.store.x.subarray(0, 50)).filter((x, i) => x !== before[i]).length).toBeGreaterThan(40);
  });
});

class TagModule extends WorldModule {
  readonly inputs: number[] = [];
  disposed = false;

  override onJoinAttempt(player: { id: string }): true | string {
    return player.id.startsWith('banned') ? 'banned' : true;
  }

  override onJoin(player: WorldPlayer, saved?: SavedState): number {
    const id = this.ctx.spawn(7, typeof saved?.x === 'number' ? saved.x : 10, 10);
    this.ctx.store.owner[this.ctx.store.indexOf(id)] = player.slot;
    return id;
  }

  override onInput(_player: WorldPlayer, input: PlayerInput): void {
    this.inputs.push(input.seq);
  }

  override onTick(): void {
    if (this.ctx.tick === 2) this.ctx.emit('round_started', { round: 1 });
  }

  override saveState(player: WorldPlayer): SavedState {
    return { x: this.ctx.store.x[this.ctx.store.indexOf(player.entity)] };
  }

  override onDispose(): void {
    this.disposed = true;
  }
}

describe(WorldModuleRegistry.name, () => {
  it('has arena by default and runs a custom module through every hook', () => {
    const sut = new WorldModuleRegistry();
    expect(sut.names()).toEqual(['arena']);
    let module: TagModule | undefined;
    sut.register('tag', () => (module = new TagModule()));
    const { sut: world, sent, join } = makeWorld({ module: 'tag' }, sut);
    expect(world.join('banned-bob')).toEqual({ ok: false, reason: 'banned' });
    join('alice', { x: 42 });
    world.enqueueInput('alice', { move_x: 0, move_y: 0, seq: 3 });
    world.tick();
    world.tick();
    expect(module!.inputs).toEqual([3]);
    expect(sent.some((s) => s.to === null && (s.message.json as { type: string }).type === 'round_started')).toBe(true);
    expect(world.leave('alice')).toEqual({ x: 42 });
    world.dispose();
    expect(module!.disposed).toBe(true);
    expect(world.join('carol')).toEqual({ ok: false, reason: 'world_stopped' });
  });

  it('refuses unknown modules and invalid names', () => {
    const sut = new WorldModuleRegistry();
    expect(() => sut.create('nope')).toThrow(UnknownWorldModuleError);
    expect(() => sut.register('Bad Name', () => new TagModule())).toThrow(RangeError);
  });
});
