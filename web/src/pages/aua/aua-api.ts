/** What the AUA API answers (see src/api/routes/aua-routes.ts). */
export interface AuaVersion {
  id: string;
  audience: string;
  audienceLabel: string;
  number: number;
  title: string;
  body: string;
  effectiveFrom: string;
  changeNote: string;
  publishedAt: string;
  inForce: boolean;
}

export interface MyAgreements {
  agreements: { version: AuaVersion; signedAt: string | null }[];
  waiting: number;
}

export interface CompletionRow {
  audience: string;
  label: string;
  version: { id: string; number: number; title: string; effectiveFrom: string } | null;
  signed: number;
  due: number;
  percent: number | null;
}

export interface Completion {
  byAudience: CompletionRow[];
  byGroup: { slug: string; name: string; signed: number; due: number; percent: number | null }[];
  outstanding: { userId: string; name: string; audience: string; hasEmail: boolean }[];
}

export interface AuaSettings {
  safeListEnabled: boolean;
  safeHosts: string[];
  appHost: string | null;
  updatedAt: string | null;
  canManage: boolean;
  maxHosts: number;
}

export const audienceOptions: readonly { value: string; label: string }[] = [
  { value: 'pupil-younger', label: 'Pupils (EYFS, KS1, KS2)' },
  { value: 'pupil-older', label: 'Pupils (KS3 and above)' },
  { value: 'staff', label: 'Staff and governors' },
  { value: 'parent', label: 'Parents and carers' },
  { value: 'visitor', label: 'Visitors' },
];
