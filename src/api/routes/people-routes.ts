import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { importPeople, parsePeopleCsv } from '../../school/people-import.ts';
import { changePerson, createPerson } from '../../school/people.ts';
import { createSchool } from '../../school/schools.ts';
import { findSchoolById, listGroups, listSchools } from '../../store/school-repository.ts';
import { findUserById, groupSlugsOf, listUsers } from '../../store/user-repository.ts';
import { requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { presentSchool, presentUser, roleSchema, schoolDto, userDto } from '../dto.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

/** The school a request is about: the actor's own, or for a trust admin the one asked for. */
function schoolOf(actor: Actor, requested: string | undefined): string {
  if (requested && requested !== actor.schoolId) {
    if (!actor.roles.includes('trust-admin')) {
      throw new HavenError('HAVEN_FORBIDDEN', 'You can only see your own school.');
    }
    return requested;
  }
  if (actor.schoolId) return actor.schoolId;
  throw new HavenError(
    'HAVEN_VALIDATION',
    'Say which school: add ?schoolId=… (trust administrators span every school).',
    {
      errors: [{ path: 'query.schoolId', message: 'required for a trust administrator' }],
    },
  );
}

const idParams = z.object({ id: z.uuid('not a valid id') });
const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'use 2–64 letters, digits, dots, dashes or underscores');

