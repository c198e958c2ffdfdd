/**
 * `npm test`: every leg of the suite, in order, with one summary at the end.
 *
 *   check        type-check, lint (zero warnings), format, generated files up to date
 *   unit         src/**\/*.test.ts — pure code, no database
 *   integration  test/integration — each store test on PGlite and on PostgreSQL
 *   e2e          test/e2e — Haven started for real, driven by Chromium (playwright-core)
 *
 * A leg that cannot run here (no PostgreSQL server, no Chromium) is announced loudly with how
 * to get it, and the rest still run; with CI=true a missing leg fails the run.
 *
 * Options: --only unit,integration   run some legs;  any other argument is a file filter.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { chromiumPath } from '../test/support/browser.ts';
import {
  postgresAdminUrl,
  postgresAvailable,
  prepareTemplates,
  projectRoot,
} from '../test/support/test-databases.ts';

type Leg = 'check' | 'unit' | 'integration' | 'e2e';
const ci = process.env.CI === 'true';
let only: Set<string> | null = null;
const filters: string[] = [];
for (let i = 2; i < process.argv.length; i += 1) {
  const arg = process.argv[i] ?? '';
  if (arg === '--only') {
    only = new Set((process.argv[i + 1] ?? '').split(','));
    i += 1;
  } else filters.push(arg);
}
const wanted = (leg: Leg) => only === null || only.has(leg);

function testFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) out.push(path);
    }
  };
  walk(join(projectRoot, folder));
  return out
    .sort()
    .filter(
      (f) => filters.length === 0 || filters.some((s) => relative(projectRoot, f).includes(s)),
    );
}

const missing: string[] = [];
const banner = (lines: string[]) => {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  process.stdout.write(
    `\n${'!'.repeat(width)}\n${lines.map((l) => `! ${l}`).join('\n')}\n${'!'.repeat(width)}\n\n`,
  );
};

const totals = { passed: 0, failed: 0, skipped: 0 };

async function runFiles(
  leg: Leg,
  files: string[],
  env: Record<string, string>,
  concurrency: number,
): Promise<void> {
  if (files.length === 0) return;
  process.stdout.write(`\n=== ${leg}: ${files.length} file(s) ===\n`);
  Object.assign(process.env, env);
  const stream = run({ files, concurrency, timeout: 10 * 60_000 });
  stream.on('test:pass', (event) => {
    if (event.details.type !== 'suite') {
      if (event.skip) totals.skipped += 1;
      else totals.passed += 1;
    }
  });
  stream.on('test:fail', (event) => {
    if (event.details.type !== 'suite') totals.failed += 1;
  });
  await new Promise<void>((resolveDone) => {
    const out = stream.compose(new spec());
    out.pipe(process.stdout, { end: false });
    out.on('end', resolveDone);
  });
}

function runCheck(): void {
  process.stdout.write('\n=== check: type-check, lint, format, generated files ===\n');
  const result = spawnSync('npm', ['run', '--silent', 'check'], {
    stdio: 'inherit',
    cwd: projectRoot,
  });
  if (result.status === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    process.stdout.write(
      '✖ check failed: type-check, lint, format or generated documents (see above)\n',
    );
  }
}

if (wanted('check')) runCheck();
if (wanted('unit')) await runFiles('unit', testFiles('src'), {}, 2);

if (wanted('integration')) {
  const databases = ['pglite'];
  if (await postgresAvailable()) databases.push('postgres');
  else {
    missing.push('integration tests on PostgreSQL');
    banner([
      `PostgreSQL is not reachable at ${postgresAdminUrl}: the store tests run on PGlite only.`,
      'To run them on PostgreSQL too: start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)',
      'or set HAVEN_TEST_POSTGRES_URL to a server where the user may create databases.',
    ]);
  }
  await prepareTemplates(databases as ('pglite' | 'postgres')[]);
  await runFiles(
    'integration',
    testFiles('test/integration'),
    { HAVEN_TEST_DATABASES: databases.join(',') },
    2,
  );
}

if (wanted('e2e')) {
  const chromium = chromiumPath();
  if (chromium) {
    await runFiles('e2e', testFiles('test/e2e'), { HAVEN_TEST_DATABASES: 'pglite' }, 1);
  } else {
    missing.push('browser (e2e) tests');
    banner([
      'Chromium was not found: the browser tests did not run.',
      'Install it with: apt-get install -y chromium   (or set HAVEN_CHROMIUM to its path)',
    ]);
  }
}

process.stdout.write('\n');
if (missing.length > 0) {
  banner([
    `NOT RUN: ${missing.join('; ')}.`,
    ci
      ? 'CI=true: a missing leg is a failure.'
      : 'The other legs ran; see above for how to run these.',
  ]);
}
process.stdout.write(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`,
);
process.exitCode = totals.failed > 0 || (ci && missing.length > 0) ? 1 : 0;
