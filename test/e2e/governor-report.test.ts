import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { insertAlert } from '../../src/store/alert-repository.ts';
import { recordFilterChange } from '../../src/store/filter-change-repository.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import { launchChromium, navLabels, signInAs } from '../support/browser.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { freshStore, projectRoot } from '../support/test-databases.ts';

const results = join(projectRoot, 'test-results');
const screenshots = join(results, 'screenshots');

/**
 * The governor report and the annual review in real Chromium against `haven start`. The data
 * folder is seeded before Haven starts (PGlite admits one process): the demo school, and this
 * term's alerts — 3 about bullying (a small count), 12 about self-harm, 20 about gambling —
 * and a filter change with its reason.
 */
describe('governor report and annual review (haven start, Chromium, PDF)', () => {
  let haven: HavenProcess;
  let browser: Browser;
  let dataDir = '';

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    const store = await freshStore('pglite');
    dataDir = store.where;
    const now = new Date();
    const { school } = await setupDemoSchool(store.db, now);
    const pupil = await findUserByUsername(store.db, 'pupil');
    assert.ok(pupil);
    const seeds: [string, number][] = [
      ['bullying', 3],
      ['self-harm', 12],
      ['gambling', 20],
    ];
    let n = 0;
    for (const [category, count] of seeds) {
      for (let i = 0; i < count; i += 1) {
        n += 1;
        const at = new Date(now.getTime() - (n + 1) * 3600_000);
        await insertAlert(store.db, {
          school_id: school.id,
          user_id: pupil.id,
          username: pupil.username,
          group_slug: 'ks2',
          client_ip: '10.0.0.5',
          kind: 'phrases',
          category,
          severity: category === 'self-harm' ? 'critical' : 'medium',
          score: 120,
          summary: `Pip Adeyemi searched for something about ${category}`,
          created_at: at,
          last_seen_at: at,
          dedupe_key: `${category}:${i}`,
          status: 'acknowledged',
          acknowledged_at: new Date(at.getTime() + 15 * 60_000),
        });
      }
    }
    // This term's blocked requests, from the daily rollup.
    const day = now.toISOString().slice(0, 10);
    await store.db
      .insertInto('activity_daily')
      .values(
        [
          ['gambling', 'ks2', 412],
          ['pornography', 'ks3', 37],
          ['social-media', 'ks3', 1280],
          ['circumvention', 'ks4', 3],
          [null, 'ks2', 25_000],
        ].map(([category, group, events]) => ({
          school_id: school.id,
          day,
          category: category as string | null,
          action: category === null ? 'allow' : 'block',
          group_slug: group as string,
          events: events as number,
        })),
      )
      .execute();
    await recordFilterChange(
      store.db,
      {
        schoolId: school.id,
        actorId: null,
        actorLabel: 'tech',
        kind: 'local-block.added',
        summary: 'Blocked coolmathgames.test for ks2: distracting in maths lessons',
      },
      new Date(now.getTime() - 86_400_000),
    );
    await store.close();
    haven = await startHavenProcess({ HAVEN_DATA: dataDir });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('a governor reads the termly report: charts, no names, "fewer than 5", and a PDF', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await signInAs(page, haven.url, 'governor');
    const nav = await navLabels(page);
    assert.ok(nav.includes('Governor report'), nav.join(', '));
    assert.ok(!nav.includes('Alerts'), 'a governor does not see the alerts themselves');
    await page.getByRole('link', { name: 'Governor report' }).click();
    await page.getByRole('heading', { name: 'Governor report', level: 1 }).waitFor();
    const report = page.locator('.haven-report');
    await report.waitFor();
    const charts = report.locator('svg[role="img"]');
    assert.ok((await charts.count()) >= 5, `${await charts.count()} charts`);
    const byCategory = report.locator('table', { hasText: 'Alerts by category' });
    const categoryText = await byCategory.innerText();
    assert.match(categoryText, /Bullying\s+fewer than 5/);
    assert.match(categoryText, /Gambling\s+20/);
    assert.match(categoryText, /Self-harm and suicide\s+withheld/);
    assert.match(categoryText, /Total\s+35/);
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes('Pip'), 'no pupil name on the page');
    assert.ok(!text.includes('Adeyemi'));
    // The chart says the same, for screen readers too.
    const desc = await report.locator('svg desc').first().textContent();
    assert.ok(desc && desc.length > 10);
    await page.screenshot({ path: join(screenshots, 'governor-report.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ]);
    const pdfPath = join(results, 'governor-report.pdf');
    await download.saveAs(pdfPath);
    const pdf = readFileSync(pdfPath);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const pdfText = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    assert.match(pdfText, /fewer than 5/);
    assert.match(pdfText, /Termly online safety report to governors/);
    assert.ok(!pdfText.includes('Adeyemi'));
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '70',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      pdfPath,
      join(screenshots, 'governor-report-pdf-page1'),
    ]);

    // On a phone the report still reads: charts above their tables.
    await page.setViewportSize({ width: 390, height: 844 });
    await report.locator('section[data-section="blocks"]').screenshot({
      path: join(screenshots, 'governor-report-390.png'),
    });

    // The governor signs it off.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('Comment (optional)').fill('Discussed at the safeguarding committee.');
    await page.getByRole('button', { name: /Sign off the report for/ }).click();
    await page.getByRole('status').filter({ hasText: 'Signed off' }).waitFor();
    await page.locator('.sign-off', { hasText: 'Signed off by George Whitfield' }).waitFor();
    await context.close();
  });

  test('the annual review shows the filter change log without retyping, and the standard checks run', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'tech');
    await page.getByRole('link', { name: 'Annual review' }).click();
    await page
      .getByRole('heading', { name: 'Filtering and monitoring review', level: 1 })
      .waitFor();
    await page.getByRole('button', { name: 'Start this year’s review' }).click();
    await page.getByRole('heading', { name: /Standard 3: Your filtering system/ }).waitFor();
    const log = page.locator('table', { hasText: 'Filter changes, newest first' });
    await log.waitFor();
    assert.match(
      await log.innerText(),
      /Blocked coolmathgames\.test for ks2: distracting in maths lessons/,
    );
    await page.getByRole('button', { name: 'Run the standard checks now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /checks run by the filter engine/ })
      .waitFor();
    const checks = page.locator('table', { hasText: 'Filtering checks, newest first' });
    await checks.locator('td', { hasText: 'childline.org.uk' }).first().waitFor();
    await page.getByRole('button', { name: 'Sign as IT service provider' }).click();
    await page.getByText(/IT service provider:\s*signed by Priya Natarajan/).waitFor();
    await page.screenshot({ path: join(screenshots, 'annual-review.png') });
    await page
      .locator('[data-evidence="filter-change-log"]')
      .screenshot({ path: join(screenshots, 'annual-review-change-log.png') });
    await page
      .locator('.card', { hasText: 'Sign-off' })
      .screenshot({ path: join(screenshots, 'annual-review-sign-off.png') });

    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('heading', { name: 'Compliance calendar', level: 1 }).waitFor();
    await page.getByText(/Review the Online Safety Policy/).waitFor();
    await page.screenshot({ path: join(screenshots, 'compliance-calendar.png'), fullPage: true });
    await page.close();
  });
});
