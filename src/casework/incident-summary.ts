import type { Kysely } from 'kysely';
import { listIncidents } from '../store/incident-repository.ts';
import type { Database } from '../store/schema.ts';
import { loadRecords, factsOf } from './incident-records.ts';
import { categoryOf, fourCLabels, outcomeOf, type FourC } from './incident-workflow.ts';

export interface LabelCount {
  label: string;
  count: number;
}

export interface IncidentSummary {
  total: number;
  byCategory: LabelCount[];
  byFourCs: LabelCount[];
  byOutcome: LabelCount[];
}

function counted(values: readonly string[]): LabelCount[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/**
 * Anonymised incident counts for governors (GOV-2): how many incidents were reported in the
 * period (`from` inclusive, `to` exclusive), by category, by the 4Cs and by outcome. No names,
 * no ids, no free text: labels and counts only. Concerns about staff are counted like the rest.
 * The governors' report decides whether a count is small enough to identify a pupil.
 */
export async function summariseIncidents(
  db: Kysely<Database>,
  schoolId: string,
  period: { from: Date; to: Date },
): Promise<IncidentSummary> {
  const incidents = await listIncidents(db, {
    schoolId,
    from: period.from,
    to: period.to,
    limit: 100_000,
  });
  const records = await loadRecords(db, incidents);
  return {
    total: incidents.length,
    byCategory: counted(
      incidents.map((i) => categoryOf(i.category)?.label ?? 'Not yet classified'),
    ),
    byFourCs: counted(incidents.flatMap((i) => i.four_cs.map((c) => fourCLabels[c as FourC] ?? c))),
    byOutcome: counted(records.map((r) => outcomeOf(factsOf(r)))),
  };
}
