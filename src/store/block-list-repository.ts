import type { Kysely } from 'kysely';
import type { BlockList, Database } from './schema.ts';

export type BlockListSummary = Omit<BlockList, 'content'>;

const summaryColumns = [
  'id',
  'name',
  'source',
  'source_category',
  'category',
  'format',
  'host_entries',
  'url_entries',
  'allow_entries',
  'bad_lines',
  'checksum',
  'origin',
  'licence',
  'imported_at',
  'imported_by',
  'active',
] as const;

export async function listActiveBlockLists(db: Kysely<Database>): Promise<BlockListSummary[]> {
  return db
    .selectFrom('block_lists')
    .select(summaryColumns)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

export async function activeBlockListContents(
  db: Kysely<Database>,
): Promise<Pick<BlockList, 'name' | 'category' | 'content'>[]> {
  return db
    .selectFrom('block_lists')
    .select(['name', 'category', 'content'])
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

export async function findActiveBlockList(
  db: Kysely<Database>,
  name: string,
): Promise<BlockListSummary | undefined> {
  return db
    .selectFrom('block_lists')
    .select(summaryColumns)
    .where('name', '=', name)
    .where('active', '=', true)
    .executeTakeFirst();
}

/**
 * Make `list` the active list of its name: the previous one is kept, inactive, for rollback.
 * Call inside a transaction so readers see either the old list or the new one.
 */
export async function swapInBlockList(
  db: Kysely<Database>,
  list: Omit<BlockList, 'id' | 'active'>,
): Promise<{ id: string; replaced: BlockListSummary | undefined }> {
  const replaced = await findActiveBlockList(db, list.name);
  if (replaced)
    await db
      .updateTable('block_lists')
      .set({ active: false })
      .where('id', '=', replaced.id)
      .execute();
  const row = await db
    .insertInto('block_lists')
    .values({ ...list, active: true })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Keep the two most recent inactive versions of each list for rollback; older ones go.
  const old = await db
    .selectFrom('block_lists')
    .select('id')
    .where('name', '=', list.name)
    .where('active', '=', false)
    .orderBy('imported_at', 'desc')
    .offset(2)
    .limit(100)
    .execute();
  if (old.length > 0) {
    await db
      .deleteFrom('block_lists')
      .where(
        'id',
        'in',
        old.map((o) => o.id),
      )
      .execute();
  }
  return { id: row.id, replaced };
}

export async function listBlockListHistory(
  db: Kysely<Database>,
  name: string,
): Promise<BlockListSummary[]> {
  return db
    .selectFrom('block_lists')
    .select(summaryColumns)
    .where('name', '=', name)
    .orderBy('imported_at', 'desc')
    .execute();
}

/** Roll a list back to its previous version; returns the version now active, if any. */
export async function rollBackBlockList(
  db: Kysely<Database>,
  name: string,
): Promise<BlockListSummary | undefined> {
  const history = await listBlockListHistory(db, name);
  const current = history.find((h) => h.active);
  const previous = history.find((h) => !h.active);
  if (!current) return undefined;
  if (!previous) {
    // A list that had no earlier version is taken out altogether.
    await db
      .updateTable('block_lists')
      .set({ active: false })
      .where('id', '=', current.id)
      .execute();
    return undefined;
  }
  await db.updateTable('block_lists').set({ active: false }).where('id', '=', current.id).execute();
  await db.updateTable('block_lists').set({ active: true }).where('id', '=', previous.id).execute();
  return { ...previous, active: true };
}
