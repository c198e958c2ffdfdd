import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListIndexBuilder, matchHosts, MatchHits } from './list-index.ts';
import type { ListIndex } from './list-index.ts';
import { hashSuffixes, SuffixKeys } from './host-hash.ts';
import { createRandom } from './seeded-random.ts';
import type { SeededRandom } from './seeded-random.ts';

interface HostResult {
  entry: string;
  categories: string[];
}

/** The index's most specific host match: matched suffix and its categories (sorted). */
function lookupHost(index: ListIndex, host: string): HostResult | null {
  const keys = new SuffixKeys();
  const hits = new MatchHits();
  if (hashSuffixes(host, keys) <= 0) return null;
  matchHosts(index, keys, hits);
  if (hits.count === 0) return null;
  const tags = index.sets[hits.set[0] ?? 0] ?? [];
  return {
    entry: host
      .replace(/\.+$/, '')
      .slice(hits.start[0] ?? 0)
      .toLowerCase(),
    categories: tags.map((t) => index.tags[t]?.category ?? '').sort(),
  };
}

/** All URL matches, most specific first, as `entry text → categories`. */
function lookupUrl(index: ListIndex, host: string, path: string): string[] {
  const keys = new SuffixKeys();
  const hits = new MatchHits();
  hashSuffixes(host, keys);
  const lower = path.toLowerCase();
  index.urls.match(keys, lower, lower.indexOf('?'), hits);
  const out: string[] = [];
  for (let i = 0; i < hits.count; i++) {
    const tags = index.sets[hits.set[i] ?? 0] ?? [];
    out.push(
      `${index.urls.entryText(hits.group[i] ?? 0, hits.path[i] ?? 0)} ${tags.map((t) => index.tags[t]?.category).join('+')}`,
    );
  }
  return out;
}

test('a host entry covers itself and its subdomains, not look-alikes', () => {
  const b = new ListIndexBuilder();
  b.addHost('example.com', 'gambling', 'test');
  const index = b.build();
  assert.deepEqual(lookupHost(index, 'example.com'), {
    entry: 'example.com',
    categories: ['gambling'],
  });
  assert.deepEqual(lookupHost(index, 'a.b.example.com'), {
    entry: 'example.com',
    categories: ['gambling'],
  });
  assert.equal(lookupHost(index, 'notexample.com'), null);
  assert.equal(lookupHost(index, 'example.com.evil.net'), null);
  assert.equal(lookupHost(index, 'com'), null);
});

test('the most specific listed suffix wins', () => {
  const b = new ListIndexBuilder();
  b.addHost('blogspot.com', 'blogs', 'test');
  b.addHost('bad.blogspot.com', 'pornography', 'test');
  const index = b.build();
  assert.deepEqual(lookupHost(index, 'www.bad.blogspot.com')?.categories, ['pornography']);
  assert.deepEqual(lookupHost(index, 'good.blogspot.com')?.categories, ['blogs']);
});

test('case, trailing dots, leading dots and wildcards do not matter', () => {
  const b = new ListIndexBuilder();
  b.addHost('Example.COM.', 'gambling', 'test');
  b.addHost('.dotted.org', 'drugs', 'test');
  b.addHost('*.wild.net', 'hate', 'test');
  const index = b.build();
  assert.equal(lookupHost(index, 'WWW.EXAMPLE.com..')?.entry, 'example.com');
  assert.deepEqual(lookupHost(index, 'dotted.org')?.categories, ['drugs']);
  assert.deepEqual(lookupHost(index, 'x.wild.net')?.categories, ['hate']);
});

test('internationalised names match in punycode', () => {
  const b = new ListIndexBuilder();
  b.addHost('bücher.de', 'shopping', 'test');
  const index = b.build();
  assert.deepEqual(lookupHost(index, 'xn--bcher-kva.de')?.categories, ['shopping']);
  assert.deepEqual(lookupHost(index, 'www.xn--bcher-kva.de')?.categories, ['shopping']);
  const keys = new SuffixKeys();
  assert.equal(
    hashSuffixes('www.bücher.de', keys),
    -1,
    'non-ASCII must be converted by the caller',
  );
});

test('IP addresses match only as a whole', () => {
  const b = new ListIndexBuilder();
  b.addHost('10.1.2.3', 'malware-hacking', 'test');
  b.addHost('2.3', 'gambling', 'test');
  b.addHost('::1', 'drugs', 'test');
  const index = b.build();
  assert.deepEqual(lookupHost(index, '10.1.2.3')?.categories, ['malware-hacking']);
  assert.equal(lookupHost(index, '9.10.1.2.3'), null);
  assert.equal(lookupHost(index, '1.1.2.3'), null, 'no suffix probing inside an IPv4 address');
  assert.deepEqual(lookupHost(index, '::1')?.categories, ['drugs']);
});

