import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChromiumUnavailableError,
  DEFAULT_CHROMIUM_PATH,
  chromiumExecutablePath,
  renderPdf,
} from './pdf.ts';

// Printing itself is tested end to end with Chromium in test/e2e/policy-document.test.ts.

test('the Chromium executable is the option, then HAVEN_CHROMIUM, then Debian’s', (t) => {
  const saved = process.env.HAVEN_CHROMIUM;
  t.after(() => {
    if (saved === undefined) delete process.env.HAVEN_CHROMIUM;
    else process.env.HAVEN_CHROMIUM = saved;
  });
  delete process.env.HAVEN_CHROMIUM;
  assert.equal(chromiumExecutablePath(), DEFAULT_CHROMIUM_PATH);
  assert.equal(DEFAULT_CHROMIUM_PATH, '/usr/bin/chromium');
  process.env.HAVEN_CHROMIUM = '/opt/chrome/chrome';
  assert.equal(chromiumExecutablePath(), '/opt/chrome/chrome');
  assert.equal(chromiumExecutablePath({ executablePath: '/srv/chromium' }), '/srv/chromium');
  process.env.HAVEN_CHROMIUM = '';
  assert.equal(chromiumExecutablePath(), DEFAULT_CHROMIUM_PATH);
});

test('without Chromium, renderPdf says how to install it', async () => {
  const missing = '/nonexistent/haven-test/chromium';
  await assert.rejects(
    renderPdf('<!DOCTYPE html><title>x</title><p>x</p>', { executablePath: missing }),
    (error: unknown) => {
      assert.ok(error instanceof ChromiumUnavailableError);
      assert.equal(error.name, 'ChromiumUnavailableError');
      assert.equal(error.executablePath, missing);
      assert.match(error.message, /not found at \/nonexistent\/haven-test\/chromium/);
      assert.match(error.message, /apt-get install -y chromium/);
      assert.match(error.message, /HAVEN_CHROMIUM/);
      return true;
    },
  );
});
