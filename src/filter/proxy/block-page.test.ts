import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  blockPageLinks,
  formatNext,
  IWF_URL,
  renderBlockPage,
  renderIwfPage,
  type BlockPageInfo,
} from './block-page.ts';
import { escapeHtml } from './page-layout.ts';
import {
  renderPac,
  renderProxyHelpPage,
  renderUpstreamErrorPage,
  upstreamProblemOf,
  upstreamStatusOf,
} from './proxy-pages.ts';

const links = blockPageLinks('https://haven.school.test/', {
  host: 'bet365.com',
  category: 'gambling',
  ruleId: 'matrix:gambling:ks2',
});

const gambling: BlockPageInfo = {
  schoolName: 'Roundwood Demo School',
  host: 'bet365.com',
  url: 'http://bet365.com/sports?x=1',
  category: 'gambling',
  categoryLabel: 'Gambling',
  ruleId: 'matrix:gambling:ks2',
  reason: 'Gambling sites are not allowed for Key Stage 2.',
  band: null,
  illegal: false,
  reportUrl: links.reportUrl,
  reviewUrl: links.reviewUrl,
};

function count(html: string, pattern: RegExp): number {
  return html.match(pattern)?.length ?? 0;
}

describe('the block page', () => {
  test('says what was blocked, why, by which rule, in the school’s words', () => {
    const html = renderBlockPage(gambling);
    assert.match(html, /^<!doctype html><html lang="en-GB">/);
    assert.match(html, /<title>This page is blocked – Roundwood Demo School<\/title>/);
    assert.equal(count(html, /<h1>/g), 1, 'one main heading');
    assert.equal(count(html, /<main>/g), 1, 'one main landmark');
    assert.match(html, /Roundwood Demo School has blocked <span class="site">bet365.com<\/span>\./);
    assert.match(html, /<dt>Address<\/dt><dd>http:\/\/bet365.com\/sports\?x=1<\/dd>/);
    assert.match(html, /Gambling sites are not allowed for Key Stage 2\./);
    assert.match(html, /<dt>Category<\/dt><dd>Gambling<\/dd>/);
    assert.match(html, /<code>matrix:gambling:ks2<\/code>/);
    assert.doesNotMatch(html, /<script/i, 'no script');
    assert.match(html, /name="viewport"/);
  });

  test('"Report a worry" and "Ask for a review" link to the Haven web app with host, category and rule', () => {
    assert.equal(
      links.reportUrl,
      'https://haven.school.test/report?host=bet365.com&category=gambling&rule=matrix%3Agambling%3Aks2',
    );
    assert.equal(
      links.reviewUrl,
      'https://haven.school.test/review?host=bet365.com&category=gambling&rule=matrix%3Agambling%3Aks2',
    );
    const html = renderBlockPage(gambling);
    assert.match(
      html,
      /<a class="button primary" href="https:\/\/haven.school.test\/report\?host=bet365.com&amp;category=gambling&amp;rule=matrix%3Agambling%3Aks2">Report a worry<\/a>/,
    );
    assert.match(
      html,
      /<a class="button secondary" href="https:\/\/haven.school.test\/review\?[^"]+">Ask for a review<\/a>/,
    );
    const noCategory = blockPageLinks('http://h', {
      host: 'x.test',
      category: null,
      ruleId: 'default',
    });
    assert.equal(noCategory.reportUrl, 'http://h/report?host=x.test&rule=default');
  });

  test('everything typed by others is escaped', () => {
    const html = renderBlockPage({
      ...gambling,
      schoolName: 'St <Mary>’s & "All" Saints',
      host: 'evil.test',
      url: 'http://evil.test/"><script>alert(1)</script>',
      reason: 'Because <b>we</b> said so & "that" is that.',
      categoryLabel: '<i>Gambling</i>',
      ruleId: 'local-block:<x>',
    });
    assert.doesNotMatch(html, /<script>|<b>we|<i>Gambling|<Mary>|<x>/);
    assert.match(html, /St &lt;Mary&gt;’s &amp; &quot;All&quot; Saints/);
    assert.match(html, /Because &lt;b&gt;we&lt;\/b&gt; said so &amp; &quot;that&quot; is that\./);
    assert.equal(escapeHtml(`<a href='x'>\``), '&lt;a href=&#39;x&#39;&gt;&#96;');
  });

  test('a time band says when the site would be allowed', () => {
    const html = renderBlockPage({
      ...gambling,
      band: {
        id: 'lunch',
        label: 'Lunchtime',
        hours: '12:00–13:00',
        active: false,
        next: { date: '2025-10-06', weekday: 'Monday', time: '12:00' },
      },
    });
    assert.match(
      html,
      /You can use this site again on <strong>Monday 6 October at 12:00<\/strong>, in Lunchtime \(12:00–13:00\)\./,
    );
    assert.equal(
      formatNext({ date: '2026-01-31', weekday: 'Saturday', time: '09:05' }),
      'Saturday 31 January at 09:05',
    );
  });

  test('very long addresses are shortened', () => {
    const html = renderBlockPage({ ...gambling, url: `http://bet365.com/${'a'.repeat(500)}` });
    assert.match(html, /a{150,}…<\/dd>/);
    assert.doesNotMatch(html, /a{300}/);
  });

  test('illegal (non-IWF) content: the host only, report but no review', () => {
    const html = renderBlockPage({
      ...gambling,
      url: 'http://terror.test/secret/path?q=1',
      host: 'terror.test',
      category: 'terrorism',
      categoryLabel: 'Terrorist content',
      ruleId: 'illegal:terrorism',
      reason: 'Terrorist content is illegal and blocked for everyone.',
      illegal: true,
    });
    assert.doesNotMatch(html, /secret|path\?q/);
    assert.match(html, /<span class="site">terror.test<\/span>/);
    assert.doesNotMatch(html, /<dt>Address/);
    assert.match(html, /Report a worry/);
    assert.doesNotMatch(html, /Ask for a review/);
  });
});

