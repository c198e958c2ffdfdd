import type { Kysely } from 'kysely';
import type { Database, Group, School } from './schema.ts';

export async function findSchoolBySlug(
  db: Kysely<Database>,
  slug: string,
): Promise<School | undefined> {
  return db.selectFrom('schools').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findSchoolById(
  db: Kysely<Database>,
  id: string,
): Promise<School | undefined> {
  return db.selectFrom('schools').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listSchools(db: Kysely<Database>): Promise<School[]> {
  return db.selectFrom('schools').selectAll().orderBy('name').execute();
}

export async function countSchools(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('schools')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSchool(
  db: Kysely<Database>,
  school: { slug: string; name: string; isDemo?: boolean; timeZone?: string },
): Promise<School> {
  return db
    .insertInto('schools')
    .values({
      slug: school.slug,
      name: school.name,
      is_demo: school.isDemo ?? false,
      time_zone: school.timeZone ?? 'Europe/London',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listGroups(
  db: Kysely<Database>,
  schoolId: string,
): Promise<(Group & { members: number })[]> {
  const rows = await db
    .selectFrom('groups')
    .leftJoin('group_members', 'group_members.group_id', 'groups.id')
    .selectAll('groups')
    .select((eb) => eb.fn.count<string>('group_members.user_id').as('members'))
    .where('groups.school_id', '=', schoolId)
    .groupBy('groups.id')
    .orderBy('groups.created_at')
    .orderBy('groups.slug')
    .execute();
  return rows.map((r) => ({ ...r, members: Number(r.members) }));
}

export async function findGroup(
  db: Kysely<Database>,
  schoolId: string,
  slug: string,
): Promise<Group | undefined> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function insertGroup(
  db: Kysely<Database>,
  group: { schoolId: string; slug: string; name: string; kind: string },
): Promise<Group> {
  return db
    .insertInto('groups')
    .values({ school_id: group.schoolId, slug: group.slug, name: group.name, kind: group.kind })
    .returningAll()
    .executeTakeFirstOrThrow();
}
