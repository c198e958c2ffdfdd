import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { freshStore, testDatabases, type TestStore } from '../support/test-databases.ts';
import { runCli } from '../support/run-cli.ts';

for (const kind of testDatabases()) {
  describe(`haven exemptions [${kind}]`, () => {
    let store: TestStore;
    let env: Record<string, string>;
    before(async () => {
      store = await freshStore(kind);
      await setupDemoSchool(store.db, new Date());
      await store.close();
      env =
        kind === 'pglite'
          ? { HAVEN_DATA: store.where, DATABASE_URL: '' }
          : { DATABASE_URL: store.url ?? '' };
    });
    after(async () => {
      await store.dispose().catch(() => undefined);
    });

    test('request as a teacher, approve as the DSL, list the active one', async () => {
      const from = new Date(Date.now() - 60_000).toISOString();
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const asked = await runCli(
        [
          'exemptions',
          'request',
          '--as',
          'teacher',
          '--site',
          'maths-games.test',
          '--group',
          'ks2',
          '--from',
          from,
          '--until',
          until,
          '--reason',
          'Times tables practice',
        ],
        env,
      );
      assert.equal(asked.code, 0, asked.stderr);
      const id = asked.stdout.split('\t')[0] ?? '';

      const own = await runCli(['exemptions', 'approve', id, '--as', 'teacher'], env);
      assert.equal(own.code, 1);
      assert.match(own.stderr, /may not do this/);

      const approved = await runCli(['exemptions', 'approve', id, '--as', 'dsl'], env);
      assert.equal(approved.code, 0, approved.stderr);
      assert.equal(approved.stdout, `${id}\tactive\n`);

      const listed = await runCli(['exemptions', 'list', '--as', 'head', '--state', 'active'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`^${id}\tactive\tmaths-games.test\tks2\t`));
    });

    test('illegal categories and bad times are refused, nothing written', async () => {
      const before = await runCli(['exemptions', 'list', '--as', 'dsl'], env);
      const illegal = await runCli(
        [
          'exemptions',
          'request',
          '--as',
          'teacher',
          '--category',
          'child-abuse',
          '--group',
          'ks2',
          '--from',
          new Date().toISOString(),
          '--until',
          new Date(Date.now() + 60_000).toISOString(),
          '--reason',
          'never',
        ],
        env,
      );
      assert.equal(illegal.code, 1);
      assert.match(illegal.stderr, /illegal.*can never be exempted/);
      const badTime = await runCli(
        [
          'exemptions',
          'request',
          '--as',
          'teacher',
          '--site',
          'a.test',
          '--group',
          'ks2',
          '--from',
          'tomorrow',
          '--until',
          'later',
          '--reason',
          'x',
        ],
        env,
      );
      assert.equal(badTime.code, 1);
      assert.match(badTime.stderr, /--from tomorrow is not a time/);
      const listed = await runCli(['exemptions', 'list', '--as', 'dsl'], env);
      assert.equal(listed.stdout, before.stdout);
    });
  });
}
