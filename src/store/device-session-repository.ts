import { sql, type Kysely } from 'kysely';
import type { Database, DeviceSession } from './schema.ts';

/**
 * Captive sign-ins: a device address tied to a person until `expires_at` (ENF-4). One person per
 * address: a new sign-in from an address replaces the previous one.
 */

/**
 * How an address is stored and looked up, whatever form the socket gave it: lower-case IPv6 in
 * its shortest form, no brackets or zone, and an IPv4-mapped IPv6 address (`::ffff:10.0.20.7`,
 * a dual-stack socket's view of an IPv4 client) as the IPv4 address it carries.
 */
export function deviceAddress(ip: string): string {
  let text = ip.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return text;
  try {
    // WHATWG URL serialises IPv6 canonically (RFC 5952 compression, lower case).
    text = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return text;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (mapped) {
    const high = parseInt(mapped[1] ?? '0', 16);
    const low = parseInt(mapped[2] ?? '0', 16);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return text;
}

export interface DeviceSessionWithUser extends DeviceSession {
  username: string;
  display_name: string;
  disabled: boolean;
}

/** Tie `clientIp` to a person (replacing whoever was signed in there). */
export async function upsertDeviceSession(
  db: Kysely<Database>,
  session: { clientIp: string; userId: string; schoolId: string; now: Date; expiresAt: Date },
): Promise<DeviceSession> {
  const values = {
    client_ip: deviceAddress(session.clientIp),
    user_id: session.userId,
    school_id: session.schoolId,
    created_at: session.now,
    expires_at: session.expiresAt,
  };
  return db
    .insertInto('device_sessions')
    .values(values)
    .onConflict((oc) =>
      oc.column('client_ip').doUpdateSet({
        user_id: values.user_id,
        school_id: values.school_id,
        created_at: values.created_at,
        expires_at: values.expires_at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The person signed in at `clientIp`, if the sign-in has not expired. */
export async function findDeviceSession(
  db: Kysely<Database>,
  clientIp: string,
  now: Date,
): Promise<DeviceSessionWithUser | undefined> {
  return db
    .selectFrom('device_sessions')
    .innerJoin('users', 'users.id', 'device_sessions.user_id')
    .selectAll('device_sessions')
    .select(['users.username', 'users.display_name', 'users.disabled'])
    .where('device_sessions.client_ip', '=', deviceAddress(clientIp))
    .where('device_sessions.expires_at', '>', now)
    .executeTakeFirst();
}

/** End the sign-in at `clientIp`; returns it when there was one. */
export async function deleteDeviceSession(
  db: Kysely<Database>,
  clientIp: string,
): Promise<DeviceSession | undefined> {
  return db
    .deleteFrom('device_sessions')
    .where('client_ip', '=', deviceAddress(clientIp))
    .returningAll()
    .executeTakeFirst();
}

/** Who is signed in where in a school, newest first (expired sign-ins are left out). */
export async function listDeviceSessions(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
  limit: number,
): Promise<DeviceSessionWithUser[]> {
  return db
    .selectFrom('device_sessions')
    .innerJoin('users', 'users.id', 'device_sessions.user_id')
    .selectAll('device_sessions')
    .select(['users.username', 'users.display_name', 'users.disabled'])
    .where('device_sessions.school_id', '=', schoolId)
    .where('device_sessions.expires_at', '>', now)
    .orderBy('device_sessions.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Every sign-in that has not expired, in every school (a filter node keeps them in memory). */
export async function listActiveDeviceSessions(
  db: Kysely<Database>,
  now: Date,
): Promise<DeviceSessionWithUser[]> {
  return db
    .selectFrom('device_sessions')
    .innerJoin('users', 'users.id', 'device_sessions.user_id')
    .selectAll('device_sessions')
    .select(['users.username', 'users.display_name', 'users.disabled'])
    .where('device_sessions.expires_at', '>', now)
    .execute();
}

/**
 * A cheap "have the sign-ins changed" stamp: the number of rows and the newest sign-in. A sign-in
 * (new or replacing one) moves the newest; a sign-out changes the count.
 */
export async function deviceSessionStamp(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('device_sessions')
    .select([
      sql<string>`count(*)::text`.as('n'),
      sql<string>`coalesce(max(created_at)::text, '')`.as('newest'),
    ])
    .executeTakeFirstOrThrow();
  return `${row.n}:${row.newest}`;
}

export async function deleteExpiredDeviceSessions(
  db: Kysely<Database>,
  now: Date,
): Promise<number> {
  const result = await db
    .deleteFrom('device_sessions')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
