import type { Kysely } from 'kysely';
import type { AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { findSchoolBySlug, insertGroup, insertSchool } from '../store/school-repository.ts';
import type { Database, School } from '../store/schema.ts';
import { standardGroups } from './standard-groups.ts';

export const schoolSlugPattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Add a school to the deployment with the standard groups, in one transaction. */
export async function createSchool(
  db: Kysely<Database>,
  input: {
    slug: string;
    name: string;
    isDemo?: boolean;
    timeZone?: string;
    actor: AuditActor;
    now: Date;
  },
): Promise<School> {
  if (!schoolSlugPattern.test(input.slug)) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      'The school id may use lower-case letters, digits and dashes.',
      {
        errors: [
          { path: 'slug', message: 'use lower-case letters, digits and dashes, e.g. "roundwood"' },
        ],
      },
    );
  }
  return db.transaction().execute(async (trx) => {
    if (await findSchoolBySlug(trx, input.slug)) {
      throw new HavenError(
        'HAVEN_CONFLICT',
        `A school with the id "${input.slug}" already exists.`,
      );
    }
    const school = await insertSchool(trx, input);
    for (const group of standardGroups) {
      await insertGroup(trx, { schoolId: school.id, ...group });
    }
    await audit(
      trx,
      input.actor,
      {
        action: 'school.created',
        subjectType: 'school',
        subjectId: school.id,
        schoolId: school.id,
        detail: {
          slug: school.slug,
          name: school.name,
          demo: school.is_demo,
          groups: standardGroups.map((g) => g.slug),
        },
      },
      input.now,
    );
    return school;
  });
}
