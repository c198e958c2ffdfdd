import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, type Answer } from 'dns-packet';
import { prepareAnswer, type PreparedAnswer } from './dns-answers.ts';
import { soa } from './packets.test-data.ts';
import { cacheKey, DnsCache } from './dns-cache.ts';

function positive(name: string, ttl: number): PreparedAnswer {
  const answers: Answer[] = [{ type: 'A', name, ttl, data: '192.0.2.1' }];
  const prepared = prepareAnswer(
    encode({ type: 'response', id: 1, flags: 0x8180, questions: [{ type: 'A', name }], answers }),
  );
  assert.ok(prepared);
  return prepared;
}

function nxdomain(name: string, soaTtl: number, minimum: number | null): PreparedAnswer {
  const prepared = prepareAnswer(
    encode({
      type: 'response',
      id: 1,
      flags: 0x8183,
      questions: [{ type: 'A', name }],
      authorities: minimum === null ? [] : [soa('example.org', soaTtl, minimum)],
    }),
  );
  assert.ok(prepared);
  return prepared;
}

test('keys are (name, type, class)', () => {
  assert.equal(cacheKey('example.org', 1, 1), '1:example.org');
  assert.notEqual(cacheKey('example.org', 1, 1), cacheKey('example.org', 28, 1));
  assert.notEqual(cacheKey('example.org', 1, 1), cacheKey('example.org', 1, 3));
});

test('an answer is served for its TTL, then misses', () => {
  const cache = new DnsCache();
  const t0 = 1_000_000;
  cache.set('1:a.test', positive('a.test', 30), t0);
  assert.ok(cache.get('1:a.test', t0 + 29_999));
  assert.equal(cache.get('1:a.test', t0 + 30_000), undefined);
  assert.equal(cache.size, 0, 'expired entries are dropped when found');
  const s = cache.stats();
  assert.equal(s.hits, 1);
  assert.equal(s.misses, 1);
  assert.equal(s.expired, 1);
});

test('TTLs are clamped to [minTtl, maxTtl]', () => {
  const cache = new DnsCache({ minTtl: 10, maxTtl: 3600 });
  assert.equal(cache.ttlFor(positive('a.test', 0)), 10);
  assert.equal(cache.ttlFor(positive('a.test', 5)), 10);
  assert.equal(cache.ttlFor(positive('a.test', 600)), 600);
  assert.equal(cache.ttlFor(positive('a.test', 86_400 * 7)), 3600);
  const t0 = 5_000;
  cache.set('1:zero.test', positive('zero.test', 0), t0);
  assert.ok(cache.get('1:zero.test', t0 + 9_000), 'a 0 TTL answer is kept for minTtl');
  assert.throws(() => new DnsCache({ minTtl: 100, maxTtl: 10 }));
});

test('negative answers are cached for min(SOA TTL, SOA minimum), at most maxNegativeTtl', () => {
  const cache = new DnsCache({ maxNegativeTtl: 900 });
  assert.equal(cache.ttlFor(nxdomain('gone.test', 3600, 300)), 300);
  assert.equal(cache.ttlFor(nxdomain('gone.test', 120, 300)), 120);
  assert.equal(cache.ttlFor(nxdomain('gone.test', 86_400, 86_400)), 900);
  assert.equal(cache.ttlFor(nxdomain('gone.test', 60, null)), 0, 'no SOA: not cached');
  const t0 = 0;
  cache.set('1:gone.test', nxdomain('gone.test', 3600, 300), t0);
  const hit = cache.get('1:gone.test', t0 + 299_000);
  assert.equal(hit?.answer.negative, true);
  assert.equal(hit?.answer.rcode, 3);
  assert.equal(cache.get('1:gone.test', t0 + 300_000), undefined);
  cache.set('1:nosoa.test', nxdomain('nosoa.test', 60, null), t0);
  assert.equal(cache.get('1:nosoa.test', t0 + 1), undefined);
});

test('errors are never cached', () => {
  const cache = new DnsCache({ minTtl: 60 });
  const servfail = prepareAnswer(
    encode({ type: 'response', id: 1, flags: 0x8182, questions: [{ type: 'A', name: 'x.test' }] }),
  );
  assert.ok(servfail);
  const entry = cache.set('1:x.test', servfail, 0);
  assert.equal(entry.answer.rcode, 2, 'the entry is still returned, to answer with');
  assert.equal(cache.get('1:x.test', 1), undefined);
});

test('bounded: the least recently used entry goes first', () => {
  const cache = new DnsCache({ maxEntries: 3 });
  const t = 0;
  cache.set('a', positive('a.test', 60), t);
  cache.set('b', positive('b.test', 60), t);
  cache.set('c', positive('c.test', 60), t);
  assert.ok(cache.get('a', t)); // a is now the most recent; b the least
  cache.set('d', positive('d.test', 60), t);
  assert.equal(cache.size, 3);
  assert.equal(cache.get('b', t), undefined, 'b was evicted');
  assert.ok(cache.get('a', t));
  assert.ok(cache.get('c', t));
  assert.ok(cache.get('d', t));
  assert.equal(cache.stats().evictions, 1);
  // replacing an entry does not grow the cache
  cache.set('d', positive('d.test', 120), t);
  assert.equal(cache.size, 3);
  const bytes = cache.stats().bytes;
  assert.ok(bytes > 0);
  cache.clear();
  assert.equal(cache.stats().bytes, 0);
  // a cache of size 0 keeps nothing
  const none = new DnsCache({ maxEntries: 0 });
  none.set('a', positive('a.test', 60), t);
  assert.equal(none.get('a', t), undefined);
});