test('a domain listed in several categories carries all of them', () => {
  const b = new ListIndexBuilder();
  b.addHost('both.example', 'gambling', 'ut1/gambling');
  b.addHost('both.example', 'pornography', 'ut1/adult');
  b.addHost('both.example', 'gambling', 'ut1/gambling');
  b.addHost('one.example', 'gambling', 'ut1/gambling');
  const index = b.build();
  assert.deepEqual(lookupHost(index, 'both.example')?.categories, ['gambling', 'pornography']);
  assert.deepEqual(lookupHost(index, 'one.example')?.categories, ['gambling']);
  assert.equal(index.hosts.size, 2);
});

test('invalid host entries are refused', () => {
  const b = new ListIndexBuilder();
  assert.equal(b.addHost('', 'x', 'test'), false);
  assert.equal(b.addHost('a..b', 'x', 'test'), false);
  assert.equal(b.addHost('.', 'x', 'test'), false);
  assert.equal(b.addUrl('/only/a/path', 'x', 'test'), false);
});

test('URL entries: host and subdomains, path prefix at a segment boundary, query only when listed', () => {
  const b = new ListIndexBuilder();
  b.addUrl('www.example.com/Bad/Page', 'pornography', 'test');
  b.addUrl('example.com/dir/', 'gambling', 'test');
  b.addUrl('http://video.example/watch?v=abc', 'violence', 'test');
  b.addUrl('plain.example/', 'drugs', 'test'); // empty path: a host entry
  const index = b.build();
  assert.deepEqual(lookupUrl(index, 'example.com', '/bad/page'), [
    'example.com/bad/page pornography',
  ]);
  assert.deepEqual(lookupUrl(index, 'm.example.com', '/BAD/page/more?x=1'), [
    'example.com/bad/page pornography',
  ]);
  assert.deepEqual(lookupUrl(index, 'example.com', '/bad/pages'), []);
  assert.deepEqual(lookupUrl(index, 'example.com', '/dir/anything'), ['example.com/dir/ gambling']);
  assert.deepEqual(lookupUrl(index, 'video.example', '/watch?v=abc'), [
    'video.example/watch?v=abc violence',
  ]);
  assert.deepEqual(lookupUrl(index, 'video.example', '/watch?v=abc&t=10'), [
    'video.example/watch?v=abc violence',
  ]);
  assert.deepEqual(lookupUrl(index, 'video.example', '/watch?v=abcd'), []);
  assert.deepEqual(lookupUrl(index, 'video.example', '/watch'), []);
  assert.deepEqual(lookupHost(index, 'www.plain.example')?.categories, ['drugs']);
  assert.equal(index.urls.size, 3);
});

test('distinct domains get distinct 64-bit keys (200,000 random names)', () => {
  const random = createRandom(7);
  const keys = new SuffixKeys();
  const seen = new Set<string>();
  const names = new Set<string>();
  while (names.size < 200_000)
    names.add(randomDomain(random, 'abcdefghijklmnopqrstuvwxyz0123456789-', 3, 14));
  for (const name of names) {
    const n = hashSuffixes(name, keys);
    seen.add(`${keys.hi[n - 1]}:${keys.lo[n - 1]}`);
  }
  assert.equal(seen.size, names.size);
});

// --- property tests against simple reference implementations

function randomLabel(random: SeededRandom, alphabet: string, min: number, max: number): string {
  const length = min + random.int(max - min + 1);
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[random.int(alphabet.length)] ?? 'a';
  return s;
}

function randomDomain(random: SeededRandom, alphabet: string, min: number, max: number): string {
  const labels = 1 + random.int(3);
  const parts: string[] = [];
  for (let i = 0; i < labels; i++) parts.push(randomLabel(random, alphabet, min, max));
  parts.push(random.pick(['com', 'org', 'uk', 'co.uk', 'net']));
  return parts.join('.');
}

/** Reference host matcher: a plain map from entry to categories, probed with every suffix. */
function referenceHost(entries: ReadonlyMap<string, Set<string>>, host: string): HostResult | null {
  const labels = host.toLowerCase().replace(/\.+$/, '').split('.');
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    const categories = entries.get(suffix);
    if (categories !== undefined) return { entry: suffix, categories: [...categories].sort() };
  }
  return null;
}

