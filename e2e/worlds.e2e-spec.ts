import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, type Studio } from './support/fixtures.js';

type Message = Record<string, unknown> & { type: string };

/** A plain WebSocket client that records every JSON message and can wait for one. */
class WsClient {
  readonly messages: Message[] = [];
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as Message;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  }

  static open(url: string): Promise<WsClient> {
    const ws = new WebSocket(url);
    const client = new WsClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  next(match: (m: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }
}

describe('worlds', () => {
  let t: TestApp;
  let s: Studio;
  const clients: WsClient[] = [];
  beforeAll(async () => {
    t = await startApp();
    s = await createStudio(t);
  });
  afterAll(async () => {
    clients.forEach((c) => c.ws.close());
    await t.close();
  });

  const wsUrl = (query: string) => `${t.url.replace('http', 'ws')}/ws?${query}`;

  function createWorld(body: Record<string, unknown>) {
    return t.http.post('/worlds').set('X-API-Key', s.serverKey).send(body);
  }

  async function waitRunning(name: string) {
    for (let i = 0; i < 100; i++) {
      const res = await t.http.get(`/worlds/${name}`).set('X-API-Key', s.serverKey);
      if (res.status === 200 && res.body.status === 'running') return res.body as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`world ${name} never ran`);
  }

  it('runs the seed flow verbatim: create, join with only a client key, world_state, input, state_delta', async () => {
    const created = await createWorld({ name: 'battle-royale-1', max_players: 100, world_size: 10000, tick_rate: 60 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'battle-royale-1', max_players: 100, tick_rate: 60 });
    const live = await waitRunning('battle-royale-1');
    expect(live).toMatchObject({ name: 'battle-royale-1', players: 0, max_players: 100 });
    expect(typeof live.tick).toBe('number');
    expect(typeof live.avg_tick_us).toBe('number');

    const ws = await WsClient.open(wsUrl(`api_key=${s.clientKey}`));
    clients.push(ws);
    const welcome = await ws.next((m) => m.type === 'welcome');
    const me = welcome.player_id as string;
    expect(me).toMatch(/^g_/);
    ws.send({ type: 'join_world', world_id: 'battle-royale-1' });
    const state = await ws.next((m) => m.type === 'world_state');
    const entities = state.entities as { id: number; x: number; y: number }[];
    expect(entities.length).toBeGreaterThan(0);

    ws.send({ type: 'input', move_x: 1, move_y: 0, action: 0, timestamp: Date.now(), seq: 1 });
    const delta = await ws.next((m) => m.type === 'state_delta' && (m.seq as number) >= 1);
    expect(delta.changes).toBeDefined();
    const status = await t.http.get('/worlds/battle-royale-1').set('X-API-Key', s.serverKey);
    expect(status.body.players).toBeGreaterThanOrEqual(0);
  });

  it('refuses a second running world of the same name with 409 and unknown worlds with 404', async () => {
    await createWorld({ name: 'dup-world' }).expect(201);
    expect((await createWorld({ name: 'dup-world' })).status).toBe(409);
    await t.http.get('/worlds/no-such-world').set('X-API-Key', s.serverKey).expect(404);
  });

  it('stops a world with DELETE after saving its players', async () => {
    await createWorld({ name: 'to-stop' }).expect(201);
    await waitRunning('to-stop');
    await t.http.delete('/worlds/to-stop').set('X-API-Key', s.serverKey).expect(204);
    await t.http.get('/worlds/to-stop').set('X-API-Key', s.serverKey).expect(404);
  });
});
