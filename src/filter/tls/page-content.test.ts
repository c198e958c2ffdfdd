import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { charsetOf, decodeBody, decodeText, htmlText, PageScorer } from './page-content.ts';

describe('page content', () => {
  const page = Buffer.from('<p>caf\xe9 &amp; cr\xe8me</p>', 'latin1');

  it('undoes gzip, br, deflate (zlib and raw) and identity; refuses unknown or oversized', () => {
    assert.deepEqual(decodeBody(gzipSync(page), 'gzip', 1024), page);
    assert.deepEqual(decodeBody(brotliCompressSync(page), 'br', 1024), page);
    assert.deepEqual(decodeBody(deflateSync(page), 'deflate', 1024), page);
    assert.deepEqual(decodeBody(deflateRawSync(page), 'deflate', 1024), page);
    assert.deepEqual(decodeBody(page, undefined, 1024), page);
    assert.deepEqual(decodeBody(gzipSync(brotliCompressSync(page)), 'br, gzip', 1024), page);
    assert.equal(decodeBody(page, 'compress', 1024), null);
    assert.equal(decodeBody(gzipSync(Buffer.alloc(5000)), 'gzip', 1024), null);
    assert.equal(decodeBody(Buffer.from('not gzip'), 'gzip', 1024), null);
  });

  it('takes the charset from the header, else a meta, else UTF-8', () => {
    assert.equal(charsetOf('text/html; charset="ISO-8859-1"', page), 'iso-8859-1');
    assert.equal(
      charsetOf('text/html', Buffer.from('<meta charset=windows-1252>')),
      'windows-1252',
    );
    assert.equal(
      charsetOf(
        'text/html',
        Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'),
      ),
      'koi8-r',
    );
    assert.equal(charsetOf(undefined, page), 'utf-8');
    assert.equal(decodeText(page, 'windows-1252'), '<p>café &amp; crème</p>');
    assert.equal(decodeText(page, 'no-such-charset').startsWith('<p>caf'), true);
  });

  it('extracts the text a reader sees', () => {
    const text = htmlText(
      '<title>T</title><style>p{}</style><script>var x="hidden words"</script><!-- gone --><p>a &lt;b&gt; &#233;&#x41;</p>',
    );
    assert.doesNotMatch(text, /hidden|gone|p\{\}/);
    assert.match(text, /T/);
    assert.match(text, /a <b> éA/);
  });

  it('scores with the strictest threshold among the groups, and names the phrases', () => {
    const scorer = new PageScorer({ ks2: 100, ks4: 200 });
    assert.equal(scorer.thresholdFor(['ks4', 'ks2']), 100);
    assert.equal(scorer.thresholdFor(['staff']), null);
    const finding = scorer.score(
      gzipSync(Buffer.from('<p>painless suicide methods</p>')),
      'text/html',
      'gzip',
    );
    assert.equal(finding?.category, 'self-harm');
    assert.ok((finding?.score ?? 0) >= 100);
    assert.ok(finding?.phrases.includes('painless suicide'));
    assert.equal(
      scorer.score(Buffer.from('<p>Volcanoes erupt.</p>'), 'text/html', undefined),
      null,
    );
  });
});
