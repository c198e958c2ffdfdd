import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/run-cli.ts';
import { freshStore, testDatabases, type TestStore } from '../support/test-databases.ts';

const scratch = mkdtempSync(join(tmpdir(), 'haven-report-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

for (const kind of testDatabases()) {
  describe(`haven report and haven calendar [${kind}]`, () => {
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

    test('haven report governor prints the anonymised report for a term', async () => {
      const result = await runCli(['report', 'governor', '--term', 'autumn-2026'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /Roundwood Demo School: termly online safety report to governors, Autumn term 2026/,
      );
      assert.match(result.stdout, /Accounts by role:\n(.*\n)*\s+Pupil: fewer than 5/);
      assert.match(result.stdout, /Not yet signed off by the online safety governor\./);
      assert.ok(!result.stdout.includes('Pip Adeyemi'));
    });

    test('a bad term says what is accepted, exits 1 and writes nothing', async () => {
      const file = join(scratch, `bad-${kind}.pdf`);
      const result = await runCli(
        ['report', 'governor', '--term', 'winter-2026', '--pdf', file],
        env,
      );
      assert.equal(result.code, 1);
      assert.match(result.stderr, /"winter-2026" is not a term or a range: use autumn-2026/);
      assert.equal(existsSync(file), false);
    });

    test('haven report governor --html writes the page; --pdf the PDF (Chromium)', async () => {
      const html = join(scratch, `report-${kind}.html`);
      const written = await runCli(
        ['report', 'governor', '--term', '2026-09-01..2026-11-30', '--html', html],
        env,
      );
      assert.equal(written.code, 0, written.stderr);
      const page = readFileSync(html, 'utf8');
      assert.match(page, /<!DOCTYPE html>/);
      assert.match(page, /1 September 2026 to 30 November 2026/);
      if (kind !== 'pglite') return; // printing once is enough
      const pdf = join(scratch, 'report.pdf');
      const printed = await runCli(
        ['report', 'governor', '--term', 'autumn-2026', '--pdf', pdf],
        env,
      );
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /Wrote .*report\.pdf \(Autumn term 2026, \d+ bytes\)/);
      assert.equal(readFileSync(pdf).subarray(0, 5).toString('latin1'), '%PDF-');
    });

    test('haven calendar --json lists every due date', async () => {
      const result = await runCli(['calendar', '--json'], env);
      assert.equal(result.code, 0, result.stderr);
      const answer = JSON.parse(result.stdout) as {
        school: string;
        groups: { id: string; items: { kind: string; due: string; overdue: boolean }[] }[];
      };
      assert.equal(answer.school, 'roundwood-demo');
      const kinds = answer.groups.flatMap((g) => g.items.map((i) => i.kind));
      assert.ok(kinds.includes('policy-review'), kinds.join(','));
      assert.ok(kinds.includes('annual-review'));
      assert.ok(kinds.includes('governor-report'));
      const text = await runCli(['calendar'], env);
      assert.equal(text.code, 0, text.stderr);
      assert.match(
        text.stdout,
        /Annual filtering and monitoring review: none completed in Haven yet/,
      );
    });
  });
}
