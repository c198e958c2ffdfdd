import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseResolvConf,
  parseUpstream,
  pointsAtItself,
  readResolvConf,
  resolveUpstreams,
  UpstreamConfigError,
} from './resolv-conf.ts';

test('upstream addresses: IPv4, IPv6, with and without a port', () => {
  assert.deepEqual(parseUpstream('192.0.2.53'), { host: '192.0.2.53', port: 53 });
  assert.deepEqual(parseUpstream(' 192.0.2.53:5353 '), { host: '192.0.2.53', port: 5353 });
  assert.deepEqual(parseUpstream('2001:db8::53'), { host: '2001:db8::53', port: 53 });
  assert.deepEqual(parseUpstream('[2001:db8::53]:5353'), { host: '2001:db8::53', port: 5353 });
  assert.deepEqual(parseUpstream('fe80::1%eth0'), { host: 'fe80::1%eth0', port: 53 });
  for (const bad of [
    '',
    'dns.google',
    '192.0.2.53:0',
    '192.0.2.53:70000',
    '192.0.2.53:x',
    '[::1',
    '300.1.1.1',
  ])
    assert.equal(parseUpstream(bad), null, bad);
});

test('resolv.conf: nameserver lines in order, comments and other options ignored', () => {
  const text = [
    '# generated',
    'search school.internal',
    'nameserver 10.0.0.2',
    'nameserver   2001:db8::2 # the IPv6 one',
    '; nameserver 10.9.9.9',
    'options timeout:1 attempts:2',
    'nameserver bogus',
    'nameserver 10.0.0.3',
  ].join('\n');
  assert.deepEqual(parseResolvConf(text), [
    { host: '10.0.0.2', port: 53 },
    { host: '2001:db8::2', port: 53 },
    { host: '10.0.0.3', port: 53 },
  ]);
});

test('configured upstreams win; otherwise resolv.conf; none at all is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-resolv-'));
  try {
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 192.0.2.1\n');
    assert.deepEqual(resolveUpstreams(['198.51.100.1:5353'], file), [
      { host: '198.51.100.1', port: 5353 },
    ]);
    assert.deepEqual(resolveUpstreams([], file), [{ host: '192.0.2.1', port: 53 }]);
    assert.deepEqual(readResolvConf(join(dir, 'missing')), []);
    assert.throws(() => resolveUpstreams([], join(dir, 'missing')), UpstreamConfigError);
    assert.throws(() => resolveUpstreams(['dns.google'], file), /dns\.google/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an upstream that is the filter itself is a loop', () => {
  const local = new Set(['10.0.0.5']);
  assert.equal(pointsAtItself({ host: '127.0.0.1', port: 53 }, '127.0.0.1', 53, local), true);
  assert.equal(pointsAtItself({ host: '127.0.0.1', port: 53 }, '0.0.0.0', 53, local), true);
  assert.equal(pointsAtItself({ host: '10.0.0.5', port: 53 }, '0.0.0.0', 53, local), true);
  assert.equal(pointsAtItself({ host: '10.0.0.9', port: 53 }, '0.0.0.0', 53, local), false);
  assert.equal(pointsAtItself({ host: '127.0.0.1', port: 53 }, '127.0.0.1', 5353, local), false);
  assert.equal(pointsAtItself({ host: '127.0.0.53', port: 53 }, '127.0.0.1', 53, local), false);
});
