/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, navLabels, signInAs } from '../support/browser.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { projectRoot } from '../support/test-databases.ts';

const screenshots = join(projectRoot, 'test-results', 'screenshots');

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The DSL reads the phrase lists, changes them (problems shown first), and sees the history. */
describe('phrase lists page (haven start + Chromium)', () => {
  let haven: HavenProcess;
  let browser: Browser;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    haven = await startHavenProcess();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('the DSL adds a phrase with a change note; an empty phrase is explained first', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, haven.url, 'dsl');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Phrase lists' })
      .click();
    await page.getByRole('heading', { name: 'Phrase lists', level: 1 }).waitFor();
    await page.getByRole('heading', { name: "Haven's starter lists" }).waitFor();
    await page.getByText('No versions saved yet.').waitFor();
    await page.getByText(/^Self-harm and suicide \(\d+\)$/).click();
    await page.getByRole('cell', { name: 'how to kill myself', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Change the lists' }).click();
    await page.getByLabel('Category').selectOption('self-harm');
    await page.getByRole('button', { name: /^Add an entry to Self-harm/ }).click();
    await page.getByLabel('What changed, and why').fill('A local code word');
    await page.getByRole('button', { name: 'Save a new version' }).click();
    const problem = page.getByRole('alert');
    await problem.waitFor();
    assert.match(await problem.innerText(), /document\.lists\[0\]\.entries\[\d+\]\.phrase/);

    const phrases = page.getByLabel(/^Phrase of entry \d+$/);
    await phrases.last().fill('zorblax flimwhistle');
    await page.getByLabel('Weight of zorblax flimwhistle').fill('150');
    await page.getByRole('button', { name: 'Save a new version' }).click();
    await page.getByRole('heading', { name: 'Version 1' }).waitFor();
    await page.getByRole('status').getByText(/Saved/).waitFor();
    const history = page.getByRole('table', { name: 'Newest first' });
    await history.getByRole('cell', { name: 'A local code word' }).waitFor();
    assert.match(await history.innerText(), /Dana Shah/);
    await page.screenshot({ path: join(screenshots, 'phrase-lists-dsl.png'), fullPage: true });
    await page.close();
  });

  test('at phone width the editor fits the screen; the head reads but cannot change', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await signInAs(page, haven.url, 'dsl');
    await page.goto(`${haven.url}/phrases`);
    await page.getByRole('button', { name: 'Change the lists' }).click();
    await page.getByLabel('Weight of how to kill myself').waitFor();
    assert.ok((await sidewaysOverflow(page)) <= 0, 'no sideways scrolling at phone width');
    await page.getByLabel('Weight of how to kill myself').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'phrase-lists-phone.png') });
    await page.close();

    const head = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(head, haven.url, 'head');
    assert.ok((await navLabels(head)).includes('Phrase lists'));
    await head.goto(`${haven.url}/phrases`);
    await head.getByRole('heading', { name: 'Version 1' }).waitFor();
    assert.equal(await head.getByRole('button', { name: 'Change the lists' }).count(), 0);
    await head.close();
  });
});
