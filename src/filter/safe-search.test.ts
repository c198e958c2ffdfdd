import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SAFE_SEARCH,
  GOOGLE_SEARCH_TLDS,
  SAFE_SEARCH_OFF,
  SAFE_SEARCH_STRICT,
  safeSearchCname,
  safeSearchHttp,
  safeSearchLevelFor,
  searchServiceOf,
  type SafeSearchSettings,
} from './safe-search.ts';

test('Google: google.<tld> and www.google.<tld> on Google’s list, nothing else', () => {
  for (const host of [
    'google.com',
    'www.google.com',
    'google.co.uk',
    'www.google.co.uk',
    'google.de',
  ])
    assert.equal(searchServiceOf(host), 'google', host);
  for (const host of [
    'mail.google.com',
    'docs.google.com',
    'google.evil',
    'www.google.co.uk.evil.test',
    'notgoogle.com',
    'forcesafesearch.google.com',
    'googleapis.com',
  ])
    assert.equal(searchServiceOf(host), null, host);
  assert.ok(GOOGLE_SEARCH_TLDS.length > 180);
  assert.equal(new Set(GOOGLE_SEARCH_TLDS).size, GOOGLE_SEARCH_TLDS.length, 'no duplicates');
  assert.equal(
    safeSearchCname('www.google.co.uk', SAFE_SEARCH_STRICT),
    'forcesafesearch.google.com',
  );
  assert.equal(safeSearchCname('google.com', SAFE_SEARCH_STRICT), 'forcesafesearch.google.com');
});

test('Bing, DuckDuckGo and YouTube names map to their safe targets', () => {
  assert.equal(safeSearchCname('www.bing.com', SAFE_SEARCH_STRICT), 'strict.bing.com');
  assert.equal(safeSearchCname('bing.com', SAFE_SEARCH_STRICT), 'strict.bing.com');
  assert.equal(safeSearchCname('duckduckgo.com', SAFE_SEARCH_STRICT), 'safe.duckduckgo.com');
  assert.equal(safeSearchCname('www.duckduckgo.com', SAFE_SEARCH_STRICT), 'safe.duckduckgo.com');
  for (const host of [
    'www.youtube.com',
    'm.youtube.com',
    'youtubei.googleapis.com',
    'youtube.googleapis.com',
    'www.youtube-nocookie.com',
  ]) {
    assert.equal(safeSearchCname(host, SAFE_SEARCH_STRICT), 'restrict.youtube.com', host);
    assert.equal(
      safeSearchCname(host, { search: false, youtube: 'moderate' }),
      'restrictmoderate.youtube.com',
    );
    assert.equal(safeSearchCname(host, SAFE_SEARCH_OFF), null);
  }
  // the targets themselves and unrelated names are left alone (no loops)
  for (const host of [
    'restrict.youtube.com',
    'strict.bing.com',
    'safe.duckduckgo.com',
    'example.org',
  ])
    assert.equal(safeSearchCname(host, SAFE_SEARCH_STRICT), null, host);
});

test('default settings: pupils strict, staff unchanged search and moderate YouTube', () => {
  const ks2 = safeSearchLevelFor(['ks2']);
  assert.deepEqual(ks2, { search: true, youtube: 'strict' });
  const staff = safeSearchLevelFor(['staff']);
  assert.deepEqual(staff, { search: false, youtube: 'moderate' });
  assert.equal(safeSearchCname('www.google.com', staff), null);
  assert.equal(safeSearchCname('www.youtube.com', staff), 'restrictmoderate.youtube.com');
  // a nominated group beside staff does not make staff strict
  assert.deepEqual(safeSearchLevelFor(['staff', 'safeguarding-checkers']), staff);
  assert.deepEqual(safeSearchLevelFor([]), DEFAULT_SAFE_SEARCH.default);
  // inherited object keys are not groups
  assert.deepEqual(safeSearchLevelFor(['constructor', 'toString']), DEFAULT_SAFE_SEARCH.default);
});

test('several named groups: the strictest wins', () => {
  const settings: SafeSearchSettings = {
    groups: {
      staff: SAFE_SEARCH_OFF,
      'sixth-form': { search: true, youtube: 'moderate' },
      governors: { search: false, youtube: 'strict' },
    },
    default: SAFE_SEARCH_STRICT,
  };
  assert.deepEqual(safeSearchLevelFor(['staff'], settings), SAFE_SEARCH_OFF);
  assert.deepEqual(safeSearchLevelFor(['staff', 'sixth-form'], settings), {
    search: true,
    youtube: 'moderate',
  });
  assert.deepEqual(safeSearchLevelFor(['sixth-form', 'governors'], settings), {
    search: true,
    youtube: 'strict',
  });
});

test('HTTP enforcement for the proxy', () => {
  assert.deepEqual(safeSearchHttp('www.google.co.uk', SAFE_SEARCH_STRICT)?.param, {
    name: 'safe',
    value: 'active',
  });
  assert.deepEqual(safeSearchHttp('www.bing.com', SAFE_SEARCH_STRICT)?.param, {
    name: 'adlt',
    value: 'strict',
  });
  assert.deepEqual(safeSearchHttp('duckduckgo.com', SAFE_SEARCH_STRICT)?.param, {
    name: 'kp',
    value: '1',
  });
  assert.deepEqual(safeSearchHttp('www.youtube.com', SAFE_SEARCH_STRICT)?.header, {
    name: 'YouTube-Restrict',
    value: 'Strict',
  });
  assert.deepEqual(
    safeSearchHttp('m.youtube.com', { search: false, youtube: 'moderate' })?.header,
    { name: 'YouTube-Restrict', value: 'Moderate' },
  );
  assert.equal(safeSearchHttp('www.google.com', SAFE_SEARCH_OFF), null);
  assert.equal(safeSearchHttp('example.org', SAFE_SEARCH_STRICT), null);
});
