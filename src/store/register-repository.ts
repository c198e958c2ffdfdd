import type { Kysely } from 'kysely';
import type { Database, RegisterRow } from './schema.ts';

/**
 * The rows of the governance registers (migration 0010). Every register keeps its rows here,
 * told apart by `register`; what a row's `data` holds is checked by the register's definition
 * in `governance/` before it reaches these functions.
 */

export async function listRegisterRows(
  db: Kysely<Database>,
  schoolId: string,
  register: string,
  options: { includeArchived?: boolean } = {},
): Promise<RegisterRow[]> {
  let q = db
    .selectFrom('register_rows')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('register', '=', register)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc');
  if (!options.includeArchived) q = q.where('archived_at', 'is', null);
  return q.execute();
}

export async function findRegisterRow(
  db: Kysely<Database>,
  register: string,
  id: string,
): Promise<RegisterRow | undefined> {
  return db
    .selectFrom('register_rows')
    .selectAll()
    .where('id', '=', id)
    .where('register', '=', register)
    .executeTakeFirst();
}

export async function insertRegisterRow(
  db: Kysely<Database>,
  row: { schoolId: string; register: string; data: Record<string, unknown>; by: string | null },
  now: Date,
): Promise<RegisterRow> {
  return db
    .insertInto('register_rows')
    .values({
      school_id: row.schoolId,
      register: row.register,
      data: JSON.stringify(row.data),
      created_at: now,
      created_by: row.by,
      updated_at: now,
      updated_by: row.by,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateRegisterRow(
  db: Kysely<Database>,
  id: string,
  change: { data: Record<string, unknown>; by: string | null },
  now: Date,
): Promise<RegisterRow> {
  return db
    .updateTable('register_rows')
    .set({ data: JSON.stringify(change.data), updated_at: now, updated_by: change.by })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function archiveRegisterRow(
  db: Kysely<Database>,
  id: string,
  by: string | null,
  now: Date,
): Promise<RegisterRow> {
  return db
    .updateTable('register_rows')
    .set({ archived_at: now, archived_by: by, updated_at: now, updated_by: by })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A person as the registers show them: enough to name them and to see they have left. */
export interface RegisterPerson {
  readonly id: string;
  readonly schoolId: string | null;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly lockedUntil: Date | null;
  readonly guestExpiresAt: Date | null;
}

/** Everyone in a school (registers name staff, governors and pupils by their account). */
export async function listSchoolPeople(
  db: Kysely<Database>,
  schoolId: string,
): Promise<RegisterPerson[]> {
  const rows = await db
    .selectFrom('users')
    .select([
      'id',
      'school_id',
      'username',
      'display_name',
      'roles',
      'disabled',
      'locked_until',
      'guest_expires_at',
    ])
    .where('school_id', '=', schoolId)
    .orderBy('display_name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    schoolId: r.school_id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    disabled: r.disabled,
    lockedUntil: r.locked_until,
    guestExpiresAt: r.guest_expires_at,
  }));
}
