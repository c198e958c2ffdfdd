import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api.ts';

/** Load data for a page; reloads when `key` changes. Gives the data, the error and a reload. */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(async () => {
    try {
      setError(null);
      setData(await loader.current());
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload, key]);
  return { data, error, reload };
}
