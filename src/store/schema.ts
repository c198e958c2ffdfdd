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
  /** Null for an isolation an incident asked for (migration 0014: `incident_id` is set). */
  alert_id: string | null;
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

// Governance registers (migration 0010): the rows of every register, and guest account expiry.

export interface RegisterRowTable {
  id: Generated<string>;
  school_id: string;
  register: string;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
  archived_at: Timestamp | null;
  archived_by: string | null;
}

export interface UserTable {
  /** A guest account's end: sign-in is refused from then on (null: not a guest account). */
  guest_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface Database {
  register_rows: RegisterRowTable;
}

export type RegisterRow = Selectable<RegisterRowTable>;
// Temporary exemptions and filter change requests (migration 0009, FIL-6 and FIL-7).

export type ExemptionTargetKind = 'host' | 'url' | 'category';
export type ExemptionStatus = 'requested' | 'approved' | 'declined' | 'revoked' | 'withdrawn';

export interface ExemptionTable {
  id: Generated<string>;
  school_id: string;
  target_kind: ExemptionTargetKind;
  target: string;
  groups: ColumnType<string[], string[], string[]>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string;
  status: ExemptionStatus;
  requested_by: string | null;
  requested_by_label: string;
  requested_at: Timestamp;
  decided_by: string | null;
  decided_by_label: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  revoked_by: string | null;
  revoked_by_label: string | null;
  revoked_at: Timestamp | null;
  revoke_note: string | null;
  end_logged_at: Timestamp | null;
}

export type ChangeRequestKind = 'local-entry.add' | 'local-entry.remove' | 'matrix';
export type ChangeRequestStatus =
  'draft' | 'requested' | 'approved' | 'declined' | 'applied' | 'failed' | 'withdrawn';

export interface ChangeRequestTable {
  id: Generated<string>;
  school_id: string;
  kind: ChangeRequestKind;
  /** The change itself (see casework/change-request-rules.ts). */
  change: Json<Record<string, unknown>>;
  summary: string;
  reason: string;
  status: ChangeRequestStatus;
  source: 'staff' | 'block-page';
  block_page_request_id: string | null;
  requested_by: string | null;
  requested_by_label: string;
  created_at: Timestamp;
  requested_at: Timestamp | null;
  effective_at: Timestamp | null;
  decided_by: string | null;
  decided_by_label: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  applied_at: Timestamp | null;
  outcome: string | null;
}

export interface Database {
  exemptions: ExemptionTable;
  change_requests: ChangeRequestTable;
}

export type ExemptionRow = Selectable<ExemptionTable>;
export type ChangeRequestRow = Selectable<ChangeRequestTable>;
// Acceptable use agreements, training records and surveys (GOV-4, GOV-5, GOV-10; migration 0011).

export type AuaAudience = 'pupil-younger' | 'pupil-older' | 'staff' | 'parent' | 'visitor';

export interface AuaVersionTable {
  id: Generated<string>;
  school_id: string;
  audience: AuaAudience;
  number: number;
  title: string;
  /** Markdown-ish text, rendered as plain text with headings and lists (never as HTML). */
  body: string;
  effective_from: Timestamp;
  change_note: string;
  published_by: string | null;
  published_at: Timestamp;
}

export interface AuaSignatureTable {
  id: Generated<string>;
  school_id: string;
  version_id: string;
  user_id: string;
  typed_name: string;
  signed_at: Timestamp;
}

export interface AuaSettingsTable {
  school_id: string;
  safe_list_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  safe_hosts: ColumnType<string[], string[] | undefined, string[]>;
  /** Haven's own host name as people reach it (kept when the settings are saved). */
  app_host: string | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface TrainingCourseTable {
  id: Generated<string>;
  school_id: string;
  slug: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  /** Null: never expires. */
  validity_months: number | null;
  required_roles: ColumnType<string[], string[] | undefined, string[]>;
  built_in: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface TrainingRecordTable {
  id: Generated<string>;
  school_id: string;
  course_id: string;
  user_id: string;
  /** `YYYY-MM-DD`. */
  completed_on: ColumnType<string, string, string>;
  provider: string;
  evidence: ColumnType<string, string | undefined, string>;
  recorded_by: string | null;
  recorded_at: Timestamp;
}

export interface TrainingNeedTable {
  id: Generated<string>;
  school_id: string;
  user_id: string;
  need: string;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
}

export type SurveyAudience = 'pupils' | 'parents' | 'staff';
export type SurveyQuestionKind = 'scale' | 'choice' | 'text';

export interface SurveyTable {
  id: Generated<string>;
  school_id: string;
  title: string;
  introduction: ColumnType<string, string | undefined, string>;
  audience: SurveyAudience;
  opens_at: Timestamp;
  closes_at: Timestamp;
  created_by: string | null;
  created_at: Timestamp;
}

export interface SurveyQuestionTable {
  id: Generated<string>;
  survey_id: string;
  position: number;
  /** Stable key: the same key in several surveys is "the same question" over time. */
  key: string;
  kind: SurveyQuestionKind;
  prompt: string;
  choices: ColumnType<string[], string[] | undefined, string[]>;
}

/** One anonymous response: answers keyed by question key (scale 1–5, a choice, or text). */
export type SurveyAnswers = Record<string, number | string>;

export interface SurveyResponseTable {
  id: Generated<string>;
  survey_id: string;
  /** `YYYY-MM-DD` only: no time, so a response cannot be matched to a respondent by time. */
  answered_on: ColumnType<string, string, string>;
  answers: Json<SurveyAnswers>;
}

export interface SurveyRespondentTable {
  survey_id: string;
  user_id: string;
}

export interface Database {
  aua_versions: AuaVersionTable;
  aua_signatures: AuaSignatureTable;
  aua_settings: AuaSettingsTable;
  training_courses: TrainingCourseTable;
  training_records: TrainingRecordTable;
  training_needs: TrainingNeedTable;
  surveys: SurveyTable;
  survey_questions: SurveyQuestionTable;
  survey_responses: SurveyResponseTable;
  survey_respondents: SurveyRespondentTable;
}

export type AuaVersion = Selectable<AuaVersionTable>;
export type AuaSignature = Selectable<AuaSignatureTable>;
export type AuaSettings = Selectable<AuaSettingsTable>;
export type TrainingCourse = Selectable<TrainingCourseTable>;
export type TrainingRecord = Selectable<TrainingRecordTable>;
export type TrainingNeed = Selectable<TrainingNeedTable>;
export type Survey = Selectable<SurveyTable>;
export type SurveyQuestion = Selectable<SurveyQuestionTable>;
// Governance reports (GOV-2, GOV-3, issue 8; migration 0013): signed governor reports, the
// filtering checks log, the annual filtering and monitoring review, and reminder emails sent.

/** `YYYY-MM-DD` date columns, read back as text. */
type DateColumn = ColumnType<string, string, string>;

export interface GovernorReportTable {
  id: Generated<string>;
  school_id: string;
  /** `autumn-2026`, or `2026-09-01..2026-10-31` for a custom range. */
  period_key: string;
  period_label: string;
  from_day: DateColumn;
  to_day: DateColumn;
  /** The anonymised sections as signed (`SignedReportData` in reports/governor-report-types.ts). */
  data: Json<unknown>;
  signed_by: string | null;
  signed_by_name: string;
  signed_role: string;
  signed_at: Timestamp;
  comment: string | null;
}

export type FilteringCheckResult = 'allow' | 'block';

export interface FilteringCheckTable {
  id: Generated<string>;
  school_id: string;
  at: Timestamp;
  performed_by: string | null;
  performed_by_name: string;
  /** `manual` (typed in after a check on a device) or `engine` (run by Haven). */
  method: 'manual' | 'engine';
  device: string;
  group_slug: string;
  /** The URL or host tested. */
  tested: string;
  /** What the check is for, e.g. "a listed adult site". */
  purpose: string;
  expected: FilteringCheckResult;
  result: FilteringCheckResult;
  passed: boolean;
  rule_id: string | null;
  category: string | null;
  note: string | null;
  run_id: string | null;
}

export type AnnualReviewStatus = 'open' | 'complete';

export interface AnnualReviewTable {
  id: Generated<string>;
  school_id: string;
  title: string;
  status: AnnualReviewStatus;
  started_at: Timestamp;
  started_by: string | null;
  /** The reviewers' notes per DfE standard id. */
  notes: Json<Record<string, string>>;
  next_review: DateColumn;
  /** The evidence as it stood when the review was complete. */
  evidence: Json<unknown> | null;
  completed_at: Timestamp | null;
}

export type ReviewSignoffSlot = 'slt' | 'dsl' | 'it-provider' | 'governor';

export interface AnnualReviewSignoffTable {
  review_id: string;
  slot: ReviewSignoffSlot;
  user_id: string | null;
  name: string;
  role_title: string;
  signed_at: Timestamp;
  comment: string | null;
}

export interface ComplianceReminderTable {
  school_id: string;
  day: DateColumn;
  sent_at: Timestamp;
  items: number;
  recipients: Json<string[]>;
}

export interface Database {
  governor_reports: GovernorReportTable;
  filtering_checks: FilteringCheckTable;
  annual_reviews: AnnualReviewTable;
  annual_review_signoffs: AnnualReviewSignoffTable;
  compliance_reminders: ComplianceReminderTable;
}

export type GovernorReportRow = Selectable<GovernorReportTable>;
export type FilteringCheck = Selectable<FilteringCheckTable>;
export type AnnualReview = Selectable<AnnualReviewTable>;
export type AnnualReviewSignoff = Selectable<AnnualReviewSignoffTable>;

// Casework: incidents (INC-1..6)
export type IncidentSource = 'app' | 'block-page' | 'alert';
export type ReporterKind = 'staff' | 'pupil' | 'parent' | 'anonymous' | 'other';
export type ConcernAbout = 'pupils' | 'staff' | 'head';
export type IncidentPersonRole = 'victim' | 'instigator' | 'witness' | 'reporter';
export type IncidentPersonKind = 'pupil' | 'staff' | 'other';
export type ReferralAgency = 'police' | 'ceop' | 'mash' | 'lado' | 'trust-or-la' | 'other';

export interface IncidentTable {
  id: Generated<string>;
  school_id: string;
  source: IncidentSource;
  reporter_kind: ReporterKind;
  /** Null for an anonymous report: nothing identifying the reporter is kept. */
  reported_by: string | null;
  block_page_request_id: string | null;
  alert_id: string | null;
  summary: string;
  host: string | null;
  concern_about: ColumnType<ConcernAbout, ConcernAbout | undefined, ConcernAbout>;
  category: string | null;
  incident_type: string | null;
  four_cs: ColumnType<string[], string[] | undefined, string[]>;
  suspected_illegal: boolean | null;
  device_isolated_at: Timestamp | null;
  device_description: string | null;
  designated_device: string | null;
  urls: ColumnType<string[], string[] | undefined, string[]>;
  content_nature: string | null;
  judgement: 'substance' | 'no-substance' | null;
  judgement_note: string | null;
  actions_taken: ColumnType<string[], string[] | undefined, string[]>;
  feedback: string | null;
  support: string | null;
  status: ColumnType<'open' | 'closed', 'open' | 'closed' | undefined, 'open' | 'closed'>;
  closed_at: Timestamp | null;
  closed_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IncidentPersonTable {
  id: Generated<string>;
  incident_id: string;
  user_id: string | null;
  name: string;
  kind: IncidentPersonKind;
  role: IncidentPersonRole;
  created_at: Timestamp;
}

export interface IncidentInvestigatorTable {
  incident_id: string;
  user_id: string;
  added_at: Timestamp;
  signed_off_at: Timestamp | null;
}

export interface IncidentReferralTable {
  id: Generated<string>;
  incident_id: string;
  agency: ReferralAgency;
  reference: string | null;
  note: string | null;
  referred_by: string | null;
  referred_at: Timestamp;
}

export interface IncidentSanctionTable {
  id: Generated<string>;
  incident_id: string;
  person_id: string;
  table_name: 'pupils' | 'staff';
  policy_incident: string | null;
  action_id: string;
  action_label: string;
  suggested: boolean;
  note: string | null;
  recorded_by: string | null;
  recorded_at: Timestamp;
}

export interface IncidentEvidenceTable {
  id: Generated<string>;
  incident_id: string;
  file_name: string;
  media_type: string;
  size: number;
  description: string | null;
  /** AES-256-GCM nonce and tag (base64); the content is only ever stored encrypted. */
  iv: string;
  tag: string;
  ciphertext: Buffer;
  uploaded_by: string | null;
  uploaded_at: Timestamp;
}

export interface IncidentLearningTable {
  id: Generated<string>;
  school_id: string;
  incident_id: string;
  text: string;
  status: ColumnType<'open' | 'closed', 'open' | 'closed' | undefined, 'open' | 'closed'>;
  recorded_by: string | null;
  recorded_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface CaseworkSettingsTable {
  school_id: string;
  dsl_sees_staff_concerns: boolean;
  updated_at: Timestamp;
}

export interface Database {
  incidents: IncidentTable;
  incident_people: IncidentPersonTable;
  incident_investigators: IncidentInvestigatorTable;
  incident_referrals: IncidentReferralTable;
  incident_sanctions: IncidentSanctionTable;
  incident_evidence: IncidentEvidenceTable;
  incident_learning: IncidentLearningTable;
  casework_settings: CaseworkSettingsTable;
}

export type Incident = Selectable<IncidentTable>;
export type IncidentPerson = Selectable<IncidentPersonTable>;
export type IncidentInvestigator = Selectable<IncidentInvestigatorTable>;
export type IncidentReferral = Selectable<IncidentReferralTable>;
export type IncidentSanction = Selectable<IncidentSanctionTable>;
export type IncidentEvidence = Selectable<IncidentEvidenceTable>;
export type IncidentLearning = Selectable<IncidentLearningTable>;
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

// Wiring casework, monitoring and governance together (migration 0014). Interfaces merge with
// those above.
export interface AlertIsolationTable {
  /** The incident whose "isolate the device" step raised it; null for an alert's isolation. */
  incident_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IncidentLearningTable {
  /** The Online Safety Group meeting (`osg-meetings` register row) it was taken to. */
  meeting_id: ColumnType<string | null, string | null | undefined, string | null>;
  taken_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  taken_by: ColumnType<string | null, string | null | undefined, string | null>;
}
