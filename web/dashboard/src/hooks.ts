import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `path` (skipped while it is null), again whenever it changes or `reload` is called, and every
 * `pollMs` when given. A poll never overlaps the previous one, and answers for an old path are dropped.
 */
export function useApi<T>(path: string | null, { gameId, pollMs }: { gameId?: string; pollMs?: number } = {}): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
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
        if (current) setState({ data, loading: false });
      } catch (error) {
        if (current) setState((previous) => ({ data: previous.data, error: asApiError(error), loading: false }));
      } finally {
        inFlight = false;
      }
    };
    setState((previous) => ({ ...previous, loading: true }));
    void load();
    const timer = pollMs ? setInterval(() => void load(), pollMs) : undefined;
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [path, gameId, pollMs, generation]);

  return { ...state, reload };
}

/** Runs one user action (a form submit, a button) and keeps its pending state and error for the UI. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const latest = useRef(action);
  latest.current = action;
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
