import { z } from 'zod';
import type { Actor } from '../../access/actor.ts';
import { isRole } from '../../access/roles.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  addTrainingCourse,
  ensureBuiltInCourses,
  myTraining,
  recordTraining,
  reportTrainingNeed,
  trainingCsv,
  trainingNeedsAudit,
  trainingStatus,
  dayOf,
  type NeedsAuditPerson,
} from '../../governance/training.ts';
import type { TrainingCourse, TrainingRecord } from '../../store/schema.ts';
import { listTrainingCourses, listTrainingRecords } from '../../store/training-repository.ts';
import { displayNamesOf } from '../../store/alert-repository.ts';
import { actorInSchool, requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const courseDto = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  validityMonths: z.number().nullable().describe('Null: does not expire'),
  requiredRoles: z.array(z.string()),
  builtIn: z.boolean(),
});

function presentCourse(c: TrainingCourse): z.input<typeof courseDto> {
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    description: c.description,
    validityMonths: c.validity_months,
    requiredRoles: c.required_roles,
    builtIn: c.built_in,
  };
}

const state = z.enum(['current', 'due-soon', 'expired', 'missing']);

const recordDto = z.object({
  id: z.string(),
  courseId: z.string(),
  course: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  completedOn: z.string(),
  expiresOn: z.string().nullable(),
  state,
  provider: z.string(),
  evidence: z.string(),
});

const auditPersonDto = z.object({
  userId: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  gaps: z.number().describe('Required courses missing, expired or running out within 60 days'),
  courses: z.array(
    z.object({
      courseId: z.string(),
      course: z.string(),
      required: z.boolean(),
      state,
      completedOn: z.string().nullable(),
      expiresOn: z.string().nullable(),
    }),
  ),
  needs: z.array(z.object({ id: z.string(), need: z.string(), createdAt: z.string() })),
});

function presentAuditPerson(p: NeedsAuditPerson): z.input<typeof auditPersonDto> {
  return {
    userId: p.userId,
    name: p.name,
    roles: p.roles,
    gaps: p.gaps,
    courses: p.courses.map((c) => ({
      courseId: c.courseId,
      course: c.course,
      required: c.required,
      state: c.status.state,
      completedOn: c.status.completedOn,
      expiresOn: c.status.expiresOn,
    })),
    needs: p.needs.map((n) => ({ id: n.id, need: n.need, createdAt: n.createdAt.toISOString() })),
  };
}

const schoolOf = (actor: Actor | null): string => actorInSchool(actor, 'Training records').schoolId;

const day = z.iso.date({ error: 'give a date as YYYY-MM-DD' });

