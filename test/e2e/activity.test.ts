import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInAs } from '../support/browser.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { runCli } from '../support/run-cli.ts';
import { projectRoot } from '../support/test-databases.ts';

const run = promisify(execFile);
const screenshots = join(projectRoot, 'test-results', 'screenshots');

/**
 * The Activity page on `haven start`: a pupil's requests through the running proxy — blocked
 * names from a list imported with the CLI (reserved `.test` names, never resolved: the proxy
 * refuses them first) and an allowed page from a local origin by address — become events the
 * DSL searches, drills into and exports.
 */
describe('activity: what the filter decided, searched by the DSL (haven start, curl, Chromium)', () => {
  let haven: HavenProcess;
  let origin: Server;
  let originPort = 0;
  let browser: Browser;
  let page: Page;

  const curl = async (args: string[]): Promise<string> => {
    try {
      return (await run('curl', ['-s', '--max-time', '10', ...args])).stdout;
    } catch (error) {
      return (error as { stdout?: string }).stdout ?? '';
    }
  };
  const status = (url: string) =>
    curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-x',
      `http://127.0.0.1:${haven.proxyPort}`,
      '--proxy-user',
      'pupil:haven-demo',
      url,
    ]);

  before(async () => {
    origin = createServer((_request, response) => response.end('ORIGIN-OK'));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    const address = origin.address();
    originPort = typeof address === 'object' && address ? address.port : 0;
    haven = await startHavenProcess();
    const list = join(haven.dataDir, 'gambling.txt');
    writeFileSync(list, 'casino-one.test\ncasino-two.test\n');
    const imported = await runCli(['lists', 'import', list, '--category', 'gambling'], {
      HAVEN_DATA: haven.dataDir,
      DATABASE_URL: '',
    });
    assert.equal(imported.code, 0, imported.stderr);
    const deadline = Date.now() + 5000;
    while ((await status('http://casino-two.test/')) !== '403') {
      assert.ok(Date.now() < deadline, 'the imported list was not enforced within 5 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await status('http://www.casino-one.test/odds'), '403');
    assert.equal(await status('http://casino-one.test/'), '403');
    assert.equal(await status(`http://127.0.0.1:${originPort}/lesson`), '200');
    browser = await launchChromium();
    page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'dsl');
    // The filter node writes its events in batches (every 200 ms): wait until they are stored.
    const waitUntil = Date.now() + 10_000;
    for (;;) {
      const response = await page.request.get(`${haven.url}/api/activity?user=pupil`);
      const { events } = (await response.json()) as { events: unknown[] };
      if (events.length >= 4) break;
      assert.ok(Date.now() < waitUntil, `only ${events.length} events were stored in 10 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
    await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
  });

  test('the DSL sees the dashboard and the pupil’s requests, newest first', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Activity' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    const blocked = page.getByRole('list', { name: 'Most blocked sites' });
    await blocked.getByText('casino-two.test').waitFor();
    await page.getByRole('list', { name: 'Blocks by category' }).getByText('gambling').waitFor();
    const table = page.locator('table.activity-results');
    await table.getByRole('link', { name: 'Show activity on www.casino-one.test' }).waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => r.includes('Pip Adeyemi') && r.includes('127.0.0.1')));
    assert.ok(rows.some((r) => r.includes('casino-two.test') && r.includes('Blocked')));
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'activity-dsl.png'), fullPage: true });
  });

  test('filter by site (and the names under it), then drill down by person and by site', async () => {
    await page.getByRole('textbox', { name: 'Site' }).fill('casino-one.test');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/host=casino-one\.test/);
    const table = page.locator('table.activity-results');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table.activity-results td.host a')].every((a) =>
        (a.textContent ?? '').endsWith('casino-one.test'),
      ),
    );
    const hosts = await table.locator('td.host a').allInnerTexts();
    assert.deepEqual([...new Set(hosts)].sort(), ['casino-one.test', 'www.casino-one.test']);

    await page.getByRole('button', { name: 'Clear' }).click();
    await table.getByRole('link', { name: `Show activity on 127.0.0.1` }).first().waitFor();
    await table.getByRole('link', { name: 'Show activity of Pip Adeyemi' }).first().click();
    await page.waitForURL(/user=pupil/);
    assert.equal(await page.getByLabel('Person (username)').inputValue(), 'pupil');
    await table.getByRole('link', { name: 'Show activity on casino-two.test' }).first().click();
    await page.waitForURL(/host=casino-two\.test/);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table.activity-results td.host a')].every(
        (a) => a.textContent === 'casino-two.test',
      ),
    );
    // Reading a named pupil's activity is in the audit log.
    const audit = await page.request.get(`${haven.url}/api/audit?action=activity.read`);
    const { entries } = (await audit.json()) as { entries: { actor: string; action: string }[] };
    assert.ok(entries.some((e) => e.actor === 'dsl' && e.action === 'activity.read'));
  });

  test('export the filtered results as CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download these results as CSV' }).click(),
    ]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8').trimEnd().split('\r\n');
    assert.match(csv[0] ?? '', /^time,username,name,group,/);
    assert.ok(csv.length >= 2);
    for (const line of csv.slice(1)) assert.match(line, /,pupil,Pip Adeyemi,.*,casino-two\.test,/);
    const audit = await page.request.get(`${haven.url}/api/audit?action=activity.exported`);
    const { entries } = (await audit.json()) as { entries: unknown[] };
    assert.equal(entries.length, 1);
  });

  test('a token for another system: shown once, listed, revoked', async () => {
    await page.goto(`${haven.url}/activity`);
    const section = page.getByRole('region', { name: 'Other systems sending activity' });
    await section.getByLabel('Name').fill('Chromebooks');
    await section.getByLabel('It sends').selectOption('extension');
    await section.getByRole('button', { name: 'Create token' }).click();
    const shown = section.locator('code.activity-token');
    await shown.waitFor();
    const token = (await shown.innerText()).trim();
    assert.match(token, /^hvn_[A-Za-z0-9_-]{43}$/);
    const row = section.getByRole('row', { name: /Chromebooks/ });
    await row.waitFor();
    assert.match(await row.innerText(), /Browser extension/);
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke Chromebooks' }).click();
    await section.getByText(/^Revoked /).waitFor();
    await section.screenshot({ path: join(screenshots, 'activity-tokens.png') });
    // A revoked token is refused (from another machine: no session, no Origin header).
    const code = await curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      `authorization: Bearer ${token}`,
      '-H',
      'content-type: application/x-ndjson',
      '--data-binary',
      JSON.stringify({ at: new Date().toISOString(), host: 'example.test' }),
      `${haven.url}/api/activity/ingest`,
    ]);
    assert.equal(code, '401');
  });

  test('usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${haven.url}/activity?user=pupil`);
    await page.locator('table.activity-results tbody tr').first().waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than a phone`);
    await page.screenshot({ path: join(screenshots, 'activity-dsl-phone.png'), fullPage: true });
  });
});
