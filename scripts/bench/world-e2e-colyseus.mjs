#!/usr/bin/env node
// The Colyseus side of `node scripts/bench/world-e2e.mjs`: the same world as the Spawnpoint run
// (N wandering bots plus one entity per client, the same speeds, turns and clamping as the arena
// module) in one Colyseus 0.18 room. Forked by world-e2e.mjs, which measures this process's CPU.
//
// State: a MapSchema of entities (x, y as float32, kind, hp), tagged `.view()`, so each client only
// gets what its StateView holds. The views are fed by a uniform grid (cell = AOI radius) once per
// patch, with the engine's hysteresis: an entity enters within the AOI radius and leaves beyond
// 1.1 × the radius. Each client's last processed input seq rides in a per-client `Ack` that only
// its own view holds (Spawnpoint puts the same number in every delta header).
//
// IPC (process.send): → { op: 'ready', port, roomId }; ← { op: 'stats' } → { op: 'stats', … }.
// Settings come from env: PORT, WORLD_SIZE, AOI_RADIUS, BOTS, TICK_RATE, PATCH_RATE, MAX_CLIENTS.
import { Room, Server, matchMaker } from '@colyseus/core';
import { StateView, schema, t } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { performance } from 'node:perf_hooks';
import { quantile } from './lib/stats.mjs';

const PORT = Number(process.env.PORT);
const WORLD_SIZE = Number(process.env.WORLD_SIZE);
const AOI = Number(process.env.AOI_RADIUS);
const BOTS = Number(process.env.BOTS);
const TICK_RATE = Number(process.env.TICK_RATE);
const PATCH_RATE = Number(process.env.PATCH_RATE);
const MAX_CLIENTS = Number(process.env.MAX_CLIENTS);
// The arena module's defaults (libs/worlds/src/engine/arena.ts).
const BOT_SPEED = 4;
const PLAYER_SPEED = 8;
const MAX_HP = 100;
const KIND_PLAYER = 1;
const KIND_BOT = 2;
const OUTER = AOI * 1.1;

const Entity = schema({ x: t.float32(), y: t.float32(), kind: t.uint8(), hp: t.int16() }, 'Entity');
const Ack = schema({ seq: t.uint32() }, 'Ack');
const State = schema({ entities: t.map(Entity).view(), acks: t.map(Ack).view() }, 'State');

/** Tick and patch durations (ms), the last 4096 of each, plus late ticks. */
const timings = { tick: [], patch: [], late: 0, ticks: 0 };
let arena = null;
const keep = (list, ms) => {
  list.push(ms);
  if (list.length > 4096) list.shift();
};

class ArenaRoom extends Room {
  maxClients = MAX_CLIENTS;
  autoDispose = false;
  patchRate = 1000 / PATCH_RATE;

  onCreate() {
    arena = this;
    this.state = new State();
    this.capacity = BOTS + MAX_CLIENTS;
    this.refs = new Array(this.capacity).fill(null);
    this.keys = new Array(this.capacity).fill(null);
    this.x = new Float64Array(this.capacity);
    this.y = new Float64Array(this.capacity);
    this.vx = new Float64Array(this.capacity);
    this.vy = new Float64Array(this.capacity);
    this.turnAt = new Float64Array(this.capacity);
    this.free = [];
    this.count = 0;
    this.side = Math.max(1, Math.ceil(WORLD_SIZE / AOI));
    this.cells = Array.from({ length: this.side * this.side }, () => []);
    this.elapsed = 0;
    this.players = new Map(); // sessionId → { slot, view, visible: Set<slot>, ack }
    for (let i = 0; i < BOTS; i++) this.spawn(KIND_BOT, Math.random() * WORLD_SIZE, Math.random() * WORLD_SIZE);

    this.onMessage('input', (client, input) => {
      const player = this.players.get(client.sessionId);
      if (!player || typeof input !== 'object' || input === null) return;
      let mx = Number(input.move_x) || 0;
      let my = Number(input.move_y) || 0;
      const length = Math.hypot(mx, my);
      if (length > 1) ((mx /= length), (my /= length));
      this.vx[player.slot] = mx * PLAYER_SPEED;
      this.vy[player.slot] = my * PLAYER_SPEED;
      if (Number.isSafeInteger(input.seq)) player.ack.seq = input.seq;
    });

    const period = 1000 / TICK_RATE;
    const viewEvery = Math.max(1, Math.round(TICK_RATE / PATCH_RATE));
    let last = performance.now();
    this.setSimulationInterval(() => {
      const started = performance.now();
      if (started - last > 2 * period) timings.late++;
      last = started;
      this.step(1 / TICK_RATE);
      if (++timings.ticks % viewEvery === 0) this.updateViews();
      keep(timings.tick, performance.now() - started);
    }, period);

    const broadcastPatch = this.broadcastPatch.bind(this);
    this.broadcastPatch = () => {
      const started = performance.now();
      const result = broadcastPatch();
      keep(timings.patch, performance.now() - started);
      return result;
    };
  }