describe('the IWF splash page', () => {
  test('shows only the IWF’s standard wording and a link to the IWF', () => {
    const html = renderIwfPage();
    assert.match(
      html,
      /Access to this page has been denied because it may contain indecent images of children, as identified by the Internet Watch Foundation \(IWF\)\./,
    );
    assert.match(html, /criminal offence/);
    assert.match(html, new RegExp(`<a href="${IWF_URL}">www.iwf.org.uk</a>`));
    assert.equal(count(html, /<h1>/g), 1);
    assert.doesNotMatch(html, /Report a worry|Ask for a review|<dl>|Rule|Category/);
    assert.equal(count(html, /<a /g), 1, 'the IWF link and nothing else');
  });
});

describe('the proxy’s other pages', () => {
  test('could not reach: says what failed, 502 or 504', () => {
    assert.equal(upstreamProblemOf(Object.assign(new Error('x'), { code: 'ENOTFOUND' })), 'dns');
    assert.equal(
      upstreamProblemOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
      'refused',
    );
    assert.equal(
      upstreamProblemOf(Object.assign(new Error('x'), { code: 'HAVEN_CONNECT_TIMEOUT' })),
      'connect-timeout',
    );
    assert.equal(
      upstreamProblemOf(Object.assign(new Error('x'), { code: 'HPE_INVALID_CONSTANT' })),
      'bad-response',
    );
    assert.equal(upstreamProblemOf('nonsense'), 'other');
    assert.equal(upstreamStatusOf('response-timeout'), 504);
    assert.equal(upstreamStatusOf('dns'), 502);
    const html = renderUpstreamErrorPage('nowhere.test', 'dns');
    assert.match(html, /<h1>This site could not be reached<\/h1>/);
    assert.match(html, /The name could not be found/);
    assert.match(html, /<dd>DNS lookup failed<\/dd>/);
    assert.match(html, /502 Bad Gateway/);
  });

  test('help for requests sent to the proxy as a web site, and the PAC file', () => {
    assert.match(renderProxyHelpPage('Hello <there>'), /Hello &lt;there&gt;/);
    const pac = renderPac('10.0.0.2:3128');
    assert.match(pac, /function FindProxyForURL\(url, host\)/);
    assert.match(pac, /return "PROXY 10.0.0.2:3128";/);
    assert.doesNotMatch(pac, /PROXY [^"]*; DIRECT/, 'no fallback round the filter');
  });
});
