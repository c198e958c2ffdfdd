import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, maskConfig } from './load-config.ts';

const noFile = join(tmpdir(), 'no-such-haven.yaml');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  assert.fail('expected a ConfigError');
}

test('defaults: embedded database in ./data, UI on 8080, proxy 3128, DNS 5353', () => {
  const config = loadConfig({ env: {}, file: undefined });
  assert.equal(config.port, 8080);
  assert.equal(config.proxyPort, 3128);
  assert.equal(config.dnsPort, 5353);
  assert.equal(config.dataDir, './data');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.demo, true);
});

test('environment variables set the documented keys', () => {
  const config = loadConfig({
    env: {
      HAVEN_PORT: '9090',
      DATABASE_URL: 'postgres://u:secret@db/haven',
      HAVEN_LOGIN_MAX_FAILURES: '3',
    },
  });
  assert.equal(config.port, 9090);
  assert.equal(config.login.maxFailures, 3);
  assert.equal(config.databaseUrl, 'postgres://u:secret@db/haven');
});

test('every invalid key is reported at once, with its path and where it came from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-config-'));
  const file = join(dir, 'haven.yaml');
  writeFileSync(file, 'port: 99999\nlogin:\n  lockoutMinutes: 0\ncolour: blue\n');
  const problems = problemsOf(() =>
    loadConfig({ env: { HAVEN_PROXY_PORT: 'abc', DATABASE_URL: 'mysql://x' }, file }),
  );
  const text = problems.join('\n');
  assert.match(text, /^port \(from .*haven\.yaml\): .*65535/m);
  assert.match(text, /^proxyPort \(from HAVEN_PROXY_PORT\): /m);
  assert.match(text, /^databaseUrl \(from DATABASE_URL\): .*postgres:\/\//m);
  assert.match(text, /^login\.lockoutMinutes .*at least 1/m);
  assert.match(text, /^colour: unknown setting/m);
  assert.equal(problems.length, 5);
});

test('a YAML syntax error names the file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-config-'));
  const file = join(dir, 'haven.yaml');
  writeFileSync(file, 'port: 8080\nlogin: [unclosed\n');
  const problems = problemsOf(() => loadConfig({ env: {}, file }));
  assert.match(problems[0] ?? '', /haven\.yaml:\d+:/);
});

test('a missing config file is an error, not silently ignored', () => {
  const problems = problemsOf(() => loadConfig({ env: {}, file: noFile }));
  assert.match(problems[0] ?? '', /does not exist/);
});

test('the effective config is logged with the database password masked', () => {
  const config = loadConfig({
    env: { DATABASE_URL: 'postgres://haven:s3cret@db.school.example/haven' },
  });
  const shown = JSON.stringify(maskConfig(config));
  assert.doesNotMatch(shown, /s3cret/);
  assert.match(shown, /haven:\*\*\*\*\*@db\.school\.example/);
});
