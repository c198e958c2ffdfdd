import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps are written as Date and read back as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** JSON columns: written as a value, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface SchoolTable {
  id: Generated<string>;
  slug: string;
  name: string;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  time_zone: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface UserTable {
  id: Generated<string>;
  /** Null only for trust administrators, who span every school. */
  school_id: string | null;
  username: string;
  display_name: string;
  email: string | null;
  roles: ColumnType<string[], string[], string[]>;
  year_group: string | null;
  staff_role: string | null;
  password_hash: string | null;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: Timestamp | null;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface GroupTable {
  id: Generated<string>;
  school_id: string;
  slug: string;
  name: string;
  kind: string;
  created_at: CreatedAt;
}

export interface GroupMemberTable {
  group_id: string;
  user_id: string;
}

export interface SessionTable {
  /** sha256 of the cookie token: the token itself is never stored. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  seq: ColumnType<string, number | string, never>;
  at: Timestamp;
  school_id: string | null;
  actor_id: string | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  detail: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export type PolicyStatus = 'draft' | 'approved' | 'active' | 'superseded' | 'withdrawn';

export interface PolicyVersionTable {
  id: Generated<string>;
  school_id: string;
  number: number;
  status: PolicyStatus;
  title: string;
  /** The policy document (see policy/document/policy-schema.ts), as validated JSON. */
  document: Json<unknown>;
  change_note: string | null;
  based_on: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  approved_by: string | null;
  approved_at: Timestamp | null;
  approval_note: string | null;
  activated_by: string | null;
  activated_at: Timestamp | null;
  /** `YYYY-MM-DD`. */
  next_review: ColumnType<string | null, string | null, string | null>;
}

export interface BlockListTable {
  id: Generated<string>;
  /** Stable name of the list, e.g. `ut1/gambling`: a new import of the same name replaces it. */
  name: string;
  source: string;
  source_category: string | null;
  /** Haven category id. */
  category: string;
  format: string;
  host_entries: number;
  url_entries: number;
  allow_entries: number;
  bad_lines: number;
  /** gzip of the normalised entries, one per line (see filtering/list-content.ts). */
  content: Buffer;
  checksum: string;
  origin: string;
  licence: string | null;
  imported_at: Timestamp;
  imported_by: string;
  active: boolean;
}

export interface LocalEntryTable {
  id: Generated<string>;
  school_id: string;
  action: 'allow' | 'block';
  /** A host (covering its subdomains) or a `host/path` URL prefix. */
  target: string;
  groups: ColumnType<string[], string[] | undefined, string[]>;
  category: string | null;
  reason: string;
  created_by: string | null;
  created_at: CreatedAt;
  removed_by: string | null;
  removed_at: Timestamp | null;
}

export interface FilterChangeTable {
  id: Generated<string>;
  school_id: string | null;
  at: Timestamp;
  actor_id: string | null;
  actor_label: string;
  kind: string;
  summary: string;
  detail: Json<Record<string, unknown>>;
}

export interface DeviceSessionTable {
  id: Generated<string>;
  /** The device's address, canonical (see device-session-repository.ts `deviceAddress`). */
  client_ip: string;
  user_id: string;
  school_id: string;
  /** When the person signed in (a new sign-in from the address replaces it). */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: Timestamp;
}

export type BlockPageRequestKind = 'worry' | 'review';

export interface BlockPageRequestTable {
  id: Generated<string>;
  school_id: string;
  kind: BlockPageRequestKind;
  host: string;
  category: string | null;
  rule_id: string | null;
  /** Null for an anonymous worry, or when the person was not known. */
  user_id: string | null;
  client_ip: string | null;
  message: string | null;
  created_at: CreatedAt;
  status: ColumnType<string, string | undefined, string>;
}

export interface Database {
  schools: SchoolTable;
  users: UserTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
  policy_versions: PolicyVersionTable;
  block_lists: BlockListTable;
  local_entries: LocalEntryTable;
  filter_changes: FilterChangeTable;
  device_sessions: DeviceSessionTable;
  block_page_requests: BlockPageRequestTable;
}

export type School = Selectable<SchoolTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type Group = Selectable<GroupTable>;
export type Session = Selectable<SessionTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type PolicyVersion = Selectable<PolicyVersionTable>;
export type BlockList = Selectable<BlockListTable>;
export type LocalEntryRow = Selectable<LocalEntryTable>;
export type FilterChange = Selectable<FilterChangeTable>;
export type DeviceSession = Selectable<DeviceSessionTable>;
export type BlockPageRequest = Selectable<BlockPageRequestTable>;

// Activity events, their rollup, retention and legal holds (migration 0004). `Database` is
// extended by declaration merging so this block stays one append.

/** bigint columns: written as a number, read back as a string or a number depending on the driver. */
type BigIntColumn = ColumnType<string | number, number | undefined, number>;

export interface ActivityEventTable {
  id: string;
  at: Timestamp;
  source: string;
  school_id: string;
  user_id: string | null;
  username: string | null;
  group_slug: string | null;
  device_class: string | null;
  client_ip: string;
  method: string;
  host: string;
  url: string | null;
  action: string;
  category: string | null;
  rule_id: string;
  status: number | null;
  bytes_in: BigIntColumn;
  bytes_out: BigIntColumn;
  duration_ms: ColumnType<number, number | undefined, number>;
  search_terms: string | null;
  /** Set by the monitoring layer (MON-2); numeric, read back as a string. */
  risk_score: ColumnType<string | null, number | null | undefined, number | null>;
  risk_categories: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

export interface ActivityDailyTable {
  school_id: string;
  /** `YYYY-MM-DD`, the school's local day. */
  day: ColumnType<string, string, string>;
  category: string | null;
  action: string;
  group_slug: string | null;
  events: BigIntColumn;
}

export interface RetentionSettingTable {
  school_id: string;
  activity_days: number;
  search_terms_days: number;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface LegalHoldTable {
  id: Generated<string>;
  school_id: string;
  user_id: string;
  reason: string;
  placed_by: string | null;
  placed_at: Timestamp;
  lifted_at: Timestamp | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

export interface ActivityPurgeTable {
  id: ColumnType<string, never, never>;
  at: Timestamp;
  school_id: string | null;
  kind: 'events' | 'search-terms' | 'alerts';
  method: 'drop-partition' | 'delete' | 'clear';
  rule: string;
  cutoff: Timestamp;
  rows: BigIntColumn;
  held_rows: BigIntColumn;
  detail: Json<Record<string, unknown>>;
}

export interface Database {
  activity_events: ActivityEventTable;
  activity_daily: ActivityDailyTable;
  retention_settings: RetentionSettingTable;
  legal_holds: LegalHoldTable;
  activity_purges: ActivityPurgeTable;
}

export type ActivityEventRow = Selectable<ActivityEventTable>;
export type ActivityDailyRow = Selectable<ActivityDailyTable>;
export type RetentionSettingRow = Selectable<RetentionSettingTable>;
export type LegalHold = Selectable<LegalHoldTable>;
export type ActivityPurge = Selectable<ActivityPurgeTable>;

// Ingest tokens (migration 0006): one per source sending events to the ingest API (MON-6).

export interface IngestTokenTable {
  id: Generated<string>;
  school_id: string;
  name: string;
  source_kind: 'extension' | 'ingest' | 'squid-log';
  /** sha256 (hex) of the token; the token itself is shown once, at creation. */
  token_hash: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface Database {
  ingest_tokens: IngestTokenTable;
}

export type IngestToken = Selectable<IngestTokenTable>;

// Alerts (MON-3, migration 0005).

export type AlertSeverity = 'critical' | 'high' | 'medium' | 'low';
export type AlertStatus = 'new' | 'acknowledged' | 'dismissed' | 'escalated-to-incident';
export type AlertKind = 'phrases' | 'flagged' | 'illegal' | 'circumvention';

export interface AlertTable {
  id: Generated<string>;
  school_id: string;
  user_id: string | null;
  username: string | null;
  group_slug: string | null;
  client_ip: string;
  device_class: string | null;
  kind: AlertKind;
  category: string;
  severity: AlertSeverity;
  score: number;
  summary: string;
  host: string | null;
  matched_phrases: ColumnType<string[], string[] | undefined, string[]>;
  event_ids: ColumnType<string[], string[] | undefined, string[]>;
  repeats: ColumnType<number, number | undefined, number>;
  guidance: string | null;
  isolate_device: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<AlertStatus, AlertStatus | undefined, AlertStatus>;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
  dismissed_by: string | null;
  dismissed_at: Timestamp | null;
  dismissed_reason: string | null;
  escalated_by: string | null;
  escalated_at: Timestamp | null;
  escalation_level: ColumnType<number, number | undefined, number>;
  last_escalated_at: Timestamp | null;
  notified_at: Timestamp | null;
  digest_sent_at: Timestamp | null;
  dedupe_key: string;
}

export interface AlertIsolationTable {
  id: Generated<string>;
  school_id: string;
  alert_id: string;
  client_ip: string;
  user_id: string | null;
  device_class: string | null;
  created_at: Timestamp;
}

export interface Database {
  alerts: AlertTable;
  alert_isolations: AlertIsolationTable;
}

export type Alert = Selectable<AlertTable>;
export type NewAlert = Insertable<AlertTable>;
export type AlertIsolation = Selectable<AlertIsolationTable>;

export interface PhraseListVersionTable {
  id: Generated<string>;
  school_id: string;
  number: number;
  /** A `PhraseDocument` (validated before it is stored). */
  document: Json<unknown>;
  change_note: string;
  created_by: string | null;
  created_at: Timestamp;
  active: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface Database {
  phrase_list_versions: PhraseListVersionTable;
}

export type PhraseListVersion = Selectable<PhraseListVersionTable>;

// Monitoring, second part (migration 0012): page titles and content phrases on events, alert
// retention, isolations the DSL can lift, webhook secrets. Interfaces merge with those above.

export interface ActivityEventTable {
  /** The `<title>` of an HTML page (trimmed, capped); never the page itself. */
  page_title: ColumnType<string | null, string | null | undefined, string | null>;
  /** The phrases page content scoring matched (with `risk_score`, `risk_categories`). */
  risk_phrases: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

export interface RetentionSettingTable {
  /** Days resolved alerts are kept; null: the default. */
  alerts_days: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface AlertIsolationTable {
  lifted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  lifted_by: ColumnType<string | null, string | null | undefined, string | null>;
  lift_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AlertWebhookSecretTable {
  school_id: string;
  secret: string;
  created_at: Timestamp;
  created_by: string | null;
  shown_at: Timestamp | null;
}

export interface Database {
  alert_webhook_secrets: AlertWebhookSecretTable;
}

export type AlertWebhookSecret = Selectable<AlertWebhookSecretTable>;
