import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.ts';
import { writeDataLock } from '../../src/store/data-lock.ts';
import { testDatabases, freshStore, type TestStore } from '../support/test-databases.ts';
import { runCli } from '../support/run-cli.ts';
import { ut1Root } from '../support/blocklists.ts';

const scratch = mkdtempSync(join(tmpdir(), 'haven-cli-'));
const goodCsv = join(scratch, 'pupils.csv');
writeFileSync(
  goodCsv,
  [
    'Forename,Surname,Username,Email,Year Group,Staff Role',
    'Amara,Okafor,aokafor,,Year 4,',
    'Ben,Lee,blee,,Reception,',
    'Chloe,Grant,cgrant,,,Teacher',
  ].join('\n'),
);
const badCsv = join(scratch, 'bad.csv');
writeFileSync(
  badCsv,
  [
    'name,username,year group',
    'Fine Pupil,finepupil,Year 2',
    'Broken Pupil,,Year 2',
    'Other,other,Year 99',
  ].join('\n'),
);

describe('haven (no database needed)', () => {
  test('--help works on every command', async () => {
    for (const args of [
      ['--help'],
      ['start', '--help'],
      ['init', '--help'],
      ['migrate', '--help'],
      ['users', 'import', '--help'],
      ['audit', 'verify', '--help'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, args.join(' '));
      assert.match(result.stdout, /Usage: haven/);
    }
  });

  test('an unknown command exits non-zero with a hint', async () => {
    const result = await runCli(['frobnicate']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown command/);
  });

  test('a bad config value stops haven start with a message naming the key', async () => {
    const result = await runCli(['start'], {
      HAVEN_PORT: 'eighty',
      HAVEN_DATA: join(scratch, 'never'),
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /port \(from HAVEN_PORT\)/);
    assert.doesNotMatch(result.stdout, /Haven is running/);
  });

  test('users import of a file with bad rows names each line and exits 1', async () => {
    const result = await runCli(['users', 'import', badCsv], {
      HAVEN_DATA: join(scratch, 'unused'),
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad\.csv:3: username is empty/);
    assert.match(result.stderr, /bad\.csv:4: .*Year 99/);
    assert.match(result.stderr, /nothing was imported/);
  });
});

for (const kind of testDatabases()) {
  describe(`haven commands [${kind}]`, () => {
    let store: TestStore;
    let env: Record<string, string>;
    before(async () => {
      store = await freshStore(kind);
      await store.close();
      env =
        kind === 'pglite'
          ? { HAVEN_DATA: store.where, DATABASE_URL: '' }
          : { DATABASE_URL: store.url ?? '' };
    });
    after(async () => {
      await store.dispose().catch(() => undefined);
    });

    async function withDb<T>(
      work: (db: Awaited<ReturnType<typeof openStore>>['db']) => Promise<T>,
    ): Promise<T> {
      const s = await openStore(
        kind === 'pglite' ? { dataDir: store.where } : { databaseUrl: store.url, dataDir: '' },
      );
      try {
        return await work(s.db);
      } finally {
        await s.close();
      }
    }

    test('migrate --status lists the applied migrations', async () => {
      const result = await runCli(['migrate', '--status'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /applied {2}0001-foundation/);
    });

    test('init --demo sets up the demo school, once', async () => {
      const first = await runCli(['init', '--demo'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Set up Roundwood Demo School/);
      const second = await runCli(['init', '--demo'], env);
      assert.match(second.stdout, /Already there/);
    });

    test('users import is idempotent', async () => {
      const first = await runCli(['users', 'import', goodCsv], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /3 created, 0 updated, 0 unchanged/);
      const second = await runCli(['users', 'import', goodCsv], env);
      assert.match(second.stdout, /0 created, 0 updated, 3 unchanged/);
    });

    test('a malformed row imports nothing from that file', async () => {
      const before = await withDb(
        async (db) => (await db.selectFrom('users').select('username').execute()).length,
      );
      const result = await runCli(['users', 'import', badCsv], env);
      assert.equal(result.code, 1);
      const afterCount = await withDb(
        async (db) => (await db.selectFrom('users').select('username').execute()).length,
      );
      assert.equal(afterCount, before);
    });

    test('lists import reports bad lines by file and line, and classify/explain use the result', async () => {
      const list = join(scratch, 'my-gambling.txt');
      writeFileSync(list, 'casino-one.test\nnot a domain!\ncasino-two.test\n');
      const imported = await runCli(['lists', 'import', list, '--category', 'gambling'], env);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /my-gambling\.txt +→ gambling +2 hosts/);
      assert.match(imported.stderr, /my-gambling\.txt:2: /);

      const tree = join(scratch, `tree-${kind}`);
      for (const category of ['drogue', 'educational_games']) {
        cpSync(join(ut1Root, category), join(tree, category), { recursive: true });
      }
      const fromTree = await runCli(['lists', 'import', tree, '--source', 'ut1'], env);
      assert.equal(fromTree.code, 0, fromTree.stderr);
      assert.match(fromTree.stdout, /ut1\/drogue +→ drugs/);
      assert.match(fromTree.stdout, /ut1\/educational_games +→ educational-games/);

      const classified = await runCli(
        ['classify', '--group', 'ks2', '--at', '2026-11-23T10:00:00Z'],
        env,
        'casino-one.test\nhttp://www.casino-two.test/page\nprimarygames.com\nexample.test\n',
      );
      assert.equal(classified.code, 0, classified.stderr);
      assert.deepEqual(classified.stdout.trim().split('\n'), [
        'casino-one.test\tblock\tgambling\tmatrix:gambling:ks2',
        'http://www.casino-two.test/page\tblock\tgambling\tmatrix:gambling:ks2',
        'primarygames.com\tallow\teducational-games\tmatrix:educational-games:ks2',
        'example.test\tallow\t-\tdefault',
      ]);
      const unknownGroup = await runCli(['classify', '--group', 'year-99'], env, 'x.test\n');
      assert.equal(unknownGroup.code, 1);
      assert.match(unknownGroup.stderr, /no group "year-99"/);

      const explained = await runCli(
        [
          'explain',
          '--user',
          'pupil',
          '--url',
          'http://casino-one.test/',
          '--at',
          '2026-11-23T10:00:00Z',
        ],
        env,
      );
      assert.equal(explained.code, 0, explained.stderr);
      assert.match(explained.stdout, /Decision +BLOCK/);
      assert.match(explained.stdout, /Rule +matrix:gambling:ks2/);
      assert.match(explained.stdout, /Matched +host entry casino-one\.test in my-gambling\.txt/);
      assert.match(explained.stdout, /Person +Pip Adeyemi \(pupil\); groups ks2/);
    });

    test('audit verify passes, then fails naming a row changed in the database', async () => {
      const ok = await runCli(['audit', 'verify'], env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /intact: \d+ entries/);
      await withDb((db) =>
        db.transaction().execute(async (trx) => {
          await sql`set local session_replication_role = replica`.execute(trx);
          await sql`update audit_log set actor_label = 'someone-else' where seq = 4`.execute(trx);
        }),
      );
      const broken = await runCli(['audit', 'verify'], env);
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, /BROKEN at entry 4/);
    });

    if (kind === 'pglite') {
      test('with Haven running on the data folder, commands explain instead of opening it', async () => {
        writeDataLock(store.where, 'http://127.0.0.1:8080');
        const result = await runCli(['users', 'import', goodCsv], env);
        assert.equal(result.code, 1);
        assert.match(result.stderr, /Haven is running \(process \d+/);
      });
    }
  });
}
