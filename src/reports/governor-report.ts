import type { Kysely } from 'kysely';
import type { Actor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import {
  findSignedReport,
  findSignedReportById,
  insertSignedReport,
  listSignedReports,
} from '../store/governor-report-repository.ts';
import { findSchoolById } from '../store/school-repository.ts';
import type { Database, GovernorReportRow, School } from '../store/schema.ts';
import { anonymiseSection } from './anonymise.ts';
import { roleLabel } from './governor-report-labels.ts';
import { governorReportSections } from './governor-report-sections.ts';
import {
  currentTerm,
  parsePeriodKey,
  PeriodError,
  shiftTerm,
  termOfDay,
  termPeriod,
  localDayOf,
} from './governor-report-terms.ts';
import type { GovernorReport, ReportPeriod, SectionProvider } from './governor-report-types.ts';

/**
 * The termly governor report (GOV-2): collected from the section providers for a period,
 * anonymised, shown live until the online safety governor signs it off, then kept as the signed
 * snapshot (the collected figures, not live queries) for good.
 */

/** What the signed snapshot stores: the report as it was signed, without the sign-off itself. */
interface SignedReportData {
  readonly version: 1;
  readonly report: Omit<GovernorReport, 'signOff' | 'id'>;
}

async function schoolOrThrow(db: Kysely<Database>, schoolId: string): Promise<School> {
  const school = await findSchoolById(db, schoolId);
  if (!school) throw new HavenError('HAVEN_NOT_FOUND', 'No such school.');
  return school;
}

/** A period from its key in the school's time zone; a bad key is a validation error. */
export function periodFor(key: string, timeZone: string): ReportPeriod {
  try {
    return parsePeriodKey(key, timeZone);
  } catch (error) {
    if (error instanceof PeriodError) {
      throw new HavenError('HAVEN_VALIDATION', error.message, {
        errors: [{ path: 'period', message: error.message }],
      });
    }
    throw error;
  }
}

/** Collect every section for the period and anonymise it: the live report. */
export async function collectGovernorReport(
  db: Kysely<Database>,
  school: Pick<School, 'id' | 'name'>,
  period: ReportPeriod,
  now: Date,
  sections: readonly SectionProvider[] = governorReportSections,
): Promise<GovernorReport> {
  const collected = [];
  // One after another: each provider is a few aggregate queries, and PGlite has one connection.
  for (const provider of sections) {
    collected.push(anonymiseSection(await provider.collect(db, school.id, period)));
  }
  return {
    id: null,
    schoolName: school.name,
    period: {
      key: period.key,
      label: period.label,
      fromDay: period.fromDay,
      toDay: period.toDay,
      timeZone: period.timeZone,
    },
    collectedAt: now.toISOString(),
    sections: collected,
    signOff: null,
  };
}

function fromSnapshot(row: GovernorReportRow): GovernorReport {
  const data = row.data as SignedReportData;
  return {
    ...data.report,
    id: row.id,
    signOff: {
      name: row.signed_by_name,
      role: row.signed_role,
      signedAt: new Date(row.signed_at).toISOString(),
      comment: row.comment,
    },
  };
}

/** The report for a period: the signed snapshot when there is one, else collected now. */
export async function governorReport(
  db: Kysely<Database>,
  schoolId: string,
  periodKey: string,
  now: Date,
  sections: readonly SectionProvider[] = governorReportSections,
): Promise<GovernorReport> {
  const school = await schoolOrThrow(db, schoolId);
  const period = periodFor(periodKey, school.time_zone);
  const signed = await findSignedReport(db, schoolId, period.key);
  if (signed) return fromSnapshot(signed);
  return collectGovernorReport(db, school, period, now, sections);
}

export async function signedGovernorReport(
  db: Kysely<Database>,
  schoolId: string,
  id: string,
): Promise<GovernorReport> {
  const row = await findSignedReportById(db, id);
  if (!row || row.school_id !== schoolId) {
    throw new HavenError('HAVEN_NOT_FOUND', 'There is no such signed report in your school.');
  }
  return fromSnapshot(row);
}

/** The role a governor signs as, in the school's words. */
function signingRole(actor: Actor): string {
  if (actor.roles.includes('chair-of-governors')) return roleLabel('chair-of-governors');
  return 'Online safety governor';
}

/**
 * The online safety governor signs the report off: the figures are collected once more,
 * anonymised and stored with the name, date and comment, in one transaction with its audit
 * entry. A period is signed once; an unstarted period cannot be.
 */
export async function signGovernorReport(
  db: Kysely<Database>,
  actor: Actor,
  input: { schoolId: string; periodKey: string; comment: string | null },
  now: Date,
  sections: readonly SectionProvider[] = governorReportSections,
): Promise<GovernorReport> {
  const school = await schoolOrThrow(db, input.schoolId);
  const period = periodFor(input.periodKey, school.time_zone);
  if (period.from > now) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      `${period.label} has not started yet: there is nothing to sign off.`,
      { errors: [{ path: 'period', message: 'choose a period that has started' }] },
    );
  }
  return db.transaction().execute(async (trx) => {
    if (await findSignedReport(trx, school.id, period.key)) {
      throw new HavenError(
        'HAVEN_CONFLICT',
        `The report for ${period.label} is already signed off; the signed copy is kept as it is.`,
      );
    }
    const report = await collectGovernorReport(trx, school, period, now, sections);
    const { signOff: _signOff, id: _id, ...rest } = report;
    const data: SignedReportData = { version: 1, report: rest };
    const row = await insertSignedReport(trx, {
      schoolId: school.id,
      periodKey: period.key,
      periodLabel: period.label,
      fromDay: period.fromDay,
      toDay: period.toDay,
      data,
      signedBy: actor.userId,
      signedByName: actor.displayName,
      signedRole: signingRole(actor),
      signedAt: now,
      comment: input.comment,
    });
    if (!row) {
      throw new HavenError(
        'HAVEN_CONFLICT',
        `The report for ${period.label} was signed off a moment ago by someone else.`,
      );
    }
    await audit(
      trx,
      actor,
      {
        action: 'governor-report.signed',
        subjectType: 'governor-report',
        subjectId: row.id,
        schoolId: school.id,
        detail: { period: period.key, comment: input.comment !== null },
      },
      now,
    );
    return fromSnapshot(row);
  });
}

export interface SignedReportSummary {
  id: string;
  periodKey: string;
  periodLabel: string;
  signedByName: string;
  signedRole: string;
  signedAt: string;
}

export async function listGovernorReports(
  db: Kysely<Database>,
  schoolId: string,
): Promise<SignedReportSummary[]> {
  const rows = await listSignedReports(db, schoolId);
  return rows.map((r) => ({
    id: r.id,
    periodKey: r.period_key,
    periodLabel: r.period_label,
    signedByName: r.signed_by_name,
    signedRole: r.signed_role,
    signedAt: new Date(r.signed_at).toISOString(),
  }));
}

/** The terms a school may pick: the current one and the five before it, newest first. */
export function recentTerms(
  now: Date,
  timeZone: string,
  count = 6,
): { key: string; label: string }[] {
  const current = termOfDay(localDayOf(now, timeZone));
  const out: { key: string; label: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const t = shiftTerm(current, -i);
    const p = termPeriod(t.term, t.year, timeZone);
    out.push({ key: p.key, label: p.label });
  }
  return out;
}

export { currentTerm };
