import { describe, expect, it } from 'vitest';
import { createRest, unwrap } from './client.js';

const PLAYER = {
  id: 'p_1',
  username: null,
  display_name: null,
  email: null,
  anonymous: true,
  banned: false,
  created_at: '',
  last_seen_at: null,
};
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake platform: records what each request carried, refreshes like the server, expires `st1` on demand. */
function fakePlatform(options: { expireFirstToken?: boolean } = {}) {
  const seen: { path: string; auth: string | null; key: string | null; body: string }[] = [];
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    const auth = request.headers.get('authorization');
    seen.push({ path, auth, key: request.headers.get('x-api-key'), body: await request.text() });
    if (path === '/auth/refresh') return json(200, { session_token: 'st2', refresh_token: 'rt2', expires_in: 900, player_id: 'p_1' });
    if (options.expireFirstToken && auth === 'Bearer st1')
      return json(401, { error: { code: 'token_expired', message: 'expired', request_id: 'r1' } });
    return json(200, PLAYER);
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

describe(createRest.name, () => {
  it('sends the key on sign-in routes and the session token everywhere else once signed in', async () => {
    const platform = fakePlatform();
    const { rest, sessions } = createRest({ url: 'http://sp.test', apiKey: 'sp_ck_1', fetch: platform.fetch });
    sessions.setFromTokens({ session_token: 'st1', refresh_token: 'rt1', expires_in: 900, player_id: 'p_1' });

    await rest.POST('/auth/device', { body: { device_id: 'device-1' } });
    await rest.GET('/players/me');

    expect(platform.seen.map(({ path, auth, key }) => ({ path, auth, key }))).toEqual([
      { path: '/auth/device', auth: null, key: 'sp_ck_1' },
      { path: '/players/me', auth: 'Bearer st1', key: null },
    ]);
  });

  it('refreshes on 401 token_expired and retries the request once, body included', async () => {
    const platform = fakePlatform({ expireFirstToken: true });
    const { rest, sessions } = createRest({ url: 'http://sp.test', apiKey: 'sp_ck_1', fetch: platform.fetch });
    sessions.setFromTokens({ session_token: 'st1', refresh_token: 'rt1', expires_in: 900, player_id: 'p_1' });

    const updated = unwrap(await rest.PATCH('/players/me', { body: { display_name: 'Ada' } }));

    expect(updated.id).toBe('p_1');
    expect(platform.seen.map((r) => [r.path, r.auth])).toEqual([
      ['/players/me', 'Bearer st1'],
      ['/auth/refresh', null],
      ['/players/me', 'Bearer st2'],
    ]);
    expect(platform.seen[2]!.body).toBe(platform.seen[0]!.body);
    expect(JSON.parse(platform.seen[1]!.body)).toEqual({ refresh_token: 'rt1' });
  });
});
