/** The filtering API's answers (GET and POST /api/filter/*). */

export interface BandInfo {
  id: string;
  label: string;
  hours: string;
  active: boolean;
  next: { date: string; weekday: string; time: string } | null;
}

export interface Decision {
  action: 'allow' | 'block' | 'allow-with-alert';
  ruleId: string;
  category: string | null;
  categories: string[];
  list: { kind: string; name: string; entry: string } | null;
  confidence: number;
  level: string | null;
  group: string | null;
  band: BandInfo | null;
  reason: string;
  host: string;
  policyVersion: number;
  decidedAt: string;
}

export interface BlockList {
  name: string;
  category: string;
  source: string;
  hostEntries: number;
  urlEntries: number;
  allowEntries: number;
  badLines: number;
  importedAt: string;
  importedBy: string;
  checksum: string;
  licence: string | null;
}

export interface LocalEntry {
  id: string;
  action: 'allow' | 'block';
  target: string;
  groups: string[];
  category: string | null;
  reason: string;
  createdAt: string;
}

export interface FilterChange {
  at: string;
  actor: string;
  kind: string;
  summary: string;
}

export interface Category {
  id: string;
  label: string;
  legal: string;
  description: string;
}
