import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import type { Role } from '../access/roles.ts';
import { HavenError } from '../errors/haven-error.ts';
import { decideForGroups } from '../filtering/decide.ts';
import type { SchoolSnapshot } from '../filtering/snapshot-loader.ts';
import {
  findAnnualReview,
  insertAnnualReview,
  insertFilteringChecks,
  insertReviewSignoff,
  listAnnualReviews,
  listReviewSignoffs,
  lockAnnualReview,
  updateAnnualReview,
  type NewFilteringCheck,
} from '../store/annual-review-repository.ts';
import { findSchoolById } from '../store/school-repository.ts';
import type {
  AnnualReview,
  AnnualReviewSignoff,
  Database,
  FilteringCheck,
  ReviewSignoffSlot,
} from '../store/schema.ts';
import { planStandardChecks, resultOf } from './annual-review-checks.ts';
import {
  collectReviewEvidence,
  STANDARD_IDS,
  type EvidenceBlock,
  type StandardId,
} from './annual-review-evidence.ts';
import { addYear, isDay, localDayOf } from './governor-report-terms.ts';

/**
 * The annual filtering and monitoring review (GOV-3): started by SLT, the DSL, the online safety
 * lead or the IT provider; evidence gathered from Haven's records under each DfE standard; the
 * reviewers' notes per standard; filtering checks typed in or run against the engine; signed off
 * by SLT, the DSL, the IT provider and a governor, each a named person with their role and the
 * date. The fourth sign-off completes the review and freezes its evidence; its next review date
 * (a year on unless changed) goes to the compliance calendar.
 */

export const SIGNOFF_SLOTS: readonly {
  slot: ReviewSignoffSlot;
  label: string;
  roles: readonly Role[];
}[] = [
  { slot: 'slt', label: 'Senior leadership team (SLT)', roles: ['head'] },
  { slot: 'dsl', label: 'Designated Safeguarding Lead', roles: ['dsl'] },
  { slot: 'it-provider', label: 'IT service provider', roles: ['technician'] },
  { slot: 'governor', label: 'Governor', roles: ['governor', 'chair-of-governors'] },
];

/** The evidence looks back this far. */
const EVIDENCE_DAYS = 365;

async function timeZoneOf(db: Kysely<Database>, schoolId: string): Promise<string> {
  const school = await findSchoolById(db, schoolId);
  if (!school) throw new HavenError('HAVEN_NOT_FOUND', 'No such school.');
  return school.time_zone;
}

/** "2026 to 2027": the academic year (September to August) of a local day. */
export function academicYearOf(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const start = m >= 9 ? y : y - 1;
  return `${start} to ${start + 1}`;
}

export async function startReview(
  db: Kysely<Database>,
  actor: Actor,
  schoolId: string,
  now: Date,
): Promise<AnnualReview> {
  const timeZone = await timeZoneOf(db, schoolId);
  const today = localDayOf(now, timeZone);
  return db.transaction().execute(async (trx) => {
    const open = (await listAnnualReviews(trx, schoolId)).find((r) => r.status === 'open');
    if (open) {
      throw new HavenError(
        'HAVEN_CONFLICT',
        `"${open.title}" is still open: finish it (all four sign-offs) before starting another.`,
      );
    }
    const review = await insertAnnualReview(trx, {
      schoolId,
      title: `Filtering and monitoring review ${academicYearOf(today)}`,
      startedBy: actor.userId,
      at: now,
      nextReview: addYear(today),
    });
    await audit(
      trx,
      actor,
      {
        action: 'annual-review.started',
        subjectType: 'annual-review',
        subjectId: review.id,
        schoolId,
        detail: { title: review.title },
      },
      now,
    );
    return review;
  });
}

export interface ReviewDetail {
  review: AnnualReview;
  signoffs: AnnualReviewSignoff[];
  /** Frozen when the review is complete; gathered now while it is open. */
  evidence: EvidenceBlock[];
  evidenceCollectedAt: string;
  timeZone: string;
}

interface FrozenEvidence {
  collectedAt: string;
  blocks: EvidenceBlock[];
}

