/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { freePort, startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { projectRoot } from '../support/test-databases.ts';

/**
 * The pages reached from outside the signed-in app, in real Chromium against `haven start`: the
 * block page Squid redirects to (and its IWF splash), "Report a worry" walked at phone width,
 * "Ask for a review", and the network's captive sign-in — each checked against what the API
 * then holds. Screenshots land in test-results/screenshots/.
 */

const screenshots = join(projectRoot, 'test-results', 'screenshots');
const phone = { width: 390, height: 844 };

/** What Squid's url_rewrite helper puts in the block page's address (blockPageRedirect). */
const gambling = new URLSearchParams({
  reason: 'Gambling sites are not allowed at school.',
  rule: 'user-actions:gambling:ks2',
  category: 'gambling',
  host: 'casino.example',
  url: 'http://casino.example/slots?game=1',
}).toString();

const iwf = new URLSearchParams({
  reason: 'This address is on the Internet Watch Foundation list.',
  rule: 'illegal:child-abuse',
  category: 'child-abuse',
  host: 'iwf-listed.example',
}).toString();

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
}

interface BlockPageRequest {
  id: string;
  kind: 'worry' | 'review';
  host: string;
  category: string | null;
  ruleId: string | null;
  user: { id: string; username: string; displayName: string } | null;
  clientIp: string | null;
  message: string | null;
  status: string;
}

interface DeviceSession {
  address: string;
  username: string;
  displayName: string;
  expiresAt: string;
}

/** The API as a signed-in user (session cookie kept), to check what the pages sent. */
async function apiAs(url: string, username: string) {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'haven-demo' }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    get: async <T>(path: string): Promise<T> => {
      const answer = await fetch(`${url}${path}`, { headers: { cookie } });
      assert.equal(answer.status, 200, await answer.clone().text());
      return (await answer.json()) as T;
    },
  };
}

