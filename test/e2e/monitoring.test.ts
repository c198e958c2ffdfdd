import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, signInAs } from '../support/browser.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { projectRoot } from '../support/test-databases.ts';

const screenshots = join(projectRoot, 'test-results', 'screenshots');

/** Sign in over the API: the session cookie and the CSRF token. */
async function apiSession(url: string, username: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'haven-demo' }),
  });
  assert.equal(response.status, 200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}

/**
 * Monitoring in the browser (`haven start`, Chromium): a browser extension's events sent to the
 * ingest API — a page title that worries, and a suspected-CSAM block — become alerts; the DSL sees
 * the title and its event detail on the Activity page, sees capture halted on the CSAM alert and
 * lifts it with a reason, and sees the webhook signing secret once.
 */
describe('monitoring in the browser (haven start, ingest API, Chromium)', () => {
  let haven: HavenProcess;
  let browser: Browser;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    haven = await startHavenProcess();
    browser = await launchChromium();
    const tech = await apiSession(haven.url, 'tech');
    const created = await fetch(`${haven.url}/api/activity/tokens`, {
      method: 'POST',
      headers: tech,
      body: JSON.stringify({ name: 'Chromebook extension', sourceKind: 'extension' }),
    });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as { token: string };
    const at = new Date().toISOString();
    const lines = [
      {
        at,
        username: 'pupil',
        group: 'ks2',
        clientIp: '10.40.0.2',
        url: 'https://forum.example.net/t/1',
        title: 'How to kill myself - a forum',
      },
      {
        at,
        username: 'pupil',
        group: 'ks2',
        clientIp: '10.40.0.2',
        host: 'csam.example.invalid',
        action: 'block',
        category: 'child-abuse',
        ruleId: 'list:iwf',
      },
    ];
    const sent = await fetch(`${haven.url}/api/activity/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: lines.map((l) => JSON.stringify(l)).join('\n'),
    });
    assert.equal(sent.status, 200, await sent.text());
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('the DSL sees the page title and the event detail on the Activity page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'dsl');
    await page.goto(`${haven.url}/activity?user=pupil&host=forum.example.net`);
    const row = page.locator('.activity-results tbody tr').first();
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /“How to kill myself - a forum”/);
    await row.getByText('Details').click();
    const detail = row.locator('.event-detail dl');
    await detail.waitFor();
    assert.match(await detail.innerText(), /Page title\s+How to kill myself - a forum/);
    assert.match(await detail.innerText(), /https:\/\/forum\.example\.net\/t\/1/);
    await page.screenshot({ path: join(screenshots, 'monitoring-activity-title.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide on a 390 px phone`);
    await page.screenshot({
      path: join(screenshots, 'monitoring-activity-phone.png'),
      fullPage: true,
    });
    await page.close();
  });

  test('the CSAM alert says capture is halted; the DSL lifts it with a reason; the webhook secret is shown once', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signInAs(page, haven.url, 'dsl');
    await page.goto(`${haven.url}/alerts`);
    const csam = page.locator('.alert-card', { hasText: 'Suspected child sexual abuse material' });
    await csam.waitFor({ timeout: 10_000 });
    const panel = csam.locator('.isolation-panel');
    await panel.getByText('Capture halted').waitFor();
    const title = page.locator('.alert-card', { hasText: 'titled “How to kill myself' });
    await title.waitFor();
    await csam.getByLabel(/Why lift the isolation/).fill('Police advice received; device wiped');
    await page.screenshot({ path: join(screenshots, 'monitoring-isolation.png'), fullPage: true });
    await csam.getByRole('button', { name: 'Lift the isolation' }).click();
    await panel.getByText(/Isolation lifted .* “Police advice received; device wiped”/).waitFor();

    const section = page.locator('.webhook-secret');
    await section.getByRole('button', { name: 'Show the secret once' }).click();
    const secret = section.locator('code');
    await secret.waitFor();
    assert.match(await secret.innerText(), /^whsec_[A-Za-z0-9_-]{43}$/);
    await section.getByText('already shown').waitFor();
    assert.equal(await section.getByRole('button', { name: 'Show the secret once' }).count(), 0);
    await page.screenshot({
      path: join(screenshots, 'monitoring-webhook-secret.png'),
      fullPage: true,
    });
    await page.close();
  });
});
