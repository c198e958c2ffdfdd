import { sql, type Kysely } from 'kysely';
import type { Database, PolicyStatus, PolicyVersion } from './schema.ts';

export async function listPolicyVersions(
  db: Kysely<Database>,
  schoolId: string,
): Promise<PolicyVersion[]> {
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('school_id', '=', schoolId)
    .orderBy('number', 'desc')
    .execute();
}

export async function findPolicyVersion(
  db: Kysely<Database>,
  id: string,
): Promise<PolicyVersion | undefined> {
  return db.selectFrom('policy_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findActivePolicyVersion(
  db: Kysely<Database>,
  schoolId: string,
): Promise<PolicyVersion | undefined> {
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export async function nextPolicyNumber(db: Kysely<Database>, schoolId: string): Promise<number> {
  const row = await db
    .selectFrom('policy_versions')
    .select(sql<number>`coalesce(max(number), 0) + 1`.as('n'))
    .where('school_id', '=', schoolId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertPolicyVersion(
  db: Kysely<Database>,
  version: {
    schoolId: string;
    number: number;
    status: PolicyStatus;
    title: string;
    document: unknown;
    changeNote: string | null;
    basedOn: string | null;
    createdBy: string | null;
    now: Date;
    nextReview: string | null;
  },
): Promise<PolicyVersion> {
  return db
    .insertInto('policy_versions')
    .values({
      school_id: version.schoolId,
      number: version.number,
      status: version.status,
      title: version.title,
      document: JSON.stringify(version.document),
      change_note: version.changeNote,
      based_on: version.basedOn,
      created_by: version.createdBy,
      created_at: version.now,
      updated_at: version.now,
      next_review: version.nextReview,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updatePolicyVersion(
  db: Kysely<Database>,
  id: string,
  changes: Partial<{
    status: PolicyStatus;
    title: string;
    document: unknown;
    changeNote: string | null;
    approvedBy: string | null;
    approvedAt: Date | null;
    approvalNote: string | null;
    activatedBy: string | null;
    activatedAt: Date | null;
    nextReview: string | null;
  }>,
  now: Date,
): Promise<PolicyVersion> {
  return db
    .updateTable('policy_versions')
    .set({
      updated_at: now,
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.document !== undefined ? { document: JSON.stringify(changes.document) } : {}),
      ...(changes.changeNote !== undefined ? { change_note: changes.changeNote } : {}),
      ...(changes.approvedBy !== undefined ? { approved_by: changes.approvedBy } : {}),
      ...(changes.approvedAt !== undefined ? { approved_at: changes.approvedAt } : {}),
      ...(changes.approvalNote !== undefined ? { approval_note: changes.approvalNote } : {}),
      ...(changes.activatedBy !== undefined ? { activated_by: changes.activatedBy } : {}),
      ...(changes.activatedAt !== undefined ? { activated_at: changes.activatedAt } : {}),
      ...(changes.nextReview !== undefined ? { next_review: changes.nextReview } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
