import type { Kysely } from 'kysely';
import { actorRef, type AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { formatPath, type PolicyIssue } from '../policy/document/policy-checks.ts';
import { diffPolicies, type PolicyChange } from '../policy/document/policy-diff.ts';
import type { Policy } from '../policy/document/policy-schema.ts';
import { validatePolicy } from '../policy/document/policy-validate.ts';
import { recordFilterChange } from '../store/filter-change-repository.ts';
import {
  findActivePolicyVersion,
  insertPolicyVersion,
  nextPolicyNumber,
  updatePolicyVersion,
} from '../store/policy-version-repository.ts';
import type { Database, PolicyVersion } from '../store/schema.ts';

/**
 * A policy version's life (POL-2): drafted (and edited) by the online safety lead, approved by a
 * named governor with a date and a note, then made active — the version the filter enforces.
 * The version it replaces is kept, superseded, so any two versions can be compared.
 */

const actorFields = (actor: AuditActor) => actorRef(actor);

/** The validated document of a version (throws if the stored data no longer validates). */
export function documentOf(version: PolicyVersion): Policy {
  const result = validatePolicy(version.document);
  if (!result.ok) {
    throw new HavenError(
      'HAVEN_INTERNAL',
      `Policy version ${version.number} no longer validates: ${result.errors.length} problem(s).`,
    );
  }
  return result.policy;
}

export function policyProblems(
  issues: readonly PolicyIssue[],
): { path: string; message: string }[] {
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Check a document from the API or a file; refuses with every problem listed. */
export function checkedDocument(data: unknown): Policy {
  const result = validatePolicy(data);
  if (!result.ok) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      `The policy has ${result.errors.length} problem(s); nothing was saved.`,
      {
        errors: policyProblems(result.errors),
      },
    );
  }
  return result.policy;
}

function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export interface NewDraft {
  schoolId: string;
  document: Policy;
  title?: string;
  changeNote?: string | null;
  basedOn?: PolicyVersion | null;
  nextReview?: string | null;
}

