import type { Kysely } from 'kysely';
import { actorRef, systemActor, type AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { checkedDocument, documentOf } from '../filtering/policy-versions.ts';
import { userActionRows, type Policy } from '../policy/document/policy-schema.ts';
import {
  insertChangeRequest,
  listDueChangeRequests,
  updateChangeRequest,
} from '../store/change-request-repository.ts';
import { recordFilterChange } from '../store/filter-change-repository.ts';
import {
  findLocalEntry,
  insertLocalEntry,
  removeLocalEntry,
} from '../store/local-entry-repository.ts';
import {
  findActivePolicyVersion,
  insertPolicyVersion,
  nextPolicyNumber,
} from '../store/policy-version-repository.ts';
import type { BlockPageRequest, ChangeRequestRow, Database } from '../store/schema.ts';
import {
  checkChange,
  isDue,
  mayApprove,
  type ChangeContext,
  type ChangeSpec,
} from './change-request-rules.ts';

/**
 * Filter change control (FIL-7), the workflow: a permanent change to the local lists or the user
 * actions matrix is asked for with a reason and an effective time, approved (or declined) by the
 * online safety lead, the DSL or the head — never by the person who asked — and applied by the
 * server's background job at its effective time. A matrix change becomes a draft policy version,
 * since the governors approve the policy. A review asked for from the block page arrives as a
 * draft that a member of staff takes up.
 */
export interface WorkflowDeps {
  readonly actor: AuditActor;
  readonly now: Date;
}

const who = (actor: AuditActor) => actorRef(actor, { by: 'name' });

function checkReason(reason: string): string {
  const text = reason.trim();
  if (text.length < 3) {
    throw new HavenError('HAVEN_VALIDATION', 'Say why: every filter change needs a reason.', {
      errors: [{ path: 'reason', message: 'required' }],
    });
  }
  return text;
}

export interface ChangeAsk {
  readonly spec: ChangeSpec;
  readonly reason: string;
  /** When to apply it once approved; null = as soon as it is approved. */
  readonly effectiveAt: Date | null;
}

export async function requestChange(
  db: Kysely<Database>,
  schoolId: string,
  ask: ChangeAsk,
  context: ChangeContext,
  deps: WorkflowDeps,
): Promise<ChangeRequestRow> {
  const checked = checkChange(ask.spec, context);
  const reason = checkReason(ask.reason);
  const by = who(deps.actor);
  return db.transaction().execute(async (trx) => {
    const row = await insertChangeRequest(trx, {
      schoolId,
      ...checked,
      reason,
      status: 'requested',
      source: 'staff',
      blockPageRequestId: null,
      requestedBy: by.id,
      requestedByLabel: by.label,
      effectiveAt: ask.effectiveAt,
      now: deps.now,
    });
    await logRequested(trx, row, by, deps);
    return row;
  });
}

async function logRequested(
  trx: Kysely<Database>,
  row: ChangeRequestRow,
  by: { id: string | null; label: string },
  deps: WorkflowDeps,
): Promise<void> {
  const when = row.effective_at ? ` from ${new Date(row.effective_at).toISOString()}` : '';
  await recordFilterChange(
    trx,
    {
      schoolId: row.school_id,
      actorId: by.id,
      actorLabel: by.label,
      kind: 'change-request.requested',
      summary: `Asked: ${row.summary}${when}: ${row.reason}`,
      detail: { id: row.id, kind: row.kind, change: row.change },
    },
    deps.now,
  );
  await audit(
    trx,
    deps.actor,
    {
      action: 'change-request.requested',
      subjectType: 'change-request',
      subjectId: row.id,
      schoolId: row.school_id,
      detail: { kind: row.kind, change: row.change, reason: row.reason },
    },
    deps.now,
  );
}

/**
 * "Ask for a review" on the block page: a draft asking to allow the site, waiting for a member
 * of staff to take it up (the person who asked may be a pupil: they cannot request changes).
 */
export async function draftFromBlockPage(
  db: Kysely<Database>,
  request: BlockPageRequest,
  now: Date,
): Promise<ChangeRequestRow> {
  const row = await insertChangeRequest(db, {
    schoolId: request.school_id,
    kind: 'local-entry.add',
    change: { action: 'allow', target: request.host, groups: [], category: null },
    summary: `Allow ${request.host} for everyone (review asked from the block page${request.category ? `, blocked as ${request.category}` : ''})`,
    reason: request.message?.trim() || 'Review asked from the block page.',
    status: 'draft',
    source: 'block-page',
    blockPageRequestId: request.id,
    requestedBy: null,
    requestedByLabel: 'block page',
    effectiveAt: null,
    now,
  });
  await audit(
    db,
    systemActor('block-page'),
    {
      action: 'change-request.drafted',
      subjectType: 'change-request',
      subjectId: row.id,
      schoolId: row.school_id,
      detail: { host: request.host, blockPageRequest: request.id },
    },
    now,
  );
  return row;
}

/** A member of staff takes up a draft: says what exactly should change and why, and asks. */
export async function takeUpDraft(
  db: Kysely<Database>,
  row: ChangeRequestRow,
  ask: ChangeAsk,
  context: ChangeContext,
  deps: WorkflowDeps,
): Promise<ChangeRequestRow> {
  if (row.status !== 'draft') {
    throw new HavenError('HAVEN_CONFLICT', `This change request is already ${row.status}.`);
  }
  const checked = checkChange(ask.spec, context);
  const reason = checkReason(ask.reason);
  const by = who(deps.actor);
  return db.transaction().execute(async (trx) => {
    const updated = await updateChangeRequest(trx, row.id, 'draft', {
      kind: checked.kind,
      change: checked.change,
      summary: checked.summary,
      reason,
      status: 'requested',
      requested_by: by.id,
      requested_by_label: by.label,
      requested_at: deps.now,
      effective_at: ask.effectiveAt,
    });
    if (!updated) throw new HavenError('HAVEN_CONFLICT', 'Someone else took this draft up first.');
    await logRequested(trx, updated, by, deps);
    return updated;
  });
}

export async function decideChange(
  db: Kysely<Database>,
  row: ChangeRequestRow,
  decision: { approve: boolean; note: string },
  deps: WorkflowDeps,
): Promise<ChangeRequestRow> {
  const by = who(deps.actor);
  if (!mayApprove(row, by.id)) {
    throw new HavenError(
      'HAVEN_FORBIDDEN',
      'You asked for this change, so someone else must approve it: the online safety lead, the DSL or the head.',
    );
  }
  if (row.status !== 'requested') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      row.status === 'draft'
        ? 'This draft has not been asked for yet: a member of staff takes it up first.'
        : `This change request is already ${row.status}.`,
    );
  }
  const note = decision.note.trim();
  if (!decision.approve && note.length < 3) {
    throw new HavenError('HAVEN_VALIDATION', 'Say why the change is declined.', {
      errors: [{ path: 'note', message: 'the person who asked reads this note' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const updated = await updateChangeRequest(trx, row.id, 'requested', {
      status: decision.approve ? 'approved' : 'declined',
      decided_by: by.id,
      decided_by_label: by.label,
      decided_at: deps.now,
      decision_note: note === '' ? null : note,
    });
    if (!updated) throw new HavenError('HAVEN_CONFLICT', 'Someone else decided this first.');
    await recordFilterChange(
      trx,
      {
        schoolId: row.school_id,
        actorId: by.id,
        actorLabel: by.label,
        kind: decision.approve ? 'change-request.approved' : 'change-request.declined',
        summary: `${decision.approve ? 'Approved' : 'Declined'}: ${row.summary} (asked by ${row.requested_by_label})${note ? `: ${note}` : ''}`,
        detail: { id: row.id },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: decision.approve ? 'change-request.approved' : 'change-request.declined',
        subjectType: 'change-request',
        subjectId: row.id,
        schoolId: row.school_id,
        detail: { note: updated.decision_note },
      },
      deps.now,
    );
    return updated;
  });
}

/** Withdraw a request before it is decided (the requester), or discard a draft (any staff). */
export async function withdrawChange(
  db: Kysely<Database>,
  row: ChangeRequestRow,
  note: string,
  deps: WorkflowDeps,
): Promise<ChangeRequestRow> {
  const by = who(deps.actor);
  if (row.status === 'requested' && row.requested_by !== by.id) {
    throw new HavenError('HAVEN_FORBIDDEN', 'Only the person who asked can withdraw a request.');
  }
  if (row.status !== 'requested' && row.status !== 'draft') {
    throw new HavenError('HAVEN_CONFLICT', `This change request is already ${row.status}.`);
  }
  const text = checkReason(note);
  return db.transaction().execute(async (trx) => {
    const updated = await updateChangeRequest(trx, row.id, row.status, {
      status: 'withdrawn',
      decision_note: text,
      decided_by: by.id,
      decided_by_label: by.label,
      decided_at: deps.now,
    });
    if (!updated) throw new HavenError('HAVEN_CONFLICT', 'This change request changed meanwhile.');
    await audit(
      trx,
      deps.actor,
      {
        action: 'change-request.withdrawn',
        subjectType: 'change-request',
        subjectId: row.id,
        schoolId: row.school_id,
        detail: { note: text },
      },
      deps.now,
    );
    return updated;
  });
}

function changeOf<T>(row: ChangeRequestRow): T {
  return row.change as T;
}

/** Apply one approved change in one transaction; returns the outcome in words. */
async function applyOne(trx: Kysely<Database>, row: ChangeRequestRow, now: Date): Promise<string> {
  const actor = systemActor('change-requests');
  const approved = `change request approved by ${row.decided_by_label ?? 'an approver'}`;
  switch (row.kind) {
    case 'local-entry.add': {
      const c = changeOf<{
        action: 'allow' | 'block';
        target: string;
        groups: string[];
        category: string | null;
      }>(row);
      const entry = await insertLocalEntry(trx, {
        schoolId: row.school_id,
        action: c.action,
        target: c.target,
        groups: c.groups,
        category: c.category,
        reason: row.reason,
        createdBy: row.requested_by,
        now,
      });
      const forWhom = c.groups.length > 0 ? ` for ${c.groups.join(', ')}` : '';
      await recordFilterChange(
        trx,
        {
          schoolId: row.school_id,
          actorId: null,
          actorLabel: 'system:change-requests',
          kind: `local-${c.action}.added`,
          summary: `${c.action === 'allow' ? 'Allowed' : 'Blocked'} ${c.target}${forWhom}: ${row.reason} (${approved})`,
          detail: { id: entry.id, changeRequest: row.id, target: c.target, groups: c.groups },
        },
        now,
      );
      await audit(
        trx,
        actor,
        {
          action: 'local-entry.added',
          subjectType: 'local-entry',
          subjectId: entry.id,
          schoolId: row.school_id,
          detail: { changeRequest: row.id, action: c.action, target: c.target },
        },
        now,
      );
      return `Local ${c.action} entry for ${c.target} added.`;
    }
    case 'local-entry.remove': {
      const c = changeOf<{ entryId: string; target: string }>(row);
      const entry = await findLocalEntry(trx, c.entryId);
      if (!entry || entry.removed_at) throw new Error(`the entry for ${c.target} is already gone`);
      await removeLocalEntry(trx, entry.id, row.requested_by, now);
      await recordFilterChange(
        trx,
        {
          schoolId: row.school_id,
          actorId: null,
          actorLabel: 'system:change-requests',
          kind: `local-${entry.action}.removed`,
          summary: `Removed local ${entry.action} entry ${entry.target}: ${row.reason} (${approved})`,
          detail: { id: entry.id, changeRequest: row.id, target: entry.target },
        },
        now,
      );
      await audit(
        trx,
        actor,
        {
          action: 'local-entry.removed',
          subjectType: 'local-entry',
          subjectId: entry.id,
          schoolId: row.school_id,
          detail: { changeRequest: row.id, target: entry.target },
        },
        now,
      );
      return `Local ${entry.action} entry for ${entry.target} removed.`;
    }
    case 'matrix': {
      const c = changeOf<{ row: string; group: string; level: string }>(row);
      const active = await findActivePolicyVersion(trx, row.school_id);
      if (!active) throw new Error('the school has no active policy version to change');
      const document: Policy = structuredClone(documentOf(active));
      const target = userActionRows(document).find((r) => r.id === c.row);
      if (!target) throw new Error(`the User Actions row ${c.row} is no longer in the policy`);
      (target.levels as Record<string, unknown>)[c.group] = { level: c.level };
      const checked = checkedDocument(document);
      const number = await nextPolicyNumber(trx, row.school_id);
      const version = await insertPolicyVersion(trx, {
        schoolId: row.school_id,
        number,
        status: 'draft',
        title: active.title,
        document: checked,
        changeNote: `${row.summary}: ${row.reason} (${approved})`,
        basedOn: active.id,
        createdBy: row.requested_by,
        now,
        nextReview: active.next_review,
      });
      await recordFilterChange(
        trx,
        {
          schoolId: row.school_id,
          actorId: null,
          actorLabel: 'system:change-requests',
          kind: 'change-request.applied',
          summary: `Drafted policy version ${number} for the governors to approve: ${row.summary}`,
          detail: { id: row.id, policyVersion: version.id, number },
        },
        now,
      );
      await audit(
        trx,
        actor,
        {
          action: 'policy.drafted',
          subjectType: 'policy-version',
          subjectId: version.id,
          schoolId: row.school_id,
          detail: { number, basedOn: active.number, changeRequest: row.id },
        },
        now,
      );
      return `Draft policy version ${number} created: it takes effect once a governor approves it and it is made active.`;
    }
  }
}

/**
 * Apply one approved change now (the background job, or at once when it is approved without a
 * later effective time). A change that can no longer be made is marked `failed` with why.
 */
export async function applyChange(
  db: Kysely<Database>,
  row: ChangeRequestRow,
  now: Date,
): Promise<ChangeRequestRow | undefined> {
  if (!isDue(row, now)) return undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      // Claim it first: only one process applies a change, however many run the job.
      const claimed = await updateChangeRequest(trx, row.id, 'approved', {
        status: 'applied',
        applied_at: now,
      });
      if (!claimed) return undefined;
      const outcome = await applyOne(trx, claimed, now);
      return updateChangeRequest(trx, row.id, 'applied', { outcome });
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return db.transaction().execute(async (trx) => {
      const failed = await updateChangeRequest(trx, row.id, 'approved', {
        status: 'failed',
        applied_at: now,
        outcome: `Could not be applied: ${why}`,
      });
      if (failed) {
        await audit(
          trx,
          systemActor('change-requests'),
          {
            action: 'change-request.failed',
            subjectType: 'change-request',
            subjectId: row.id,
            schoolId: row.school_id,
            detail: { why },
          },
          now,
        );
      }
      return failed;
    });
  }
}

/** The background job's step: apply every approved change whose time has come. */
export async function applyDueChanges(
  db: Kysely<Database>,
  now: Date,
): Promise<ChangeRequestRow[]> {
  const due = await listDueChangeRequests(db, now, 50);
  const done: ChangeRequestRow[] = [];
  for (const row of due) {
    const applied = await applyChange(db, row, now);
    if (applied) done.push(applied);
  }
  return done;
}