test('property: the host index agrees with a reference Map on random lists and queries', () => {
  let matched = 0;
  for (let round = 0; round < 20; round++) {
    const random = createRandom(1000 + round);
    // a tiny alphabet so that queries often share suffixes with entries
    const entries = new Map<string, Set<string>>();
    const b = new ListIndexBuilder();
    const categories = ['gambling', 'pornography', 'hate', 'drugs'];
    const count = 50 + random.int(400);
    for (let i = 0; i < count; i++) {
      const domain = randomDomain(random, 'abc', 1, 2);
      const category = random.pick(categories);
      const shown = random.next() < 0.3 ? domain.toUpperCase() : domain;
      assert.equal(b.addHost(random.next() < 0.1 ? `${shown}.` : shown, category, 'list'), true);
      let set = entries.get(domain);
      if (set === undefined) entries.set(domain, (set = new Set()));
      set.add(category);
    }
    const index = b.build();
    const listed = [...entries.keys()];
    for (let q = 0; q < 500; q++) {
      let host: string;
      const r = random.next();
      if (r < 0.4) host = `${randomLabel(random, 'abc', 1, 2)}.${random.pick(listed)}`;
      else if (r < 0.6) host = random.pick(listed);
      else host = randomDomain(random, 'abc', 1, 2);
      if (random.next() < 0.2) host = host.toUpperCase();
      const want = referenceHost(entries, host);
      if (want !== null) matched++;
      assert.deepEqual(lookupHost(index, host), want, host);
    }
  }
  assert.ok(matched > 2000, `only ${matched} queries matched an entry`);
});

interface UrlEntryRef {
  host: string;
  path: string;
  category: string;
}

/** Reference URL matcher: scan every entry. */
function referenceUrl(
  entries: readonly UrlEntryRef[],
  host: string,
  pathWithQuery: string,
): string[] {
  const lower = pathWithQuery.toLowerCase();
  const q = lower.indexOf('?');
  const pathOnly = q < 0 ? lower : lower.slice(0, q);
  const labels = host.split('.');
  const out: { spec: number; text: string; path: number }[] = [];
  const byText = new Map<string, Set<string>>();
  for (const e of entries) {
    const covered = labels.some((_, i) => labels.slice(i).join('.') === e.host);
    if (!covered) continue;
    const target = e.path.includes('?') ? lower : pathOnly;
    const ok =
      target === e.path ||
      (target.startsWith(e.path) &&
        (e.path.includes('?')
          ? target[e.path.length] === '&' || e.path.endsWith('&') || e.path.endsWith('?')
          : target[e.path.length] === '/' || e.path.endsWith('/')));
    if (!ok) continue;
    const text = e.host + e.path;
    let set = byText.get(text);
    if (set === undefined) {
      byText.set(text, (set = new Set()));
      out.push({ spec: e.host.length, text, path: e.path.length });
    }
    set.add(e.category);
  }
  out.sort((a, b) => b.spec - a.spec || b.path - a.path || (a.text < b.text ? -1 : 1));
  return out.map((o) => `${o.text} ${[...(byText.get(o.text) ?? [])].sort().join('+')}`);
}

test('property: the URL index agrees with a reference scan on random entries and requests', () => {
  let nonEmpty = 0;
  for (let round = 0; round < 20; round++) {
    const random = createRandom(5000 + round);
    const entries: UrlEntryRef[] = [];
    const b = new ListIndexBuilder();
    const hosts = Array.from({ length: 6 }, () => randomDomain(random, 'ab', 1, 2));
    const segment = (): string => random.pick(['a', 'b', 'ab', 'A']);
    const randomPath = (): string => {
      let p = '';
      const n = 1 + random.int(3);
      for (let i = 0; i < n; i++) p += `/${segment()}`;
      if (random.next() < 0.2) p += '/';
      if (random.next() < 0.2) p += `?${random.pick(['x=1', 'y=2'])}`;
      return p;
    };
    for (let i = 0; i < 40; i++) {
      const host = random.pick(hosts);
      const path = randomPath();
      const category = random.pick(['gambling', 'hate']);
      assert.equal(b.addUrl(`${host}${path}`, category, 'list'), true);
      entries.push({ host, path: path.toLowerCase(), category });
    }
    const index = b.build();
    for (let q = 0; q < 400; q++) {
      const host =
        random.next() < 0.5
          ? random.pick(hosts)
          : `${randomLabel(random, 'ab', 1, 2)}.${random.pick(hosts)}`;
      let path = randomPath();
      if (random.next() < 0.3) path += `${path.includes('?') ? '&' : '?'}z=3`;
      const got = lookupUrl(index, host, path).map((line) => {
        const [text, cats] = line.split(' ');
        return `${text} ${(cats ?? '').split('+').sort().join('+')}`;
      });
      const want = referenceUrl(entries, host, path);
      if (want.length > 0) nonEmpty++;
      assert.deepEqual(got, want, `${host}${path}`);
    }
  }
  assert.ok(nonEmpty > 500, `only ${nonEmpty} requests matched an entry`);
});
