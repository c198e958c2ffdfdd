import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { startStubUpstream, type StubUpstream } from '../../src/filter/dns/dns-bench.ts';
import { launchChromium, signInAs } from '../support/browser.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { runCli } from '../support/run-cli.ts';
import { projectRoot } from '../support/test-databases.ts';

const run = promisify(execFile);
const screenshots = join(projectRoot, 'test-results', 'screenshots');

/** A `datetime-local` value with seconds, in this process's (and Chromium's) time zone. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * FIL-6 done-when, through `haven start`: a teacher asks in Chromium to unblock a gambling-listed
 * site for Key Stage 2, the DSL approves it, and within 5 seconds the KS2 pupil reaches the site
 * through Haven's proxy; when the exemption's period ends the site is blocked again, without
 * anyone acting. Everything stays on 127.0.0.1: the proxy resolves names through a local stub
 * DNS upstream that answers 127.0.0.1, and the "site" is a local origin.
 */
describe('a temporary exemption in the running filter (haven start, Chromium, curl)', () => {
  let haven: HavenProcess;
  let upstream: StubUpstream;
  let origin: Server;
  let originPort = 0;
  let browser: Browser;
  const config = join(tmpdir(), `haven-exemptions-${process.pid}.yaml`);
  const site = 'casino-lesson.test';

  const throughProxy = async (): Promise<string> => {
    try {
      const r = await run('curl', [
        '-s',
        '--max-time',
        '5',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-x',
        `http://127.0.0.1:${haven.proxyPort}`,
        '--proxy-user',
        'pupil:haven-demo',
        `http://${site}:${originPort}/probability`,
      ]);
      return r.stdout;
    } catch (error) {
      return (error as { stdout?: string }).stdout ?? '';
    }
  };

  /** Poll the proxy until it answers `want`; returns the milliseconds it took. */
  const until = async (want: string, withinMs: number, what: string): Promise<number> => {
    const start = Date.now();
    for (;;) {
      const last = await throughProxy();
      if (last === want) return Date.now() - start;
      assert.ok(Date.now() - start < withinMs, `${what}: still ${last} after ${withinMs} ms`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    upstream = await startStubUpstream();
    writeFileSync(config, `filter:\n  dnsUpstreams: ["127.0.0.1:${upstream.port}"]\n`);
    origin = createServer((_request, response) => response.end('ORIGIN-OK'));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    const address = origin.address();
    originPort = typeof address === 'object' && address ? address.port : 0;
    haven = await startHavenProcess({ HAVEN_CONFIG: config });
    const list = join(haven.dataDir, 'gambling.txt');
    writeFileSync(list, `${site}\n`);
    const imported = await runCli(['lists', 'import', list, '--category', 'gambling'], {
      HAVEN_DATA: haven.dataDir,
      DATABASE_URL: '',
    });
    assert.equal(imported.code, 0, imported.stderr);
    await until('403', 10_000, 'the imported list');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await haven?.stop();
    await upstream?.close();
    await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
    rmSync(config, { force: true });
  });

  test('asked by a teacher, approved by the DSL: unblocked for KS2 within 5 s, blocked again at its end', async () => {
    // The teacher asks, for a short period that ends 25 seconds from now.
    const teacher = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signInAs(teacher, haven.url, 'teacher');
    await teacher.getByRole('link', { name: 'Exemptions' }).click();
    await teacher.getByRole('heading', { level: 2, name: 'Unblock for a lesson' }).waitFor();
    await teacher.getByRole('textbox', { name: 'Site or page' }).fill(`http://${site}/`);
    await teacher.getByLabel('Key Stage 2').check();
    await teacher.getByLabel('When?').selectOption({ label: 'Another time or a longer period…' });
    const endsAt = new Date(Date.now() + 25_000);
    endsAt.setMilliseconds(0);
    await teacher
      .getByLabel('From', { exact: true })
      .fill(localInput(new Date(Date.now() - 60_000)));
    await teacher.getByLabel('Until', { exact: true }).fill(localInput(endsAt));
    await teacher
      .getByLabel('Why does the class need it?')
      .fill('Year 5 maths: probability with dice and odds');
    await teacher.screenshot({ path: join(screenshots, 'exemption-request.png'), fullPage: true });
    await teacher.getByRole('button', { name: 'Ask for approval' }).click();
    await teacher.getByRole('status').filter({ hasText: 'was sent' }).waitFor();
    assert.equal(await throughProxy(), '403', 'nothing changes before the DSL approves');

    // The teacher's own page offers no approval.
    assert.equal(await teacher.getByRole('button', { name: /^Approve/ }).count(), 0);
    await teacher.close();

    // The DSL approves from the queue.
    const dsl = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signInAs(dsl, haven.url, 'dsl');
    await dsl.goto(`${haven.url}/exemptions`);
    await dsl.getByRole('heading', { level: 2, name: 'Waiting for your decision' }).waitFor();
    await dsl.getByText(`${site} for Key Stage 2`).waitFor();
    await dsl.screenshot({ path: join(screenshots, 'exemption-queue-phone.png'), fullPage: true });
    await dsl.getByRole('button', { name: `Approve ${site}` }).click();
    const approvedAt = Date.now();
    await dsl
      .getByRole('region', { name: 'Active now and coming up' })
      .getByText(`${site} for Key Stage 2`)
      .waitFor();

    // Within 5 seconds the pupil's request passes through the proxy to the site.
    const took = await until('200', 5000, 'the approved exemption');
    assert.ok(Date.now() - approvedAt < 5000, `unblocked ${took} ms after the poll started`);
    assert.ok(endsAt.getTime() - Date.now() > 3000, 'the test ran too slowly to see the end');

    // The decision names the exemption: the Filtering page's test box, as the DSL.
    const explained = await dsl.evaluate(
      async ({ host }) => {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
        const r = await fetch('/api/filter/test', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ destination: host, group: 'ks2' }),
        });
        return (await r.json()) as { action: string; ruleId: string; reason: string };
      },
      { host: site },
    );
    assert.equal(explained.action, 'allow');
    assert.match(explained.ruleId, /^exemption:/);
    assert.match(explained.reason, /temporary exemption.*probability.*asked by Tom Ellis/);

    // At its end it stops by itself: nobody acts.
    const wait = endsAt.getTime() - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const late = await until('403', 2000, 'the ended exemption');
    assert.ok(late < 2000);

    await dsl.reload();
    await dsl
      .getByRole('region', { name: 'Ended, declined or withdrawn' })
      .getByText(`${site} for Key Stage 2`)
      .waitFor();
    await dsl.screenshot({ path: join(screenshots, 'exemption-ended-phone.png'), fullPage: true });
    await dsl.close();
  });

  test('a review from the block page is taken up by a teacher and approved by the head', async () => {
    const review = await fetch(`${haven.url}/api/block-page/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'review', host: site, message: 'We need it for maths' }),
    });
    assert.equal(review.status, 201);

    const teacher = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signInAs(teacher, haven.url, 'teacher');
    await teacher.goto(`${haven.url}/filter-changes`);
    await teacher.getByRole('button', { name: `Take up Allow ${site}` }).click();
    const form = teacher.getByRole('form', { name: `Take up: Allow ${site}` });
    assert.equal(await form.getByLabel('Site or page').inputValue(), site);
    await form.getByLabel('Key Stage 2').check();
    await form.getByLabel('Reason').fill('The maths department uses its probability pages');
    await teacher.screenshot({
      path: join(screenshots, 'change-take-up-phone.png'),
      fullPage: true,
    });
    await form.getByRole('button', { name: 'Ask for approval' }).click();
    await teacher.getByRole('status').filter({ hasText: 'waits for approval' }).waitFor();
    assert.equal(await teacher.getByRole('button', { name: /^Approve/ }).count(), 0);
    await teacher.close();

    const head = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signInAs(head, haven.url, 'head');
    await head.goto(`${haven.url}/filter-changes`);
    await head.getByRole('button', { name: `Approve Allow ${site} for ks2` }).click();
    await head.getByRole('status').filter({ hasText: 'Approved' }).waitFor();
    const decided = head.getByRole('region', { name: 'Decided' });
    await decided.getByText(`Local allow entry for ${site} added.`).waitFor();
    await head.screenshot({ path: join(screenshots, 'change-applied.png'), fullPage: true });
    await head.close();
    // Applied at once (no effective date): the pupil reaches the site again.
    await until('200', 5000, 'the applied change');
  });

  test('the governor reads the filter changes and the change log', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signInAs(page, haven.url, 'governor');
    await page.getByRole('link', { name: 'Filter changes' }).click();
    await page.getByRole('heading', { level: 2, name: 'Change log' }).waitFor();
    await page.getByText('Exemption approved').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Ask for a permanent change' }).count(), 0);
    await page.screenshot({
      path: join(screenshots, 'filter-changes-governor.png'),
      fullPage: true,
    });
    await page.close();
  });
});
