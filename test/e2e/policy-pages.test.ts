/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, navLabels, signInAs } from '../support/browser.ts';
import { freePort, startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { projectRoot } from '../support/test-databases.ts';

/**
 * The Policy and Filtering pages in real Chromium against `haven start`: the DSL drafts a change
 * in the User Actions grid, a governor approves it, the head makes it active; the technician
 * adds a local block entry and staff test URLs. Screenshots land in test-results/screenshots/.
 */

const screenshots = join(projectRoot, 'test-results', 'screenshots');

async function openPage(page: Page, label: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The API as a signed-in user, to check what the page shows against what the API says. */
async function apiAs(url: string, username: string) {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'haven-demo' }),
  });
  assert.equal(response.status, 200);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    post: async <T>(path: string, body: unknown): Promise<T> => {
      const answer = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(answer.status, 200, await answer.clone().text());
      return (await answer.json()) as T;
    },
  };
}

const verdicts = {
  allow: 'Allowed',
  block: 'Blocked',
  'allow-with-alert': 'Allowed, with an alert to the DSL',
} as const;

describe('the Policy and Filtering pages (haven start + Chromium)', () => {
  let haven: HavenProcess;
  let browser: Browser;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    // Own ports for the proxy and the DNS filter, so that another Haven running does not clash.
    haven = await startHavenProcess({
      HAVEN_PROXY_PORT: String(await freePort()),
      HAVEN_DNS_PORT: String(await freePort()),
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('the DSL sees version 1 in force, drafts a change in the grid and saves it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'dsl');
    assert.deepEqual(await navLabels(page), [
      'Home',
      'Report a concern',
      'Alerts',
      'Incidents',
      'Phrase lists',
      'Policy',
      'Filtering',
      'Exemptions',
      'Filter changes',
      'Activity',
      'People',
      'Groups',
      'Registers',
      'Agreements',
      'Training',
      'Surveys',
      'Governor report',
      'Annual review',
      'Calendar',
      'Audit log',
      'My account',
    ]);
    // The home page has the policy card.
    const card = page.getByRole('region', { name: 'Online safety policy' });
    await card.getByText('Version 1').waitFor();
    assert.match(await card.innerText(), /approved by George Whitfield/);

    await page.screenshot({ path: join(screenshots, 'home-policy-card.png') });

    await openPage(page, 'Policy', 'Online safety policy');
    const status = page.getByRole('region', { name: 'Policy in force' });
    await status.getByText('Version 1', { exact: true }).waitFor();
    assert.match(await status.innerText(), /Approved by George Whitfield on/);
    assert.match(await status.innerText(), /Next review/);
    const html = status.getByRole('link', { name: /Published tables \(web page\)/ });
    assert.equal(await html.getAttribute('target'), '_blank');
    assert.match((await html.getAttribute('href')) ?? '', /\/document\.html$/);
    await page.getByRole('heading', { name: 'Version 1: Online Safety Policy' }).waitFor();
    // The active version is read-only: the grid has no selects, illegal rows say so.
    assert.equal(await page.locator('table.matrix select').count(), 0);
    await page.getByText('Illegal for everyone').first().waitFor();
    await page.getByText('Not a website filter rule').first().waitFor();

    await page.getByLabel('Change note (optional)').fill('Social media at lunchtime for KS2');
    await page.getByRole('button', { name: 'Start a new draft' }).click();
    await page.getByRole('heading', { name: 'Version 2: Online Safety Policy' }).waitFor();
    await page.getByText('Draft version 2 is started').waitFor();

    // Illegal cells stay locked in the draft: no select in the first row.
    assert.equal(
      await page.getByRole('combobox', { name: /^Child sexual abuse images/ }).count(),
      0,
    );

    // A cell "at certain times" without a time band: the API's problem is shown at the cell.
    const gambling = page.getByRole('combobox', {
      name: 'On-line gambling Key Stage 1',
      exact: true,
    });
    await gambling.selectOption('acceptable-at-certain-times');
    await page.getByText('1 cell changed, not saved yet').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    const problem = page.getByRole('alert');
    await problem.waitFor();
    assert.match(await problem.innerText(), /On-line gambling › Key Stage 1/);
    assert.match(await problem.innerText(), /needs the time bands/);
    assert.equal(await gambling.getAttribute('aria-invalid'), 'true');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByText('No unsaved changes').waitFor();
    assert.equal(await gambling.inputValue(), 'unacceptable');

    // Social media for Key Stage 2: acceptable at lunchtime.
    const social = page.getByRole('combobox', {
      name: 'Use of social media Key Stage 2',
      exact: true,
    });
    await social.selectOption('acceptable-at-certain-times');
    const cell = page.locator('td', { has: social });
    await cell.getByRole('checkbox', { name: 'Lunchtime' }).check();
    await cell.getByText('Lunchtime', { exact: true }).first().waitFor();
    // The row in the middle of the grid's frame, and the frame at the top of the window.
    await social.evaluate((el) => el.closest('tr')?.scrollIntoView({ block: 'center' }));
    const grid = page.getByRole('region', { name: /User Actions: what each group may do/ });
    await grid.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling at 1280 px');
    await page.screenshot({ path: join(screenshots, 'policy-grid.png') });

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft version 2 is saved.').waitFor();
    const diff = page.getByRole('table', { name: /1 change from version 1 to version 2/ });
    await diff.waitFor();
    const row = diff.getByRole('row', { name: /Use of social media/ });
    assert.match(await row.innerText(), /User actions/);
    assert.match(await row.innerText(), /Key Stage 2/);
    assert.match(await row.innerText(), /Unacceptable/);
    assert.match(await row.innerText(), /Acceptable at certain times \(Lunchtime\)/);
    await page.getByRole('heading', { name: 'Changes in version 2' }).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 200));
    await page.screenshot({ path: join(screenshots, 'policy-diff.png') });
    await page.close();
  });

  test('a governor approves the draft with a note and the next review date', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'governor');
    assert.deepEqual(await navLabels(page), [
      'Home',
      'Report a concern',
      'Policy',
      'Filtering',
      'Exemptions',
      'Filter changes',
      'Registers',
      'Surveys',
      'Governor report',
      'Annual review',
      'Calendar',
      'My account',
    ]);
    await openPage(page, 'Policy', 'Online safety policy');
    await page.getByRole('button', { name: 'View version 2' }).click();
    await page.getByRole('heading', { name: 'Version 2: Online Safety Policy' }).waitFor();
    // A governor reads the grid but cannot edit it.
    assert.equal(await page.locator('table.matrix select').count(), 0);
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Note for the record').fill('Agreed at the autumn governors meeting.');
    await page.getByLabel('Date of the next review').fill(nextYear);
    await page.getByRole('button', { name: 'Approve version 2' }).click();
    await page.getByText('Version 2 is approved by George Whitfield').waitFor();
    const versions = page.getByRole('table', { name: /2 versions/ });
    await versions
      .getByRole('row', { name: /^2 / })
      .getByText('Approved, not yet active')
      .waitFor();
    await page.close();
  });

  test('the head makes version 2 active and sees what changes', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'head');
    await openPage(page, 'Policy', 'Online safety policy');
    await page.getByRole('button', { name: 'View version 2' }).click();
    await page.getByRole('button', { name: 'Make version 2 active' }).click();
    const done = page.getByText('Version 2 is now active');
    await done.waitFor();
    const outcome = page.getByRole('status').filter({ hasText: 'Version 2 is now active' });
    assert.match(await outcome.innerText(), /Use of social media/);
    const status = page.getByRole('region', { name: 'Policy in force' });
    await status.getByText('Version 2', { exact: true }).waitFor();
    assert.match(await status.innerText(), /Approved by George Whitfield/);
    assert.match(await status.innerText(), /Agreed at the autumn governors meeting/);
    await page.close();
  });

  test('the Policy page works at phone width without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signInAs(page, haven.url, 'dsl');
    await openPage(page, 'Policy', 'Online safety policy');
    await page.getByRole('heading', { name: 'Version 2: Online Safety Policy' }).waitFor();
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling at 390 px');
    await page.screenshot({ path: join(screenshots, 'policy-phone.png') });
    // The grid scrolls inside its own frame.
    const grid = page.getByRole('region', { name: /User Actions: what each group may do/ });
    const frame = await grid.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(frame.scroll > frame.client, 'the grid is wider than its frame and scrolls');
    const scrolled = await grid.evaluate((el) => {
      el.scrollBy(300, 0);
      const left = el.scrollLeft;
      el.scrollTo(0, 0);
      return left;
    });
    assert.ok(scrolled > 0, 'the grid scrolls sideways inside its frame');
    assert.equal(await sidewaysOverflow(page), 0);
    await grid.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(screenshots, 'policy-phone-grid.png') });
    await page.close();
  });

  test('the technician blocks a site for Key Stage 2; the DSL tests it', async () => {
    const tech = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(tech, haven.url, 'tech');
    await openPage(tech, 'Filtering', 'Filtering');
    await tech.getByRole('heading', { name: 'Block lists' }).waitFor();
    await tech.getByText('No block lists are imported yet.').waitFor();
    await tech.getByLabel('Site or URL').fill('gambling-example.test');
    await tech.getByRole('checkbox', { name: 'Key Stage 2' }).check();
    await tech.getByLabel('Category (optional)').selectOption('gambling');
    await tech.getByLabel('Reason').fill('Reported by the Year 5 class teacher');
    await tech.getByRole('button', { name: 'Add entry' }).click();
    await tech.getByText('Blocked gambling-example.test for Key Stage 2.').waitFor();
    const entries = tech.getByRole('table', { name: '1 entry' });
    assert.match(
      await entries.getByRole('row', { name: /gambling-example\.test/ }).innerText(),
      /Block[\s\S]*Key Stage 2[\s\S]*Reported by the Year 5 class teacher/,
    );
    const log = tech.getByRole('region', { name: 'Change log' });
    await log.getByText(/Blocked gambling-example\.test for ks2/).waitFor();
    await tech.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'dsl');
    await openPage(page, 'Filtering', 'Filtering');
    await page.getByLabel('Web address or site name').fill('https://gambling-example.test/spin');
    await page.getByLabel('Group', { exact: true }).selectOption('ks2');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const decision = page.getByRole('region', { name: 'Blocked', exact: true });
    await decision.waitFor();
    assert.match(await decision.innerText(), /Reported by the Year 5 class teacher/);
    assert.match(await decision.innerText(), /local entry gambling-example\.test/);
    // The entry is for Key Stage 2 only: for staff the filter decides without it, as the API says.
    const forStaff = await (
      await apiAs(haven.url, 'dsl')
    ).post<{ action: keyof typeof verdicts; ruleId: string }>('/api/filter/test', {
      destination: 'https://gambling-example.test/spin',
      group: 'staff',
    });
    assert.doesNotMatch(forStaff.ruleId, /^local-/);
    await page.getByLabel('Group', { exact: true }).selectOption('staff');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const staffDecision = page.getByRole('region', {
      name: verdicts[forStaff.action],
      exact: true,
    });
    await staffDecision.getByText(forStaff.ruleId).waitFor();
    assert.doesNotMatch(await staffDecision.innerText(), /local entry/);
    await page.close();
  });

  test('a teacher tests a URL and sees what the API decides, without the lists', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'teacher');
    assert.deepEqual(await navLabels(page), [
      'Home',
      'Report a concern',
      'Policy',
      'Filtering',
      'Exemptions',
      'Filter changes',
      'Groups',
      'Registers',
      'My account',
    ]);
    await openPage(page, 'Filtering', 'Filtering');
    assert.equal(await page.getByRole('heading', { name: 'Block lists' }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Change log' }).count(), 0);

    const body = { destination: 'http://bet365.com/', group: 'ks2', at: '2026-11-24T12:30:00Z' };
    const expected = await (
      await apiAs(haven.url, 'teacher')
    ).post<{ action: keyof typeof verdicts; reason: string }>('/api/filter/test', body);

    await page.getByLabel('Web address or site name').fill(body.destination);
    await page.getByLabel('Group', { exact: true }).selectOption(body.group);
    // 12:30 on Tuesday 24 November 2026, school time (Europe/London = UTC in November).
    await page.getByLabel('Date and time (optional)').fill('2026-11-24T12:30');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const decision = page.getByRole('region', { name: verdicts[expected.action], exact: true });
    await decision.waitFor();
    assert.match(await decision.innerText(), new RegExp(expected.reason.replace(/[.()]/g, '\\$&')));
    assert.match(
      await decision.innerText(),
      /bet365\.com for Key Stage 2 · Tue 24 Nov 2026, 12:30/,
    );
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({ path: join(screenshots, 'filtering-test.png'), fullPage: true });

    // A site the host-name classifier judges: the confidence is shown.
    await page.getByLabel('Web address or site name').fill('best-online-casino-poker.com');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const judged = page.getByRole('region', { name: 'Blocked', exact: true });
    await judged.waitFor();
    assert.match(await judged.innerText(), /Confidence\s+\d+%/);
    await page.screenshot({ path: join(screenshots, 'filtering-test-classifier.png') });
    await page.close();
  });

  test('the Filtering page at phone width', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signInAs(page, haven.url, 'dsl');
    await openPage(page, 'Filtering', 'Filtering');
    await page.getByRole('heading', { name: 'Local entries' }).waitFor();
    await page.getByRole('table', { name: '1 entry' }).waitFor();
    await page.getByRole('table', { name: 'Newest first' }).waitFor();
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling at 390 px');
    await page.screenshot({ path: join(screenshots, 'filtering-phone.png'), fullPage: true });
    await page.close();
  });

  test('the DSL removes the local entry, giving a reason, with the keyboard', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'dsl');
    await openPage(page, 'Filtering', 'Filtering');
    const entries = page.getByRole('table', { name: '1 entry' });
    await entries.getByRole('button', { name: 'Remove gambling-example.test' }).focus();
    await page.keyboard.press('Enter');
    // Focus moves to the reason box.
    const reason = page.getByLabel('Why remove gambling-example.test?');
    await reason.waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.id ?? ''),
      await reason.getAttribute('id'),
    );
    await page.keyboard.type('The class project is finished');
    await page.keyboard.press('Enter');
    await page.getByText('gambling-example.test is no longer a local entry.').waitFor();
    await page.getByText('The school has no local entries.').waitFor();
    const log = page.getByRole('region', { name: 'Change log' });
    await log
      .getByText('Removed local block entry gambling-example.test: The class project is finished')
      .waitFor();
    await page.close();
  });

  test('an overdue review and a missing approval are shown prominently', async () => {
    // Haven's clock cannot be moved from outside, so the status answer is altered on its way to
    // the page: the review date has passed and no governor approved the active version.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route('**/api/policy/status', async (route) => {
      const response = await route.fetch();
      const status = (await response.json()) as {
        active: Record<string, unknown>;
        review: Record<string, unknown>;
      };
      status.active = { ...status.active, approvedBy: null, approvedAt: null, approvalNote: null };
      status.review = { nextReview: '2026-01-31', overdue: true, daysLeft: -40 };
      await route.fulfill({ response, json: status });
    });
    await signInAs(page, haven.url, 'head');
    const card = page.getByRole('region', { name: 'Online safety policy' });
    await card.getByText('The policy review is overdue').waitFor();
    await card.getByText('Not approved by governors.').waitFor();
    await openPage(page, 'Policy', 'Online safety policy');
    const status = page.getByRole('region', { name: 'Policy in force' });
    await status.getByText('The policy review is overdue').waitFor();
    assert.match(await status.innerText(), /due on 31 January 2026 \(40 days ago\)/);
    assert.match(await status.innerText(), /Not approved by governors/);
    await page.getByRole('table', { name: /versions, newest first/ }).waitFor();
    await page.screenshot({ path: join(screenshots, 'policy-overdue.png') });
    await page.close();
  });

  test('a pupil sees neither the Policy nor the Filtering page', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signInAs(page, haven.url, 'pupil');
    assert.deepEqual(await navLabels(page), ['Home', 'Report a concern', 'My account']);
    for (const path of ['/policy', '/filtering']) {
      await page.goto(`${haven.url}${path}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    }
    await page.close();
  });
});
