import { api } from '../../api.ts';
import { useLoad } from '../../components/use-load.ts';
import type { PolicyStatus, PolicyVersionDetail } from '../policy/types.ts';

/** The version the filter enforces, with its document (for its groups and categories). */
export function useActivePolicy() {
  return useLoad(async () => {
    const status = await api.get<PolicyStatus>('/api/policy/status');
    if (!status.active) return null;
    return api.get<PolicyVersionDetail>(
      `/api/policy/versions/${encodeURIComponent(status.active.id)}`,
    );
  }, 'active-policy');
}
