/**
 * The policy API's answers (GET /api/policy/*) and the policy document as the API returns it:
 * parsed, so every User Actions cell is an object. Fields the UI does not use are kept as they
 * came, because "Save draft" sends the whole document back.
 */

export type VersionStatus = 'draft' | 'approved' | 'active' | 'superseded' | 'withdrawn';

export interface PolicyVersion {
  id: string;
  number: number;
  status: VersionStatus;
  title: string;
  changeNote: string | null;
  basedOn: string | null;
  createdAt: string;
  createdBy: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  approvalNote: string | null;
  activatedAt: string | null;
  nextReview: string | null;
}

export interface PolicyVersionDetail extends PolicyVersion {
  document: PolicyDocument;
}

export interface PolicyStatus {
  active: PolicyVersion | null;
  review: { nextReview: string | null; overdue: boolean; daysLeft: number | null };
  drafts: number;
  awaitingActivation: number;
}

export interface PolicyChange {
  table: string;
  kind: 'added' | 'removed' | 'changed';
  item?: string;
  label?: string;
  column?: string;
  before?: string;
  after?: string;
  summary: string;
}

export interface PolicyDiff {
  from: number | null;
  to: number;
  changes: PolicyChange[];
}

export const USER_ACTION_LEVELS = [
  'acceptable',
  'acceptable-at-certain-times',
  'acceptable-for-nominated-users',
  'unacceptable',
  'unacceptable-and-illegal',
] as const;
export type UserActionLevel = (typeof USER_ACTION_LEVELS)[number];

export type GroupKind = 'age-stage' | 'staff' | 'visitor' | 'guest' | 'nominated';

export interface PolicyGroup {
  id: string;
  label: string;
  kind: GroupKind;
  description?: string;
}

export interface PolicyCategory {
  id: string;
  label: string;
  legal: 'illegal' | 'inappropriate' | 'neutral' | 'allow-type';
}

export interface TimeBand {
  id: string;
  label: string;
  days: string[];
  times: string[];
}

export interface UserActionCell {
  level: UserActionLevel;
  bands?: string[];
  nominated?: string[];
  note?: string;
  source?: unknown;
}

export interface UserActionRow {
  id: string;
  activity: string;
  items?: string[];
  categories: string[];
  enforced: boolean;
  levels: Record<string, UserActionCell>;
  note?: string;
}

export interface UserActionSection {
  heading?: string;
  rows: UserActionRow[];
}

export interface CommunicationCell {
  level: string;
  bands?: string[];
  selected?: string[];
  note?: string;
}

export interface CommunicationRow {
  id: string;
  technology: string;
  staff?: CommunicationCell;
  pupils?: CommunicationCell;
  note?: string;
}

export interface DeviceRule {
  class: string;
  label: string;
  allowedInSchool: string;
  networkAccess: string;
  note?: string;
}

export interface SanctionsTable {
  title: string;
  actions: { id: string; label: string }[];
  incidents: { id: string; incident: string; actions: string[]; note?: string }[];
}

export interface PolicyDocument {
  schemaVersion: number;
  metadata: { school: string; title: string; note?: string };
  groups: PolicyGroup[];
  categories: PolicyCategory[];
  timeBands: { timeZone: string; bands: TimeBand[] };
  userActions: { title: string; sections: UserActionSection[] };
  communications?: { title: string; rows: CommunicationRow[] };
  mobileTechnologies?: { title: string; devices: DeviceRule[] };
  sanctions?: { pupils?: SanctionsTable; staff?: SanctionsTable };
}

/** Groups that are columns of the User Actions matrix: every kind but `nominated`. */
export function columnGroups(document: PolicyDocument): PolicyGroup[] {
  return document.groups.filter((g) => g.kind !== 'nominated');
}

export function nominatedGroups(document: PolicyDocument): PolicyGroup[] {
  return document.groups.filter((g) => g.kind === 'nominated');
}
