import type { Kysely } from 'kysely';
import { actorRef, systemActor, type AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import {
  insertExemption,
  listEndedUnlogged,
  markEndLogged,
  updateExemption,
} from '../store/exemption-repository.ts';
import { recordFilterChange } from '../store/filter-change-repository.ts';
import { findSchoolById } from '../store/school-repository.ts';
import type { Database, ExemptionRow } from '../store/schema.ts';
import {
  checkExemptionAsk,
  describeExemption,
  exemptionState,
  formatPeriod,
  mayDecide,
  type ExemptionAsk,
  type ExemptionContext,
} from './exemption-rules.ts';

/**
 * Temporary exemptions (FIL-6), the workflow: a member of staff asks, the DSL or the online
 * safety lead approves or declines, it is in force for its period and ends by itself; it can be
 * revoked early. Every step is one transaction with its audit entry and its line in the filter
 * change log — the change log's NOTIFY makes every filter node rebuild its snapshot at once.
 */
export interface WorkflowDeps {
  readonly actor: AuditActor;
  readonly now: Date;
}

const who = (actor: AuditActor) => actorRef(actor, { by: 'name' });

function window(row: ExemptionRow): { startsAt: string; endsAt: string } {
  return {
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ends_at).toISOString(),
  };
}

/** The exemption's period in the school's local time, for the change log. */
async function period(db: Kysely<Database>, row: ExemptionRow): Promise<string> {
  const school = await findSchoolById(db, row.school_id);
  return formatPeriod(
    new Date(row.starts_at),
    new Date(row.ends_at),
    school?.time_zone ?? 'Europe/London',
  );
}

export async function requestExemption(
  db: Kysely<Database>,
  schoolId: string,
  ask: ExemptionAsk,
  context: ExemptionContext,
  deps: WorkflowDeps,
): Promise<ExemptionRow> {
  const checked = checkExemptionAsk(ask, context);
  const by = who(deps.actor);
  return db.transaction().execute(async (trx) => {
    const row = await insertExemption(trx, {
      schoolId,
      ...checked,
      requestedBy: by.id,
      requestedByLabel: by.label,
      now: deps.now,
    });
    await recordFilterChange(
      trx,
      {
        schoolId,
        actorId: by.id,
        actorLabel: by.label,
        kind: 'exemption.requested',
        summary: `Asked to unblock ${describeExemption(row)}, ${await period(trx, row)}: ${row.reason}`,
        detail: { id: row.id, target: row.target, groups: row.groups, ...window(row) },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: 'exemption.requested',
        subjectType: 'exemption',
        subjectId: row.id,
        schoolId,
        detail: {
          targetKind: row.target_kind,
          target: row.target,
          groups: row.groups,
          ...window(row),
          reason: row.reason,
        },
      },
      deps.now,
    );
    return row;
  });
}

export async function decideExemption(
  db: Kysely<Database>,
  row: ExemptionRow,
  decision: { approve: boolean; note: string },
  context: ExemptionContext | null,
  deps: WorkflowDeps,
): Promise<ExemptionRow> {
  const by = who(deps.actor);
  if (!mayDecide(row, by.id)) {
    throw new HavenError(
      'HAVEN_FORBIDDEN',
      'You asked for this exemption, so someone else must decide it: the DSL or the online safety lead.',
    );
  }
  const state = exemptionState(row, deps.now);
  if (state === 'lapsed') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      'The period of this request is already over: ask again for a new period.',
    );
  }
  if (state !== 'requested') {
    throw new HavenError('HAVEN_CONFLICT', `This exemption has already been ${row.status}.`);
  }
  const note = decision.note.trim();
  if (!decision.approve && note.length < 3) {
    throw new HavenError('HAVEN_VALIDATION', 'Say why the exemption is declined.', {
      errors: [{ path: 'note', message: 'the requester reads this note' }],
    });
  }
  // What could be asked for yesterday may be on an illegal list today: check again.
  if (decision.approve && context !== null) {
    checkExemptionAsk(
      {
        target:
          row.target_kind === 'category'
            ? { kind: 'category', category: row.target }
            : { kind: 'site', site: row.target },
        groups: row.groups,
        startsAt: new Date(row.starts_at),
        endsAt: new Date(row.ends_at),
        reason: row.reason,
      },
      context,
    );
  }
  return db.transaction().execute(async (trx) => {
    const updated = await updateExemption(trx, row.id, 'requested', {
      status: decision.approve ? 'approved' : 'declined',
      decided_by: by.id,
      decided_by_label: by.label,
      decided_at: deps.now,
      decision_note: note === '' ? null : note,
    });
    if (!updated)
      throw new HavenError('HAVEN_CONFLICT', 'Someone else decided this exemption first.');
    const { startsAt, endsAt } = window(updated);
    await recordFilterChange(
      trx,
      {
        schoolId: row.school_id,
        actorId: by.id,
        actorLabel: by.label,
        kind: decision.approve ? 'exemption.approved' : 'exemption.declined',
        summary: decision.approve
          ? `Approved: ${describeExemption(updated)} unblocked ${await period(trx, updated)} (asked by ${updated.requested_by_label})${note ? `: ${note}` : ''}`
          : `Declined unblocking ${describeExemption(updated)} (asked by ${updated.requested_by_label}): ${note}`,
        detail: { id: row.id, target: row.target, groups: row.groups, startsAt, endsAt },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: decision.approve ? 'exemption.approved' : 'exemption.declined',
        subjectType: 'exemption',
        subjectId: row.id,
        schoolId: row.school_id,
        detail: { note: updated.decision_note, target: row.target, groups: row.groups },
      },
      deps.now,
    );
    return updated;
  });
}

