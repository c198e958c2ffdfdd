import type { Kysely } from 'kysely';
import type { Database, TrainingCourse, TrainingNeed, TrainingRecord } from './schema.ts';

/** Training courses, records and self-reported needs (GOV-5). */

export async function listTrainingCourses(
  db: Kysely<Database>,
  schoolId: string,
): Promise<TrainingCourse[]> {
  return db
    .selectFrom('training_courses')
    .selectAll()
    .where('school_id', '=', schoolId)
    .orderBy('built_in', 'desc')
    .orderBy('name')
    .execute();
}

export async function findTrainingCourse(
  db: Kysely<Database>,
  id: string,
): Promise<TrainingCourse | undefined> {
  return db.selectFrom('training_courses').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertTrainingCourse(
  db: Kysely<Database>,
  course: {
    schoolId: string;
    slug: string;
    name: string;
    description: string;
    validityMonths: number | null;
    requiredRoles: string[];
    builtIn: boolean;
    now: Date;
  },
): Promise<TrainingCourse | undefined> {
  return db
    .insertInto('training_courses')
    .values({
      school_id: course.schoolId,
      slug: course.slug,
      name: course.name,
      description: course.description,
      validity_months: course.validityMonths,
      required_roles: course.requiredRoles,
      built_in: course.builtIn,
      created_at: course.now,
    })
    .onConflict((oc) => oc.columns(['school_id', 'slug']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateTrainingCourse(
  db: Kysely<Database>,
  id: string,
  changes: {
    name: string;
    description: string;
    validityMonths: number | null;
    requiredRoles: string[];
  },
): Promise<TrainingCourse> {
  return db
    .updateTable('training_courses')
    .set({
      name: changes.name,
      description: changes.description,
      validity_months: changes.validityMonths,
      required_roles: changes.requiredRoles,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listTrainingRecords(
  db: Kysely<Database>,
  schoolId: string,
  userId?: string,
): Promise<TrainingRecord[]> {
  let q = db.selectFrom('training_records').selectAll().where('school_id', '=', schoolId);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return q.orderBy('completed_on', 'desc').execute();
}

export async function findTrainingRecord(
  db: Kysely<Database>,
  id: string,
): Promise<TrainingRecord | undefined> {
  return db.selectFrom('training_records').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertTrainingRecord(
  db: Kysely<Database>,
  record: {
    schoolId: string;
    courseId: string;
    userId: string;
    completedOn: string;
    provider: string;
    evidence: string;
    recordedBy: string | null;
    now: Date;
  },
): Promise<TrainingRecord> {
  return db
    .insertInto('training_records')
    .values({
      school_id: record.schoolId,
      course_id: record.courseId,
      user_id: record.userId,
      completed_on: record.completedOn,
      provider: record.provider,
      evidence: record.evidence,
      recorded_by: record.recordedBy,
      recorded_at: record.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteTrainingRecord(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('training_records').where('id', '=', id).execute();
}

export async function listTrainingNeeds(
  db: Kysely<Database>,
  schoolId: string,
  userId?: string,
): Promise<TrainingNeed[]> {
  let q = db
    .selectFrom('training_needs')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('resolved_at', 'is', null);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return q.orderBy('created_at', 'desc').execute();
}

export async function insertTrainingNeed(
  db: Kysely<Database>,
  need: { schoolId: string; userId: string; need: string; now: Date },
): Promise<TrainingNeed> {
  return db
    .insertInto('training_needs')
    .values({
      school_id: need.schoolId,
      user_id: need.userId,
      need: need.need,
      created_at: need.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