export function peopleRoutes(deps: ApiDeps): AnyRoute[] {
  const db = deps.store.db;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/schools',
      ability: 'schools.list',
      tag: 'people',
      summary: 'Schools in this deployment (only your own unless you are a trust administrator)',
      response: z.object({ schools: z.array(schoolDto) }),
      handler: async ({ actor }) => {
        const a = requireActor(actor);
        const schools = (await listSchools(db)).filter((s) =>
          can(a, 'users.list', { schoolId: s.id }),
        );
        return { schools: schools.map(presentSchool) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/schools',
      ability: 'schools.create',
      tag: 'people',
      summary: 'Add a school to the trust, with the standard groups',
      body: z.object({
        slug: z.string().trim().min(2).max(64),
        name: z.string().trim().min(2, 'enter the school name').max(200),
        timeZone: z.string().default('Europe/London'),
      }),
      response: schoolDto,
      status: 201,
      handler: async ({ actor, body }) => {
        const school = await createSchool(db, {
          ...body,
          actor: requireActor(actor),
          now: deps.clock(),
        });
        return presentSchool(school);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/groups',
      ability: 'groups.list',
      tag: 'people',
      summary: 'Groups of a school with their member counts',
      query: z.object({ schoolId: z.uuid().optional() }),
      response: z.object({
        groups: z.array(
          z.object({ slug: z.string(), name: z.string(), kind: z.string(), members: z.number() }),
        ),
      }),
      handler: async ({ actor, query }) => {
        const schoolId = schoolOf(requireActor(actor), query.schoolId);
        const groups = await listGroups(db, schoolId);
        return {
          groups: groups.map((g) => ({
            slug: g.slug,
            name: g.name,
            kind: g.kind,
            members: g.members,
          })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/users',
      ability: 'users.list',
      tag: 'people',
      summary: 'People in a school: search by name, role or group',
      query: z.object({
        schoolId: z.uuid().optional(),
        search: z.string().trim().max(100).optional(),
        role: roleSchema.optional(),
        group: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: z.object({ users: z.array(userDto), total: z.number() }),
      handler: async ({ actor, query }) => {
        const schoolId = schoolOf(requireActor(actor), query.schoolId);
        const { users, total } = await listUsers(db, { ...query, schoolId });
        return { users: users.map((u) => presentUser(u, u.groups)), total };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/users/:id',
      ability: 'users.read',
      tag: 'people',
      summary: "One person's account",
      params: idParams,
      response: userDto,
      handler: async ({ actor, params }) => {
        const user = await findUserById(db, params.id);
        if (!user || !can(requireActor(actor), 'users.read', { schoolId: user.school_id })) {
          throw new HavenError('HAVEN_NOT_FOUND', 'No such person in your school.');
        }
        return presentUser(user, (await groupSlugsOf(db, [user.id])).get(user.id) ?? []);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/users',
      ability: 'users.create',
      tag: 'people',
      summary: 'Add a person to a school',
      body: z.object({
        schoolId: z.uuid().optional(),
        username,
        displayName: z.string().trim().min(1, 'enter a name').max(200),
        email: z.email('not an email address').nullable().optional(),
        roles: z.array(roleSchema).min(1, 'give at least one role'),
        groups: z.array(z.string()).default([]),
        yearGroup: z.string().max(40).nullable().optional(),
        staffRole: z.string().max(100).nullable().optional(),
        password: z.string().max(200).optional(),
      }),
      response: userDto,
      status: 201,
      handler: async ({ actor, body }) => {
        const a = requireActor(actor);
        const schoolId =
          body.roles.includes('trust-admin') && a.roles.includes('trust-admin') && !body.schoolId
            ? null
            : schoolOf(a, body.schoolId);
        if (!can(a, 'users.create', { schoolId })) throw new HavenError('HAVEN_FORBIDDEN');
        if (body.roles.includes('trust-admin') && !a.roles.includes('trust-admin')) {
          throw new HavenError('HAVEN_FORBIDDEN', 'Only a trust administrator can make another.');
        }
        const user = await createPerson(db, { ...body, schoolId }, { actor: a, now: deps.clock() });
        return presentUser(user, body.groups);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/users/:id',
      ability: 'users.update',
      tag: 'people',
      summary: "Change a person's name, email, roles, groups, password, or lock",
      params: idParams,
      body: z
        .object({
          displayName: z.string().trim().min(1).max(200),
          email: z.email('not an email address').nullable(),
          roles: z.array(roleSchema).min(1, 'give at least one role'),
          groups: z.array(z.string()),
          disabled: z.boolean(),
          unlock: z.literal(true),
          password: z.string().max(200),
        })
        .partial()
        .strict(),
      response: userDto,
      handler: async ({ actor, params, body }) => {
        const a = requireActor(actor);
        const user = await findUserById(db, params.id);
        if (!user || !can(a, 'users.read', { schoolId: user.school_id })) {
          throw new HavenError('HAVEN_NOT_FOUND', 'No such person in your school.');
        }
        if (!can(a, 'users.update', { schoolId: user.school_id }))
          throw new HavenError('HAVEN_FORBIDDEN');
        if (body.roles?.includes('trust-admin') && !a.roles.includes('trust-admin')) {
          throw new HavenError('HAVEN_FORBIDDEN', 'Only a trust administrator can make another.');
        }
        if (user.id === a.userId && body.disabled === true) {
          throw new HavenError('HAVEN_VALIDATION', 'You cannot switch off your own account.', {
            errors: [{ path: 'body.disabled', message: 'not on your own account' }],
          });
        }
        const updated = await changePerson(db, user, body, { actor: a, now: deps.clock() });
        return presentUser(updated, (await groupSlugsOf(db, [user.id])).get(user.id) ?? []);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/users/import',
      ability: 'users.import',
      tag: 'people',
      summary:
        'Import people from an MIS export (CSV: name, username, email, year group or staff role)',
      bodyType: 'text/csv',
      body: z.string().min(1, 'the file is empty'),
      query: z.object({ schoolId: z.uuid().optional() }),
      response: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
      handler: async ({ actor, body, query }) => {
        const a = requireActor(actor);
        const schoolId = schoolOf(a, query.schoolId);
        if (!can(a, 'users.import', { schoolId }) || !(await findSchoolById(db, schoolId))) {
          throw new HavenError('HAVEN_FORBIDDEN');
        }
        const parsed = parsePeopleCsv(body);
        if (!parsed.ok) {
          throw new HavenError(
            'HAVEN_IMPORT_REJECTED',
            `${parsed.errors.length} problem(s) in the file; nothing was imported.`,
            {
              errors: parsed.errors.map((e) => ({ path: `line ${e.line}`, message: e.message })),
            },
          );
        }
        return importPeople(db, {
          schoolId,
          people: parsed.people,
          actor: a,
          now: deps.clock(),
          source: 'api',
        });
      },
    }),
  ];
}
