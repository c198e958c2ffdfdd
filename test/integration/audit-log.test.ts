import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { systemActor } from '../../src/access/actor.ts';
import { audit } from '../../src/access/audit.ts';
import { listAudit, verifyAuditChain } from '../../src/store/audit-repository.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildSchool } from '../support/factories.ts';

eachDatabase('audit log', (ctx) => {
  test('entries chain and verify; the first change is named', async () => {
    const db = ctx.store.db;
    const school = await buildSchool(db);
    for (let i = 0; i < 5; i += 1) {
      await db.transaction().execute((trx) =>
        audit(
          trx,
          systemActor('test'),
          {
            action: 'thing.done',
            subjectType: 'thing',
            subjectId: String(i),
            schoolId: school.id,
            detail: { i, z: 1, a: { b: [1, 2] } },
          },
          new Date(),
        ),
      );
    }
    const before = await verifyAuditChain(db);
    assert.equal(before.ok, true);
    const entries = before.entries;
    assert.ok(entries >= 6, 'school creation and five entries');

    // A DBA edits entry 3 directly, bypassing the append-only trigger.
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update audit_log set detail = '{"i": 99}'::jsonb where seq = 3`.execute(trx);
    });
    const after = await verifyAuditChain(db);
    assert.equal(after.ok, false);
    assert.equal(after.ok ? 0 : after.brokenSeq, 3);
    assert.match(after.ok ? '' : after.reason, /entry 3 .* was changed/);
  });

  test('the application cannot update, delete or truncate audit rows', async () => {
    const db = ctx.store.db;
    await assert.rejects(
      sql`update audit_log set action = 'x' where seq = 1`.execute(db),
      /append-only/,
    );
    await assert.rejects(sql`delete from audit_log where seq = 1`.execute(db), /append-only/);
    await assert.rejects(sql`truncate audit_log`.execute(db), /append-only/);
  });

  test('a deleted entry is reported as missing', async () => {
    const db = ctx.store.db;
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`delete from audit_log where seq = 2`.execute(trx);
    });
    const result = await verifyAuditChain(db);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? 0 : result.brokenSeq, 2);
  });

  test('entries are listed newest first and filtered by action prefix', async () => {
    const rows = await listAudit(ctx.store.db, { limit: 3, action: 'thing.' });
    assert.equal(rows.length, 3);
    assert.ok(Number(rows[0]?.seq) > Number(rows[1]?.seq));
    assert.ok(rows.every((r) => r.action === 'thing.done'));
  });
});