describe('the public pages: block page, report a worry, review, network sign-in', () => {
  let haven: HavenProcess;
  let browser: Browser;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    // Own ports for the proxy and the DNS filter, so that another Haven running does not clash;
    // no configuration file (HAVEN_CONFIG empty, and the project has no haven.yaml).
    haven = await startHavenProcess({
      HAVEN_PROXY_PORT: String(await freePort()),
      HAVEN_DNS_PORT: String(await freePort()),
      HAVEN_CONFIG: '',
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('the block page says what was blocked and why, with both buttons, signed out', async () => {
    const page = await browser.newPage({ viewport: phone });
    await page.goto(`${haven.url}/blocked?${gambling}`);
    await page.getByRole('heading', { name: 'This page is blocked', level: 1 }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'one h1');
    assert.equal(await page.title(), 'This page is blocked · Haven');
    // Not signed in: no menu, and not the sign-in page.
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
    const main = page.getByRole('main');
    const text = await main.innerText();
    assert.match(text, /Your school has blocked casino\.example\./);
    assert.match(text, /Gambling sites are not allowed at school\./);
    assert.match(text, /Category\s+Gambling/);
    assert.match(text, /Rule\s+user-actions:gambling:ks2/);
    assert.match(text, /Address\s+http:\/\/casino\.example\/slots\?game=1/);
    assert.match(text, /Seeing this page does not mean you are in trouble/);

    const report = page.getByRole('link', { name: 'Report a worry' });
    const review = page.getByRole('link', { name: 'Ask for a review' });
    const subject = '?host=casino.example&category=gambling&rule=user-actions%3Agambling%3Aks2';
    assert.equal(await report.getAttribute('href'), `/report${subject}`);
    assert.equal(await review.getAttribute('href'), `/review${subject}`);
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling at 390 px');
    await page.screenshot({ path: join(screenshots, 'public-blocked.png'), fullPage: true });

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(screenshots, 'public-blocked-desktop.png') });
    await page.close();
  });

  test('an IWF-listed address shows only the IWF splash: no site, no category, no buttons', async () => {
    const page = await browser.newPage({ viewport: phone });
    await page.goto(`${haven.url}/blocked?${iwf}`);
    await page.getByRole('heading', { name: 'Access denied', level: 1 }).waitFor();
    const body = await page.locator('body').innerText();
    assert.match(body, /may contain indecent images of children/);
    assert.match(body, /Internet Watch Foundation \(IWF\)/);
    assert.match(body, /may be a criminal offence/);
    assert.doesNotMatch(body, /iwf-listed\.example|child-abuse|Report a worry|Ask for a review/);
    assert.doesNotMatch(body, /Haven|blocked casino/, 'no brand, no school, nothing else');
    const links = await page.getByRole('link').all();
    assert.equal(links.length, 1, 'only the link to the IWF');
    assert.equal(await links[0]?.getAttribute('href'), 'https://www.iwf.org.uk/');
    assert.equal(await page.getByRole('button').count(), 0);
    await page.screenshot({ path: join(screenshots, 'public-blocked-iwf.png'), fullPage: true });
    await page.close();
  });

  test('a child reports a worry anonymously at phone width, one question at a time', async () => {
    const page = await browser.newPage({ viewport: phone });
    await page.goto(`${haven.url}/blocked?${gambling}`);
    await page.getByRole('link', { name: 'Report a worry' }).click();
    await page.waitForURL(/\/report\?host=casino\.example/);

    // Question 1: focus is on the question, which labels the text box.
    const q1 = page.getByRole('heading', { name: 'What happened?', level: 1 });
    await q1.waitFor();
    assert.equal(await page.title(), 'Report a worry · Haven');
    assert.equal(await focusedText(page), 'What happened?');
    await page.getByText('Question 1 of 3').waitFor();
    await page.getByRole('textbox', { name: 'What happened?' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Back' }).count(), 0);
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({ path: join(screenshots, 'public-report-step1.png'), fullPage: true });
    const worry = 'Someone in a game chat keeps asking me to send photos.';
    await page.getByRole('textbox', { name: 'What happened?' }).fill(worry);
    await page.getByText('54 of 2,000 characters').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // Question 2: a choice must be made; "No" says nobody will know.
    await page.getByRole('heading', { name: 'Do you want to tell us your name?' }).waitFor();
    assert.equal(await focusedText(page), 'Do you want to tell us your name?');
    await page.getByText('Question 2 of 3').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.innerText(), 'Choose Yes or No.');
    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.getByRole('textbox', { name: 'Your name' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    assert.equal(await page.getByRole('alert').innerText(), 'Write your name, or choose No.');
    await page.screenshot({
      path: join(screenshots, 'public-report-step2-name.png'),
      fullPage: true,
    });
    await page.getByRole('radio', { name: 'No' }).check();
    assert.equal(await page.getByRole('textbox', { name: 'Your name' }).count(), 0);
    await page.getByText('Nobody will know who sent it.').waitFor();
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({ path: join(screenshots, 'public-report-step2.png'), fullPage: true });
    await page.getByRole('button', { name: 'Next' }).click();

    // Question 3: check and send; Back keeps what was written.
    await page.getByRole('heading', { name: 'Ready to send?' }).waitFor();
    assert.equal(await focusedText(page), 'Ready to send?');
    await page.getByText('Question 3 of 3').waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Do you want to tell us your name?' }).waitFor();
    assert.equal(await page.getByRole('radio', { name: 'No' }).isChecked(), true);
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.getByRole('textbox', { name: 'What happened?' }).inputValue(), worry);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    const summary = await page.getByRole('main').innerText();
    assert.match(summary, new RegExp(worry));
    assert.match(summary, /Not sent\. Nobody will know who sent it\./);
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({ path: join(screenshots, 'public-report-step3.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send' }).click();

    // Thank you, and where to get help now.
    await page.getByRole('heading', { name: 'Thank you', level: 1 }).waitFor();
    assert.equal(await focusedText(page), 'Thank you');
    const thanks = await page.getByRole('main').innerText();
    assert.match(thanks, /Thank you for telling us\. A member of staff will read this\./);
    assert.match(thanks, /Childline/);
    assert.match(thanks, /0800 1111/);
    assert.match(thanks, /If you are in danger now, tell an adult near you or call 999/);
    assert.equal(
      await page.getByRole('link', { name: '0800 1111' }).getAttribute('href'),
      'tel:08001111',
    );
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({ path: join(screenshots, 'public-report-thanks.png'), fullPage: true });
    await page.close();

    // The DSL sees the worry, with no name and no address.
    const dsl = await apiAs(haven.url, 'dsl');
    const { requests } = await dsl.get<{ requests: BlockPageRequest[] }>(
      '/api/block-page/requests?kind=worry',
    );
    const sent = requests.find((r) => r.host === 'casino.example');
    assert.ok(sent, JSON.stringify(requests));
    assert.equal(sent.kind, 'worry');
    assert.equal(sent.category, 'gambling');
    assert.equal(sent.ruleId, 'user-actions:gambling:ks2');
    assert.equal(sent.message, worry);
    assert.equal(sent.user, null, 'anonymous: nobody named');
    assert.equal(sent.clientIp, null, 'anonymous: no device address');
    assert.doesNotMatch(JSON.stringify(sent), /Name given|pupil|Pip/);
  });

  test('a teacher asks for a review: the school is named and the request says who asked', async () => {
    const page = await browser.newPage({ viewport: phone });
    await page.goto(`${haven.url}/`);
    await page.getByLabel('Username').fill('teacher');
    await page.getByLabel('Password').fill('haven-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    await page.goto(`${haven.url}/blocked?${gambling}`);
    await page.getByRole('heading', { name: 'This page is blocked' }).waitFor();
    assert.match(
      await page.getByRole('main').innerText(),
      /Roundwood Demo School has blocked casino\.example\./,
    );
    assert.match(await page.getByRole('banner').innerText(), /Roundwood Demo School/);
    await page.getByRole('link', { name: 'Ask for a review' }).click();
    await page.getByRole('heading', { name: 'Ask for a review', level: 1 }).waitFor();
    assert.equal(await focusedText(page), 'Ask for a review');
    assert.equal(await page.getByRole('textbox', { name: 'Your name' }).inputValue(), 'Tom Ellis');

    // Too short: explained, announced, and focus goes to the field.
    await page.getByRole('textbox', { name: 'Why do you need this site?' }).fill('maths');
    await page.getByRole('button', { name: 'Send the request' }).click();
    assert.match(await page.getByRole('alert').innerText(), /at least 10 characters/);
    assert.equal(await page.evaluate(() => document.activeElement?.id ?? ''), 'review-reason');
    const reason = 'Year 6 maths lesson on probability uses the odds tables on this site.';
    await page.getByRole('textbox', { name: 'Why do you need this site?' }).fill(reason);
    await page.getByRole('textbox', { name: 'Your email' }).fill('t.ellis@roundwood.example');
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({ path: join(screenshots, 'public-review.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send the request' }).click();

    await page.getByRole('heading', { name: 'Thank you: your request has been sent' }).waitFor();
    const thanks = await page.getByRole('main').innerText();
    assert.match(thanks, /The online safety lead will look at casino\.example/);
    assert.match(thanks, /Nothing changes until they do/);
    await page.screenshot({ path: join(screenshots, 'public-review-thanks.png'), fullPage: true });
    await page.close();

    const dsl = await apiAs(haven.url, 'dsl');
    const { requests } = await dsl.get<{ requests: BlockPageRequest[] }>(
      '/api/block-page/requests?kind=review',
    );
    const sent = requests.find((r) => r.host === 'casino.example');
    assert.ok(sent, JSON.stringify(requests));
    assert.equal(sent.kind, 'review');
    assert.equal(sent.ruleId, 'user-actions:gambling:ks2');
    assert.equal(sent.message, `${reason}\n\nAsked by: Tom Ellis (t.ellis@roundwood.example)`);
    assert.equal(sent.user?.username, 'teacher');
  });

  test('the review page refuses illegal content: nobody in school can lift it', async () => {
    const page = await browser.newPage({ viewport: phone });
    await page.goto(
      `${haven.url}/review?host=bad.example&category=terrorism&rule=illegal%3Aterrorism`,
    );
    await page.getByRole('heading', { name: 'This site cannot be reviewed in school' }).waitFor();
    assert.equal(await page.getByRole('textbox').count(), 0);
    await page.goto(
      `${haven.url}/blocked?host=bad.example&category=terrorism&rule=illegal%3Aterrorism&url=http%3A%2F%2Fbad.example%2Fpath`,
    );
    await page.getByRole('heading', { name: 'This page is blocked' }).waitFor();
    const text = await page.getByRole('main').innerText();
    assert.doesNotMatch(text, /bad\.example\/path/, 'never the path of illegal content');
    await page.getByRole('link', { name: 'Report a worry' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Ask for a review' }).count(), 0);
    await page.close();
  });

  test('a device signs in to the network as the pupil, and the technician sees it', async () => {
    const page = await browser.newPage({ viewport: phone });
    await page.goto(`${haven.url}/network/sign-in`);
    await page.getByRole('heading', { name: 'Sign in to the school network', level: 1 }).waitFor();
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({
      path: join(screenshots, 'public-network-sign-in-form.png'),
      fullPage: true,
    });
    await page.getByLabel('Username').fill('pupil');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in this device' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Username or password is wrong/);

    await page.getByLabel('Password').fill('haven-demo');
    await page.getByRole('button', { name: 'Sign in this device' }).click();
    await page.getByRole('heading', { name: 'You are signed in', level: 1 }).waitFor();
    assert.equal(await focusedText(page), 'You are signed in');
    assert.match(
      await page.getByRole('main').innerText(),
      /This device is signed in as Pip Adeyemi until \d\d:\d\d (today|tomorrow)\./,
    );
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({
      path: join(screenshots, 'public-network-sign-in.png'),
      fullPage: true,
    });

    const tech = await apiAs(haven.url, 'tech');
    const { sessions } = await tech.get<{ sessions: DeviceSession[] }>('/api/network/sessions');
    const device = sessions.find((s) => s.address === '127.0.0.1');
    assert.ok(device, JSON.stringify(sessions));
    assert.equal(device.username, 'pupil');
    assert.equal(device.displayName, 'Pip Adeyemi');

    await page.getByRole('button', { name: 'Sign this device out' }).click();
    await page.getByText('This device is signed out.').waitFor();
    await page.getByRole('heading', { name: 'Sign in to the school network' }).waitFor();
    const after = await tech.get<{ sessions: DeviceSession[] }>('/api/network/sessions');
    assert.equal(
      after.sessions.find((s) => s.address === '127.0.0.1'),
      undefined,
    );
    await page.close();
  });
});
