import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/run-cli.ts';
import { freshStore, testDatabases, type TestStore } from '../support/test-databases.ts';

/** `haven registers list|export` on the demo school, on each database. */
for (const kind of testDatabases()) {
  describe(`haven registers [${kind}]`, () => {
    let store: TestStore;
    let env: Record<string, string>;
    before(async () => {
      store = await freshStore(kind);
      await store.close();
      env =
        kind === 'pglite'
          ? { HAVEN_DATA: store.where, DATABASE_URL: '' }
          : { DATABASE_URL: store.url ?? '' };
      const init = await runCli(['init', '--demo'], env);
      assert.equal(init.code, 0, init.stderr);
    });
    after(async () => {
      await store.dispose().catch(() => undefined);
    });

    test('list names every register', async () => {
      const result = await runCli(['registers', 'list'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^breaches\tData protection\tBreach log$/m);
      assert.match(result.stdout, /^social-media\tSocial media\tSocial media accounts$/m);
    });

    test('export prints the CSV of a register; a wrong name exits 1 naming the registers', async () => {
      const result = await runCli(['registers', 'export', 'social-media', '--flagged'], env);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split('\r\n');
      assert.equal(
        lines[0],
        'Platform,Handle or name,Address (URL),Purpose,Approved by (senior leader),Approved on,Staff administrators,Notes,Flags',
      );
      assert.equal(lines.length, 2, result.stdout);
      assert.match(lines[1] ?? '', /^Instagram,roundwood\.demo,.*at least 2\.$/);
      const wrong = await runCli(['registers', 'export', 'breeches'], env);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /There is no register "breeches"\. Registers: roles, /);
      assert.equal(wrong.stdout, '');
    });
  });
}
