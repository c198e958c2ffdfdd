import { sql, type Kysely } from 'kysely';
import type { AuaAudience, AuaSettings, AuaSignature, AuaVersion, Database } from './schema.ts';

/** Acceptable use agreements (GOV-4): versions, signatures and the school's settings. */

export async function listAuaVersions(
  db: Kysely<Database>,
  schoolId: string,
): Promise<AuaVersion[]> {
  return db
    .selectFrom('aua_versions')
    .selectAll()
    .where('school_id', '=', schoolId)
    .orderBy('audience')
    .orderBy('number', 'desc')
    .execute();
}

export async function findAuaVersion(
  db: Kysely<Database>,
  id: string,
): Promise<AuaVersion | undefined> {
  return db.selectFrom('aua_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Serialises publishing for one school and audience until the transaction ends. */
export async function lockAuaAudience(
  db: Kysely<Database>,
  schoolId: string,
  audience: AuaAudience,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`aua:${schoolId}:${audience}`}))`.execute(db);
}

export async function nextAuaNumber(
  db: Kysely<Database>,
  schoolId: string,
  audience: AuaAudience,
): Promise<number> {
  const row = await db
    .selectFrom('aua_versions')
    .select(sql<number>`coalesce(max(number), 0) + 1`.as('n'))
    .where('school_id', '=', schoolId)
    .where('audience', '=', audience)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertAuaVersion(
  db: Kysely<Database>,
  version: {
    schoolId: string;
    audience: AuaAudience;
    number: number;
    title: string;
    body: string;
    effectiveFrom: Date;
    changeNote: string;
    publishedBy: string | null;
    now: Date;
  },
): Promise<AuaVersion> {
  return db
    .insertInto('aua_versions')
    .values({
      school_id: version.schoolId,
      audience: version.audience,
      number: version.number,
      title: version.title,
      body: version.body,
      effective_from: version.effectiveFrom,
      change_note: version.changeNote,
      published_by: version.publishedBy,
      published_at: version.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Signatures in a school (all of them, or one person's). */
export async function listAuaSignatures(
  db: Kysely<Database>,
  schoolId: string,
  userId?: string,
): Promise<AuaSignature[]> {
  let q = db.selectFrom('aua_signatures').selectAll().where('school_id', '=', schoolId);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return q.orderBy('signed_at', 'desc').execute();
}

/** Records a signature; returns undefined when this person had already signed this version. */
export async function insertAuaSignature(
  db: Kysely<Database>,
  signature: {
    schoolId: string;
    versionId: string;
    userId: string;
    typedName: string;
    now: Date;
  },
): Promise<AuaSignature | undefined> {
  return db
    .insertInto('aua_signatures')
    .values({
      school_id: signature.schoolId,
      version_id: signature.versionId,
      user_id: signature.userId,
      typed_name: signature.typedName,
      signed_at: signature.now,
    })
    .onConflict((oc) => oc.columns(['version_id', 'user_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findAuaSettings(
  db: Kysely<Database>,
  schoolId: string,
): Promise<AuaSettings | undefined> {
  return db
    .selectFrom('aua_settings')
    .selectAll()
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
}

export async function saveAuaSettings(
  db: Kysely<Database>,
  settings: {
    schoolId: string;
    safeListEnabled: boolean;
    safeHosts: string[];
    appHost: string | null;
    updatedBy: string | null;
    now: Date;
  },
): Promise<AuaSettings> {
  const values = {
    safe_list_enabled: settings.safeListEnabled,
    safe_hosts: settings.safeHosts,
    app_host: settings.appHost,
    updated_by: settings.updatedBy,
    updated_at: settings.now,
  };
  return db
    .insertInto('aua_settings')
    .values({ school_id: settings.schoolId, ...values })
    .onConflict((oc) => oc.column('school_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The people of a school who may have to sign: enabled accounts, with roles and year group. */
export interface AuaPerson {
  id: string;
  display_name: string;
  email: string | null;
  roles: string[];
  year_group: string | null;
}

export async function listAuaPeople(db: Kysely<Database>, schoolId: string): Promise<AuaPerson[]> {
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'roles', 'year_group'])
    .where('school_id', '=', schoolId)
    .where('disabled', '=', false)
    .orderBy('display_name')
    .execute();
}

/** Group memberships of a school: group slug and name per user. */
export async function listGroupMemberships(
  db: Kysely<Database>,
  schoolId: string,
): Promise<{ user_id: string; slug: string; name: string }[]> {
  return db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['group_members.user_id', 'groups.slug', 'groups.name'])
    .where('groups.school_id', '=', schoolId)
    .execute();
}
