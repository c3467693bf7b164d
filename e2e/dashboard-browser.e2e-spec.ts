import type { Browser, Locator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { launchBrowser } from './support/browser.js';
import { PASSWORD, unique } from './support/fixtures.js';
import { ownRedisPrefix } from './support/worlds.js';

// The developer dashboard (web/dashboard, served at /dashboard/) driven like a user in headless
// Chromium: clicks and typing only, the shown-once keys read off the page. What the dashboard
// claims to have done is checked over HTTP with those keys. `SCREENSHOTS=1` also saves the main
// screens to docs/images/dashboard-*.png (for the docs; never in normal runs).
describe('dashboard in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let serverKey: string;
  let clientKey: string;
  let playerId: string;
  const deviceId = unique('browser-device-');
  const email = `${unique('ada')}@studio.test`;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startApp(ownRedisPrefix('dashboard_browser')), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    // Under the test's own timeout, so that a missing element fails with the locator's message.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const server = () => ({ 'x-api-key': serverKey });
  const textOf = (locator: Locator) => locator.innerText();
  /** With `SCREENSHOTS=1` only; `settleMs` lets live charts gather points first. */
  const screenshot = async (name: string, settleMs = 0) => {
    if (process.env.SCREENSHOTS !== '1') return;
    await page.waitForTimeout(settleMs);
    await page.screenshot({ path: `docs/images/dashboard-${name}.png`, fullPage: true });
  };
  const openSection = async (name: string) => {
    await page.getByRole('navigation', { name: 'Game sections' }).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  };

  it('signs up a developer and creates a game', async () => {
    await page.goto(`${t.url}/dashboard/`);
    await page.getByRole('tab', { name: 'Sign up' }).click();
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { name: 'Games' }).waitFor();
    expect(await textOf(page.getByTestId('developer'))).toContain('Ada');
    await page.getByLabel('Game name').fill('Space Raiders');
    await page.getByRole('button', { name: 'Create game' }).click();

    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await textOf(page.getByTestId('game-name'))).toBe('Space Raiders');
  });

  it('creates a server and a client key, each shown once', async () => {
    const createKey = async (name: string, kind: 'server' | 'client') => {
      await page.getByLabel('Key name').fill(name);
      await page.getByLabel('Kind').selectOption(kind);
      await page.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByTestId('new-key');
      await shown.filter({ hasText: name }).waitFor();
      expect(await textOf(shown)).toContain("you won't see it again");
      return textOf(page.getByTestId('new-key-value'));
    };
    serverKey = await createKey('game server', 'server');
    await page.getByRole('button', { name: 'Done' }).click();
    clientKey = await createKey('game client', 'client');
    await screenshot('keys');
    await page.getByRole('button', { name: 'Done' }).click();

    expect(serverKey).toMatch(/^sp_sk_/);
    expect(clientKey).toMatch(/^sp_ck_/);
    const rows = page.getByTestId('key-row');
    await expect.poll(() => rows.count()).toBe(2);
    // Once dismissed, the whole key is nowhere on the page; the list shows only its prefix.
    expect(await page.content()).not.toContain(serverKey);
    expect(await textOf(rows.filter({ hasText: 'game server' }))).toContain(serverKey.slice(0, 10));
    // The key read off the page is a working server key.
    await t.http.get('/players').set(server()).expect(200);
  });

  it('lists a player after a device login with the new client key', async () => {
    const login = await t.http.post('/auth/device').set('x-api-key', clientKey).send({ device_id: deviceId }).expect(201);
    playerId = login.body.player.id;
    for (const customId of ['rival_1', 'rival_2'])
      await t.http.post('/auth/custom').set('x-api-key', clientKey).send({ custom_id: customId }).expect(201);

    await openSection('Players');
    const rows = page.getByTestId('player-row');
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByLabel('Search').fill(playerId.slice(0, 6));
    await expect.poll(() => rows.count()).toBe(1);
    expect(await textOf(rows)).toContain(playerId);
    await page.getByLabel('Search').fill('nobody-has-this-prefix');
    await page.getByText('No player id or username starts with').waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByTestId('player-row').filter({ hasText: playerId }).waitFor();
    await screenshot('players');
  });

  it('opens the player: wallet, inventory and its storage documents', async () => {
    await t.http
      .post(`/players/${playerId}/transactions`)
      .set(server())
      .send({
        idempotency_key: 'welcome-pack',
        changes: [
          { type: 'currency', currency: 'gold', delta: 250 },
          { type: 'item', item_id: 'sword', delta: 1 },
        ],
      })
      .expect(201);
    await t.http
      .put(`/players/${playerId}/storage/settings/audio`)
      .set(server())
      .send({ value: { volume: 3 } })
      .expect(200);

    await page.getByRole('link', { name: playerId }).click();
    await page.getByTestId('profile').waitFor();
    await page.getByTestId('wallet').getByText('gold').waitFor();
    expect(await textOf(page.getByTestId('wallet'))).toContain('250');
    expect(await textOf(page.getByTestId('inventory'))).toContain('sword');
    await page.getByTestId('ledger').getByText('+250').waitFor();
    await page.getByTestId('sessions').waitFor();
    await page.getByTestId('storage-row').filter({ hasText: 'audio' }).waitFor();
    await screenshot('player');
  });

  it('edits a storage document, and reports a write made meanwhile as a conflict', async () => {
    const editor = page.getByTestId('document-editor');
    const json = editor.getByLabel('Document JSON');
    const stored = async () => (await t.http.get(`/players/${playerId}/storage/settings/audio`).set(server()).expect(200)).body;

    await page.getByTestId('storage-row').filter({ hasText: 'audio' }).getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => json.inputValue()).toContain('"volume": 3');
    await json.fill('{"volume": 7}');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByText('version 2').waitFor();
    expect(await stored()).toMatchObject({ version: 2, value: { volume: 7 } });

    // The game writes the document while the editor still holds version 2.
    await t.http
      .put(`/players/${playerId}/storage/settings/audio`)
      .set(server())
      .send({ value: { volume: 9 } })
      .expect(200);
    await json.fill('{"volume": 8}');
    await editor.getByRole('button', { name: 'Save' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await textOf(conflict)).toContain('changed since you opened it');
    expect(await stored()).toMatchObject({ version: 3, value: { volume: 9 } });

    await conflict.getByRole('button', { name: 'Reload it' }).click();
    await editor.getByText('version 3').waitFor();
    expect(await json.inputValue()).toContain('"volume": 9');
  });

  it('creates a new storage document, which then lists with the others', async () => {
    await page.getByLabel('New document: collection').fill('progress');
    await page.getByLabel('key', { exact: true }).fill('level');
    await page.getByRole('button', { name: 'Create…' }).click();
    const editor = page.getByTestId('document-editor');
    await editor.getByText('new document').waitFor();
    await editor.getByLabel('Document JSON').fill('{"level": 3}');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByText('version 1').waitFor();

    expect((await t.http.get(`/players/${playerId}/storage/progress/level`).set(server()).expect(200)).body.value).toEqual({ level: 3 });
    await page.getByTestId('storage-row').filter({ hasText: 'progress' }).waitFor();
  });

  it('bans and unbans the player', async () => {
    await page.getByRole('button', { name: /^Ban/ }).click();
    await page.getByTestId('ban-status').getByText('banned').waitFor();
    const refused = await t.http.post('/auth/device').set('x-api-key', clientKey).send({ device_id: deviceId }).expect(403);
    expect(refused.body.error.code).toBe('player_banned');

    await page.getByRole('button', { name: 'Unban' }).click();
    await page.getByTestId('ban-status').getByText('active').waitFor();
    await t.http.post('/auth/device').set('x-api-key', clientKey).send({ device_id: deviceId }).expect(201);
  });

  it('creates and configures a leaderboard, shows its ranking, resets it and keeps the past season', async () => {
    await openSection('Leaderboards');
    await page.getByLabel('New leaderboard id').fill('weekly-kills');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const config = page.getByTestId('leaderboard-config');
    await config.waitFor();
    await config.getByLabel('Reset schedule').fill('weekly');
    await config.getByLabel('Server-only scores').check();
    await config.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await t.http.get('/leaderboards/weekly-kills/config').set(server())).body)
      .toMatchObject({ reset_schedule: 'weekly', authoritative: true });

    for (const [player, score] of [
      [playerId, 42],
      ['rival_1', 77],
      ['rival_2', 15],
    ] as const) {
      await t.http.post('/leaderboards/weekly-kills/scores').set(server()).send({ player_id: player, score }).expect(201);
    }
    await page.reload();
    const entries = page.getByTestId('entries').locator('tbody tr');
    await expect.poll(() => entries.count()).toBe(3);
    expect(await textOf(entries.first())).toContain('rival_1');
    await screenshot('leaderboards');

    await page.getByRole('button', { name: 'Reset now' }).click();
    await page.getByRole('button', { name: 'Archive this season and start the next' }).click();
    await page.getByText('No scores in season 2').waitFor();
    await page.getByTestId('season').selectOption('1');
    await expect.poll(() => entries.count()).toBe(3);
  });

  it('lists a world created over REST, with its live numbers and entity map, and a demo player shows up on it', async () => {
    await t.http
      .post('/worlds')
      .set(server())
      .send({ name: 'arena-1', max_players: 16, world_size: 1000, tick_rate: 20, module_options: { bots: 12 } })
      .expect(201);

    await openSection('Worlds');
    const row = page.getByTestId('world-row').filter({ hasText: 'arena-1' });
    await row.waitFor();
    await row.getByRole('link', { name: 'arena-1' }).click();
    await page.getByTestId('world-stats').waitFor();
    // The map is drawn from the entities the server reports: the world's bots.
    const map = page.getByTestId('world-map');
    await expect.poll(() => textOf(map), { timeout: 10_000 }).toMatch(/[1-9]\d* entities/);
    expect(await textOf(map)).toContain('bot 12');

    // The demo link carries the client key created in this tab; the demo it opens joins the world as
    // a player, who appears live in the numbers and on the map.
    const play = page.getByTestId('play-demo');
    expect(await play.getAttribute('href')).toBe(`/demo/?key=${clientKey}&world=arena-1`);
    const [demo] = await Promise.all([page.context().waitForEvent('page'), play.click()]);
    await expect.poll(() => textOf(page.getByTestId('world-stats')), { timeout: 15_000 }).toContain('1 / 16');
    await expect.poll(() => textOf(map)).toContain('player 1');
    await screenshot('worlds', 30_000);
    await demo.close();
  }, 90_000); // with SCREENSHOTS=1, 30 s more for the live charts to fill

  it('starts a world from the form and stops it', async () => {
    await openSection('Worlds');
    await page.getByLabel('World name').fill('arena-2');
    await page.getByLabel('Max players').fill('8');
    await page.getByLabel('Bots').fill('4');
    await page.getByRole('button', { name: 'Start world' }).click();
    await page.getByTestId('world-stats').waitFor();
    expect((await t.http.get('/worlds/arena-2').set(server()).expect(200)).body).toMatchObject({
      max_players: 8,
      world_size: 300,
      tick_rate: 20,
    });
    // The live numbers follow within about a second of the host starting the world.
    await expect.poll(async () => (await t.http.get('/worlds/arena-2').set(server())).body.entities, { timeout: 10_000 }).toBe(4);

    await page.getByRole('button', { name: 'Stop world' }).click();
    await page.getByRole('button', { name: 'Stop now' }).click();
    await page.getByTestId('world-row').filter({ hasText: 'arena-1' }).waitFor();
    expect(await page.getByTestId('world-row').filter({ hasText: 'arena-2' }).count()).toBe(0);
    await t.http.get('/worlds/arena-2').set(server()).expect(404);
  });

  it('moderates chat: reads a channel, deletes a message, mutes and unmutes its sender', async () => {
    const send = (content: string) => t.http.post('/chat/channels/global/messages').set(server()).send({ content, sender_id: playerId });
    await send('hello everyone').expect(201);
    const spam = (await send('cheap gold, click here').expect(201)).body;

    await openSection('Chat moderation');
    await page
      .getByTestId('channels')
      .getByRole('link', { name: /global/ })
      .click();
    const message = page.getByTestId('messages').locator('li').filter({ hasText: 'cheap gold' });
    await message.getByRole('button', { name: 'Delete' }).click();
    await message.getByRole('button', { name: 'Delete now' }).click();
    await page.getByText('message deleted').waitFor();
    const history = (await t.http.get('/chat/channels/global/messages').set(server()).expect(200)).body.messages;
    expect(history.find((m: { id: string }) => m.id === spam.id)).toMatchObject({ deleted: true, content: null });

    await page.getByLabel('Player id').fill(playerId);
    await page.getByLabel('Reason').fill('spam');
    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    const muted = page.getByTestId('mutes').locator('tr').filter({ hasText: playerId });
    await muted.getByText('spam').waitFor();
    await screenshot('chat');
    expect((await send('let me talk').expect(403)).body.error.code).toBe('forbidden');

    await muted.getByRole('button', { name: 'Unmute' }).click();
    await page.getByText('Nobody is muted.').waitFor();
    await send('thanks').expect(201);
  });

  it('shows lobbies and matchmaking: open lobbies, queue depth per game mode and the latest matches', async () => {
    const queue = (player: string) =>
      t.http.post('/matchmaking/queue').set(server()).send({ player_id: player, game_mode: 'duel', region: 'eu-west', skill_rating: 1500 });
    // Two players make a duel; the third waits alone.
    await queue(playerId).expect(202);
    await queue('rival_1').expect(202);
    await t.http.post('/lobbies').set(server()).send({ name: 'Friday night', max_players: 4, game_mode: 'co-op' }).expect(201);
    await openSection('Lobbies & matchmaking');
    await page.getByTestId('lobbies').locator('tbody tr').filter({ hasText: 'Friday night' }).filter({ hasText: '0 / 4' }).waitFor();
    const match = page.getByTestId('matches').locator('tbody tr');
    await match.filter({ hasText: 'rival_1' }).filter({ hasText: playerId }).waitFor();
    await queue('rival_2').expect(202);

    const duel = page.getByTestId('queues').locator('tbody tr').filter({ hasText: 'duel' });
    const cells = duel.locator('td');
    await expect.poll(() => cells.nth(1).innerText(), { timeout: 15_000 }).toBe('1'); // the page refreshes every 5 s
    expect(await cells.nth(4).innerText()).toBe('1');
  });

  it('charts the game’s usage', async () => {
    await openSection('Usage');
    await page.getByTestId('chart-requests').waitFor();
    await page.getByTestId('chart-connected-players').waitFor();
    await page.getByTestId('chart-errors').waitFor();
    // This suite has made dozens of requests as the game, and a few were refused (the banned and the muted player).
    const totals = async () => (await textOf(page.getByTestId('usage-totals'))).replaceAll(',', '').match(/\d+/g)!.map(Number);
    await expect.poll(async () => (await totals())[0], { timeout: 15_000 }).toBeGreaterThan(20);
    expect((await totals())[1]).toBeGreaterThanOrEqual(2);
    await screenshot('usage');
  });

  it('renames the game and changes its session lifetime', async () => {
    await openSection('Settings');
    await page.getByLabel('Name', { exact: true }).fill('Space Raiders II');
    await page.getByLabel('Session token lifetime (seconds)').fill('1800');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('game-name').getByText('Space Raiders II').waitFor();
    // Sessions signed in from now on live 30 minutes.
    const login = await t.http.post('/auth/device').set('x-api-key', clientKey).send({ device_id: deviceId }).expect(201);
    expect(login.body.expires_in).toBe(1800);
  });

  it('degrades to a note where an older server lacks an endpoint, and keeps the rest working', async () => {
    const missing = (route: Route) =>
      route.fulfill({ status: 404, json: { error: { code: 'route_not_found', message: 'No such route', request_id: 'test' } } });
    await page.route((url) => url.pathname === '/matchmaking/stats', missing);
    await openSection('Lobbies & matchmaking');
    expect(await textOf(page.getByTestId('not-available'))).toContain('Queue statistics: not available on this server yet');
    await page.getByTestId('lobbies').waitFor();

    // Without the all-collections listing, the player's storage is browsed one named collection at a time.
    await page.route((url) => url.pathname === `/players/${playerId}/storage`, missing);
    await openSection('Players');
    await page.getByRole('link', { name: playerId }).click();
    await page.getByTestId('storage').getByLabel('Collection', { exact: true }).fill('settings');
    await page.getByRole('button', { name: 'List' }).click();
    await page.getByTestId('storage-row').filter({ hasText: 'audio' }).waitFor();
    await page.unrouteAll();
  });

  it('revokes the client key in the dashboard, after which the same device login is rejected', async () => {
    await openSection('API keys');
    const row = page.getByTestId('key-row').filter({ hasText: 'game client' });
    await row.getByTestId('revoke').click();
    await row.getByTestId('revoke-confirm').click();
    await row.getByTestId('revoked').waitFor();

    const res = await t.http.post('/auth/device').set('x-api-key', clientKey).send({ device_id: deviceId }).expect(401);
    expect(res.body.error.code).toBe('invalid_api_key');
    await t.http.get('/players').set(server()).expect(200);

    // The demo link no longer offers the dead key: it asks for one.
    await openSection('Worlds');
    await page.getByRole('link', { name: 'arena-1' }).click();
    await page.getByText('Paste a client key to play the demo').waitFor();
    expect(await page.getByTestId('play-demo').count()).toBe(0);
  });

  it('logs out, and back in to the same games', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('tab', { name: 'Log in' }).waitFor();
    // Neither the developer token nor the remembered client key outlives the log-out (the demo keeps its own device id).
    // Runs in the page: the storages are the browser's (this file is checked without DOM types).
    type Storages = { localStorage: object; sessionStorage: object };
    const kept = await page.evaluate(() => {
      const { localStorage, sessionStorage } = globalThis as unknown as Storages;
      return [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((name) => name.startsWith('spawnpoint.'));
    });
    expect(kept).toEqual([]);

    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Email').fill(email);
    await page.locator('form').getByRole('button', { name: 'Log in' }).click();
    expect(await textOf(page.getByTestId('error'))).toContain('invalid_credentials');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.locator('form').getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('games').getByRole('link', { name: 'Space Raiders II' }).waitFor();
  });

  it('raised no error in the page along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
