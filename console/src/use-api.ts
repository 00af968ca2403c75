import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from './api-client';

export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside a signed-in console');
  return api;
}

export interface Loaded<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  /** Loads again, keeping what is shown until the answer arrives (no flicker on refresh). */
  reload: () => void;
}

export const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError
    ? error
    : new ApiError(0, 'client_error', (error as Error).message ?? 'Something went wrong');

/** Loads with the API whenever `deps` change; answers to superseded loads are dropped. */
export function useLoad<T>(load: (api: ApiClient) => Promise<T>, deps: unknown[]): Loaded<T> {
  const api = useApi();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    load(api).then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: unknown) => ticket === latest.current && setState({ error: asApiError(error), loading: false }),
    );
  }, [api, version, ...deps]);
  const reload = useCallback(() => setVersion((value) => value + 1), []);
  return { ...state, reload };
}

/** Runs a change (create, delete, retry…) and keeps its outcome for the view. */
export function useAction<A extends unknown[], T>(action: (api: ApiClient, ...args: A) => Promise<T>) {
  const api = useApi();
  const [state, setState] = useState<{ running: boolean; error?: ApiError; result?: T }>({ running: false });
  // the latest action, so a stable `run` never acts on an older render's values
  const latestAction = useRef(action);
  latestAction.current = action;
  const run = useCallback(
    async (...args: A): Promise<T | undefined> => {
      setState({ running: true });
      try {
        const result = await latestAction.current(api, ...args);
        setState({ running: false, result });
        return result;
      } catch (error) {
        setState({ running: false, error: asApiError(error) });
        return undefined;
      }
    },
    [api],
  );
  return { ...state, run };
}
