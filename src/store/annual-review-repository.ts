import type { Kysely } from 'kysely';
import type {
  AnnualReview,
  AnnualReviewSignoff,
  Database,
  FilteringCheck,
  FilteringCheckResult,
  ReviewSignoffSlot,
} from './schema.ts';

/**
 * Every SQL statement of the annual filtering and monitoring review (GOV-3): the filtering
 * checks log, the reviews with their notes and frozen evidence, their sign-offs, and the
 * compliance reminder days.
 */

export interface NewFilteringCheck {
  schoolId: string;
  at: Date;
  performedBy: string | null;
  performedByName: string;
  method: 'manual' | 'engine';
  device: string;
  group: string;
  tested: string;
  purpose: string;
  expected: FilteringCheckResult;
  result: FilteringCheckResult;
  ruleId: string | null;
  category: string | null;
  note: string | null;
  runId: string | null;
}

export async function insertFilteringChecks(
  db: Kysely<Database>,
  checks: readonly NewFilteringCheck[],
): Promise<FilteringCheck[]> {
  if (checks.length === 0) return [];
  return db
    .insertInto('filtering_checks')
    .values(
      checks.map((c) => ({
        school_id: c.schoolId,
        at: c.at,
        performed_by: c.performedBy,
        performed_by_name: c.performedByName,
        method: c.method,
        device: c.device,
        group_slug: c.group,
        tested: c.tested,
        purpose: c.purpose,
        expected: c.expected,
        result: c.result,
        passed: c.expected === c.result,
        rule_id: c.ruleId,
        category: c.category,
        note: c.note,
        run_id: c.runId,
      })),
    )
    .returningAll()
    .execute();
}

/** The school's filtering checks since `since` (all when null), newest first. */
export async function listFilteringChecks(
  db: Kysely<Database>,
  schoolId: string,
  options: { since: Date | null; limit: number },
): Promise<FilteringCheck[]> {
  let q = db.selectFrom('filtering_checks').selectAll().where('school_id', '=', schoolId);
  if (options.since) q = q.where('at', '>=', options.since);
  return q.orderBy('at', 'desc').orderBy('group_slug').orderBy('id').limit(options.limit).execute();
}

export async function insertAnnualReview(
  db: Kysely<Database>,
  review: { schoolId: string; title: string; startedBy: string; at: Date; nextReview: string },
): Promise<AnnualReview> {
  return db
    .insertInto('annual_reviews')
    .values({
      school_id: review.schoolId,
      title: review.title,
      status: 'open',
      started_at: review.at,
      started_by: review.startedBy,
      notes: JSON.stringify({}),
      next_review: review.nextReview,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findAnnualReview(
  db: Kysely<Database>,
  id: string,
): Promise<AnnualReview | undefined> {
  return db.selectFrom('annual_reviews').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The school's reviews, newest first. */
export async function listAnnualReviews(
  db: Kysely<Database>,
  schoolId: string,
): Promise<AnnualReview[]> {
  return db
    .selectFrom('annual_reviews')
    .selectAll()
    .where('school_id', '=', schoolId)
    .orderBy('started_at', 'desc')
    .execute();
}

/** The review locked for update (sign-offs and notes of one review are taken in turn). */
export async function lockAnnualReview(
  db: Kysely<Database>,
  id: string,
): Promise<AnnualReview | undefined> {
  return db
    .selectFrom('annual_reviews')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateAnnualReview(
  db: Kysely<Database>,
  id: string,
  change: {
    notes?: Record<string, string>;
    nextReview?: string;
    complete?: { at: Date; evidence: unknown };
  },
): Promise<AnnualReview> {
  return db
    .updateTable('annual_reviews')
    .set({
      ...(change.notes ? { notes: JSON.stringify(change.notes) } : {}),
      ...(change.nextReview ? { next_review: change.nextReview } : {}),
      ...(change.complete
        ? {
            status: 'complete' as const,
            completed_at: change.complete.at,
            evidence: JSON.stringify(change.complete.evidence),
          }
        : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertReviewSignoff(
  db: Kysely<Database>,
  signoff: {
    reviewId: string;
    slot: ReviewSignoffSlot;
    userId: string;
    name: string;
    roleTitle: string;
    at: Date;
    comment: string | null;
  },
): Promise<AnnualReviewSignoff | undefined> {
  return db
    .insertInto('annual_review_signoffs')
    .values({
      review_id: signoff.reviewId,
      slot: signoff.slot,
      user_id: signoff.userId,
      name: signoff.name,
      role_title: signoff.roleTitle,
      signed_at: signoff.at,
      comment: signoff.comment,
    })
    .onConflict((oc) => oc.columns(['review_id', 'slot']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function listReviewSignoffs(
  db: Kysely<Database>,
  reviewId: string,
): Promise<AnnualReviewSignoff[]> {
  return db
    .selectFrom('annual_review_signoffs')
    .selectAll()
    .where('review_id', '=', reviewId)
    .orderBy('signed_at')
    .execute();
}

/** The school's most recently completed review. */
export async function latestCompletedReview(
  db: Kysely<Database>,
  schoolId: string,
): Promise<AnnualReview | undefined> {
  return db
    .selectFrom('annual_reviews')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('status', '=', 'complete')
    .orderBy('completed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Claim the day's reminder email for a school: true for the one caller that may send it (a
 * second filter node, or a restart the same day, gets false).
 */
export async function claimReminderDay(
  db: Kysely<Database>,
  claim: { schoolId: string; day: string; at: Date; items: number; recipients: string[] },
): Promise<boolean> {
  const row = await db
    .insertInto('compliance_reminders')
    .values({
      school_id: claim.schoolId,
      day: claim.day,
      sent_at: claim.at,
      items: claim.items,
      recipients: JSON.stringify(claim.recipients),
    })
    .onConflict((oc) => oc.columns(['school_id', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  return row !== undefined;
}
