import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest, migrationStatus } from '../../src/store/database.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { eachDatabase } from '../support/each-database.ts';

eachDatabase('store', (ctx) => {
  test('every migration is applied and a second run applies nothing', async () => {
    const status = await migrationStatus(ctx.store.db);
    assert.deepEqual(
      status.map((m) => m.name),
      Object.keys(migrations),
    );
    assert.ok(status.every((m) => m.executedAt !== null));
    assert.deepEqual(await migrateToLatest(ctx.store.db), []);
  });

  test('runs on the expected engine (PGlite through Kysely’s own dialect on this Node)', async () => {
    const { rows } = await sql<{ version: string }>`select version() as version`.execute(
      ctx.store.db,
    );
    const version = rows[0]?.version ?? '';
    if (ctx.kind === 'pglite') assert.match(version, /PGlite|wasm/i);
    else assert.doesNotMatch(version, /wasm/i);
    assert.match(version, /PostgreSQL/);
    assert.ok(Number(process.versions.node.split('.')[0]) >= 20);
  });
});
