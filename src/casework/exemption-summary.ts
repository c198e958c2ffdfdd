import type { Kysely } from 'kysely';
import { countChangeRequests } from '../store/change-request-repository.ts';
import { countExemptions, listExemptionsForGroups } from '../store/exemption-repository.ts';
import type { Database } from '../store/schema.ts';

/**
 * What other areas read about exemptions and change requests: anonymised counts for the
 * governors' report (no names: who asked and who approved stay in the app), and the exemptions
 * that applied to a pupil's groups for a chronology.
 */
export interface LabelledCount {
  readonly label: string;
  readonly count: number;
}

export interface CountSummary {
  readonly total: number;
  readonly byStatus: LabelledCount[];
  /** Exemptions: by site or category; change requests: by kind of change. */
  readonly byTarget: LabelledCount[];
}

const EXEMPTION_STATUS: Readonly<Record<string, string>> = {
  requested: 'Awaiting a decision',
  approved: 'Approved',
  declined: 'Declined',
  revoked: 'Revoked early',
  withdrawn: 'Withdrawn by the requester',
};

const CHANGE_STATUS: Readonly<Record<string, string>> = {
  draft: 'Asked from the block page, not yet taken up',
  requested: 'Awaiting approval',
  approved: 'Approved, waiting for its effective date',
  declined: 'Declined',
  applied: 'Applied',
  failed: 'Could not be applied',
  withdrawn: 'Withdrawn',
};

const CHANGE_KIND: Readonly<Record<string, string>> = {
  'local-entry.add': 'Site allowed or blocked',
  'local-entry.remove': 'Local entry removed',
  matrix: 'User actions table (policy draft)',
};

function sum(map: Map<string, number>): LabelledCount[] {
  return [...map.entries()]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** Exemptions requested in [from, to): counts by status and by site or category. */
export async function summariseExemptions(
  db: Kysely<Database>,
  schoolId: string,
  range: { from: Date; to: Date },
): Promise<CountSummary> {
  const rows = await countExemptions(db, schoolId, range);
  const byStatus = new Map<string, number>();
  const byTarget = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    total += r.count;
    add(byStatus, EXEMPTION_STATUS[r.status] ?? r.status, r.count);
    add(byTarget, r.targetKind === 'category' ? `Category: ${r.target}` : r.target, r.count);
  }
  return { total, byStatus: sum(byStatus), byTarget: sum(byTarget) };
}

/** Change requests created in [from, to): counts by status and by kind of change. */
export async function summariseChangeRequests(
  db: Kysely<Database>,
  schoolId: string,
  range: { from: Date; to: Date },
): Promise<CountSummary> {
  const rows = await countChangeRequests(db, schoolId, range);
  const byStatus = new Map<string, number>();
  const byTarget = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    total += r.count;
    add(byStatus, CHANGE_STATUS[r.status] ?? r.status, r.count);
    add(byTarget, CHANGE_KIND[r.kind] ?? r.kind, r.count);
  }
  return { total, byStatus: sum(byStatus), byTarget: sum(byTarget) };
}

export interface ChronologyEntry {
  readonly at: string;
  readonly kind: 'exemption';
  readonly title: string;
  readonly detail: string;
}

/**
 * Approved (or approved then revoked) exemptions for any of these groups whose period overlaps
 * [from, to), for a pupil's chronology: what was unblocked for their class, when and why.
 */
export async function exemptionsForGroups(
  db: Kysely<Database>,
  schoolId: string,
  groupSlugs: readonly string[],
  range: { from: Date; to: Date },
): Promise<ChronologyEntry[]> {
  const rows = await listExemptionsForGroups(db, schoolId, groupSlugs, range);
  return rows.map((row) => {
    const what = row.target_kind === 'category' ? `the category ${row.target}` : row.target;
    const starts = new Date(row.starts_at).toISOString();
    const ends = new Date(row.ends_at).toISOString();
    const revoked =
      row.status === 'revoked' && row.revoked_at
        ? ` Revoked early at ${new Date(row.revoked_at).toISOString()}.`
        : '';
    return {
      at: starts,
      kind: 'exemption',
      title: `Filter exemption: ${what} unblocked for ${row.groups.join(', ')}`,
      detail: `From ${starts} to ${ends}. Reason: ${row.reason}.${revoked}`,
    };
  });
}
