import createClient, { type Client } from 'openapi-fetch';
import { SpawnpointError } from '../errors.js';
import type { components, paths } from './schema.gen.js';
import { SessionManager, type Session } from './session.js';

export type SpawnpointRest = Client<paths>;
export type Schemas = components['schemas'];

/** Routes that take the game's key and never a session: they create or refresh one. */
const KEY_ROUTES = ['/auth/device', '/auth/custom', '/auth/email/signup', '/auth/email/login', '/auth/refresh'];

export interface RestOptions {
  /** The platform's base URL, e.g. `https://play.example.com` or `http://localhost:8500`. */
  url: string;
  /** A client key (`sp_ck_…`, shipped in games: sign-in only) or a server key (`sp_sk_…`, game servers). */
  apiKey?: string;
  /** A session kept from an earlier run (what `onSession` was given). */
  session?: Session | null;
  /** Called with every new session (sign-in, refresh) and null on sign-out: store it to survive a reload. */
  onSession?: (session: Session | null) => void;
  /** Refresh this long before the session token expires (default: a tenth of its lifetime, at most 60 s). */
  refreshLeewayMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/**
 * The typed REST client (openapi-fetch over the generated `paths`) plus credentials: the API key
 * goes on sign-in routes and, when no player is signed in, on everything; a signed-in player's
 * calls carry `Authorization: Bearer`, refreshed shortly before expiry and once more when the
 * server answers 401 `token_expired` (a clock that runs slow, a laptop waking up).
 */
export function createRest(options: RestOptions): { rest: SpawnpointRest; sessions: SessionManager } {
  const fetchWith = options.fetch ?? globalThis.fetch.bind(globalThis);
  // A network failure is a SpawnpointError too, so a game needs one catch for everything.
  const fetchImpl = (request: Request): Promise<Response> =>
    fetchWith(request).catch((error: unknown) => {
      throw new SpawnpointError(
        'service_unavailable',
        `Cannot reach ${request.url}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  const sessions = new SessionManager({
    refresh: async (refreshToken) => unwrap(await rest.POST('/auth/refresh', { body: { refresh_token: refreshToken } })),
    onChange: options.onSession,
    now: options.now,
    refreshLeewayMs: options.refreshLeewayMs,
  });
  if (options.session) sessions.set(options.session);

  async function send(request: Request): Promise<Response> {
    if (request.headers.has('authorization') || request.headers.has('x-api-key')) return fetchImpl(request);
    const path = new URL(request.url).pathname;
    const keyRoute = KEY_ROUTES.some((route) => path.endsWith(route));
    const token = keyRoute ? null : await sessions.token();
    if (token === null) {
      if (options.apiKey) request.headers.set('x-api-key', options.apiKey);
      return fetchImpl(request);
    }
    // Kept before sending: a body can be read once, and the retry needs it again.
    const retry = request.clone();
    request.headers.set('authorization', `Bearer ${token}`);
    const response = await fetchImpl(request);
    if (response.status !== 401 || (await errorCode(response)) !== 'token_expired') return response;
    const refreshed = await sessions.refresh(token);
    retry.headers.set('authorization', `Bearer ${refreshed.sessionToken}`);
    return fetchImpl(retry);
  }

  const rest = createClient<paths>({ baseUrl: options.url.replace(/\/+$/, ''), fetch: send });
  return { rest, sessions };
}

/** The data of a successful call; a failure throws `SpawnpointError` with the platform's code, status and request id. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw SpawnpointError.fromResponse(result.response, result.error);
  return result.data as T;
}

async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { error?: { code?: string } } | null;
  return body?.error?.code;
}
