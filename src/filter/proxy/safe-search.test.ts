import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SAFE_SEARCH } from '../safe-search.ts';
import {
  isSearchPath,
  safeSearchRequest,
  safeSearchTunnelHost,
  searchEngineOf,
  searchServiceOf,
  setQueryParameter,
} from './safe-search.ts';
import { decodeFormValue, MAX_SEARCH_TERMS, searchTermsOf } from './search-terms.ts';
import { engineUrlOf, parseAuthority, parseHttpTarget, schemeOf } from './http-target.ts';

const pupil = ['ks2'];
const staff = ['staff'];

/** The forwarded path for a pupil's request. */
function forPupil(host: string, path: string): string {
  return (
    safeSearchRequest(searchServiceOf(host), host, path, pupil, DEFAULT_SAFE_SEARCH)?.path ?? path
  );
}

describe('safe search URL rewriting', () => {
  test('the search services, by the shared list', () => {
    assert.equal(searchServiceOf('www.google.co.uk'), 'google');
    assert.equal(searchEngineOf('www.bing.com'), 'bing');
    for (const host of ['google.evil.com', 'mail.google.com', 'bing.com.evil.test', '10.0.0.1']) {
      assert.equal(searchServiceOf(host), null, host);
    }
  });

  test('Google search pages get safe=active, replacing the person’s own choice', () => {
    const g = 'www.google.co.uk';
    assert.equal(forPupil(g, '/search?q=cats'), '/search?q=cats&safe=active');
    assert.equal(forPupil(g, '/search?q=cats&safe=off&hl=en'), '/search?q=cats&hl=en&safe=active');
    assert.equal(forPupil(g, '/search?SAFE=images&q=x'), '/search?q=x&safe=active');
    assert.equal(forPupil(g, '/search?q=x&safe=active'), '/search?q=x&safe=active');
    assert.equal(forPupil(g, '/search'), '/search?safe=active');
    assert.equal(forPupil(g, '/maps?q=x'), '/maps?q=x', 'not a search page');
  });

  test('Bing gets adlt=strict and DuckDuckGo kp=1', () => {
    assert.equal(forPupil('www.bing.com', '/search?q=a+b&adlt=off'), '/search?q=a+b&adlt=strict');
    assert.equal(forPupil('bing.com', '/images/search?q=a'), '/images/search?q=a&adlt=strict');
    assert.equal(forPupil('duckduckgo.com', '/?q=cats&kp=-2'), '/?q=cats&kp=1');
    assert.equal(forPupil('duckduckgo.com', '/html/?q=cats'), '/html/?q=cats&kp=1');
    assert.equal(forPupil('duckduckgo.com', '/about'), '/about');
    assert.equal(forPupil('duckduckgo.com', '/'), '/', 'the home page has no query');
    assert.equal(isSearchPath('youtube', '/results?search_query=x'), false);
  });

  test('YouTube gets the Restricted Mode header: strict for pupils, moderate for staff', () => {
    const yt = (groups: string[]) =>
      safeSearchRequest(
        'youtube',
        'www.youtube.com',
        '/results?search_query=x',
        groups,
        DEFAULT_SAFE_SEARCH,
      );
    assert.deepEqual(yt(pupil), {
      path: '/results?search_query=x',
      header: ['YouTube-Restrict', 'Strict'],
    });
    assert.deepEqual(yt(staff)?.header, ['YouTube-Restrict', 'Moderate']);
  });

  test('staff search unchanged (the default settings); other hosts are left alone', () => {
    assert.equal(
      safeSearchRequest('google', 'www.google.com', '/search?q=x', staff, DEFAULT_SAFE_SEARCH),
      null,
    );
    assert.equal(
      safeSearchRequest(null, 'example.org', '/search?q=x', pupil, DEFAULT_SAFE_SEARCH),
      null,
    );
  });

  test('setQueryParameter keeps the order of the other parameters', () => {
    assert.equal(setQueryParameter('/a?x=1&&y=2&', 'z', '3'), '/a?x=1&y=2&z=3');
    assert.equal(setQueryParameter('/a?', 'z', '3'), '/a?z=3');
  });

  test('CONNECT tunnels to search services go to their enforced-safe names', () => {
    const tunnel = (host: string, groups = pupil) =>
      safeSearchTunnelHost(host, groups, DEFAULT_SAFE_SEARCH);
    assert.equal(tunnel('www.google.com'), 'forcesafesearch.google.com');
    assert.equal(tunnel('www.bing.com'), 'strict.bing.com');
    assert.equal(tunnel('duckduckgo.com'), 'safe.duckduckgo.com');
    assert.equal(tunnel('www.youtube.com'), 'restrict.youtube.com');
    assert.equal(tunnel('www.youtube.com', staff), 'restrictmoderate.youtube.com');
    assert.equal(tunnel('www.google.com', staff), null);
    assert.equal(tunnel('example.org'), null);
  });
});