async function gatherEvidence(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
): Promise<FrozenEvidence> {
  const timeZone = await timeZoneOf(db, schoolId);
  const since = new Date(now.getTime() - EVIDENCE_DAYS * 86_400_000);
  return {
    collectedAt: now.toISOString(),
    blocks: await collectReviewEvidence(db, schoolId, { since, now, timeZone }),
  };
}

/** A review of the actor's school (404 for another school's). */
export async function loadReview(
  db: Kysely<Database>,
  id: string,
  allowed: (schoolId: string) => boolean,
): Promise<AnnualReview> {
  const review = await findAnnualReview(db, id);
  if (!review || !allowed(review.school_id)) {
    throw new HavenError('HAVEN_NOT_FOUND', 'There is no such review in your school.');
  }
  return review;
}

export async function reviewDetail(
  db: Kysely<Database>,
  review: AnnualReview,
  now: Date,
): Promise<ReviewDetail> {
  const timeZone = await timeZoneOf(db, review.school_id);
  const signoffs = await listReviewSignoffs(db, review.id);
  const frozen = review.evidence as FrozenEvidence | null;
  const evidence = frozen ?? (await gatherEvidence(db, review.school_id, now));
  return {
    review,
    signoffs,
    evidence: evidence.blocks,
    evidenceCollectedAt: evidence.collectedAt,
    timeZone,
  };
}

function requireOpen(review: AnnualReview): void {
  if (review.status !== 'open') {
    throw new HavenError(
      'HAVEN_CONFLICT',
      `"${review.title}" is complete and signed off: it is kept as it was. Start a new review to record more.`,
    );
  }
}

