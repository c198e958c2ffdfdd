/** What the exemptions and change-requests API answer (see src/api/routes/exemption-routes.ts). */
export type ExemptionState =
  | 'requested'
  | 'declined'
  | 'withdrawn'
  | 'revoked'
  | 'scheduled'
  | 'active'
  | 'expired'
  | 'lapsed';

export interface Exemption {
  id: string;
  targetKind: 'host' | 'url' | 'category';
  target: string;
  groups: string[];
  startsAt: string;
  endsAt: string;
  reason: string;
  status: string;
  state: ExemptionState;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
  revokeNote: string | null;
  mine: boolean;
  canDecide: boolean;
  canRevoke: boolean;
}

export interface ExemptionOptions {
  groups: { id: string; label: string }[];
  categories: { id: string; label: string }[];
  lessons: { label: string; startsAt: string; endsAt: string; current: boolean }[];
  timeZone: string;
  now: string;
}

export const stateLabels: Readonly<Record<ExemptionState, string>> = {
  requested: 'Waiting for a decision',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  revoked: 'Revoked early',
  scheduled: 'Approved, starts later',
  active: 'Active now',
  expired: 'Ended',
  lapsed: 'Not decided in time',
};

export type ChangeStatus =
  'draft' | 'requested' | 'approved' | 'declined' | 'applied' | 'failed' | 'withdrawn';

export interface ChangeRequest {
  id: string;
  kind: 'local-entry.add' | 'local-entry.remove' | 'matrix';
  change: Record<string, unknown>;
  summary: string;
  reason: string;
  status: ChangeStatus;
  source: 'staff' | 'block-page';
  requestedBy: string;
  createdAt: string;
  requestedAt: string | null;
  effectiveAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  appliedAt: string | null;
  outcome: string | null;
  mine: boolean;
  canDecide: boolean;
  canTakeUp: boolean;
}

export interface ChangeOptions {
  groups: { id: string; label: string }[];
  categories: { id: string; label: string }[];
  rows: { id: string; activity: string; levels: Record<string, string> }[];
  localEntries: { id: string; action: 'allow' | 'block'; target: string }[];
  levels: string[];
}

export const changeStatusLabels: Readonly<Record<ChangeStatus, string>> = {
  draft: 'Asked from the block page',
  requested: 'Waiting for approval',
  approved: 'Approved, waiting for its date',
  declined: 'Declined',
  applied: 'Applied',
  failed: 'Could not be applied',
  withdrawn: 'Withdrawn',
};

export const levelLabels: Readonly<Record<string, string>> = {
  acceptable: 'Acceptable',
  'acceptable-at-certain-times': 'Acceptable at certain times',
  'acceptable-for-nominated-users': 'Acceptable for nominated users',
  unacceptable: 'Unacceptable',
  'unacceptable-and-illegal': 'Unacceptable and illegal',
};

/** A `datetime-local` value (browser time) for an ISO instant. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The ISO instant of a `datetime-local` value (browser time). */
export function fromLocalInput(value: string): string {
  return new Date(value).toISOString();
}
