import type { Kysely } from 'kysely';
import type { BlockPageRequest, BlockPageRequestKind, Database } from './schema.ts';

/**
 * What people ask from the block page: a review of a blocked site, or a worry they want a member
 * of staff to know about (INC-1). A worry may be anonymous: then neither the person nor the
 * address is kept.
 */
export interface NewBlockPageRequest {
  schoolId: string;
  kind: BlockPageRequestKind;
  host: string;
  category: string | null;
  ruleId: string | null;
  userId: string | null;
  clientIp: string | null;
  message: string | null;
  now: Date;
}

export async function insertBlockPageRequest(
  db: Kysely<Database>,
  request: NewBlockPageRequest,
): Promise<BlockPageRequest> {
  return db
    .insertInto('block_page_requests')
    .values({
      school_id: request.schoolId,
      kind: request.kind,
      host: request.host,
      category: request.category,
      rule_id: request.ruleId,
      user_id: request.userId,
      client_ip: request.clientIp,
      message: request.message,
      created_at: request.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface BlockPageRequestWithUser extends BlockPageRequest {
  username: string | null;
  display_name: string | null;
}

export async function listBlockPageRequests(
  db: Kysely<Database>,
  query: {
    schoolId: string;
    kind?: BlockPageRequestKind | undefined;
    status?: string | undefined;
    limit: number;
  },
): Promise<BlockPageRequestWithUser[]> {
  let q = db
    .selectFrom('block_page_requests')
    .leftJoin('users', 'users.id', 'block_page_requests.user_id')
    .selectAll('block_page_requests')
    .select(['users.username', 'users.display_name'])
    .where('block_page_requests.school_id', '=', query.schoolId);
  if (query.kind) q = q.where('block_page_requests.kind', '=', query.kind);
  if (query.status) q = q.where('block_page_requests.status', '=', query.status);
  return q
    .orderBy('block_page_requests.created_at', 'desc')
    .orderBy('block_page_requests.id')
    .limit(query.limit)
    .execute();
}
