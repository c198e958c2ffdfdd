import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInAs } from '../support/browser.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { projectRoot } from '../support/test-databases.ts';

const screenshots = join(projectRoot, 'test-results', 'screenshots');

/**
 * The governance registers on `haven start` in Chromium: the DSL logs a breach now and sees the
 * hours left to the ICO deadline, changes it (a missing reason is named beside its field),
 * downloads the CSV; the technician uses the device register at phone width.
 */
describe('governance registers (haven start, Chromium)', () => {
  let haven: HavenProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    haven = await startHavenProcess();
    browser = await launchChromium();
    page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'dsl');
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('the Registers area lists the registers the DSL may read, with flags and due dates', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Registers' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Registers' }).waitFor();
    await page.getByRole('link', { name: 'Breach log' }).waitFor();
    await page.getByRole('link', { name: 'Roles and responsibilities' }).waitFor();
    await page
      .getByText(
        'Nobody is named as Governor responsible for filtering and monitoring (DfE standard).',
      )
      .waitFor();
    const due = page.getByRole('region', { name: 'Coming up and overdue' });
    await due
      .getByRole('link', { name: /Breach — report to the ICO: Class list emailed/ })
      .waitFor();
    await page.screenshot({ path: join(screenshots, 'registers-overview.png'), fullPage: true });
  });

  test('a breach logged now shows the hours left to the ICO; it is changed, and a missing reason is named', async () => {
    await page.getByRole('link', { name: 'Breach log' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Breach log' }).waitFor();
    await page.getByRole('button', { name: 'Add a breach' }).click();
    const form = page.getByRole('form', { name: 'Add a breach' });
    await form.getByLabel('What happened').fill('Register of visitors left in the car park');
    // The form takes the browser's local time; Chromium runs in this process's time zone.
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const localNow = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
    await form.getByLabel('Discovered (became aware)').fill(localNow);
    await form.getByLabel('Risk to people').selectOption('risk');
    await form.getByLabel('Reporting to the ICO').selectOption('undecided');
    await form.getByRole('button', { name: 'Add breach' }).click();
    await page.getByRole('status').getByText('The breach was added.').waitFor();
    const row = page.getByRole('row', { name: /Register of visitors left in the car park/ });
    await row.getByText(/^(72|71) h left to report to the ICO/).waitFor();
    await row.getByText(/h left to decide and report to the ICO/).waitFor();
    await page.screenshot({
      path: join(screenshots, 'registers-breach-clock.png'),
      fullPage: true,
    });

    await row.getByRole('button', { name: /^Change/ }).click();
    const edit = page.getByRole('form', { name: /^Change Register of visitors/ });
    await edit.getByLabel('Reporting to the ICO').selectOption('not-reportable');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const reason = edit.getByLabel('Why not reported');
    await edit.getByText('Why not reported: say why the breach is not reported').waitFor();
    assert.equal(await reason.getAttribute('aria-invalid'), 'true');
    await page.screenshot({
      path: join(screenshots, 'registers-breach-error.png'),
      fullPage: true,
    });
    await reason.fill('Recovered within ten minutes, unopened: no risk to anyone.');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await row
      .getByText('Not reported: Recovered within ten minutes, unopened: no risk to anyone.')
      .waitFor();
  });

  test('the register downloads as CSV, with the clock and the decision', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^breaches-\d{4}-\d{2}-\d{2}\.csv$/);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8').replace(/^\ufeff/, '');
    const lines = csv.trim().split('\r\n');
    assert.match(lines[0] ?? '', /^What happened,Discovered \(became aware\),/);
    assert.ok(lines[0]?.endsWith('ICO clock,Closed,Flags'));
    const ours = lines.find((l) => l.startsWith('Register of visitors left in the car park'));
    assert.ok(ours, csv);
    assert.match(ours, /Decided not to report/);
    assert.match(ours, /Not reported: Recovered within ten minutes/);
    assert.ok(
      lines.some((l) =>
        /Class list emailed to the wrong parent.*h left to report to the ICO/.test(l),
      ),
    );
  });

  test('at phone width the technician records a device; no sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signInAs(phone, haven.url, 'tech');
    await phone.goto(`${haven.url}/registers/devices`);
    await phone.getByRole('heading', { level: 1, name: 'Device asset register' }).waitFor();
    await phone.getByRole('button', { name: 'Add a device' }).click();
    const form = phone.getByRole('form', { name: 'Add a device' });
    await form.getByLabel('Asset tag').fill('RW-CB-101');
    await form.getByLabel('Type').selectOption('chromebook');
    await form.getByLabel('Held by').selectOption({ label: 'Pip Adeyemi (pupil)' });
    await form.getByLabel('Ownership class').selectOption('school-single-user');
    await form.getByLabel('MDM').selectOption('not-enrolled');
    await form.getByLabel('Status', { exact: true }).selectOption('in-use');
    await form.getByRole('button', { name: 'Add device' }).click();
    await phone.getByRole('status').getByText('The device was added.').waitFor();
    const row = phone.getByRole('row', { name: /RW-CB-101/ });
    await row.getByText('A school device not enrolled in mobile device management.').waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'the page scrolls sideways at 390 px');
    await phone.screenshot({
      path: join(screenshots, 'registers-devices-phone.png'),
      fullPage: true,
    });
    await phone.close();
  });
  test('the DSL sees learning from incidents on the Online Safety Group meetings page and marks one as taken', async () => {
    await page.goto(`${haven.url}/registers/osg-meetings`);
    await page.getByRole('heading', { level: 1, name: 'Online Safety Group meetings' }).waitFor();
    const agenda = page.getByRole('region', { name: /For the next meeting’s agenda/ });
    const point = agenda
      .getByRole('listitem')
      .filter({ hasText: 'Year 5 need a lesson on why proxies are blocked' });
    await point.waitFor();
    const select = point.getByLabel('Taken to meeting');
    const meeting = await select
      .locator('option', { hasText: 'Autumn term meeting' })
      .getAttribute('value');
    assert.ok(meeting, 'the demo meeting is offered');
    await select.selectOption(meeting);
    await page.screenshot({
      path: join(screenshots, 'registers-learning-agenda.png'),
      fullPage: true,
    });
    await point.getByRole('button', { name: 'Mark as taken' }).click();
    await agenda
      .getByRole('status')
      .getByText(/Marked as taken to .*Autumn term meeting/)
      .waitFor();
    await agenda.getByText('No open learning points from incidents.').waitFor();
  });
});
