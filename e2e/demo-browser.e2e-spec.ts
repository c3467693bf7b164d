import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Spawnpoint, unwrap } from '@spawnpoint/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { launchBrowser } from './support/browser.js';
import { createStudio, deviceLogin, unique, type Studio } from './support/fixtures.js';
import { ownRedisPrefix, seedPlayer } from './support/worlds.js';

/** What the demo exposes for tests (web/demo/src/game.ts). */
interface DemoDebug {
  playerId: string | null;
  entityId: number | null;
  connected: boolean;
  entities(): { id: number; x: number; y: number }[];
}
type DemoWindow = { __spawnpointDemo?: DemoDebug };

const BUILT = fileURLToPath(new URL('../dist/web/demo/index.html', import.meta.url));

// The arena demo (web/demo, served at /demo/) in headless Chromium: two browser contexts are two
// players (two `device` ids) in one world, and each must see the other move when a key is held.
// `SCREENSHOTS=1` also saves the demo to docs/images/demo.png (for the docs; never in normal runs).
describe('demo in a browser', () => {
  let t: TestApp;
  let s: Studio;
  let browser: Browser;
  let world: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error('The demo is not built: run `npm run build` (npm test does) first');
    [t, browser] = await Promise.all([startApp(ownRedisPrefix('demo_browser')), launchBrowser()]);
    s = await createStudio(t);
    const server = new Spawnpoint({ url: t.url, apiKey: s.serverKey });
    world = unique('demo-');
    unwrap(await server.rest.POST('/worlds', { body: { name: world, world_size: 100, aoi_radius: 100, module_options: { bots: 10 } } }));
    unwrap(await server.rest.PUT('/leaderboards/{leaderboardId}', { params: { path: { leaderboardId: 'demo' } }, body: {} }));
    for (const [player, score] of [
      ['ada', 12],
      ['grace', 9],
    ] as const) {
      unwrap(
        await server.rest.POST('/leaderboards/{leaderboardId}/scores', {
          params: { path: { leaderboardId: 'demo' } },
          body: { player_id: player, score },
        }),
      );
    }
    // `starting` until a realtime node hosts it (about a second); a join before that is refused.
    const deadline = Date.now() + 10_000;
    while (unwrap(await server.rest.GET('/worlds/{name}', { params: { path: { name: world } } })).status !== 'running') {
      if (Date.now() > deadline) throw new Error(`world ${world} never started`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /**
   * A player: a browser context of its own with its own device id, the demo loaded and playing. It
   * starts `at` a saved position (the device signs in once first to learn its player id), so two
   * players are surely within each other's area of interest.
   */
  async function openPlayer(at: { x: number; y: number }): Promise<{ page: Page; entity: number }> {
    const device = unique('browser-');
    const { id } = await deviceLogin(t, s.clientKey, device);
    await seedPlayer(t, s.gameId, world, id, at);
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.url}/demo/?key=${s.clientKey}&world=${world}&device=${device}`);
    await page
      .waitForFunction(() => (globalThis as DemoWindow).__spawnpointDemo?.connected === true)
      .catch(async (error: Error) => {
        throw new Error(`the demo did not join the world (${await page.locator('#status').innerText()}): ${error.message}`);
      });
    const entity = await page.evaluate(() => (globalThis as DemoWindow).__spawnpointDemo!.entityId!);
    return { page, entity };
  }

  const positionOf = (page: Page, entity: number) =>
    page.evaluate((id) => (globalThis as DemoWindow).__spawnpointDemo!.entities().find((e) => e.id === id) ?? null, entity);

  /** Holds a key in `mover` and waits until `watcher` sees `entity` moved at least 3 units along the axis. */
  async function holdAndWatch(mover: Page, watcher: Page, entity: number, axis: 'x' | 'y'): Promise<number> {
    const from = await watcher.waitForFunction(
      (id) => (globalThis as DemoWindow).__spawnpointDemo!.entities().find((e) => e.id === id),
      entity,
    );
    const start = (await from.jsonValue())!;
    // Towards the middle of the 100-unit world, so the edge never stops it.
    const forward = start[axis] < 50;
    const key = axis === 'x' ? (forward ? 'ArrowRight' : 'ArrowLeft') : forward ? 'KeyS' : 'KeyW';
    await mover.keyboard.down(key);
    try {
      await watcher.waitForFunction(
        ({ id, axis, from, forward }) => {
          const e = (globalThis as DemoWindow).__spawnpointDemo!.entities().find((c) => c.id === id);
          return e !== undefined && (forward ? e[axis] - from : from - e[axis]) >= 3;
        },
        { id: entity, axis, from: start[axis], forward },
      );
    } finally {
      await mover.keyboard.up(key);
    }
    return (await positionOf(watcher, entity))![axis] - start[axis];
  }

  it('shows a form asking for the client key and the world when they are missing', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/demo/`);

    expect(await page.locator('#setup').isVisible()).toBe(true);
    await page.getByLabel('Client key').fill(s.clientKey);
    await page.getByLabel('World').fill('arena-1');
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForURL(/\/demo\/\?key=sp_ck_.+&world=arena-1/);
    await page.close();
  });

  it('two players in two browser contexts see each other move', async () => {
    const a = await openPlayer({ x: 40, y: 50 });
    const b = await openPlayer({ x: 60, y: 50 });
    expect(a.entity).not.toBe(b.entity);
    // Everything in the small world is within the area of interest: both players and the ten bots.
    await a.page.waitForFunction(() => (globalThis as DemoWindow).__spawnpointDemo!.entities().length === 12);
    expect(await a.page.evaluate(() => (globalThis as DemoWindow).__spawnpointDemo!.playerId)).not.toBe(
      await b.page.evaluate(() => (globalThis as DemoWindow).__spawnpointDemo!.playerId),
    );

    const seenByB = await holdAndWatch(a.page, b.page, a.entity, 'x');
    const seenByA = await holdAndWatch(b.page, a.page, b.entity, 'y');

    expect(Math.abs(seenByB)).toBeGreaterThanOrEqual(3);
    expect(Math.abs(seenByA)).toBeGreaterThanOrEqual(3);
    // The mover's own page agrees with what the other saw (its prediction reconciled with the server).
    const moverView = await positionOf(a.page, a.entity);
    const watcherView = await positionOf(b.page, a.entity);
    expect(Math.abs(moverView!.x - watcherView!.x)).toBeLessThan(1);
    expect(await a.page.locator('#board-name').innerText()).toBe('(demo)');
    expect(await a.page.locator('#leaderboard li').allInnerTexts()).toEqual(['ada — 12', 'grace — 9']);

    // The chat box: what one player says, the other reads (the global channel over the socket).
    const line = unique('gg ');
    await a.page.getByPlaceholder('Say something').fill(line);
    await a.page.getByPlaceholder('Say something').press('Enter');
    await b.page.locator('#chat li', { hasText: line }).waitFor();
    expect(pageErrors).toEqual([]);

    if (process.env.SCREENSHOTS === '1')
      await a.page.screenshot({ path: fileURLToPath(new URL('../docs/images/demo.png', import.meta.url)) });
  });
});
