import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { MAX_TITLE_LENGTH } from '../../activity/activity-event.ts';
import { TITLE_SCAN_BYTES, titleOfBody, titleOfHtml, TitleSniffer } from './page-title.ts';

describe('page titles', () => {
  it('reads the first <title>, decodes entities, collapses whitespace', () => {
    assert.equal(
      titleOfHtml('<html><head><title lang="en">\n  Fish &amp; chips\t &#8212; a  guide </title>'),
      'Fish & chips — a guide',
    );
    assert.equal(titleOfHtml('<TITLE>One</TITLE><title>Two</title>'), 'One');
    assert.equal(titleOfHtml('<svg><title>x</title></svg>'.replace('<svg>', '')), 'x');
    assert.equal(titleOfHtml('<title>   </title>'), null);
    assert.equal(titleOfHtml('<p>no title here</p>'), null);
  });

  it('caps a long title', () => {
    const long = titleOfHtml(`<title>${'word '.repeat(200)}</title>`);
    assert.ok(long !== null && long.length <= MAX_TITLE_LENGTH);
    assert.ok(long?.endsWith('…'));
  });

  it('reads compressed bodies, and the start of one cut short (the sniffer sees a prefix)', () => {
    const html = Buffer.from(
      `<html><head><title>Ways to stay safe</title></head><body>${'x'.repeat(200_000)}</body>`,
    );
    assert.equal(titleOfBody(gzipSync(html), 'text/html', 'gzip'), 'Ways to stay safe');
    assert.equal(titleOfBody(brotliCompressSync(html), 'text/html', 'br'), 'Ways to stay safe');
    assert.equal(titleOfBody(deflateSync(html), 'text/html', 'deflate'), 'Ways to stay safe');
    const cut = gzipSync(html).subarray(0, 300);
    assert.equal(titleOfBody(cut, 'text/html', 'gzip'), 'Ways to stay safe');
    assert.equal(titleOfBody(html, 'text/html', 'compress'), null);
    // a page that inflates past the limit: its start is read (the prefix is cut until it fits)
    const huge = Buffer.from(`<title>Huge</title>${'x'.repeat(4_000_000)}`);
    assert.equal(titleOfBody(gzipSync(huge), 'text/html', 'gzip'), 'Huge');
    const latin1 = Buffer.from('<title>Caf\xe9</title>', 'latin1');
    assert.equal(titleOfBody(latin1, 'text/html; charset=iso-8859-1', undefined), 'Café');
  });

  it('the sniffer keeps at most TITLE_SCAN_BYTES and lets go after reading', () => {
    const sniffer = new TitleSniffer('text/html', undefined);
    assert.equal(sniffer.push(Buffer.from('<head><title>Hello</title>')), true);
    assert.equal(sniffer.push(Buffer.alloc(TITLE_SCAN_BYTES)), false);
    assert.equal(sniffer.push(Buffer.from('more')), false);
    assert.equal(sniffer.title(), 'Hello');
    assert.equal(sniffer.title(), null);
    const late = new TitleSniffer('text/html', undefined);
    late.push(Buffer.alloc(TITLE_SCAN_BYTES, 0x20));
    late.push(Buffer.from('<title>Too late</title>'));
    assert.equal(late.title(), null);
  });
});
