import { Spawnpoint, SpawnpointError, unwrap, type RealtimeClient, type WorldSession } from '@spawnpoint/sdk';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { createStudio, unique, type Studio } from './support/fixtures.js';
import { ownRedisPrefix } from './support/worlds.js';

const WAIT_MS = 10_000;

/** Polls `find` until it returns something (the SDK's state changes as pushes arrive). */
async function until<T>(find: () => T | undefined | false | Promise<T | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Steers the player's entity along x (towards the middle) at the SDK's input rate for `ms`. */
async function walk(world: WorldSession, ms: number): Promise<number> {
  const direction = world.own!.x < 50 ? 1 : -1;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    world.input(direction, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  world.input(0, 0);
  return direction;
}

/** Everything a game does, through the SDK only: REST with keys and sessions, realtime, a world. */
describe('TypeScript SDK', () => {
  let t: TestApp;
  let s: Studio;
  let server: Spawnpoint;
  const connections: RealtimeClient[] = [];
  beforeAll(async () => {
    t = await startApp({ ...ownRedisPrefix('sdk'), REALTIME_RESUME_GRACE_MS: '5000' });
    s = await createStudio(t);
    server = new Spawnpoint({ url: t.url, apiKey: s.serverKey });
  });
  afterAll(async () => {
    connections.forEach((c) => c.close());
    await t.close();
  });

  /** A player signed in with the client key, its REST calls counted by path. */
  async function player(options: { now?: () => number } = {}) {
    const calls: string[] = [];
    const sp = new Spawnpoint({
      url: t.url,
      apiKey: s.clientKey,
      now: options.now,
      fetch: (input, init) => {
        calls.push(new URL((input as Request).url).pathname);
        return fetch(input, init);
      },
    });
    const session = await sp.loginDevice(unique('device-'));
    return { sp, session, calls };
  }

  async function connect(sp: Spawnpoint): Promise<RealtimeClient> {
    const rt = await sp.connect();
    connections.push(rt);
    return rt;
  }

  async function startWorld(settings: Record<string, unknown> = {}): Promise<string> {
    const name = unique('sdk-');
    const created = unwrap(await server.rest.POST('/worlds', { body: { name, world_size: 100, ...settings } }));
    expect(created).toMatchObject({ name, world_size: 100 });
    // `starting` until a realtime node claims it (about a second).
    await until(async () => {
      const world = unwrap(await server.rest.GET('/worlds/{name}', { params: { path: { name } } }));
      return world.status === 'running';
    }, `world ${name} running`);
    return name;
  }

  describe('REST', () => {
    it('signs a player in with the client key and calls its own endpoints with the session', async () => {
      const { sp, session } = await player();
      const me = unwrap(await sp.rest.GET('/players/me'));

      expect(session.created).toBe(true);
      expect(me.id).toBe(session.player.id);
      expect(sp.playerId).toBe(session.player.id);
    });

    it('turns an error response into a SpawnpointError with the code, status and request id', async () => {
      const sp = new Spawnpoint({ url: t.url, apiKey: s.clientKey });
      const result = await sp.rest.GET('/players'); // a client key may only sign players in

      const error = (() => {
        try {
          unwrap(result);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(SpawnpointError);
      expect(error).toMatchObject({ code: 'forbidden', status: 403, requestId: result.response.headers.get('x-request-id') });
      expect((error as SpawnpointError).requestId).toMatch(/.+/);
    });

    it('names the invalid fields of a refused request in the error', async () => {
      // An area of interest wider than the world: the engine could never host it.
      const result = await server.rest.POST('/worlds', { body: { name: unique('sdk-'), world_size: 100, aoi_radius: 150 } });

      expect(() => unwrap(result)).toThrow(SpawnpointError);
      expect(() => unwrap(result)).toThrow('aoi_radius must not be larger than world_size');
      expect(result.error?.error.details).toEqual([{ field: 'aoi_radius', message: 'aoi_radius must not be larger than world_size' }]);
    });

    it('reports an unreachable server as a SpawnpointError too', async () => {
      const sp = new Spawnpoint({ url: 'http://127.0.0.1:9', apiKey: s.clientKey }); // the discard port: nothing listens

      await expect(sp.loginDevice(unique('device-'))).rejects.toMatchObject({ name: 'SpawnpointError', code: 'service_unavailable' });
      await expect(sp.connect()).rejects.toMatchObject({ name: 'SpawnpointError', code: 'service_unavailable' });
    });

    it('refreshes once, shortly before expiry, for concurrent calls; the rotated token replaces the old one', async () => {
      let now = Date.now();
      const { sp, session, calls } = await player({ now: () => now });
      now += (session.expires_in - 5) * 1000; // five seconds left

      const results = await Promise.all([sp.rest.GET('/players/me'), sp.rest.GET('/players/me'), sp.rest.GET('/players/me')]);

      expect(results.map((r) => unwrap(r).id)).toEqual([session.player.id, session.player.id, session.player.id]);
      expect(calls.filter((path) => path === '/auth/refresh')).toHaveLength(1);
      expect(sp.sessions.session?.refreshToken).not.toBe(session.refresh_token);
    });

    it('refreshes once and retries when the server answers 401 token_expired', async () => {
      const { sp, session, calls } = await player();
      const { iat: _iat, ...claims } = jwt.decode(session.session_token) as Record<string, unknown>;
      const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, process.env.JWT_SESSION_SECRET!);
      // The client's clock believes the token is good for an hour (a clock that runs slow).
      sp.sessions.set({ ...sp.sessions.session!, sessionToken: expired, expiresAt: Date.now() + 3_600_000 });

      const me = unwrap(await sp.rest.GET('/players/me'));

      expect(me.id).toBe(session.player.id);
      expect(calls.filter((path) => path === '/players/me')).toHaveLength(2);
      expect(calls.filter((path) => path === '/auth/refresh')).toHaveLength(1);
      expect(sp.sessions.session?.sessionToken).not.toBe(expired);
    });
  });

  describe('realtime connection', () => {
    it('refreshes the session and connects when the handshake is refused with token_expired', async () => {
      const { sp, session, calls } = await player();
      const { iat: _iat, ...claims } = jwt.decode(session.session_token) as Record<string, unknown>;
      const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, process.env.JWT_SESSION_SECRET!);
      sp.sessions.set({ ...sp.sessions.session!, sessionToken: expired, expiresAt: Date.now() + 3_600_000 });

      const rt = await connect(sp);

      expect(rt.connected).toBe(true);
      expect(rt.playerId).toBe(session.player.id);
      expect(calls.filter((path) => path === '/auth/refresh')).toHaveLength(1);
    });

    it('rejects a refused handshake with a SpawnpointError carrying the code', async () => {
      const { sp } = await player();
      sp.sessions.set({ ...sp.sessions.session!, sessionToken: 'not-a-token' });

      await expect(sp.connect()).rejects.toMatchObject({ name: 'SpawnpointError', code: 'invalid_token' });
    });

    it('stays closed, with the reason, when the session is revoked while connected', async () => {
      const { sp } = await player();
      const rt = await connect(sp);

      await sp.logout();
      const reason = await until(() => rt.closedWith, 'the connection closed');

      expect(reason).toMatchObject({ name: 'SpawnpointError', code: 'session_revoked' });
      expect(rt.connected).toBe(false);
      expect(sp.sessions.session).toBeNull();
    });

    it('keeps the session of a guest created by connecting with the client key alone', async () => {
      const sp = new Spawnpoint({ url: t.url, apiKey: s.clientKey });
      const rt = await connect(sp);

      expect(rt.welcome?.guest_session).toBeDefined();
      expect(sp.playerId).toBe(rt.playerId);
      expect(unwrap(await sp.rest.GET('/players/me')).id).toBe(rt.playerId);
    });
  });

  describe('worlds', () => {
    it.each(['binary', 'json'] as const)(
      'device login → world created by the server key → join → inputs move the own entity in the mirror (%s)',
      async (encoding) => {
        const name = await startWorld();
        const { sp } = await player();
        const rt = await connect(sp);
        const world = await rt.joinWorld(name, { encoding });

        expect(world.info).toMatchObject({ world_id: name, player_id: sp.playerId, encoding, world_size: 100 });
        const start = await until(() => world.own, 'own entity in the first world_state');
        const x0 = start.x;
        const direction = await walk(world, 1_000);

        // 8 units/s for a second: at least half of it shows in the mirror once the server caught up.
        await until(() => (world.own!.x - x0) * direction > 4, 'own entity moved in the mirror');
        const drawn = world.entities().find((e) => e.own)!;
        expect((drawn.x - x0) * direction).toBeGreaterThan(4);
        await until(() => world.mirror.seq === world.lastSeq, 'every input acknowledged');
        expect(world.predictor.unacknowledged).toHaveLength(0);
        expect(world.resyncs).toBe(0);
      },
    );

    it('reconnects after a dropped connection, resumes, and the world view keeps updating', async () => {
      const name = await startWorld();
      const { sp } = await player();
      const rt = await connect(sp);
      const world = await rt.joinWorld(name);
      await until(() => world.own, 'own entity');
      const firstWelcome = rt.welcome!;

      // A lost network: the transport closes under the client.
      (rt as unknown as { socket: { io: { engine: { close(): void } } } }).socket.io.engine.close();
      await until(() => rt.welcome !== firstWelcome && rt.connected, 'reconnected');

      expect(rt.welcome).toMatchObject({ resumed: true, player_id: sp.playerId });
      const x0 = world.own!.x;
      const direction = await walk(world, 800);
      await until(() => (world.own!.x - x0) * direction > 3, 'own entity moved after the resume');
      expect(world.info.entity).toBe(world.own!.id);
    });
  });

  describe('leaderboards', () => {
    it('submits a score as the player and reads its rank, over REST and live over the socket', async () => {
      const board = unique('sdk_');
      unwrap(await server.rest.PUT('/leaderboards/{leaderboardId}', { params: { path: { leaderboardId: board } }, body: {} }));
      const { sp } = await player();
      const rt = await connect(sp);
      await rt.request('leaderboard_subscribe', { leaderboard_id: board });
      const live = new Promise((resolve) => rt.on('leaderboard_updated', resolve));

      const record = unwrap(
        await sp.rest.POST('/leaderboards/{leaderboardId}/scores', {
          params: { path: { leaderboardId: board } },
          body: { player_id: sp.playerId!, score: 42 },
        }),
      );
      const rank = unwrap(
        await sp.rest.GET('/leaderboards/{leaderboardId}/rank/{playerId}', {
          params: { path: { leaderboardId: board, playerId: sp.playerId! } },
        }),
      );

      expect(record).toMatchObject({ score: 42, rank: 1 });
      expect(rank).toMatchObject({ player_id: sp.playerId, score: 42, rank: 1 });
      expect(await live).toMatchObject({ leaderboard_id: board, player_id: sp.playerId, score: 42, rank: 1 });
    });

    it('rejects a refused realtime request with a SpawnpointError carrying the code', async () => {
      const { sp } = await player();
      const rt = await connect(sp);

      await expect(rt.request('join_world', { world_id: 'no-such-world' })).rejects.toMatchObject({
        name: 'SpawnpointError',
        code: 'not_found',
      });
    });
  });
});
