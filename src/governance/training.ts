import type { Kysely } from 'kysely';
import type { Actor, AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { staffRoles } from '../access/roles.ts';
import { HavenError } from '../errors/haven-error.ts';
import { listAuaPeople, type AuaPerson } from '../store/aua-repository.ts';
import type { Database, TrainingCourse, TrainingNeed, TrainingRecord } from '../store/schema.ts';
import {
  findTrainingCourse,
  insertTrainingCourse,
  insertTrainingNeed,
  insertTrainingRecord,
  listTrainingCourses,
  listTrainingNeeds,
  listTrainingRecords,
} from '../store/training-repository.ts';
import { findUserById } from '../store/user-repository.ts';

/**
 * Training records and the training-needs audit (GOV-5). Both seed policies ask for online
 * safety training at induction and as part of annual safeguarding training, filtering and
 * monitoring training (KCSIE), cyber security at least for the online safety governor, data
 * protection at induction with refreshers, and "an audit of the online safety training needs of
 * all staff ... carried out regularly". Expiry is worked out from the completed date and the
 * course's validity; nothing is stored that could go stale.
 */

/** Who the audit covers: staff and governors. */
export const trainingRoles: readonly string[] = [...staffRoles, 'governor', 'chair-of-governors'];

const everyone: string[] = [...trainingRoles];

/** The courses every school starts with (a school edits them and adds its own). */
export const builtInCourses: readonly {
  slug: string;
  name: string;
  description: string;
  validityMonths: number | null;
  requiredRoles: string[];
}[] = [
  {
    slug: 'induction',
    name: 'Online safety induction',
    description:
      'For new staff: the online safety policy, the acceptable use agreement, classroom management and professional conduct online.',
    validityMonths: null,
    requiredRoles: [...staffRoles],
  },
  {
    slug: 'annual-safeguarding',
    name: 'Annual safeguarding (including online safety)',
    description: 'The yearly safeguarding update for everyone working with pupils.',
    validityMonths: 12,
    requiredRoles: everyone,
  },
  {
    slug: 'filtering-monitoring',
    name: 'Filtering and monitoring',
    description:
      'What the filter and monitoring do and do not do, and how to report a concern (KCSIE: all staff).',
    validityMonths: 12,
    requiredRoles: everyone,
  },
  {
    slug: 'cyber-security',
    name: 'Cyber security',
    description: 'Passwords, phishing and looking after school data and devices.',
    validityMonths: 12,
    requiredRoles: everyone,
  },
  {
    slug: 'data-protection',
    name: 'Data protection',
    description: 'UK GDPR at induction and as a refresher; more for those handling requests.',
    validityMonths: 24,
    requiredRoles: [...staffRoles],
  },
];

/** Adds the built-in courses a school does not have yet (idempotent). */
export async function ensureBuiltInCourses(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
): Promise<void> {
  const existing = new Set((await listTrainingCourses(db, schoolId)).map((c) => c.slug));
  for (const course of builtInCourses) {
    if (existing.has(course.slug)) continue;
    await insertTrainingCourse(db, { schoolId, ...course, builtIn: true, now });
  }
}

/** `YYYY-MM-DD` plus whole months (the 31st becomes the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Renewals due within this many days count as "due soon" in the needs audit. */
export const DUE_SOON_DAYS = 60;

export type TrainingState = 'current' | 'due-soon' | 'expired' | 'missing';

export interface TrainingStatus {
  state: TrainingState;
  /** The latest completion, when any. */
  completedOn: string | null;
  /** When it runs out (`YYYY-MM-DD`), or null for a course that does not expire / was never done. */
  expiresOn: string | null;
}

/** A person's standing on one course from their records of it, on `today`. */
export function trainingStatus(
  course: Pick<TrainingCourse, 'validity_months'>,
  records: readonly Pick<TrainingRecord, 'completed_on'>[],
  today: string,
): TrainingStatus {
  let latest: string | null = null;
  for (const r of records) if (latest === null || r.completed_on > latest) latest = r.completed_on;
  if (latest === null) return { state: 'missing', completedOn: null, expiresOn: null };
  if (course.validity_months === null) {
    return { state: 'current', completedOn: latest, expiresOn: null };
  }
  const expiresOn = addMonths(latest, course.validity_months);
  const left = daysBetween(today, expiresOn);
  const state: TrainingState =
    left <= 0 ? 'expired' : left <= DUE_SOON_DAYS ? 'due-soon' : 'current';
  return { state, completedOn: latest, expiresOn };
}

export function isRequired(
  course: Pick<TrainingCourse, 'required_roles'>,
  roles: readonly string[],
): boolean {
  return course.required_roles.some((r) => roles.includes(r));
}

export interface NeedsAuditEntry {
  courseId: string;
  course: string;
  required: boolean;
  status: TrainingStatus;
}

export interface NeedsAuditPerson {
  userId: string;
  name: string;
  roles: string[];
  courses: NeedsAuditEntry[];
  /** Required courses that are missing, expired, or run out within 60 days. */
  gaps: number;
  needs: { id: string; need: string; createdAt: Date }[];
}

/**
 * The training-needs audit: every member of staff and governor, each course (required by their
 * roles, or done anyway), its state, and what they have said they need.
 */
export function computeNeedsAudit(
  people: readonly AuaPerson[],
  courses: readonly TrainingCourse[],
  records: readonly TrainingRecord[],
  needs: readonly TrainingNeed[],
  today: string,
): NeedsAuditPerson[] {
  const byPersonCourse = new Map<string, TrainingRecord[]>();
  for (const r of records) {
    const key = `${r.user_id} ${r.course_id}`;
    const list = byPersonCourse.get(key) ?? [];
    list.push(r);
    byPersonCourse.set(key, list);
  }
  const out: NeedsAuditPerson[] = [];
  for (const person of people) {
    if (!person.roles.some((r) => trainingRoles.includes(r))) continue;
    const entries: NeedsAuditEntry[] = [];
    let gaps = 0;
    for (const course of courses) {
      const mine = byPersonCourse.get(`${person.id} ${course.id}`) ?? [];
      const required = isRequired(course, person.roles);
      if (!required && mine.length === 0) continue;
      const status = trainingStatus(course, mine, today);
      if (required && status.state !== 'current') gaps += 1;
      entries.push({ courseId: course.id, course: course.name, required, status });
    }
    out.push({
      userId: person.id,
      name: person.display_name,
      roles: person.roles,
      courses: entries,
      gaps,
      needs: needs
        .filter((n) => n.user_id === person.id)
        .map((n) => ({ id: n.id, need: n.need, createdAt: new Date(n.created_at) })),
    });
  }
  return out;
}

export async function trainingNeedsAudit(
  db: Kysely<Database>,
  schoolId: string,
  at: Date,
): Promise<NeedsAuditPerson[]> {
  await ensureBuiltInCourses(db, schoolId, at);
  const [people, courses, records, needs] = await Promise.all([
    listAuaPeople(db, schoolId),
    listTrainingCourses(db, schoolId),
    listTrainingRecords(db, schoolId),
    listTrainingNeeds(db, schoolId),
  ]);
  return computeNeedsAudit(people, courses, records, needs, dayOf(at));
}

/** One person's own training, for their account page. */
export async function myTraining(
  db: Kysely<Database>,
  actor: Actor,
  at: Date,
): Promise<{
  audit: NeedsAuditPerson | null;
  records: TrainingRecord[];
  courses: TrainingCourse[];
}> {
  if (!actor.schoolId) return { audit: null, records: [], courses: [] };
  await ensureBuiltInCourses(db, actor.schoolId, at);
  const user = await findUserById(db, actor.userId);
  const [courses, records, needs] = await Promise.all([
    listTrainingCourses(db, actor.schoolId),
    listTrainingRecords(db, actor.schoolId, actor.userId),
    listTrainingNeeds(db, actor.schoolId, actor.userId),
  ]);
  const person: AuaPerson = {
    id: actor.userId,
    display_name: actor.displayName,
    email: user?.email ?? null,
    roles: [...actor.roles],
    year_group: null,
  };
  const [audit] = computeNeedsAudit([person], courses, records, needs, dayOf(at));
  return { audit: audit ?? null, records, courses };
}

const slugOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

export async function addTrainingCourse(
  db: Kysely<Database>,
  input: {
    schoolId: string;
    name: string;
    description: string;
    validityMonths: number | null;
    requiredRoles: string[];
  },
  deps: { actor: AuditActor; now: Date },
): Promise<TrainingCourse> {
  const slug = slugOf(input.name);
  if (slug.length === 0) {
    throw new HavenError('HAVEN_VALIDATION', 'Give the course a name with letters or digits.', {
      errors: [{ path: 'name', message: 'use letters or digits' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    await ensureBuiltInCourses(trx, input.schoolId, deps.now);
    const course = await insertTrainingCourse(trx, {
      ...input,
      slug,
      builtIn: false,
      now: deps.now,
    });
    if (!course) {
      throw new HavenError('HAVEN_CONFLICT', `A course called "${input.name}" already exists.`);
    }
    await audit(
      trx,
      deps.actor,
      {
        action: 'training.course-added',
        subjectType: 'training-course',
        subjectId: course.id,
        schoolId: input.schoolId,
        detail: {
          name: input.name,
          validityMonths: input.validityMonths,
          requiredRoles: input.requiredRoles,
        },
      },
      deps.now,
    );
    return course;
  });
}

export async function recordTraining(
  db: Kysely<Database>,
  input: {
    schoolId: string;
    courseId: string;
    userId: string;
    completedOn: string;
    provider: string;
    evidence: string;
  },
  deps: { actor: AuditActor; now: Date; recordedBy: string | null },
): Promise<TrainingRecord> {
  const [course, person] = await Promise.all([
    findTrainingCourse(db, input.courseId),
    findUserById(db, input.userId),
  ]);
  if (!course || course.school_id !== input.schoolId) {
    throw new HavenError('HAVEN_VALIDATION', 'No such course in this school.', {
      errors: [{ path: 'courseId', message: 'choose one of the school’s courses' }],
    });
  }
  if (!person || person.school_id !== input.schoolId) {
    throw new HavenError('HAVEN_VALIDATION', 'No such person in this school.', {
      errors: [{ path: 'userId', message: 'choose a member of staff or a governor' }],
    });
  }
  if (input.completedOn > dayOf(deps.now)) {
    throw new HavenError('HAVEN_VALIDATION', 'Training cannot be completed in the future.', {
      errors: [{ path: 'completedOn', message: `give a date on or before ${dayOf(deps.now)}` }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const record = await insertTrainingRecord(trx, {
      ...input,
      recordedBy: deps.recordedBy,
      now: deps.now,
    });
    await audit(
      trx,
      deps.actor,
      {
        action: 'training.recorded',
        subjectType: 'training-record',
        subjectId: record.id,
        schoolId: input.schoolId,
        detail: { course: course.name, userId: input.userId, completedOn: input.completedOn },
      },
      deps.now,
    );
    return record;
  });
}

export async function reportTrainingNeed(
  db: Kysely<Database>,
  actor: Actor,
  need: string,
  now: Date,
): Promise<TrainingNeed> {
  if (!actor.schoolId) {
    throw new HavenError('HAVEN_VALIDATION', 'Training needs belong to a school.', {
      errors: [{ path: 'school', message: 'sign in as a member of a school' }],
    });
  }
  const schoolId = actor.schoolId;
  return db.transaction().execute(async (trx) => {
    const row = await insertTrainingNeed(trx, { schoolId, userId: actor.userId, need, now });
    await audit(
      trx,
      actor,
      {
        action: 'training.need-reported',
        subjectType: 'training-need',
        subjectId: row.id,
        schoolId,
        detail: {},
      },
      now,
    );
    return row;
  });
}

/** The training records as CSV (one row per person and course in the needs audit). */
export function trainingCsv(audit: readonly NeedsAuditPerson[]): string {
  const cell = (v: string): string => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = ['name,roles,course,required,state,completed_on,expires_on'];
  for (const p of audit) {
    for (const c of p.courses) {
      lines.push(
        [
          p.name,
          p.roles.join(' '),
          c.course,
          c.required ? 'yes' : 'no',
          c.status.state,
          c.status.completedOn ?? '',
          c.status.expiresOn ?? '',
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
