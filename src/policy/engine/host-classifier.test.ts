import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostClassifier, DEFAULT_PATTERNS, PATTERN_IDS } from './host-classifier.ts';
import { POPULAR_LEGITIMATE_SITES } from './popular-sites.test-data.ts';

const classifier = createHostClassifier();
const everything = createHostClassifier({ patterns: PATTERN_IDS });

test('gambling words, whole and inside concatenated labels', () => {
  for (const host of [
    'vulkan-casino.xyz',
    'bestcasinobonus.com',
    'online-poker-rooms.net',
    'sportsbook24.io',
    'www.luckyroulette.co.uk',
    'play.slots-jackpot.top',
  ]) {
    const c = classifier.classify(host);
    assert.equal(c?.category, 'gambling', host);
    assert.ok((c?.confidence ?? 0) >= 0.8, `${host}: ${c?.confidence}`);
  }
  assert.deepEqual(classifier.classify('bestcasinobonus.com')?.tokens, ['casino', 'bonus']);
  assert.equal(classifier.classify('shop.example.casino')?.category, 'gambling', 'a gambling gTLD');
});

test('adult and circumvention words', () => {
  assert.equal(classifier.classify('free-porn-videos.net')?.category, 'pornography');
  assert.equal(classifier.classify('hotxxxcams.com')?.category, 'pornography');
  assert.equal(classifier.classify('unblock-school-proxy.tk')?.category, 'circumvention');
  assert.equal(classifier.classify('fastvpnfree.info')?.category, 'circumvention');
});

test('brand impersonation: a brand with lure words on somebody else’s name', () => {
  for (const host of [
    'paypal-secure-login.xyz',
    'secure-paypal.com-account-verify.info',
    'appleid-verify-account.top',
    'netflix-billing-update.com',
    'login-microsoft-office365.web.app',
  ]) {
    assert.equal(classifier.classify(host)?.category, 'phishing', host);
  }
  // the brands' own names are not impersonation
  for (const host of [
    'paypal.com',
    'www.paypal.co.uk',
    'login.microsoftonline.com',
    'accounts.google.com',
    'appleid.apple.com',
    'signin.aws.amazon.com',
    'paypal.fr',
  ]) {
    assert.equal(classifier.classify(host), null, host);
  }
});

test('words hidden inside other words do not count', () => {
  for (const host of [
    'alphabet.com',
    'essex.ac.uk',
    'sussex.gov.uk',
    'middlesex.ac.uk',
    'wessexwater.co.uk',
    'cocktailbar.com',
    'analysis-tools.org',
    'tibet.org',
    'jeuxvideos.com',
    'peacocks.co.uk',
    'scunthorpe-united.co.uk',
    'sexualhealth.nhs.uk',
    'bettys.co.uk',
    'milfordhaven.org',
  ]) {
    assert.equal(classifier.classify(host), null, host);
  }
});

test('institutional names (ac.uk, gov.uk, .edu) are read with caution', () => {
  assert.equal(classifier.classify('ezproxy.bodleian.ox.ac.uk'), null);
  assert.equal(classifier.classify('ezproxy.example.edu'), null);
});

test('the popular legitimate sites are almost never classified', () => {
  const flagged = POPULAR_LEGITIMATE_SITES.filter(
    (h) => (classifier.classify(h)?.confidence ?? 0) >= 0.8,
  );
  assert.ok(POPULAR_LEGITIMATE_SITES.length >= 200);
  assert.ok(flagged.length <= 2, flagged.join(', '));
});

test('IP addresses, single labels and plain names are not classified', () => {
  for (const host of ['10.0.0.1', 'localhost', 'example.com', 'bbc.co.uk', '::1'])
    assert.equal(classifier.classify(host), null, host);
});

test('look-alike brands are found but off by default', () => {
  assert.equal(everything.read('paypa1.com').scores['look-alike-brand'] > 0.8, true);
  assert.equal(everything.read('rnicrosoft.com').scores['look-alike-brand'] > 0.8, true);
  assert.equal(DEFAULT_PATTERNS.includes('look-alike-brand'), false);
  assert.equal(classifier.classify('paypa1.com'), null);
});
