import type { Kysely } from 'kysely';
import { auaAudienceLabels, auaAudiences } from '../filtering/aua-safe-list.ts';
import { listAuaVersions } from '../store/aua-repository.ts';
import type { Database } from '../store/schema.ts';
import { auaCompletion } from './aua.ts';
import { dayOf, daysBetween, trainingNeedsAudit } from './training.ts';

/**
 * Training figures for the governor report (GOV-2) and the dates the governance calendar shows.
 */

/** Per course, over the people whose roles require it: current (incl. due soon), expired, missing. */
export async function summariseTraining(
  db: Kysely<Database>,
  schoolId: string,
  at: Date,
): Promise<{ course: string; current: number; expired: number; missing: number }[]> {
  const audit = await trainingNeedsAudit(db, schoolId, at);
  const rows = new Map<
    string,
    { course: string; current: number; expired: number; missing: number }
  >();
  for (const person of audit) {
    for (const c of person.courses) {
      if (!c.required) continue;
      const row = rows.get(c.courseId) ?? { course: c.course, current: 0, expired: 0, missing: 0 };
      if (c.status.state === 'missing') row.missing += 1;
      else if (c.status.state === 'expired') row.expired += 1;
      else row.current += 1;
      rows.set(c.courseId, row);
    }
  }
  return [...rows.values()];
}

export interface DueDate {
  kind: 'aua' | 'training';
  title: string;
  due: Date;
  href: string;
  overdue: boolean;
}

/** How far ahead training expiries are listed. */
const TRAINING_HORIZON_DAYS = 90;

/**
 * AUA and training dates for the calendar: agreements published for a later date (renewals),
 * agreements in force that people have still to sign (overdue since they took effect), and
 * training that has run out or runs out within 90 days.
 */
export async function auaAndTrainingDueDates(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
): Promise<DueDate[]> {
  const [versions, completion, audit] = await Promise.all([
    listAuaVersions(db, schoolId),
    auaCompletion(db, schoolId, now),
    trainingNeedsAudit(db, schoolId, now),
  ]);
  const out: DueDate[] = [];
  for (const audience of auaAudiences) {
    const label = auaAudienceLabels[audience];
    for (const v of versions) {
      if (v.audience !== audience) continue;
      const from = new Date(v.effective_from);
      if (from.getTime() > now.getTime()) {
        out.push({
          kind: 'aua',
          title: `${label}: acceptable use agreement version ${v.number} takes effect (to be signed)`,
          due: from,
          href: '/aua',
          overdue: false,
        });
      }
    }
    const row = completion.byAudience.find((r) => r.audience === audience);
    if (row?.version && row.signed < row.due) {
      out.push({
        kind: 'aua',
        title: `${label}: ${row.due - row.signed} of ${row.due} have not signed version ${row.version.number}`,
        due: row.version.effectiveFrom,
        href: '/aua',
        overdue: true,
      });
    }
  }
  const today = dayOf(now);
  for (const person of audit) {
    for (const c of person.courses) {
      const expires = c.status.expiresOn;
      if (!c.required || expires === null) continue;
      if (daysBetween(today, expires) > TRAINING_HORIZON_DAYS) continue;
      out.push({
        kind: 'training',
        title: `${c.course}: ${person.name}'s training ${expires <= today ? 'ran out' : 'runs out'}`,
        due: new Date(`${expires}T00:00:00Z`),
        href: '/training',
        overdue: expires <= today,
      });
    }
  }
  return out.sort((a, b) => a.due.getTime() - b.due.getTime());
}
