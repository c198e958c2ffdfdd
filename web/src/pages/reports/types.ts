/** What the governance report routes answer (see src/api/routes/governance-report-routes.ts). */

export interface ShownValue {
  value: number | null;
  text: string;
  suppressed: 'small' | 'derived' | null;
}

export interface GovernorReport {
  id: string | null;
  schoolName: string;
  period: { key: string; label: string; fromDay: string; toDay: string; timeZone: string };
  collectedAt: string;
  signOff: { name: string; role: string; signedAt: string; comment: string | null } | null;
}

export interface GovernorReportAnswer {
  report: GovernorReport;
  bodyHtml: string;
  terms: { key: string; label: string }[];
  signed: {
    id: string;
    periodKey: string;
    periodLabel: string;
    signedByName: string;
    signedRole: string;
    signedAt: string;
  }[];
  canSign: boolean;
}

export type Slot = 'slt' | 'dsl' | 'it-provider' | 'governor';

export interface EvidenceBlock {
  id: string;
  standard: string;
  title: string;
  source: string;
  facts: { label: string; value: string; warning?: boolean }[];
  tables: { id: string; caption: string; columns: string[]; rows: string[][]; empty: string }[];
}

export interface Review {
  id: string;
  title: string;
  status: 'open' | 'complete';
  startedAt: string;
  completedAt: string | null;
  nextReview: string;
  notes: Record<string, string>;
  signoffs: {
    slot: Slot;
    name: string;
    roleTitle: string;
    signedAt: string;
    comment: string | null;
  }[];
  evidence: EvidenceBlock[];
  evidenceCollectedAt: string;
}

export interface ReviewsAnswer {
  standards: { id: string; number: number; title: string }[];
  slots: { slot: Slot; label: string; roles: string[] }[];
  reviews: {
    id: string;
    title: string;
    status: 'open' | 'complete';
    startedAt: string;
    completedAt: string | null;
    nextReview: string;
  }[];
}

export interface CalendarAnswer {
  groups: {
    id: string;
    label: string;
    items: { kind: string; title: string; due: string; href: string; overdue: boolean }[];
  }[];
  timeZone: string;
}
