import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { startStubUpstream, type StubUpstream } from '../../src/filter/dns/dns-bench.ts';
import { launchChromium, navLabels, signInAs } from '../support/browser.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { projectRoot } from '../support/test-databases.ts';

const run = promisify(execFile);
const screenshots = join(projectRoot, 'test-results', 'screenshots');

/** What the proxy answers the parent for a plain-HTTP page (the block page, or the failed forward). */
async function throughProxy(haven: HavenProcess): Promise<string> {
  try {
    const { stdout } = await run('curl', [
      '-s',
      '--max-time',
      '10',
      '-x',
      `http://127.0.0.1:${haven.proxyPort}`,
      '--proxy-user',
      'parent:haven-demo',
      'http://www.example.com/',
    ]);
    return stdout;
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

/** The parents' row of the completion table, as the online safety lead sees it. */
async function parentRow(page: Page): Promise<string> {
  const row = page.locator('tr[data-audience="parent"]');
  await row.waitFor();
  return row.innerText();
}

/**
 * The demo parent signs the parents' acceptable use agreement in Chromium; the completion figure
 * the online safety lead sees moves; and with the safe list on, the proxy blocks the parent
 * outside it until they sign, then lets them through within 5 seconds.
 */
describe('acceptable use agreements (haven start, Chromium, the proxy)', () => {
  let haven: HavenProcess;
  let upstream: StubUpstream;
  let browser: Browser;
  const config = join(tmpdir(), `haven-aua-${process.pid}.yaml`);

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    upstream = await startStubUpstream();
    writeFileSync(
      config,
      ['filter:', `  dnsUpstreams: ["127.0.0.1:${upstream.port}"]`, ''].join('\n'),
    );
    haven = await startHavenProcess({ HAVEN_CONFIG: config });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
    await upstream?.close();
    rmSync(config, { force: true });
  });

  test('the parent signs, the lead’s completion figure moves, and the safe list lifts', async (t) => {
    // The head adds an online safety lead (the demo school has none).
    const headContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const head = await headContext.newPage();
    await signInAs(head, haven.url, 'head');
    const status = await head.evaluate(async () => {
      const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
      const response = await fetch('/api/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({
          username: 'osl',
          displayName: 'Olivia Lane',
          roles: ['staff', 'online-safety-lead'],
          groups: ['staff'],
          password: 'online-safety-lead-2026',
        }),
      });
      return response.status;
    });
    assert.equal(status, 201);
    await headContext.close();

    const leadContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const lead = await leadContext.newPage();
    await signInAs(lead, haven.url, 'osl', 'online-safety-lead-2026');
    assert.ok((await navLabels(lead)).includes('Agreements'));
    await lead.getByRole('link', { name: 'Agreements', exact: true }).click();
    await lead.getByRole('heading', { name: 'Acceptable use agreements', level: 1 }).waitFor();
    const before = await parentRow(lead);
    assert.match(before, /Parents and carers\s+v1.*\s+0\s+1\s+0%/s);

    // Keep people who have not signed on the safe list.
    await lead.getByLabel('Keep people who have not signed on the safe list').check();
    await lead.getByLabel(/Safe list \(one site per line/).fill('bbc.co.uk');
    await lead.getByRole('button', { name: 'Save', exact: true }).click();
    await lead.getByText('Haven itself (127.0.0.1)').waitFor();
    await lead.screenshot({ path: join(screenshots, 'aua-lead-before.png'), fullPage: true });

    let blocked = '';
    const blockDeadline = Date.now() + 5000;
    while (!blocked.includes('aua:unsigned') && Date.now() < blockDeadline) {
      blocked = await throughProxy(haven);
      if (!blocked.includes('aua:unsigned')) await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(blocked, /aua:unsigned/);
    assert.match(blocked, /Sign the acceptable use agreement/);
    assert.match(blocked, new RegExp(`href="${haven.url}/aua/sign"`));

    // The parent, on a phone-sized screen, signs from the home page.
    const parentContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const parent = await parentContext.newPage();
    await signInAs(parent, haven.url, 'parent');
    await parent
      .getByRole('heading', { name: 'An agreement is waiting for you to sign' })
      .waitFor();
    await parent.screenshot({ path: join(screenshots, 'aua-parent-home.png'), fullPage: true });
    await parent.getByRole('link', { name: 'Read and sign' }).click();
    await parent.getByRole('heading', { name: 'Parent and carer agreement', level: 2 }).waitFor();
    await parent.getByRole('button', { name: 'Sign the agreement' }).click();
    await parent
      .getByRole('alert')
      .getByText(/tick the box to say you agree/)
      .last()
      .waitFor();
    await parent.getByLabel('I have read this agreement and I agree to follow it.').check();
    await parent.getByLabel('Type your full name to sign').fill('Pat Adeyemi');
    await parent.getByRole('button', { name: 'Sign the agreement' }).click();
    const signedAt = Date.now();
    await parent.getByText('Thank you: you have signed “Parent and carer agreement”.').waitFor();
    await parent.getByText(/You signed this on/).waitFor();
    await parent.screenshot({ path: join(screenshots, 'aua-parent-signed.png'), fullPage: true });

    // Within 5 s the proxy lets the parent past the safe list.
    let after = blocked;
    while (after.includes('aua:unsigned') && Date.now() - signedAt < 5000) {
      await new Promise((r) => setTimeout(r, 200));
      after = await throughProxy(haven);
    }
    const seconds = (Date.now() - signedAt) / 1000;
    assert.doesNotMatch(after, /aua:unsigned/, `still on the safe list after ${seconds} s`);
    t.diagnostic(`the safe list lifted ${seconds.toFixed(2)} s after signing`);

    await lead.reload();
    await lead.getByRole('heading', { name: 'Acceptable use agreements', level: 1 }).waitFor();
    const now = await parentRow(lead);
    assert.match(now, /Parents and carers\s+v1.*\s+1\s+1\s+100%/s);
    await lead.screenshot({ path: join(screenshots, 'aua-lead-after.png'), fullPage: true });
    await parentContext.close();
    await leadContext.close();
  });

  test('training-needs audit, a pupil answering the survey, and results with small counts hidden', async () => {
    const pupilContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const pupil = await pupilContext.newPage();
    await signInAs(pupil, haven.url, 'pupil');
    await pupil.getByRole('heading', { name: 'Tell us what you think' }).waitFor();
    await pupil.getByRole('link', { name: 'Staying safe online: pupil survey' }).click();
    await pupil
      .getByRole('group', { name: /How safe do you feel online/ })
      .getByLabel('4')
      .check();
    await pupil.getByLabel('My teacher').check();
    await pupil.getByLabel('What would help you stay safe online?').fill('More lessons on games');
    await pupil.screenshot({ path: join(screenshots, 'survey-pupil-answer.png'), fullPage: true });
    await pupil.getByRole('button', { name: 'Send my answers' }).click();
    await pupil.getByText('Your answers have been saved, without your name.').waitFor();
    await pupil.goto(`${haven.url}/`);
    await pupil.getByRole('heading', { name: /Hello/ }).waitFor();
    assert.equal(await pupil.getByRole('heading', { name: 'Tell us what you think' }).count(), 0);
    await pupilContext.close();

    const headContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const head = await headContext.newPage();
    await signInAs(head, haven.url, 'head');
    await head.getByRole('link', { name: 'Surveys', exact: true }).click();
    await head.getByRole('heading', { name: 'Surveys', level: 1 }).waitFor();
    const row = head.getByRole('row', { name: /Staying safe online: pupil survey/ });
    assert.match(await row.innerText(), /fewer than 5/);
    await row.getByRole('button', { name: 'Results' }).click();
    await head.getByRole('heading', { name: /Results: Staying safe online/ }).waitFor();
    await head.getByText('Comments are shown once 5 people or more have answered.').waitFor();
    assert.doesNotMatch(await head.locator('main').innerText(), /More lessons on games/);
    await head.screenshot({ path: join(screenshots, 'survey-results.png'), fullPage: true });

    await head.getByRole('link', { name: 'Training', exact: true }).click();
    await head.getByRole('heading', { name: 'Training-needs audit' }).waitFor();
    const tom = head.locator('.training-person', { hasText: 'Tom Ellis' });
    assert.match(await tom.innerText(), /Data protection\s+Missing/);
    await head.screenshot({ path: join(screenshots, 'training-audit.png'), fullPage: true });
    await headContext.close();
  });
});