  spawn(kind, x, y) {
    const slot = this.free.length > 0 ? this.free.pop() : this.count++;
    const entity = new Entity();
    entity.x = x;
    entity.y = y;
    entity.kind = kind;
    entity.hp = MAX_HP;
    const key = String(slot);
    this.state.entities.set(key, entity);
    this.refs[slot] = entity;
    this.keys[slot] = key;
    this.x[slot] = x;
    this.y[slot] = y;
    this.vx[slot] = 0;
    this.vy[slot] = 0;
    this.turnAt[slot] = kind === KIND_BOT ? 0 : Infinity;
    return slot;
  }

  /** Movement as in the arena: bots turn every 1–3 s, everyone is clamped to the world and stops on the axis it hits. */
  step(dt) {
    this.elapsed += dt;
    for (const cell of this.cells) cell.length = 0;
    for (let slot = 0; slot < this.count; slot++) {
      const entity = this.refs[slot];
      if (entity === null) continue;
      if (this.turnAt[slot] <= this.elapsed) {
        const angle = Math.random() * Math.PI * 2;
        this.vx[slot] = Math.cos(angle) * BOT_SPEED;
        this.vy[slot] = Math.sin(angle) * BOT_SPEED;
        this.turnAt[slot] = this.elapsed + 1 + Math.random() * 2;
      }
      let x = this.x[slot] + this.vx[slot] * dt;
      let y = this.y[slot] + this.vy[slot] * dt;
      if (x < 0 || x > WORLD_SIZE) ((x = Math.min(WORLD_SIZE, Math.max(0, x))), (this.vx[slot] = 0));
      if (y < 0 || y > WORLD_SIZE) ((y = Math.min(WORLD_SIZE, Math.max(0, y))), (this.vy[slot] = 0));
      if (x !== this.x[slot]) entity.x = this.x[slot] = x;
      if (y !== this.y[slot]) entity.y = this.y[slot] = y;
      this.cells[this.cellOf(y) * this.side + this.cellOf(x)].push(slot);
    }
  }

  cellOf(v) {
    return Math.min(this.side - 1, Math.max(0, Math.floor(v / AOI)));
  }

  /** Each client's view: enters within AOI, leaves beyond 1.1 × AOI (the engine's hysteresis). */
  updateViews() {
    for (const player of this.players.values()) {
      const px = this.x[player.slot];
      const py = this.y[player.slot];
      const seen = player.seen;
      seen.clear();
      const x0 = this.cellOf(px - OUTER);
      const x1 = this.cellOf(px + OUTER);
      const y0 = this.cellOf(py - OUTER);
      const y1 = this.cellOf(py + OUTER);
      for (let cy = y0; cy <= y1; cy++) {
        for (let cx = x0; cx <= x1; cx++) {
          for (const slot of this.cells[cy * this.side + cx]) {
            const dx = this.x[slot] - px;
            const dy = this.y[slot] - py;
            const d2 = dx * dx + dy * dy;
            if (d2 <= AOI * AOI || (d2 <= OUTER * OUTER && player.visible.has(slot))) seen.add(slot);
          }
        }
      }
      for (const slot of player.visible) {
        if (!seen.has(slot)) {
          player.visible.delete(slot);
          if (this.refs[slot] !== null) player.view.remove(this.refs[slot]);
        }
      }
      for (const slot of seen) {
        if (!player.visible.has(slot)) {
          player.visible.add(slot);
          player.view.add(this.refs[slot]);
        }
      }
    }
  }

  onJoin(client) {
    const slot = this.spawn(KIND_PLAYER, Math.random() * WORLD_SIZE, Math.random() * WORLD_SIZE);
    const ack = new Ack();
    ack.seq = 0;
    this.state.acks.set(client.sessionId, ack);
    client.view = new StateView();
    client.view.add(ack);
    this.players.set(client.sessionId, { slot, view: client.view, visible: new Set(), seen: new Set(), ack });
  }

  onLeave(client) {
    const player = this.players.get(client.sessionId);
    if (!player) return;
    this.players.delete(client.sessionId);
    this.state.acks.delete(client.sessionId);
    this.state.entities.delete(this.keys[player.slot]);
    this.refs[player.slot] = null;
    this.free.push(player.slot);
  }
}

/** The q-quantile of a list of kept durations (ms). */
const durationQuantile = (list, q) => quantile(Float64Array.from(list).sort(), q);

const server = new Server({ transport: new WebSocketTransport({ perMessageDeflate: false }), greet: false });
server.define('arena', ArenaRoom);
await server.listen(PORT, '127.0.0.1');
const room = await matchMaker.createRoom('arena', {});
process.send({ op: 'ready', port: PORT, roomId: room.roomId });

process.on('message', (message) => {
  if (message?.op !== 'stats') return;
  process.send({
    op: 'stats',
    ticks: timings.ticks,
    late: timings.late,
    tickP50: durationQuantile(timings.tick, 0.5),
    tickP99: durationQuantile(timings.tick, 0.99),
    patchP50: durationQuantile(timings.patch, 0.5),
    patchP99: durationQuantile(timings.patch, 0.99),
    entities: arena?.state.entities.size ?? 0,
    clients: arena?.players.size ?? 0,
  });
});
process.on('disconnect', () => process.exit(0));