export async function createDraft(
  db: Kysely<Database>,
  input: NewDraft,
  deps: { actor: AuditActor; now: Date },
): Promise<PolicyVersion> {
  if (input.nextReview && !isDate(input.nextReview)) {
    throw new HavenError('HAVEN_VALIDATION', 'The next review date must be a date (YYYY-MM-DD).', {
      errors: [{ path: 'nextReview', message: 'use YYYY-MM-DD' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const number = await nextPolicyNumber(trx, input.schoolId);
    const version = await insertPolicyVersion(trx, {
      schoolId: input.schoolId,
      number,
      status: 'draft',
      title: input.title ?? input.document.metadata.title,
      document: input.document,
      changeNote: input.changeNote ?? null,
      basedOn: input.basedOn?.id ?? null,
      createdBy: actorFields(deps.actor).id,
      now: deps.now,
      nextReview: input.nextReview ?? input.basedOn?.next_review ?? null,
    });
    await audit(
      trx,
      deps.actor,
      {
        action: 'policy.drafted',
        subjectType: 'policy-version',
        subjectId: version.id,
        schoolId: input.schoolId,
        detail: { number, basedOn: input.basedOn?.number ?? null },
      },
      deps.now,
    );
    return version;
  });
}

export interface DraftChanges {
  document?: Policy;
  title?: string;
  changeNote?: string | null;
  nextReview?: string | null;
}

export async function updateDraft(
  db: Kysely<Database>,
  version: PolicyVersion,
  changes: DraftChanges,
  deps: { actor: AuditActor; now: Date },
): Promise<PolicyVersion> {
  if (version.status !== 'draft') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      `Version ${version.number} is ${version.status}: only a draft can be edited. Start a new draft from it.`,
    );
  }
  if (changes.nextReview && !isDate(changes.nextReview)) {
    throw new HavenError('HAVEN_VALIDATION', 'The next review date must be a date (YYYY-MM-DD).', {
      errors: [{ path: 'nextReview', message: 'use YYYY-MM-DD' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const updated = await updatePolicyVersion(trx, version.id, changes, deps.now);
    const diff = changes.document
      ? diffPolicies(documentOf(version), changes.document).map((c) => c.summary)
      : [];
    await audit(
      trx,
      deps.actor,
      {
        action: 'policy.draft-edited',
        subjectType: 'policy-version',
        subjectId: version.id,
        schoolId: version.school_id,
        detail: { number: version.number, changes: diff.slice(0, 50) },
      },
      deps.now,
    );
    return updated;
  });
}

/** A governor approves a draft, with the date and a note (POL-2). */
export async function approveVersion(
  db: Kysely<Database>,
  version: PolicyVersion,
  input: { note: string; nextReview: string },
  deps: { actor: AuditActor; now: Date },
): Promise<PolicyVersion> {
  if (version.status !== 'draft') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      `Version ${version.number} is ${version.status}: only a draft can be approved.`,
    );
  }
  if (!isDate(input.nextReview)) {
    throw new HavenError('HAVEN_VALIDATION', 'Give the date of the next review (YYYY-MM-DD).', {
      errors: [{ path: 'nextReview', message: 'use YYYY-MM-DD' }],
    });
  }
  if (Date.parse(`${input.nextReview}T00:00:00Z`) <= deps.now.getTime()) {
    throw new HavenError('HAVEN_VALIDATION', 'The next review must be after today.', {
      errors: [{ path: 'nextReview', message: 'must be a future date' }],
    });
  }
  checkedDocument(version.document);
  const who = actorFields(deps.actor);
  return db.transaction().execute(async (trx) => {
    const updated = await updatePolicyVersion(
      trx,
      version.id,
      {
        status: 'approved',
        approvedBy: who.id,
        approvedAt: deps.now,
        approvalNote: input.note,
        nextReview: input.nextReview,
      },
      deps.now,
    );
    await recordFilterChange(
      trx,
      {
        schoolId: version.school_id,
        actorId: who.id,
        actorLabel: who.label,
        kind: 'policy.approved',
        summary: `Policy version ${version.number} approved: ${input.note}`,
        detail: { number: version.number, nextReview: input.nextReview },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: 'policy.approved',
        subjectType: 'policy-version',
        subjectId: version.id,
        schoolId: version.school_id,
        detail: { number: version.number, note: input.note, nextReview: input.nextReview },
      },
      deps.now,
    );
    return updated;
  });
}

/** Make an approved version the one the filter enforces; the previous one is superseded. */
export async function activateVersion(
  db: Kysely<Database>,
  version: PolicyVersion,
  deps: { actor: AuditActor; now: Date },
): Promise<{ version: PolicyVersion; changes: PolicyChange[] }> {
  if (version.status !== 'approved') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      version.status === 'draft'
        ? `Version ${version.number} has not been approved by a governor yet.`
        : `Version ${version.number} is ${version.status}: only an approved version can be made active.`,
    );
  }
  const document = checkedDocument(version.document);
  const who = actorFields(deps.actor);
  return db.transaction().execute(async (trx) => {
    const previous = await findActivePolicyVersion(trx, version.school_id);
    if (previous) await updatePolicyVersion(trx, previous.id, { status: 'superseded' }, deps.now);
    const updated = await updatePolicyVersion(
      trx,
      version.id,
      { status: 'active', activatedBy: who.id, activatedAt: deps.now },
      deps.now,
    );
    const changes = previous ? diffPolicies(documentOf(previous), document) : [];
    await recordFilterChange(
      trx,
      {
        schoolId: version.school_id,
        actorId: who.id,
        actorLabel: who.label,
        kind: 'policy.activated',
        summary: `Policy version ${version.number} is now enforced${previous ? ` (replacing version ${previous.number}; ${changes.length} change(s))` : ''}`,
        detail: {
          number: version.number,
          previous: previous?.number ?? null,
          changes: changes.slice(0, 200).map((c) => c.summary),
        },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: 'policy.activated',
        subjectType: 'policy-version',
        subjectId: version.id,
        schoolId: version.school_id,
        detail: { number: version.number, previous: previous?.number ?? null },
      },
      deps.now,
    );
    return { version: updated, changes };
  });
}

