/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, navLabels, signInAs } from '../support/browser.ts';
import { runCli } from '../support/run-cli.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { projectRoot } from '../support/test-databases.ts';

const screenshots = join(projectRoot, 'test-results', 'screenshots');

describe('signing in through the browser (haven start + Chromium)', () => {
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

  test('npm start prints the URL and the demo logins', () => {
    assert.match(haven.output(), /Web UI: {2}http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(haven.output(), /dsl\s+Designated Safeguarding Lead/);
    assert.match(haven.output(), /password "haven-demo"/);
    assert.doesNotMatch(
      haven.output(),
      /postgres:\/\/[^\s*]*:[^*\s]+@/,
      'no database password in the log',
    );
  });

  test('the sign-in page is labelled, and a wrong password is explained', async () => {
    const page = await browser.newPage();
    await page.goto(`${haven.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'sign-in.png') });
    await page.getByLabel('Username').fill('dsl');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Username or password is wrong/);
    await page.close();
  });

  test('the DSL sees the safeguarding navigation and the audit log', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
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
    await page.getByRole('heading', { name: 'Welcome, Dana Shah' }).waitFor();
    await page.getByText(/Intact: \d+ entries/).waitFor();
    await page.screenshot({ path: join(screenshots, 'home-dsl.png'), fullPage: true });

    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'pupil', exact: true }).waitFor();
    await page.screenshot({ path: join(screenshots, 'people-dsl.png'), fullPage: true });

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByText(/The chain is intact/).waitFor();
    await page.screenshot({ path: join(screenshots, 'audit-dsl.png'), fullPage: true });
    await page.close();
  });

  test('the pupil sees only their own pages, also at phone width', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signInAs(page, haven.url, 'pupil');
    assert.deepEqual(await navLabels(page), ['Home', 'Report a concern', 'My account']);
    await page.getByRole('heading', { name: 'Hello, Pip' }).waitFor();
    await page.getByText('If something online worries you').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'no sideways scrolling at phone width');
    await page.screenshot({ path: join(screenshots, 'home-pupil-phone.png'), fullPage: true });

    // A page the pupil may not use is not shown, even by typing its address.
    await page.goto(`${haven.url}/audit`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.close();
  });

  test('haven commands on the same data folder run inside the running Haven', async () => {
    const csv = join(haven.dataDir, 'new-pupils.csv');
    writeFileSync(csv, 'name,username,year group\nNew Pupil,newpupil,Year 4\n');
    const env = { HAVEN_DATA: haven.dataDir, DATABASE_URL: '' };
    const imported = await runCli(['users', 'import', csv], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /1 created/);
    const classify = await runCli(['classify', '--group', 'ks2'], env, 'example.test\n');
    assert.equal(classify.code, 0, classify.stderr);
    assert.match(classify.stdout, /^example\.test\tallow\t/);
    const verify = await runCli(['audit', 'verify'], env);
    assert.match(verify.stdout, /intact/);
    const refused = await runCli(['users', 'import', join(haven.dataDir, 'missing.csv')], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /no such file/);
  });

  test('keyboard: the skip link comes first and leads to the main content', async () => {
    const page = await browser.newPage();
    await signInAs(page, haven.url, 'teacher');
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.equal(focused, 'Skip to main content');
    await page.keyboard.press('Enter');
    const target = await page.evaluate(() => document.activeElement?.id ?? '');
    assert.equal(target, 'main');
    // Moving to another page puts focus on its content.
    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id ?? ''), 'main');
    await page.close();
  });
});
