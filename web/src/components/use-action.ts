import { useCallback, useState } from 'react';
import { ApiError } from '../api.ts';

/**
 * Run a change against the API: `run` resolves to true when it succeeded; a problem from the API
 * is kept in `error` for the form to show next to itself, and `busy` disables its button.
 */
export function useAction() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<void>): Promise<boolean> => {
    setError(null);
    setBusy(true);
    try {
      await action();
      return true;
    } catch (e) {
      if (e instanceof ApiError) {
        setError(e);
        return false;
      }
      throw e;
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, error, busy, clearError };
}
