import { sql, type Kysely } from 'kysely';

/**
 * Filter nodes: captive sign-ins that tie a device address to a person for a while, and the
 * requests people make from the block page (a review of a blocked site, or a worry).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // One person per device address: a new sign-in from the address replaces the previous one.
  await db.schema
    .createIndex('device_sessions_client_ip_key')
    .on('device_sessions')
    .column('client_ip')
    .unique()
    .execute();
  await db.schema
    .createIndex('device_sessions_school_expires_idx')
    .on('device_sessions')
    .columns(['school_id', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('device_sessions_user_idx')
    .on('device_sessions')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('block_page_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('worry', 'review')`))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('client_ip', 'text')
    .addColumn('message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('new'))
    .execute();
  await db.schema
    .createIndex('block_page_requests_school_created_idx')
    .on('block_page_requests')
    .columns(['school_id', 'created_at'])
    .execute();
}
