import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/access/actor.ts';
import { reportIncident } from '../../src/casework/incident-actions.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { openStore } from '../../src/store/database.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import { runCli } from '../support/run-cli.ts';
import { freshStore, testDatabases, type TestStore } from '../support/test-databases.ts';

/** `haven incidents export`: JSON and CSV, one pupil or all, and bad input writes nothing. */
for (const kind of testDatabases()) {
  describe(`haven incidents export [${kind}]`, () => {
    let store: TestStore;
    let env: Record<string, string>;
    const scratch = mkdtempSync(join(tmpdir(), 'haven-incidents-cli-'));

    before(async () => {
      store = await freshStore(kind);
      const { school } = await setupDemoSchool(store.db, new Date());
      const pupil = await findUserByUsername(store.db, 'pupil');
      assert.ok(pupil);
      await store.db.transaction().execute(async (trx) => {
        await reportIncident(
          trx,
          systemActor('test'),
          {
            schoolId: school.id,
            source: 'app',
            reporterKind: 'staff',
            reporter: null,
            summary: 'Unkind messages in a group chat, "quoted", with a comma',
            people: [{ userId: pupil.id, name: pupil.display_name, kind: 'pupil', role: 'victim' }],
          },
          new Date(),
        );
        await reportIncident(
          trx,
          systemActor('test'),
          {
            schoolId: school.id,
            source: 'app',
            reporterKind: 'staff',
            reporter: null,
            summary: 'Nobody linked',
          },
          new Date(),
        );
      });
      await store.close();
      env =
        kind === 'pglite'
          ? { HAVEN_DATA: store.where, DATABASE_URL: '' }
          : { DATABASE_URL: store.url ?? '' };
    });
    after(async () => {
      await store.dispose().catch(() => undefined);
    });

    test('JSON of everything, to a file', async () => {
      const file = join(scratch, 'all.json');
      const result = await runCli(['incidents', 'export', '--format', 'json', '--out', file], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Wrote the incident export \(json\)/);
      const data = JSON.parse(readFileSync(file, 'utf8')) as {
        format: string;
        version: number;
        incidents: { summary: string; people: { username: string | null }[] }[];
      };
      assert.equal(data.format, 'haven-incidents');
      assert.equal(data.version, 1);
      assert.equal(data.incidents.length, 3, 'the demo incident and the two made here');
    });

    test("CSV of one pupil's record, printed, and the export is audited", async () => {
      const result = await runCli(
        ['incidents', 'export', '--pupil', 'pupil', '--format', 'csv'],
        env,
      );
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split('\r\n');
      // header; the demo incident (its reporter, the DSL, and the pupil); the one made here
      assert.equal(lines.length, 4, result.stdout);
      assert.match(lines[0] ?? '', /^incident_id,reported_at,source/);
      const row = lines.find((l) => l.includes('Unkind messages')) ?? '';
      assert.match(row, /"Unkind messages in a group chat, ""quoted"", with a comma"/);
      assert.match(row, /Pip Adeyemi,pupil,pupil,victim/);
      assert.ok(
        lines.some((l) => /subverting-filtering.*Pip Adeyemi,pupil,pupil,instigator/.test(l)),
      );
      const s = await openStore(
        kind === 'pglite' ? { dataDir: store.where } : { databaseUrl: store.url, dataDir: '' },
      );
      try {
        const audits = await s.db
          .selectFrom('audit_log')
          .select(['actor_label', 'detail'])
          .where('action', '=', 'incident.export')
          .execute();
        assert.equal(audits.length, 2);
        assert.ok(audits.every((a) => a.actor_label === 'system:cli'));
      } finally {
        await s.close();
      }
    });

    test('bad input exits 1 and writes nothing', async () => {
      const file = join(scratch, 'never.json');
      const unknown = await runCli(
        ['incidents', 'export', '--pupil', 'nobody', '--out', file],
        env,
      );
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no person "nobody"/);
      assert.equal(existsSync(file), false);
      const format = await runCli(['incidents', 'export', '--format', 'xml', '--out', file], env);
      assert.equal(format.code, 1);
      assert.match(format.stderr, /--format must be json or csv/);
      assert.equal(existsSync(file), false);
    });
  });
}