export function trainingRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  function presentRecords(
    records: readonly TrainingRecord[],
    courses: readonly TrainingCourse[],
    names: ReadonlyMap<string, string>,
  ): z.input<typeof recordDto>[] {
    const today = dayOf(deps.clock());
    return records.flatMap((r) => {
      const course = courses.find((c) => c.id === r.course_id);
      if (!course) return [];
      const status = trainingStatus(course, [r], today);
      return [
        {
          id: r.id,
          courseId: r.course_id,
          course: course.name,
          userId: r.user_id,
          name: names.get(r.user_id) ?? null,
          completedOn: r.completed_on,
          expiresOn: status.expiresOn,
          state: status.state,
          provider: r.provider,
          evidence: r.evidence,
        },
      ];
    });
  }
  return [
    defineRoute({
      method: 'GET',
      url: '/api/training/courses',
      ability: 'training.mine',
      tag: 'training',
      summary: 'The school’s training courses, their validity and the roles that must hold them',
      response: z.object({ courses: z.array(courseDto) }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor);
        await ensureBuiltInCourses(db(), schoolId, deps.clock());
        return { courses: (await listTrainingCourses(db(), schoolId)).map(presentCourse) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/training/courses',
      ability: 'training.manage',
      tag: 'training',
      summary: 'Add a course of the school’s own',
      status: 201,
      body: z.object({
        name: z.string().trim().min(3, 'give the course a name').max(200),
        description: z.string().trim().max(2000).default(''),
        validityMonths: z
          .number()
          .int('whole months')
          .min(1, 'at least 1 month')
          .max(120, 'at most 120 months')
          .nullable()
          .describe('Null: does not expire'),
        requiredRoles: z.array(z.string()).default([]),
      }),
      response: courseDto,
      handler: async ({ actor, body }) => {
        const a = requireActor(actor);
        const bad = body.requiredRoles.findIndex((r) => !isRole(r));
        if (bad >= 0) {
          throw new HavenError('HAVEN_VALIDATION', 'Unknown role.', {
            errors: [
              { path: `requiredRoles.${bad}`, message: 'use a role such as staff or governor' },
            ],
          });
        }
        const course = await addTrainingCourse(
          db(),
          { schoolId: schoolOf(a), ...body },
          { actor: a, now: deps.clock() },
        );
        return presentCourse(course);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/training/records',
      ability: 'training.read',
      tag: 'training',
      summary: 'Every training record of the school, newest first, with its expiry',
      response: z.object({ records: z.array(recordDto) }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor);
        await ensureBuiltInCourses(db(), schoolId, deps.clock());
        const [records, courses] = await Promise.all([
          listTrainingRecords(db(), schoolId),
          listTrainingCourses(db(), schoolId),
        ]);
        const names = await displayNamesOf(db(), [...new Set(records.map((r) => r.user_id))]);
        return { records: presentRecords(records, courses, names) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/training/records',
      ability: 'training.manage',
      tag: 'training',
      summary: 'Record training someone completed (date, provider, evidence)',
      status: 201,
      body: z.object({
        userId: z.uuid('choose a person'),
        courseId: z.uuid('choose a course'),
        completedOn: day,
        provider: z.string().trim().min(2, 'say who gave the training').max(200),
        evidence: z.string().trim().max(2000).default(''),
      }),
      response: recordDto,
      handler: async ({ actor, body }) => {
        const a = requireActor(actor);
        const schoolId = schoolOf(a);
        const record = await recordTraining(
          db(),
          { schoolId, ...body },
          { actor: a, now: deps.clock(), recordedBy: a.userId },
        );
        const courses = await listTrainingCourses(db(), schoolId);
        const names = await displayNamesOf(db(), [record.user_id]);
        const [dto] = presentRecords([record], courses, names);
        if (!dto) throw new HavenError('HAVEN_INTERNAL');
        return dto;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/training/needs-audit',
      ability: 'training.read',
      tag: 'training',
      summary:
        'The training-needs audit: every member of staff and governor, what is missing, expired or due within 60 days, and needs they reported',
      response: z.object({ people: z.array(auditPersonDto) }),
      handler: async ({ actor }) => {
        const people = await trainingNeedsAudit(db(), schoolOf(actor), deps.clock());
        return { people: people.map(presentAuditPerson) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/training/export.csv',
      ability: 'training.read',
      tag: 'training',
      summary: 'The training-needs audit as CSV (one row per person and course)',
      response: z.undefined(),
      produces: 'text/csv',
      handler: async ({ actor, reply }) => {
        const now = deps.clock();
        const people = await trainingNeedsAudit(db(), schoolOf(actor), now);
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="training-${dayOf(now)}.csv"`)
          .header('cache-control', 'no-store')
          .send(trainingCsv(people));
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/training/mine',
      ability: 'training.mine',
      tag: 'training',
      summary: 'Your own training: each course, its state, and the needs you reported',
      response: z.object({ person: auditPersonDto.nullable(), records: z.array(recordDto) }),
      handler: async ({ actor }) => {
        const a = requireActor(actor);
        const mine = await myTraining(db(), a, deps.clock());
        return {
          person: mine.audit ? presentAuditPerson(mine.audit) : null,
          records: presentRecords(mine.records, mine.courses, new Map([[a.userId, a.displayName]])),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/training/needs',
      ability: 'training.mine',
      tag: 'training',
      summary: 'Tell the school about a training need of your own (shown in the needs audit)',
      status: 201,
      body: z.object({
        need: z.string().trim().min(3, 'say what training you need').max(1000),
      }),
      response: z.object({ id: z.string(), need: z.string(), createdAt: z.string() }),
      handler: async ({ actor, body }) => {
        const row = await reportTrainingNeed(db(), requireActor(actor), body.need, deps.clock());
        return { id: row.id, need: row.need, createdAt: new Date(row.created_at).toISOString() };
      },
    }),
  ];
}
