import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectListFormat, ListParser, parseListChunks, parseListLines } from './list-parser.ts';
import type { ListEntry, ListError } from './list-parser.ts';
import { hasUt1File, readUt1, streamUt1, ut1Categories, UT1_SKIP } from './ut1-data.test-data.ts';

const values = (entries: readonly ListEntry[]): string[] =>
  entries.map((e) => `${e.action === 'allow' ? '@' : ''}${e.kind}:${e.value}`);

test('squidGuard domains: one domain a line, comments, normalisation, errors per line', () => {
  const r = parseListLines(
    [
      '# comment',
      '',
      'Example.COM',
      '.dotted.org',
      'bücher.de',
      'bad domain.com',
      'site.com/path',
      'a..b',
      '1.2.3.4',
      'x'.repeat(64) + '.com',
      'ok.net # inline',
    ],
    { file: 'test/domains', format: 'domains' },
  );
  assert.deepEqual(values(r.entries), [
    'host:example.com',
    'host:dotted.org',
    'host:xn--bcher-kva.de',
    'host:1.2.3.4',
    'host:ok.net',
  ]);
  assert.deepEqual(
    r.errors.map((e) => [e.line, e.reason]),
    [
      [6, 'more than one word on a line (expected one domain)'],
      [7, 'a URL in a domains file (URL entries belong in a urls file)'],
      [8, 'empty label in host name'],
      [10, 'label longer than 63 characters'],
    ],
  );
  assert.deepEqual(r.errors[0], {
    file: 'test/domains',
    line: 6,
    text: 'bad domain.com',
    reason: 'more than one word on a line (expected one domain)',
  });
  assert.equal(r.counts.comments, 2);
});

test('squidGuard urls: host/path prefixes, scheme dropped', () => {
  const r = parseListLines(
    ['example.com/some/Path', 'http://www.x.org/a?b=1', 'hostonly.net', 'bad host/x'],
    { file: 'u', format: 'urls' },
  );
  assert.deepEqual(values(r.entries), [
    'url:example.com/some/Path',
    'url:www.x.org/a?b=1',
    'url:hostonly.net',
  ]);
  assert.equal(r.errors.length, 1);
});

test('hosts files: sink addresses, several names a line, localhost skipped, redirects unsupported', () => {
  const r = parseListLines(
    [
      '# StevenBlack style',
      '127.0.0.1 localhost',
      '0.0.0.0 ads.example.com tracker.example.net # ads',
      '::1 ip6-localhost',
      '0.0.0.0 bad_host!.com',
      '216.239.38.120 www.google.com',
      '0.0.0.0',
      'notanip example.com',
    ],
    { file: 'hosts', format: 'hosts' },
  );
  assert.deepEqual(values(r.entries), ['host:ads.example.com', 'host:tracker.example.net']);
  assert.equal(r.counts.skipped, 2);
  assert.equal(r.counts.unsupported, 1);
  assert.deepEqual(
    r.errors.map((e) => e.line),
    [5, 7, 8],
  );
});

test('AdBlock rules: ||domain^, options, @@ exceptions as allow entries, cosmetic rules counted', () => {
  const r = parseListLines(
    [
      '[Adblock Plus 2.0]',
      '! Title: test',
      '||ads.example.com^',
      '||tracker.net^$third-party',
      '@@||good.example.com^',
      'example.org##.banner',
      'example.org#@#.ad',
      '||cdn.example.com^$script,domain=foo.com',
      '/banner[0-9]+/',
      '||example.com/ads/',
      '||ads*.example.com^',
      '||bad host^',
      '||^',
      'plain.example.net',
      '&ad_type=',
    ],
    { file: 'easylist.txt', format: 'adblock' },
  );
  assert.deepEqual(values(r.entries), [
    'host:ads.example.com',
    'host:tracker.net',
    '@host:good.example.com',
    'url:example.com/ads/',
    'host:plain.example.net',
  ]);
  assert.deepEqual(r.entries[1]?.options, ['third-party']);
  assert.equal(r.counts.cosmetic, 2);
  assert.equal(r.counts.unsupported, 4);
  assert.equal(r.counts.allow, 1);
  assert.deepEqual(
    r.errors.map((e) => [e.line, e.reason]),
    [
      [12, 'invalid character in host name: a space'],
      [13, 'empty domain in rule'],
    ],
  );
});

test('format detection from content and file name', () => {
  assert.equal(detectListFormat(['||a.com^', '||b.com^']), 'adblock');
  assert.equal(detectListFormat(['! comment', 'a.com##.ad']), 'adblock');
  assert.equal(detectListFormat(['# hosts', '0.0.0.0 a.com', '0.0.0.0 b.com']), 'hosts');
  assert.equal(detectListFormat(['a.com/x', 'b.com/y']), 'urls');
  assert.equal(detectListFormat(['a.com', 'b.com']), 'domains');
  assert.equal(detectListFormat(['a.com', 'b.com'], 'ut1/adult/urls'), 'urls');
  const r = parseListLines(['0.0.0.0 a.com'], { file: 'x' });
  assert.equal(r.format, 'hosts');
  const sq = parseListLines(['a.com/x'], { file: 'x', format: 'squidguard' });
  assert.equal(sq.format, 'urls');
});

test('chunks may split lines anywhere; CRLF and a BOM are handled', async () => {
  const text = '\uFEFFalpha.com\r\nbeta.org\r\n# c\r\ngamma.net';
  for (let size = 1; size <= text.length; size += 3) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const entries: ListEntry[] = [];
    const summary = await parseListChunks(
      chunks,
      { file: 'c' },
      { entry: (e) => entries.push(e), error: () => undefined },
    );
    assert.deepEqual(
      values(entries),
      ['host:alpha.com', 'host:beta.org', 'host:gamma.net'],
      `chunk size ${size}`,
    );
    assert.equal(summary.counts.lines, 4);
  }
});

test('detection waits for enough lines, then streams the rest with the right line numbers', () => {
  const errors: ListError[] = [];
  const entries: ListEntry[] = [];
  const parser = new ListParser(
    { file: 'big' },
    { entry: (e) => entries.push(e), error: (e) => errors.push(e) },
  );
  for (let i = 0; i < 500; i++) parser.writeLine(i === 300 ? 'not a domain' : `d${i}.example.com`);
  const summary = parser.end();
  assert.equal(summary.format, 'domains');
  assert.equal(entries.length, 499);
  assert.equal(entries[0]?.line, 1);
  assert.equal(errors[0]?.line, 301);
});

test(
  'the real UT1 lists parse without errors, in the format their file name says',
  UT1_SKIP,
  async () => {
    let total = 0;
    for (const category of ut1Categories()) {
      for (const file of ['domains', 'urls']) {
        const path = `${category}/${file}`;
        if (!hasUt1File(path)) continue;
        // streamed like an import: the file read in chunks
        let entries = 0;
        const errors: ListError[] = [];
        const summary = await parseListChunks(
          streamUt1(path),
          { file: `ut1/${category}/${file}` },
          {
            entry: () => {
              entries++;
            },
            error: (e) => errors.push(e),
          },
        );
        assert.equal(summary.format, file, `ut1/${category}/${file}`);
        assert.deepEqual(errors, [], `ut1/${category}/${file}`);
        total += entries;
      }
    }
    assert.ok(total > 700_000, `${total} entries`);
  },
);

test('a small UT1 category matches its line count', UT1_SKIP, () => {
  const text = readUt1('educational_games/domains');
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const r = parseListLines(text.split('\n'), { file: 'ut1/educational_games/domains' });
  assert.equal(r.entries.length, lines.length);
});
