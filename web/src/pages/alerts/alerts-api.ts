/** The alerts as the API shows them (`GET /api/alerts`). */
export type AlertSeverity = 'critical' | 'high' | 'medium' | 'low';
export type AlertStatus = 'new' | 'acknowledged' | 'dismissed' | 'escalated-to-incident';

export interface AlertView {
  id: string;
  kind: 'phrases' | 'flagged' | 'illegal' | 'circumvention';
  category: string;
  severity: AlertSeverity;
  status: AlertStatus;
  score: number;
  summary: string;
  pupil: { id: string | null; username: string | null; name: string | null };
  group: string | null;
  clientIp: string;
  deviceClass: string | null;
  host: string | null;
  matchedPhrases: string[];
  repeats: number;
  guidance: string | null;
  isolateDevice: boolean;
  createdAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  dismissedAt: string | null;
  dismissedReason: string | null;
  escalatedAt: string | null;
  escalationLevel: number;
  lastEscalatedAt: string | null;
  notifiedAt: string | null;
}

export interface AlertSummary {
  openCritical: number;
  latestId: string | null;
  latestSeenAt: string | null;
}

export const severityLabels: Readonly<Record<AlertSeverity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const statusLabels: Readonly<Record<AlertStatus, string>> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  dismissed: 'Dismissed',
  'escalated-to-incident': 'Escalated to an incident',
};

/** The standard groups in the school's words (other groups show their own name). */
export const groupLabels: Readonly<Record<string, string>> = {
  eyfs: 'Early Years (EYFS)',
  ks1: 'Key Stage 1',
  ks2: 'Key Stage 2',
  ks3: 'Key Stage 3',
  ks4: 'Key Stage 4',
  'sixth-form': 'Sixth form',
  staff: 'Staff',
  visitors: 'Visitors',
  guests: 'Guests (unidentified devices)',
};

/** The risk categories of the phrase lists and the filter categories alerts name most. */
export const categoryLabels: Readonly<Record<string, string>> = {
  'self-harm': 'Self-harm and suicide',
  radicalisation: 'Radicalisation and extremism',
  grooming: 'Grooming and sexual exploitation',
  bullying: 'Bullying',
  'sexual-content': 'Sexual content',
  'violence-weapons': 'Violence and weapons',
  drugs: 'Drugs',
  gambling: 'Gambling',
  'child-abuse': 'Child sexual abuse content (illegal)',
  terrorism: 'Terrorist content (illegal)',
  circumvention: 'Proxies, VPNs and filter avoidance',
};