describe('searchTermsOf', () => {
  test('reads the terms of each search engine', () => {
    assert.equal(
      searchTermsOf('google', '/search?q=how+to+make+friends&hl=en'),
      'how to make friends',
    );
    assert.equal(
      searchTermsOf('bing', '/search?form=QBLH&q=caf%C3%A9%20near%20me'),
      'café near me',
    );
    assert.equal(searchTermsOf('duckduckgo', '/?q=fish%20%26%20chips&kp=1'), 'fish & chips');
    assert.equal(searchTermsOf('youtube', '/results?search_query=lego+ideas'), 'lego ideas');
  });

  test('no terms: not a search page, empty, or another parameter', () => {
    assert.equal(searchTermsOf(null, '/search?q=x'), null);
    assert.equal(searchTermsOf('google', '/maps?q=x'), null);
    assert.equal(searchTermsOf('google', '/search?q=++'), null);
    assert.equal(searchTermsOf('google', '/search?qq=x'), null);
    assert.equal(searchTermsOf('youtube', '/watch?v=abc'), null);
    assert.equal(searchTermsOf('google', '/search'), null);
  });

  test('malformed escapes are kept, long text is cut, whitespace collapsed', () => {
    assert.equal(searchTermsOf('google', '/search?q=100%25+sure%zz'), '100% sure%zz');
    assert.equal(decodeFormValue('a%E0%A4%A'), 'a\u00e0\u00a4%A');
    const long = searchTermsOf('google', `/search?q=${'a'.repeat(2000)}`);
    assert.equal(long?.length, MAX_SEARCH_TERMS);
    assert.equal(searchTermsOf('google', '/search?q=a%0A%0Ab'), 'a b');
  });
});

describe('request targets', () => {
  test('absolute http:// URIs', () => {
    assert.deepEqual(parseHttpTarget('http://Bet365.COM/a/b?c=d#frag'), {
      host: 'bet365.com',
      port: 80,
      authority: 'bet365.com',
      path: '/a/b?c=d',
    });
    assert.deepEqual(parseHttpTarget('HTTP://user:pw@example.org:8080?x'), {
      host: 'example.org',
      port: 8080,
      authority: 'example.org:8080',
      path: '/?x',
    });
    assert.deepEqual(parseHttpTarget('http://[::1]:81/'), {
      host: '::1',
      port: 81,
      authority: '[::1]:81',
      path: '/',
    });
    for (const bad of [
      '/relative',
      'https://x/',
      'http://',
      'http:///path',
      'http://a b/',
      'http://x:0/',
      'http://x:99999/',
      'http://x:8o/',
      'http://[::1/',
      'http://[zz]/',
    ]) {
      assert.equal(parseHttpTarget(bad), null, bad);
    }
  });

  test('CONNECT authorities and schemes', () => {
    assert.deepEqual(parseAuthority('Example.org:443', 443), { host: 'example.org', port: 443 });
    assert.deepEqual(parseAuthority('[2001:db8::1]:8443', 443), {
      host: '2001:db8::1',
      port: 8443,
    });
    assert.deepEqual(parseAuthority('example.org', 443), { host: 'example.org', port: 443 });
    assert.equal(parseAuthority('example.org:', 443), null);
    assert.equal(parseAuthority('exa<mple.org:443', 443), null);
    assert.equal(schemeOf('https://x/'), 'https');
    assert.equal(schemeOf('/x'), null);
  });

  test('the engine URL keeps IPv6 brackets', () => {
    assert.equal(engineUrlOf({ host: 'a.test', path: '/p?q' }), 'a.test/p?q');
    assert.equal(engineUrlOf({ host: '::1', path: '/' }), '[::1]/');
  });
});
