import { describe, expect, it } from 'vitest';
import { SpawnpointError } from '../errors.js';
import { SessionManager, type RefreshedTokens } from './session.js';

function tokens(n: number, expiresIn = 900): RefreshedTokens {
  return { session_token: `st${n}`, refresh_token: `rt${n}`, expires_in: expiresIn, player_id: 'p_1' };
}

/** A refresh endpoint that rotates tokens like the server, and answers only when told to. */
function fakeServer() {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    calls,
    release: () => release(),
    refresh: async (refreshToken: string) => {
      calls.push(refreshToken);
      await gate;
      return tokens(calls.length + 1);
    },
  };
}

describe(SessionManager.name, () => {
  it('shares one refresh between concurrent callers (a rotated token must not be used twice)', async () => {
    const server = fakeServer();
    let now = 0;
    const sut = new SessionManager({ refresh: server.refresh, now: () => now });
    sut.setFromTokens(tokens(1));
    now = 899_000; // one second left: within the leeway

    const waiting = Promise.all([sut.token(), sut.token(), sut.refresh('st1'), sut.token()]);
    server.release();

    expect(await waiting).toEqual(['st2', 'st2', expect.objectContaining({ sessionToken: 'st2' }), 'st2']);
    expect(server.calls).toEqual(['rt1']);
  });

  it('does not refresh again for a caller whose token was already replaced', async () => {
    const server = fakeServer();
    server.release();
    const sut = new SessionManager({ refresh: server.refresh });
    sut.setFromTokens(tokens(1));

    await sut.refresh('st1');
    const second = await sut.refresh('st1'); // a request that failed with the old token, answered after the refresh

    expect(second.sessionToken).toBe('st2');
    expect(server.calls).toEqual(['rt1']);
  });

  it('hands out the token without refreshing while it has well over the leeway left', async () => {
    const server = fakeServer();
    let now = 0;
    const sut = new SessionManager({ refresh: server.refresh, now: () => now });
    sut.setFromTokens(tokens(1));
    now = 800_000; // 100 s left of 900: more than a tenth

    expect(await sut.token()).toBe('st1');
    expect(server.calls).toEqual([]);
  });

  it('signs out when the server refuses the refresh token, and tells the listener', async () => {
    const changes: (string | null)[] = [];
    const sut = new SessionManager({
      refresh: () => Promise.reject(new SpawnpointError('refresh_token_reused', 'reused', 401)),
      onChange: (session) => changes.push(session?.sessionToken ?? null),
    });
    sut.setFromTokens(tokens(1));

    await expect(sut.refresh()).rejects.toMatchObject({ code: 'refresh_token_reused', status: 401 });
    expect(sut.session).toBeNull();
    expect(changes).toEqual(['st1', null]);
    expect(await sut.token()).toBeNull();
  });
});
