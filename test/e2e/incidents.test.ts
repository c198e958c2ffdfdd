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
 * Incidents from report to outcome, in real Chromium against `haven start`: a pupil's anonymous
 * worry from the block page becomes an incident; the DSL classifies it as harassment, runs the
 * two-person investigation with the head, and records a sanction the policy's table suggests; a
 * CSAM incident offers no upload and the API refuses one; a concern about the head is invisible
 * to the DSL and visible to the chair of governors.
 */

const screenshots = join(projectRoot, 'test-results', 'screenshots');
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };

const blocked = new URLSearchParams({
  reason: 'Social networking is not allowed for Key Stage 2.',
  rule: 'user-actions:social-networking:ks2',
  category: 'social-networking',
  host: 'chat.example',
  url: 'http://chat.example/',
}).toString();

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The API as a demo user (cookie and CSRF token kept). */
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
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    get: (path: string) => fetch(`${url}${path}`, { headers: { cookie } }),
    post: (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}

interface Listed {
  incidents: { id: string; summary: string }[];
}

describe('incidents from report to outcome (haven start, Chromium)', () => {
  let haven: HavenProcess;
  let browser: Browser;
  const worry = 'Someone in my class keeps sending me horrible messages at night.';
  let worryId = '';

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
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

  test('a pupil reports a worry anonymously from the block page, at phone width', async () => {
    const context = await browser.newContext({ viewport: phone });
    const page = await context.newPage();
    await signInAs(page, haven.url, 'pupil');
    await page.goto(`${haven.url}/blocked?${blocked}`);
    await page.getByRole('link', { name: 'Report a worry' }).click();
    await page.getByRole('heading', { name: 'What happened?', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: 'What happened?' }).fill(worry);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: 'No' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Ready to send?' }).waitFor();
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling at 390 px');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Thank you', level: 1 }).waitFor();
    await page.screenshot({ path: join(screenshots, 'incidents-worry-sent.png'), fullPage: true });
    await context.close();

    const dsl = await apiAs(haven.url, 'dsl');
    const listed = (await (await dsl.get('/api/incidents')).json()) as Listed;
    const incident = listed.incidents.find((i) => i.summary === worry);
    assert.ok(incident, JSON.stringify(listed));
    worryId = incident.id;
    const detail = (await (await dsl.get(`/api/incidents/${worryId}`)).json()) as {
      reportedBy: unknown;
      people: unknown[];
      source: string;
    };
    assert.equal(detail.reportedBy, null, 'anonymous: nobody named');
    assert.deepEqual(detail.people, []);
    assert.equal(detail.source, 'block-page');
  });

  test('the DSL classifies it as harassment, runs the two-person investigation with the head, and records a suggested sanction', async () => {
    assert.ok(worryId, 'the worry was reported');
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await signInAs(page, haven.url, 'dsl');
    assert.ok((await navLabels(page)).includes('Incidents'));
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Incidents' })
      .click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    const card = page.locator('.incident-card', { hasText: worry });
    await card.waitFor();
    assert.match(await card.innerText(), /Next step: Classify the incident/);
    assert.match(await card.innerText(), /Worry from the block page/);
    // the demo school's closed incident left a learning point for the Online Safety Group
    await page.getByRole('heading', { name: 'Learning for the Online Safety Group' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'incidents-list.png'), fullPage: true });
    await card.getByRole('link').click();
    await page.waitForURL(`**/incidents/${worryId}`);
    await page.getByRole('heading', { name: 'Next step: Classify the incident' }).waitFor();
    assert.match(
      await page.locator('.incident-page').innerText(),
      /Anonymous: nothing that identifies the reporter is kept/,
    );

    await page.getByLabel('Category').selectOption({ label: 'Harassment / stalking' });
    await page.getByRole('checkbox', { name: 'Contact' }).check();
    await page.getByRole('checkbox', { name: 'Conduct' }).check();
    await page.getByRole('radio', { name: 'No: the school investigates' }).check();
    await page.getByRole('button', { name: 'Save the classification' }).click();
    await page
      .getByRole('heading', { name: 'Next step: Name two senior members of staff to investigate' })
      .waitFor();
    // the policy's own words say why
    assert.match(
      await page.locator('.next-step blockquote').innerText(),
      /Have more than one senior member of staff[\s\S]*Roundwood School Online Safety Policy/,
    );

    await page.getByLabel('Person', { exact: true }).selectOption({ label: 'Pip Adeyemi (pupil)' });
    await page.getByLabel('Role in the incident').selectOption({ label: 'Instigator' });
    await page.getByRole('button', { name: 'Link the person' }).click();
    await page.locator('.people-list', { hasText: 'Pip Adeyemi' }).waitFor();

    for (const name of ['Dana Shah', 'Harriet Oduya']) {
      await page.getByLabel('Senior member of staff').selectOption({ label: name });
      await page.getByRole('button', { name: 'Name as investigator' }).click();
      await page.locator('#investigation-h ~ ul', { hasText: name }).waitFor();
    }
    await page
      .getByRole('heading', {
        name: 'Next step: Record the designated device, the URLs and the nature of the content',
      })
      .waitFor();
    await page
      .getByLabel('Designated device used for the investigation')
      .fill('DSL office laptop (asset RW-0042)');
    await page
      .getByLabel(/URLs of the sites/)
      .fill('https://chat.example/messages/2231\nhttps://chat.example/messages/2232');
    await page
      .getByLabel('Nature of the content causing concern')
      .fill('Repeated insulting and threatening messages sent late at night');
    await page.getByRole('button', { name: 'Save the investigation record' }).click();
    await page
      .getByRole('heading', { name: 'Next step: Judge whether the concern has substance' })
      .waitFor();
    await page.getByLabel('Does the concern have substance?').selectOption('substance');
    await page.getByLabel('Reasons').fill('The messages are on the pupil’s account.');
    await page.getByRole('button', { name: 'Record the judgement' }).click();
    await page.getByRole('button', { name: 'Sign off the judgement as Dana Shah' }).click();
    await page.getByText('1 of 2 investigators has still to sign off the judgement.').waitFor();

    // The second senior member of staff signs off in their own session.
    const headContext = await browser.newContext({ viewport: desktop });
    const head = await headContext.newPage();
    await signInAs(head, haven.url, 'head');
    await head.goto(`${haven.url}/incidents/${worryId}`);
    await head.getByRole('button', { name: 'Sign off the judgement as Harriet Oduya' }).click();
    await head
      .getByRole('heading', { name: 'Next step: Record the actions and sanctions' })
      .waitFor();
    await headContext.close();

    await page.reload();
    await page
      .getByRole('heading', { name: 'Next step: Record the actions and sanctions' })
      .waitFor();
    const suggestions = page.locator('.sanction-suggestions', { hasText: 'Pip Adeyemi' });
    assert.match(await suggestions.innerText(), /offensive, harassment or of a bullying nature/);
    const suggested = suggestions.locator('li.suggested').first();
    const action = (await suggested.locator('span').first().innerText()).replace(
      ' — suggested',
      '',
    );
    await suggested.getByRole('button').click();
    await page.getByText(`${action} (suggested by the policy)`).waitFor();
    await page.getByRole('checkbox', { name: 'Internal response' }).check();
    await page
      .getByLabel('Feedback given to those involved')
      .fill('Pupils and parents told the outcome.');
    await page.getByLabel('Support offered').fill('Weekly check-in with the class teacher.');
    await page.getByRole('button', { name: 'Save the outcome' }).click();
    await page.getByRole('heading', { name: 'Next step: Record learning and close' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'incident-investigated.png'), fullPage: true });

    // The chronology of the pupil lists the incident and the sanction.
    await page.getByRole('link', { name: 'Chronology' }).click();
    await page.getByRole('heading', { name: 'Chronology: Pip Adeyemi' }).waitFor();
    const chronology = await page.locator('.chronology').innerText();
    assert.match(chronology, /Incident: Harassment \/ stalking/);
    assert.match(chronology, new RegExp(`Sanction: ${action.replace(/[/()]/g, '.')}`));
    await page.screenshot({ path: join(screenshots, 'incidents-chronology.png'), fullPage: true });

    // The incident page at phone width.
    await page.setViewportSize(phone);
    await page.goto(`${haven.url}/incidents/${worryId}`);
    await page.getByRole('heading', { name: 'Next step: Record learning and close' }).waitFor();
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling at 390 px');
    await page.screenshot({ path: join(screenshots, 'incident-phone.png'), fullPage: true });
    await page.screenshot({ path: join(screenshots, 'incident-phone-top.png') });
    await page
      .locator('section', { has: page.getByRole('heading', { name: /Actions and sanctions/ }) })
      .screenshot({ path: join(screenshots, 'incident-phone-sanctions.png') });
    await context.close();
  });

  test('a CSAM incident offers no upload, and the API refuses one', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await signInAs(page, haven.url, 'dsl');
    await page.goto(`${haven.url}/report-concern`);
    const words = 'A pupil showed me an indecent image of a child on their phone.';
    await page.getByLabel('What happened?').fill(words);
    await page.getByRole('button', { name: 'Send the concern' }).click();
    await page.getByText('Thank you: your concern was sent.').waitFor();
    await page.goto(`${haven.url}/incidents`);
    await page.locator('.incident-card', { hasText: words }).getByRole('link').click();
    await page.getByRole('heading', { name: 'Next step: Classify the incident' }).waitFor();
    assert.equal(await page.locator('input[type="file"]').count(), 1, 'before: upload offered');
    await page.getByLabel('Category').selectOption({ label: 'Child sexual abuse material (CSAM)' });
    await page.getByText('Yes: child sexual abuse material is always referred').waitFor();
    await page.getByRole('button', { name: 'Save the classification' }).click();
    await page
      .getByRole('heading', {
        name: 'Next step: Refer to the police and CEOP now, and record the reference',
      })
      .waitFor();
    assert.equal(await page.locator('input[type="file"]').count(), 0, 'no upload of any kind');
    await page.getByText(/no copy, screenshot or file of it may be made or stored/).waitFor();
    assert.match(
      await page.locator('.next-step').innerText(),
      /monitoring should be halted and referred to the Police immediately/,
    );
    await page.screenshot({ path: join(screenshots, 'incident-csam.png'), fullPage: true });
    const id = /\/incidents\/([0-9a-f-]+)$/.exec(page.url())?.[1];
    assert.ok(id);
    await context.close();

    const dsl = await apiAs(haven.url, 'dsl');
    const refused = await dsl.post(`/api/incidents/${id}/evidence`, {
      fileName: 'image.png',
      mediaType: 'image/png',
      contentBase64: Buffer.from('not stored').toString('base64'),
    });
    assert.equal(refused.status, 422);
    assert.match(refused.headers.get('content-type') ?? '', /problem\+json/);
    assert.equal(((await refused.json()) as { code: string }).code, 'HAVEN_EVIDENCE_REFUSED');
  });

  test('a concern about the head is invisible to the DSL and visible to the chair of governors', async () => {
    const teacherContext = await browser.newContext({ viewport: phone });
    const teacher = await teacherContext.newPage();
    await signInAs(teacher, haven.url, 'teacher');
    assert.ok(!(await navLabels(teacher)).includes('Incidents'), 'a teacher has no Incidents page');
    await teacher.getByRole('link', { name: 'Report a concern' }).click();
    const words = 'The headteacher posted photos of pupils on a personal social media account.';
    await teacher.getByLabel('What happened?').fill(words);
    await teacher.getByRole('radio', { name: /The headteacher/ }).check();
    await teacher.getByRole('button', { name: 'Send the concern' }).click();
    await teacher.getByText('Thank you: your concern was sent.').waitFor();
    await teacher.locator('.own-report', { hasText: words }).getByText('Received').waitFor();
    assert.equal(await sidewaysOverflow(teacher), 0);
    await teacher.screenshot({
      path: join(screenshots, 'incidents-report-concern.png'),
      fullPage: true,
    });
    await teacherContext.close();

    const chair = await apiAs(haven.url, 'chair');
    const chairList = (await (await chair.get('/api/incidents')).json()) as Listed;
    const concern = chairList.incidents.find((i) => i.summary === words);
    assert.ok(concern, 'the chair sees it');
    assert.equal(chairList.incidents.length, 1, 'and nothing else');

    const dsl = await apiAs(haven.url, 'dsl');
    const dslList = (await (await dsl.get('/api/incidents')).json()) as Listed;
    assert.ok(!dslList.incidents.some((i) => i.id === concern.id), 'not in the DSL’s list');
    assert.equal((await dsl.get(`/api/incidents/${concern.id}`)).status, 403);
    const head = await apiAs(haven.url, 'head');
    assert.equal((await head.get(`/api/incidents/${concern.id}`)).status, 403);

    const dslContext = await browser.newContext({ viewport: desktop });
    const dslPage = await dslContext.newPage();
    await signInAs(dslPage, haven.url, 'dsl');
    await dslPage.goto(`${haven.url}/incidents/${concern.id}`);
    await dslPage.getByText('You may not see this incident.').waitFor();
    await dslContext.close();

    const chairContext = await browser.newContext({ viewport: desktop });
    const chairPage = await chairContext.newPage();
    await signInAs(chairPage, haven.url, 'chair');
    await chairPage
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Incidents' })
      .click();
    await chairPage.locator('.incident-card', { hasText: words }).getByRole('link').click();
    await chairPage.getByRole('heading', { name: 'Next step: Classify the incident' }).waitFor();
    assert.match(
      await chairPage.locator('.incident-meta').first().innerText(),
      /About: The headteacher/,
    );
    await chairPage.screenshot({
      path: join(screenshots, 'incident-head-chair.png'),
      fullPage: true,
    });
    await chairContext.close();
  });
});