/** Withdraw a draft that will not go ahead (it stays in the history). */
export async function withdrawDraft(
  db: Kysely<Database>,
  version: PolicyVersion,
  deps: { actor: AuditActor; now: Date },
): Promise<PolicyVersion> {
  if (version.status !== 'draft' && version.status !== 'approved') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      `Version ${version.number} is ${version.status}: it cannot be withdrawn.`,
    );
  }
  return db.transaction().execute(async (trx) => {
    const updated = await updatePolicyVersion(trx, version.id, { status: 'withdrawn' }, deps.now);
    await audit(
      trx,
      deps.actor,
      {
        action: 'policy.withdrawn',
        subjectType: 'policy-version',
        subjectId: version.id,
        schoolId: version.school_id,
        detail: { number: version.number },
      },
      deps.now,
    );
    return updated;
  });
}

export interface ReviewStatus {
  nextReview: string | null;
  overdue: boolean;
  daysLeft: number | null;
}

/** Is the active policy's review overdue (POL-2)? `today` is the school's local date. */
export function reviewStatus(
  version: Pick<PolicyVersion, 'next_review'> | undefined,
  today: string,
): ReviewStatus {
  const next = version?.next_review ?? null;
  if (!next) return { nextReview: null, overdue: false, daysLeft: null };
  const days = Math.round(
    (Date.parse(`${next}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
  return { nextReview: next, overdue: days < 0, daysLeft: days };
}

/**
 * A new school's first policy, from a template, enforced at once so the filter is never without
 * rules. When a governor's approval is recorded with it (the demo school) it is a normal approved
 * version; otherwise it shows as "not yet approved by governors" until a reviewed version is.
 */
export async function adoptFirstPolicy(
  db: Kysely<Database>,
  input: {
    schoolId: string;
    document: Policy;
    changeNote: string;
    approval: { governorId: string; note: string } | null;
    nextReview: string;
  },
  deps: { actor: AuditActor; now: Date },
): Promise<PolicyVersion> {
  return db.transaction().execute(async (trx) => {
    if (await findActivePolicyVersion(trx, input.schoolId)) {
      throw new HavenError('HAVEN_CONFLICT', 'This school already has an active policy.');
    }
    const number = await nextPolicyNumber(trx, input.schoolId);
    const created = await insertPolicyVersion(trx, {
      schoolId: input.schoolId,
      number,
      status: 'active',
      title: input.document.metadata.title,
      document: input.document,
      changeNote: input.changeNote,
      basedOn: null,
      createdBy: actorFields(deps.actor).id,
      now: deps.now,
      nextReview: input.nextReview,
    });
    const version = await updatePolicyVersion(
      trx,
      created.id,
      {
        activatedAt: deps.now,
        activatedBy: actorFields(deps.actor).id,
        ...(input.approval
          ? {
              approvedBy: input.approval.governorId,
              approvedAt: deps.now,
              approvalNote: input.approval.note,
            }
          : {}),
      },
      deps.now,
    );
    const who = actorFields(deps.actor);
    await recordFilterChange(
      trx,
      {
        schoolId: input.schoolId,
        actorId: who.id,
        actorLabel: who.label,
        kind: 'policy.activated',
        summary: `Policy version ${number} is now enforced: ${input.changeNote}`,
        detail: { number },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: 'policy.adopted',
        subjectType: 'policy-version',
        subjectId: version.id,
        schoolId: input.schoolId,
        detail: { number, approved: input.approval !== null },
      },
      deps.now,
    );
    return version;
  });
}
