import { sql, type Kysely } from 'kysely';
import type { Database, NewUser, User, UserUpdate } from './schema.ts';

export async function findUserByUsername(
  db: Kysely<Database>,
  username: string,
): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<User> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Kysely<Database>,
  id: string,
  changes: UserUpdate,
): Promise<User> {
  return db
    .updateTable('users')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface UserListQuery {
  schoolId: string | null;
  search?: string | undefined;
  role?: string | undefined;
  group?: string | undefined;
  limit: number;
  offset: number;
}

export async function listUsers(
  db: Kysely<Database>,
  query: UserListQuery,
): Promise<{ users: (User & { groups: string[] })[]; total: number }> {
  let q = db.selectFrom('users');
  q =
    query.schoolId === null
      ? q.where('school_id', 'is', null)
      : q.where('school_id', '=', query.schoolId);
  if (query.search) {
    const like = `%${query.search.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql<string>`lower(username)`, 'like', like),
        eb(sql<string>`lower(display_name)`, 'like', like),
        eb(sql<string>`lower(coalesce(email, ''))`, 'like', like),
      ]),
    );
  }
  if (query.role) q = q.where(sql<boolean>`${query.role} = any(roles)`);
  if (query.group) {
    const slug = query.group;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('group_members')
          .innerJoin('groups', 'groups.id', 'group_members.group_id')
          .whereRef('group_members.user_id', '=', 'users.id')
          .where('groups.slug', '=', slug)
          .select(sql`1`.as('one')),
      ),
    );
  }
  const totalRow = await q
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const users = await q
    .selectAll('users')
    .orderBy('display_name')
    .orderBy('username')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const groups = await groupSlugsOf(
    db,
    users.map((u) => u.id),
  );
  return {
    users: users.map((u) => ({ ...u, groups: groups.get(u.id) ?? [] })),
    total: Number(totalRow.n),
  };
}

export async function groupSlugsOf(
  db: Kysely<Database>,
  userIds: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['group_members.user_id', 'groups.slug'])
    .where('group_members.user_id', 'in', userIds)
    .orderBy('groups.slug')
    .execute();
  for (const row of rows) {
    const list = out.get(row.user_id) ?? [];
    list.push(row.slug);
    out.set(row.user_id, list);
  }
  return out;
}

/** Make the user's membership exactly `groupIds`; returns whether anything changed. */
export async function setUserGroups(
  db: Kysely<Database>,
  userId: string,
  groupIds: string[],
): Promise<boolean> {
  const current = await db
    .selectFrom('group_members')
    .select('group_id')
    .where('user_id', '=', userId)
    .execute();
  const have = new Set(current.map((r) => r.group_id));
  const want = new Set(groupIds);
  const toAdd = [...want].filter((id) => !have.has(id));
  const toRemove = [...have].filter((id) => !want.has(id));
  if (toAdd.length > 0) {
    await db
      .insertInto('group_members')
      .values(toAdd.map((group_id) => ({ group_id, user_id: userId })))
      .execute();
  }
  if (toRemove.length > 0) {
    await db
      .deleteFrom('group_members')
      .where('user_id', '=', userId)
      .where('group_id', 'in', toRemove)
      .execute();
  }
  return toAdd.length > 0 || toRemove.length > 0;
}
