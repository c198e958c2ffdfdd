import type { Kysely } from 'kysely';
import { can } from '../access/abilities.ts';
import { systemActor, type Actor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { findAlertById, updateAlertStatus } from '../store/alert-repository.ts';
import type { Alert, BlockPageRequest, ConcernAbout, Database, Incident } from '../store/schema.ts';
import { findUserById } from '../store/user-repository.ts';
import { personKindOf, reportIncident, reporterKindOf } from './incident-actions.ts';

/**
 * The reporting routes (INC-1): a concern reported in the app, a worry sent from the block page,
 * an alert the DSL escalates. Each becomes an incident for the DSL to triage. An anonymous report
 * keeps nothing that identifies the reporter: no user id, no address, no device, and its audit
 * entry names no actor.
 */

export interface AppReport {
  summary: string;
  concernAbout: ConcernAbout;
  anonymous: boolean;
  /** A pupil the reporter names, e.g. the one being hurt (optional). */
  aboutUserId?: string | undefined;
}

/** Who may report anonymously: pupils and parents (staff report in their own name). */
export function mayReportAnonymously(actor: Actor): boolean {
  return actor.roles.includes('pupil') || actor.roles.includes('parent');
}

export async function reportConcern(
  db: Kysely<Database>,
  actor: Actor,
  report: AppReport,
  now: Date,
): Promise<Incident> {
  if (actor.schoolId === null) {
    throw new HavenError('HAVEN_FORBIDDEN', 'Concerns are reported to a school: you have none.');
  }
  if (report.anonymous && !mayReportAnonymously(actor)) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      'Staff report concerns in their own name (the school’s whistleblowing procedure covers the rest).',
      { errors: [{ path: 'body.anonymous', message: 'must be false for staff' }] },
    );
  }
  const schoolId = actor.schoolId;
  const about = report.aboutUserId ? await findUserById(db, report.aboutUserId) : undefined;
  if (report.aboutUserId && (!about || about.school_id !== schoolId)) {
    throw new HavenError('HAVEN_VALIDATION', 'There is no such person in your school.', {
      errors: [{ path: 'body.aboutUserId', message: 'choose a person of your school' }],
    });
  }
  return db.transaction().execute((trx) =>
    reportIncident(
      trx,
      // An anonymous report's audit entry does not say who made it.
      report.anonymous ? systemActor('anonymous-report') : actor,
      {
        schoolId,
        source: 'app',
        reporterKind: reporterKindOf(actor.roles),
        reporter: report.anonymous
          ? null
          : { userId: actor.userId, name: actor.displayName, kind: personKindOf(actor.roles) },
        summary: report.summary,
        concernAbout: report.concernAbout,
        people: about
          ? [
              {
                userId: about.id,
                name: about.display_name,
                kind: personKindOf(about.roles),
                role: report.concernAbout === 'pupils' ? 'victim' : 'instigator',
              },
            ]
          : [],
      },
      now,
    ),
  );
}

/**
 * A worry from the block page becomes an incident (inside the transaction that stores the worry).
 * The block page request keeps what it kept before; the incident links to it.
 */
export async function reportWorry(
  trx: Kysely<Database>,
  worry: BlockPageRequest,
  reporter: { id: string; displayName: string; roles: readonly string[] } | null,
  now: Date,
): Promise<Incident> {
  const words = worry.message?.trim() ?? '';
  return reportIncident(
    trx,
    systemActor('block-page'),
    {
      schoolId: worry.school_id,
      source: 'block-page',
      reporterKind: reporter ? reporterKindOf(reporter.roles) : 'anonymous',
      reporter: reporter
        ? { userId: reporter.id, name: reporter.displayName, kind: personKindOf(reporter.roles) }
        : null,
      summary:
        words === ''
          ? `A worry was sent from the block page for ${worry.host} without a message.`
          : words,
      host: worry.host,
      blockPageRequestId: worry.id,
    },
    now,
  );
}

const categoryOfAlert: Readonly<Record<string, string>> = {
  'child-abuse': 'csam',
  terrorism: 'terrorism-extremism',
  extremism: 'terrorism-extremism',
  radicalisation: 'terrorism-extremism',
  grooming: 'cse-grooming',
};

/**
 * "Escalate to incident" on an alert: the alert's outcome is recorded and the incident created,
 * linked to the alert and to the pupil it was about, in one transaction.
 */
export async function escalateAlertToIncident(
  db: Kysely<Database>,
  actor: Actor,
  alertId: string,
  note: string | undefined,
  now: Date,
): Promise<{ alert: Alert; incident: Incident }> {
  const found = await findAlertById(db, alertId);
  if (!found) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
  if (!can(actor, 'alerts.triage', { schoolId: found.school_id })) {
    throw new HavenError('HAVEN_FORBIDDEN', 'This alert belongs to another school.');
  }
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', alertId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
    if (current.status !== 'new' && current.status !== 'acknowledged') {
      throw new HavenError(
        'HAVEN_CONFLICT',
        `This alert is already ${current.status}: it cannot be escalated now.`,
      );
    }
    const alert = await updateAlertStatus(trx, alertId, {
      status: 'escalated-to-incident',
      by: actor.userId,
      at: now,
    });
    const pupil = current.user_id ? await findUserById(trx, current.user_id) : undefined;
    const pupilRole =
      current.kind === 'circumvention' || current.kind === 'illegal' ? 'instigator' : 'victim';
    const incident = await reportIncident(
      trx,
      actor,
      {
        schoolId: current.school_id,
        source: 'alert',
        reporterKind: reporterKindOf(actor.roles),
        reporter: { userId: actor.userId, name: actor.displayName, kind: 'staff' },
        summary: note ? `${current.summary}\n\n${note}` : current.summary,
        host: current.host,
        alertId,
        category: categoryOfAlert[current.category] ?? null,
        people: pupil
          ? [
              {
                userId: pupil.id,
                name: pupil.display_name,
                kind: personKindOf(pupil.roles),
                role: pupilRole,
              },
            ]
          : [],
      },
      now,
    );
    await audit(
      trx,
      actor,
      {
        action: 'alert.escalate',
        subjectType: 'alert',
        subjectId: alertId,
        schoolId: current.school_id,
        detail: {
          from: current.status,
          to: alert.status,
          note: note ?? null,
          incident: incident.id,
        },
      },
      now,
    );
    return { alert, incident };
  });
}