/** Save the reviewers' notes (per standard) and the next review date. */
export async function updateReview(
  db: Kysely<Database>,
  actor: Actor,
  reviewId: string,
  change: { notes?: Partial<Record<StandardId, string>>; nextReview?: string },
  now: Date,
): Promise<AnnualReview> {
  if (change.nextReview !== undefined && !isDay(change.nextReview)) {
    throw new HavenError('HAVEN_VALIDATION', 'The next review date must be a date (YYYY-MM-DD).', {
      errors: [{ path: 'body.nextReview', message: 'use YYYY-MM-DD' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const review = await lockAnnualReview(trx, reviewId);
    if (!review) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such review in your school.');
    requireOpen(review);
    const notes: Record<string, string> = { ...review.notes };
    for (const id of STANDARD_IDS) {
      const text = change.notes?.[id];
      if (text !== undefined) notes[id] = text;
    }
    const updated = await updateAnnualReview(trx, review.id, {
      notes,
      ...(change.nextReview ? { nextReview: change.nextReview } : {}),
    });
    await audit(
      trx,
      actor,
      {
        action: 'annual-review.updated',
        subjectType: 'annual-review',
        subjectId: review.id,
        schoolId: review.school_id,
        detail: {
          standards: Object.keys(change.notes ?? {}),
          nextReview: change.nextReview ?? null,
        },
      },
      now,
    );
    return updated;
  });
}

/** Record checks someone carried out on a device (typed in). */
export async function recordChecks(
  db: Kysely<Database>,
  actor: Actor,
  schoolId: string,
  checks: readonly Omit<
    NewFilteringCheck,
    'schoolId' | 'performedBy' | 'performedByName' | 'method' | 'runId' | 'ruleId' | 'category'
  >[],
  now: Date,
): Promise<FilteringCheck[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await insertFilteringChecks(
      trx,
      checks.map((c) => ({
        ...c,
        schoolId,
        performedBy: actor.userId,
        performedByName: actor.displayName,
        method: 'manual',
        runId: null,
        ruleId: null,
        category: null,
      })),
    );
    await audit(
      trx,
      actor,
      {
        action: 'filtering-checks.recorded',
        subjectType: 'filtering-check',
        subjectId: rows[0]?.id ?? null,
        schoolId,
        detail: { checks: rows.length, failed: rows.filter((r) => !r.passed).length },
      },
      now,
    );
    return rows;
  });
}

/**
 * "Run the standard checks now": the engine decides each standard test destination for every
 * group of the active policy, and the results are logged as checks with what the policy expects.
 */
export async function runStandardChecks(
  db: Kysely<Database>,
  actor: Actor,
  snapshot: SchoolSnapshot,
  now: Date,
): Promise<FilteringCheck[]> {
  const runId = randomUUID();
  const planned = planStandardChecks(snapshot.snapshot.rules);
  const device = `Haven filter engine (policy version ${snapshot.policyVersion.number})`;
  const checks: NewFilteringCheck[] = planned.map((p) => {
    const decision = decideForGroups(snapshot, [p.group], p.check.destination, now);
    return {
      schoolId: snapshot.schoolId,
      at: now,
      performedBy: actor.userId,
      performedByName: actor.displayName,
      method: 'engine',
      device,
      group: p.group,
      tested: p.check.destination,
      purpose: p.check.purpose,
      expected: p.expected,
      result: resultOf(decision),
      ruleId: decision.ruleId,
      category: decision.category,
      note: decision.reason,
      runId,
    };
  });
  return db.transaction().execute(async (trx) => {
    const rows = await insertFilteringChecks(trx, checks);
    await audit(
      trx,
      actor,
      {
        action: 'filtering-checks.run',
        subjectType: 'filtering-check',
        subjectId: runId,
        schoolId: snapshot.schoolId,
        detail: {
          checks: rows.length,
          failed: rows.filter((r) => !r.passed).length,
          policyVersion: snapshot.policyVersion.number,
        },
      },
      now,
    );
    return rows;
  });
}

/**
 * A named reviewer signs their part: SLT (head), DSL, IT provider (technician) or governor. The
 * fourth sign-off completes the review and freezes its evidence.
 */
export async function signReview(
  db: Kysely<Database>,
  actor: Actor,
  reviewId: string,
  input: { slot: ReviewSignoffSlot; roleTitle: string | null; comment: string | null },
  now: Date,
): Promise<ReviewDetail> {
  const slot = SIGNOFF_SLOTS.find((s) => s.slot === input.slot);
  if (!slot) throw new HavenError('HAVEN_VALIDATION', `Unknown sign-off "${input.slot}".`);
  if (!slot.roles.some((role) => actor.roles.includes(role))) {
    throw new HavenError(
      'HAVEN_FORBIDDEN',
      `Only someone with the role ${slot.roles.join(' or ')} may sign for the ${slot.label}.`,
    );
  }
  await db.transaction().execute(async (trx) => {
    const review = await lockAnnualReview(trx, reviewId);
    if (!review) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such review in your school.');
    requireOpen(review);
    const signed = await insertReviewSignoff(trx, {
      reviewId: review.id,
      slot: slot.slot,
      userId: actor.userId,
      name: actor.displayName,
      roleTitle: input.roleTitle ?? slot.label,
      at: now,
      comment: input.comment,
    });
    if (!signed) {
      throw new HavenError('HAVEN_CONFLICT', `The ${slot.label} has already signed this review.`);
    }
    await audit(
      trx,
      actor,
      {
        action: 'annual-review.signed',
        subjectType: 'annual-review',
        subjectId: review.id,
        schoolId: review.school_id,
        detail: { slot: slot.slot, roleTitle: signed.role_title },
      },
      now,
    );
    const all = await listReviewSignoffs(trx, review.id);
    if (SIGNOFF_SLOTS.every((s) => all.some((a) => a.slot === s.slot))) {
      const evidence = await gatherEvidence(trx, review.school_id, now);
      await updateAnnualReview(trx, review.id, { complete: { at: now, evidence } });
      await audit(
        trx,
        actor,
        {
          action: 'annual-review.completed',
          subjectType: 'annual-review',
          subjectId: review.id,
          schoolId: review.school_id,
          detail: { nextReview: review.next_review },
        },
        now,
      );
    }
  });
  const review = await findAnnualReview(db, reviewId);
  if (!review) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such review in your school.');
  return reviewDetail(db, review, now);
}
