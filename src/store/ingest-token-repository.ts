import type { Kysely } from 'kysely';
import type { Database, IngestToken } from './schema.ts';

/** Ingest tokens (MON-6): every SQL statement about `ingest_tokens`. */

export type IngestTokenSourceKind = IngestToken['source_kind'];

export async function insertIngestToken(
  db: Kysely<Database>,
  token: {
    schoolId: string;
    name: string;
    sourceKind: IngestTokenSourceKind;
    tokenHash: string;
    createdBy: string | null;
  },
  now: Date,
): Promise<IngestToken> {
  return db
    .insertInto('ingest_tokens')
    .values({
      school_id: token.schoolId,
      name: token.name,
      source_kind: token.sourceKind,
      token_hash: token.tokenHash,
      created_by: token.createdBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A school's tokens, active first then newest first. */
export async function listIngestTokens(
  db: Kysely<Database>,
  schoolId: string,
): Promise<IngestToken[]> {
  return db
    .selectFrom('ingest_tokens')
    .selectAll()
    .where('school_id', '=', schoolId)
    .orderBy('revoked_at', (ob) => ob.desc().nullsFirst())
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function findIngestToken(
  db: Kysely<Database>,
  id: string,
): Promise<IngestToken | undefined> {
  return db.selectFrom('ingest_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The token that is not revoked with this hash; undefined if none. */
export async function findActiveIngestToken(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<IngestToken | undefined> {
  return db
    .selectFrom('ingest_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Record that a token was used, at most once a minute: a fleet of devices sending at once does
 * not queue on one row.
 */
export async function touchIngestToken(
  db: Kysely<Database>,
  token: IngestToken,
  now: Date,
): Promise<void> {
  if (token.last_used_at !== null && now.getTime() - token.last_used_at.getTime() < 60_000) return;
  await db
    .updateTable('ingest_tokens')
    .set({ last_used_at: now })
    .where('id', '=', token.id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', new Date(now.getTime() - 60_000)),
      ]),
    )
    .execute();
}

/** Revoke a token that is not revoked yet; undefined when it already was. */
export async function markIngestTokenRevoked(
  db: Kysely<Database>,
  id: string,
  now: Date,
): Promise<IngestToken | undefined> {
  return db
    .updateTable('ingest_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
