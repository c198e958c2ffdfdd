/** What the incidents API answers (see /api/incidents in docs/openapi). */
export interface NextStep {
  step: string;
  title: string;
  why: string;
  quote: { text: string; source: string };
  illegalRoute: boolean;
}

export interface IncidentPerson {
  id: string;
  userId: string | null;
  name: string;
  kind: 'pupil' | 'staff' | 'other';
  role: 'victim' | 'instigator' | 'witness' | 'reporter';
}

export interface IncidentListItem {
  id: string;
  createdAt: string;
  source: string;
  summary: string;
  concernAbout: 'pupils' | 'staff' | 'head';
  category: string | null;
  categoryLabel: string | null;
  fourCs: string[];
  status: 'open' | 'closed';
  outcome: string;
  next: NextStep;
  people: IncidentPerson[];
}

export interface SanctionSuggestion {
  table: 'pupils' | 'staff';
  policyIncident: string;
  incident: string;
  actions: { id: string; label: string; suggested: boolean }[];
}

export interface IncidentView extends IncidentListItem {
  reporterKind: string;
  reportedBy: { id: string; name: string } | null;
  host: string | null;
  alertId: string | null;
  blockPageRequestId: string | null;
  incidentType: string | null;
  suggestedIncidentType: string | null;
  incidentTypes: { id: string; incident: string; table: 'pupils' | 'staff' }[];
  suspectedIllegal: boolean | null;
  deviceIsolatedAt: string | null;
  deviceDescription: string | null;
  referrals: {
    id: string;
    agency: string;
    reference: string | null;
    note: string | null;
    at: string;
    by: string | null;
  }[];
  investigators: { userId: string; name: string; signedOffAt: string | null }[];
  designatedDevice: string | null;
  urls: string[];
  contentNature: string | null;
  judgement: 'substance' | 'no-substance' | null;
  judgementNote: string | null;
  evidenceAllowed: boolean;
  evidenceRefusal: string | null;
  evidence: {
    id: string;
    fileName: string;
    mediaType: string;
    size: number;
    description: string | null;
    uploadedAt: string;
  }[];
  suggestions: { personId: string; suggestion: SanctionSuggestion | null }[];
  sanctions: {
    id: string;
    personId: string;
    table: 'pupils' | 'staff';
    actionId: string;
    actionLabel: string;
    suggested: boolean;
    note: string | null;
    at: string;
    by: string | null;
  }[];
  actionsTaken: string[];
  feedback: string | null;
  support: string | null;
  learning: { id: string; text: string; status: string }[];
  closedAt: string | null;
  canManage: boolean;
}

export interface IncidentOptions {
  categories: { id: string; label: string; illegalByDefault: boolean }[];
  fourCs: string[];
  actionKinds: string[];
  seniorStaff: { id: string; name: string; roles: string[] }[];
  people: { id: string; name: string; username: string; roles: string[] }[];
}

export const concernAboutLabels: Record<string, string> = {
  pupils: 'A pupil or pupils',
  staff: 'A member of staff',
  head: 'The headteacher',
};

export const roleLabels: Record<string, string> = {
  victim: 'Victim / at risk',
  instigator: 'Instigator',
  witness: 'Witness',
  reporter: 'Reporter',
};

export const fourCLabels: Record<string, string> = {
  content: 'Content',
  contact: 'Contact',
  conduct: 'Conduct',
  commerce: 'Commerce',
};

export const agencyLabels: Record<string, string> = {
  police: 'Police',
  ceop: 'CEOP',
  mash: 'MASH (children’s social care)',
  lado: 'LADO',
  'trust-or-la': 'Trust / Local Authority',
  other: 'Other',
};

export const actionKindLabels: Record<string, string> = {
  'internal-response': 'Internal response',
  discipline: 'Discipline procedures',
  'trust-or-la': 'Local Authority / trust involvement',
  police: 'Police involvement and/or action',
};

export const sourceLabels: Record<string, string> = {
  app: 'Reported in Haven',
  'block-page': 'Worry from the block page',
  alert: 'Escalated alert',
};
