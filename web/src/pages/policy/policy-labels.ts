import type { UserActionLevel, VersionStatus } from './types.ts';

/** The five levels in the policy's own words (the legend) and as shown in a grid cell. */
export const LEVELS: Readonly<
  Record<UserActionLevel, { label: string; short: string; className: string }>
> = {
  acceptable: { label: 'Acceptable', short: 'Acceptable', className: 'level-ok' },
  'acceptable-at-certain-times': {
    label: 'Acceptable at certain times',
    short: 'At certain times',
    className: 'level-times',
  },
  'acceptable-for-nominated-users': {
    label: 'Acceptable for nominated users',
    short: 'Nominated users',
    className: 'level-nominated',
  },
  unacceptable: { label: 'Unacceptable', short: 'Unacceptable', className: 'level-no' },
  'unacceptable-and-illegal': {
    label: 'Unacceptable and illegal',
    short: 'Illegal',
    className: 'level-illegal',
  },
};

export function levelLabel(level: string | null | undefined): string {
  if (!level) return '—';
  return level in LEVELS ? LEVELS[level as UserActionLevel].label : level;
}

export const STATUS_LABELS: Readonly<Record<VersionStatus, string>> = {
  draft: 'Draft',
  approved: 'Approved, not yet active',
  active: 'Active',
  superseded: 'Superseded',
  withdrawn: 'Withdrawn',
};

export const TABLE_LABELS: Readonly<Record<string, string>> = {
  metadata: 'Document',
  groups: 'Groups',
  categories: 'Filter categories',
  'time-bands': 'Time bands',
  filtering: 'Filtering settings',
  'user-actions': 'User actions',
  communications: 'Communication technologies',
  'mobile-technologies': 'Mobile technologies',
  'pupil-sanctions': 'Pupil sanctions',
  'staff-sanctions': 'Staff sanctions',
};

export const COMMUNICATION_LABELS: Readonly<Record<string, string>> = {
  allowed: 'Allowed',
  'allowed-at-certain-times': 'Allowed at certain times',
  'allowed-for-selected-staff': 'Allowed for selected staff',
  'allowed-with-staff-permission': 'Allowed with staff permission',
  'not-allowed': 'Not allowed',
};

export const ALLOWED_IN_SCHOOL_LABELS: Readonly<Record<string, string>> = {
  allowed: 'Yes',
  'with-permission': 'With permission',
  'not-allowed': 'No',
};

export const NETWORK_ACCESS_LABELS: Readonly<Record<string, string>> = {
  full: 'Full network access',
  'internet-only': 'Internet only',
  none: 'No network access',
};

export const WEEKDAY_LABELS: Readonly<Record<string, string>> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** The published tables of a version, as a web page and as a PDF. */
export function documentLinks(versionId: string): { html: string; pdf: string } {
  const base = `/api/policy/versions/${encodeURIComponent(versionId)}`;
  return { html: `${base}/document.html`, pdf: `${base}/document.pdf` };
}
