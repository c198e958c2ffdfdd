/** What the activity API answers (see src/api/routes/activity-routes.ts). */

export type Decision = 'allow' | 'block' | 'allow-with-alert';

export interface ActivityEvent {
  id: string;
  at: string;
  source: string;
  userId: string | null;
  username: string | null;
  displayName: string | null;
  group: string | null;
  deviceClass: string | null;
  clientIp: string;
  method: string;
  host: string;
  url: string | null;
  action: Decision;
  category: string | null;
  ruleId: string;
  status: number | null;
  searchTerms: string | null;
  /** The page's title (null for technicians, as search terms). */
  title: string | null;
  /** Page content scoring (HTTPS inspection): never the page itself. */
  riskScore: number | null;
  riskCategories: string[];
  riskPhrases: string[];
}

export interface ActivityPage {
  events: ActivityEvent[];
  nextCursor: string | null;
  from: string;
  to: string;
}

export interface ActivitySummary {
  fromDay: string;
  toDay: string;
  totals: { allow: number; block: number; allowWithAlert: number };
  blocksByCategory: { category: string | null; events: number }[];
  topCategories: { category: string | null; events: number }[];
  blocksByDay: { day: string; events: number }[];
}

export interface BlockedHosts {
  hosts: { host: string; events: number }[];
}

export interface Retention {
  activityDays: number;
  searchTermsDays: number;
  /** Days resolved (dismissed or acknowledged) alerts are kept. */
  alertsDays: number;
  custom: boolean;
}

export interface LegalHold {
  id: string;
  userId: string;
  username: string | null;
  displayName: string | null;
  reason: string;
  placedAt: string;
  liftedAt: string | null;
  liftReason: string | null;
}

/** The search filters, as they appear in the page's address (`/activity?user=…`). */
export interface ActivityFilters {
  user: string;
  group: string;
  deviceClass: string;
  clientIp: string;
  host: string;
  category: string;
  action: '' | Decision;
  /** `YYYY-MM-DD` days (the browser's local days), inclusive. */
  fromDay: string;
  toDay: string;
}

export const emptyFilters: ActivityFilters = {
  user: '',
  group: '',
  deviceClass: '',
  clientIp: '',
  host: '',
  category: '',
  action: '',
  fromDay: '',
  toDay: '',
};

const filterKeys = Object.keys(emptyFilters) as (keyof ActivityFilters)[];

function isDecision(value: string): value is Decision {
  return value === 'allow' || value === 'block' || value === 'allow-with-alert';
}

export function filtersFromSearch(search: string): ActivityFilters {
  const params = new URLSearchParams(search);
  const filters = { ...emptyFilters };
  for (const key of filterKeys) {
    const value = params.get(key)?.trim() ?? '';
    if (key === 'action') filters.action = isDecision(value) ? value : '';
    else filters[key] = value;
  }
  return filters;
}

/** The page's own address for these filters (only the ones set). */
export function filtersToSearch(filters: ActivityFilters): string {
  const params = new URLSearchParams();
  for (const key of filterKeys) if (filters[key] !== '') params.set(key, filters[key]);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The API's query for these filters: days become instants (local midnight). */
export function filtersToApiQuery(filters: ActivityFilters): URLSearchParams {
  const params = new URLSearchParams();
  const { fromDay, toDay, ...rest } = filters;
  for (const [key, value] of Object.entries(rest)) if (value !== '') params.set(key, value);
  if (fromDay !== '') params.set('from', new Date(`${fromDay}T00:00:00`).toISOString());
  if (toDay !== '') {
    const end = new Date(`${toDay}T00:00:00`);
    end.setDate(end.getDate() + 1);
    params.set('to', end.toISOString());
  }
  return params;
}

export const decisionLabels: Record<Decision, string> = {
  allow: 'Allowed',
  block: 'Blocked',
  'allow-with-alert': 'Allowed with alert',
};

export type SourceKind = 'extension' | 'ingest' | 'squid-log';

export const sourceKindLabels: Record<SourceKind, string> = {
  extension: 'Browser extension (e.g. on Chromebooks)',
  ingest: 'Another monitoring system (JSON lines)',
  'squid-log': 'Squid access log',
};

export interface IngestToken {
  id: string;
  name: string;
  sourceKind: SourceKind;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