/** End an approved exemption before its time (it may not have started yet). */
export async function revokeExemption(
  db: Kysely<Database>,
  row: ExemptionRow,
  note: string,
  deps: WorkflowDeps,
): Promise<ExemptionRow> {
  const state = exemptionState(row, deps.now);
  if (state !== 'active' && state !== 'scheduled') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      state === 'expired'
        ? 'This exemption has already ended.'
        : `Only an approved exemption can be revoked; this one is ${state}.`,
    );
  }
  const text = note.trim();
  if (text.length < 3) {
    throw new HavenError('HAVEN_VALIDATION', 'Say why the exemption is revoked early.', {
      errors: [{ path: 'note', message: 'required' }],
    });
  }
  const by = who(deps.actor);
  return db.transaction().execute(async (trx) => {
    const updated = await updateExemption(trx, row.id, 'approved', {
      status: 'revoked',
      revoked_by: by.id,
      revoked_by_label: by.label,
      revoked_at: deps.now,
      revoke_note: text,
      end_logged_at: deps.now,
    });
    if (!updated) throw new HavenError('HAVEN_CONFLICT', 'This exemption changed meanwhile.');
    await recordFilterChange(
      trx,
      {
        schoolId: row.school_id,
        actorId: by.id,
        actorLabel: by.label,
        kind: 'exemption.revoked',
        summary: `Revoked early: ${describeExemption(updated)} is filtered again: ${text}`,
        detail: { id: row.id, target: row.target, groups: row.groups },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: 'exemption.revoked',
        subjectType: 'exemption',
        subjectId: row.id,
        schoolId: row.school_id,
        detail: { note: text, state },
      },
      deps.now,
    );
    return updated;
  });
}

/** The requester takes back a request nobody has decided yet. */
export async function withdrawExemption(
  db: Kysely<Database>,
  row: ExemptionRow,
  deps: WorkflowDeps,
): Promise<ExemptionRow> {
  const by = who(deps.actor);
  if (by.id === null || row.requested_by !== by.id) {
    throw new HavenError('HAVEN_FORBIDDEN', 'Only the person who asked can withdraw a request.');
  }
  if (row.status !== 'requested') {
    throw new HavenError('HAVEN_CONFLICT', `This exemption has already been ${row.status}.`);
  }
  return db.transaction().execute(async (trx) => {
    const updated = await updateExemption(trx, row.id, 'requested', { status: 'withdrawn' });
    if (!updated) throw new HavenError('HAVEN_CONFLICT', 'This exemption was decided meanwhile.');
    await recordFilterChange(
      trx,
      {
        schoolId: row.school_id,
        actorId: by.id,
        actorLabel: by.label,
        kind: 'exemption.withdrawn',
        summary: `Withdrew the request to unblock ${describeExemption(updated)}`,
        detail: { id: row.id },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: 'exemption.withdrawn',
        subjectType: 'exemption',
        subjectId: row.id,
        schoolId: row.school_id,
      },
      deps.now,
    );
    return updated;
  });
}

/**
 * Write the end of every approved exemption whose period is over into the change log and the
 * audit log (the filter already stopped letting it through at its end time: the engine decides
 * with the window). The change log's NOTIFY also makes the filter nodes drop it from their
 * snapshots. Returns how many ended.
 */
export async function logEndedExemptions(db: Kysely<Database>, now: Date): Promise<number> {
  const ended = await listEndedUnlogged(db, now, 100);
  const actor = systemActor('exemptions');
  for (const row of ended) {
    await db.transaction().execute(async (trx) => {
      // Only one process writes the end, however many servers run the job.
      if (!(await markEndLogged(trx, row.id, now))) return;
      await recordFilterChange(
        trx,
        {
          schoolId: row.school_id,
          actorId: null,
          actorLabel: 'system:exemptions',
          kind: 'exemption.ended',
          summary: `Ended as planned (${await period(trx, row)}): ${describeExemption(row)} is filtered again`,
          detail: { id: row.id, endsAt: new Date(row.ends_at).toISOString() },
        },
        now,
      );
      await audit(
        trx,
        actor,
        {
          action: 'exemption.ended',
          subjectType: 'exemption',
          subjectId: row.id,
          schoolId: row.school_id,
        },
        now,
      );
    });
  }
  return ended.length;
}
