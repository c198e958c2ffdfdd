import type { LoginThrottle } from '../access/login-throttle.ts';
import type { SessionSettings } from '../access/sessions.ts';
import type { SnapshotCache } from '../filtering/snapshot-loader.ts';
import type { Store } from '../store/database.ts';

export interface ComponentHealth {
  ready: boolean;
  detail?: string;
}

/** What the API needs from the composition root (`server.ts`). */
export interface ApiDeps {
  store: Store;
  clock: () => Date;
  /** Compiled policy snapshots per school, shared with the filter; invalidated on change. */
  snapshots: SnapshotCache;
  sessions: SessionSettings;
  throttle: LoginThrottle;
  /** True when Haven is reached over https, so cookies are marked Secure. */
  secureCookies: boolean;
  /** Folder of the built web UI, or null to serve the API only. */
  webRoot: string | null;
  /** Readiness of the parts the API does not own (proxy, DNS, …). */
  components: () => Promise<Record<string, ComponentHealth>>;
  /** Check responses against their schemas (on in tests). */
  checkResponses?: boolean;
  logger?: boolean | { level: string };
}
