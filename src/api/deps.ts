import type { LoginThrottle } from '../access/login-throttle.ts';
import type { SessionSettings } from '../access/sessions.ts';
import type { ActivityBatchWriter } from '../activity/event-writer.ts';
import type { TechnicalNotice } from '../activity/technical-notices.ts';
import type { SchoolSnapshot } from '../filtering/snapshot-loader.ts';
import type { Store } from '../store/database.ts';
import type { Mailer } from '../governance/aua.ts';

/** Settings of the network routes, given by the composition root (`filter.*` config). */
export interface NetworkSettings {
  /** How long a captive sign-in lasts (`filter.signInHours`). */
  signInHours: number;
  /** Block page requests allowed from one address per minute. */
  requestsPerMinute?: number;
  /** Told when a device signs in or out, so a filter in this process forgets what it cached. */
  onDeviceChange?: (clientIp: string) => void;
}

/** The compiled policy of each school (the filter node's store, or a cache without a filter). */
export interface SnapshotProvider {
  school(schoolId: string): Promise<SchoolSnapshot>;
  invalidateSchool(schoolId: string): void;
}

export interface ComponentHealth {
  ready: boolean;
  detail?: string;
}

/** What the API needs from the composition root (`server.ts`). */
export interface ApiDeps {
  store: Store;
  clock: () => Date;
  /** Compiled policy snapshots per school, shared with the filter; invalidated on change. */
  snapshots: SnapshotProvider;
  sessions: SessionSettings;
  throttle: LoginThrottle;
  /** True when Haven is reached over https, so cookies are marked Secure. */
  secureCookies: boolean;
  /** Folder of the built web UI, or null to serve the API only. */
  webRoot: string | null;
  /** Readiness of the parts the API does not own (proxy, DNS, …). */
  components: () => Promise<Record<string, ComponentHealth>>;
  /** The filter node's activity writer: the ingest API writes through it (absent: 503). */
  activityWriter?: ActivityBatchWriter;
  /** Captive sign-in and block page settings (defaults: the config defaults). */
  network?: NetworkSettings;
  /** Check responses against their schemas (on in tests). */
  checkResponses?: boolean;
  logger?: boolean | { level: string };
  // Acceptable use agreements: reminder emails (the alert delivery's SMTP transport) and links
  /** Sends AUA reminder emails; absent when SMTP is not configured (reminders then refuse). */
  mailer?: Mailer | undefined;
  /** Where people reach Haven, for links in emails (default: the request's own origin). */
  publicUrl?: string | undefined;
  // Casework: incidents
  /** The key that encrypts incident evidence at rest (absent: evidence cannot be stored). */
  secretKey?: () => Buffer;
  // Monitoring: technical notices for the technician (the filter node's; absent: none)
  technicalNotices?: () => readonly TechnicalNotice[];
  /** Whether `alerts.webhookUrl` is set (the webhook secret page says so). */
  alertWebhookConfigured?: boolean;
}
