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
