import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, ApiError } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: ApiError;
  reload: () => void;
}

/**
 * GETs `path` (skipped while it is null), again whenever it changes or `reload` is called, and every
 * `pollMs` when given. A poll never overlaps the previous one. An answer is shown only for the path
 * it was asked for: after a change of path, nothing is shown (rather than another player's data) until
 * the new answer arrives; a failed poll keeps the last data beside its error.
 */
export function useApi<T>(path: string | null, { gameId, pollMs }: { gameId?: string; pollMs?: number } = {}): Loaded<T> {
  const key = path === null ? null : `${gameId ?? ''} ${path}`;
  const [state, setState] = useState<{ key: string | null; data?: T; error?: ApiError }>({ key: null });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    if (path === null) return;
    let current = true;
    let inFlight = false;
    const load = async () => {
      if (inFlight) return;
      inFlight = true;
      try {
        const data = await api<T>(path, { gameId });
        if (current) setState({ key, data });
      } catch (error) {
        if (current) setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, error: asApiError(error) }));
      } finally {
        inFlight = false;
      }
    };
    void load();
    const timer = pollMs ? setInterval(() => void load(), pollMs) : undefined;
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [key, path, gameId, pollMs, generation]);

  const fresh = state.key === key;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, reload };
}

/** Runs one user action (a form submit, a button) and keeps its pending state and error for the UI. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();
  // The latest closure, so that `run` stays one function (safe in effect dependencies) yet sees fresh state.
  const latest = useRef(action);
  useLayoutEffect(() => {
    latest.current = action;
  });
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await latest.current(...args);
    } catch (caught) {
      setError(asApiError(caught));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { run, pending, error, clearError: () => setError(undefined) };
}

/** The last `size` values pushed, for live charts. */
export function useHistory<T>(size: number): [T[], (value: T) => void, () => void] {
  const [values, setValues] = useState<T[]>([]);
  const push = useCallback((value: T) => setValues((previous) => [...previous.slice(-(size - 1)), value]), [size]);
  const clear = useCallback(() => setValues([]), []);
  return [values, push, clear];
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'client_error', error instanceof Error ? error.message : String(error));
}
