/**
 * The dashboard's only way to the platform: the public REST API on the same origin.
 *
 * Developer endpoints take the developer token as a Bearer token. Game-scoped endpoints (players,
 * leaderboards, worlds, …) take the same token plus `X-Game-Id`, which the API treats as that game's
 * server key — so the dashboard never has to hold a server key of its own.
 */

const TOKEN_STORAGE = 'spawnpoint.developer_token';

/** An error answer of the API (`{error: {code, message, details?, request_id}}`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
    readonly requestId: string | undefined = undefined,
  ) {
    super(message);
  }
}

export const developerToken = {
  get: (): string | null => localStorage.getItem(TOKEN_STORAGE),
  set: (token: string): void => localStorage.setItem(TOKEN_STORAGE, token),
  clear: (): void => localStorage.removeItem(TOKEN_STORAGE),
};

let onSignedOut: () => void = () => undefined;

/** Called when the API refuses the stored token (expired, or the account is gone): the app shows the log-in page. */
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Act as this game's server key. */
  gameId?: string;
  headers?: Record<string, string>;
}

export async function api<T>(path: string, { method = 'GET', body, gameId, headers = {} }: RequestOptions = {}): Promise<T> {
  const token = developerToken.get();
  const sent: Record<string, string> = { ...headers };
  if (token) sent.authorization = `Bearer ${token}`;
  if (gameId) sent['x-game-id'] = gameId;
  if (body !== undefined) sent['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network_error', 'The server did not answer');
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as T;

  const error = (payload as { error?: { code?: string; message?: string; details?: unknown; request_id?: string } } | undefined)?.error;
  const failure = new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? response.statusText,
    error?.details,
    error?.request_id,
  );
  // A 401 on a request that carried the token means the token itself is no good any more.
  if (response.status === 401 && token) {
    developerToken.clear();
    onSignedOut();
  }
  throw failure;
}

/** Query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * A path segment from user input or an id. `:` is legal in a path segment and stays as it is: chat
 * channels (`dm:<a>:<b>`) would otherwise grow past the 100-character limit the API puts on a parameter.
 */
export function seg(value: string): string {
  return encodeURIComponent(value).replaceAll('%3A', ':');
}
