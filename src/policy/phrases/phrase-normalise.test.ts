import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isElongated,
  leetForms,
  phraseKey,
  phraseWords,
  skeleton,
  tokenise,
} from './phrase-normalise.ts';

/** Atoms as `|strong` / `~weak` tokens, for compact assertions. */
const read = (text: string): string =>
  tokenise(text)
    .map((atom) => `${atom.weak ? '~' : '|'}${atom.text}`)
    .join(' ');

test('case, NFKC, diacritics and letters that do not decompose', () => {
  assert.equal(read('SUICIDE Suicide'), '|suicide |suicide');
  assert.equal(read('ｓｕｉｃｉｄｅ'), '|suicide', 'fullwidth');
  assert.equal(read('𝐬𝐮𝐢𝐜𝐢𝐝𝐞 ⓢⓤⓘⓒⓘⓓⓔ'), '|suicide |suicide', 'maths and circled letters');
  assert.equal(read('zabić się, chcę umrzeć'), '|zabic |sie |chce |umrzec');
  assert.equal(read('Łódź straße'), '|lodz |strasse');
  assert.equal(read('sinucidere să mă ş ș ţ ț'), '|sinucidere |sa |ma |s ~s ~t ~t');
  assert.equal(read('s̷u̷i̷c̷i̷d̷e̷'), '|suicide', 'zalgo marks are dropped');
  assert.equal(read('e\u0301cole école'), '|ecole |ecole', 'decomposed and composed forms agree');
});

test('apostrophes, zero-width characters and soft hyphens join rather than break', () => {
  assert.equal(read("don't you’re"), '|dont |youre');
  assert.equal(read('sui\u200bcide sui\u00adcide'), '|suicide |suicide');
});

test('Cyrillic and Greek look-alikes inside a Latin word are read as Latin', () => {
  assert.equal(read('su\u0456cide'), '|suicide', 'Cyrillic і');
  assert.equal(read('\u0455\u0430f\u0435'), '|safe', 'Cyrillic ѕ, а, е around a Latin f');
  assert.equal(read('привет'), '|привет', 'a Cyrillic word stays Cyrillic');
});

test('Arabic-script variants and harakat are folded', () => {
  // Arabic yeh and kaf (as an Arabic keyboard types them) read as the Urdu letters.
  assert.equal(read('\u0643\u064a\u0633\u06d2'), read('\u06a9\u06cc\u0633\u06d2'));
  assert.equal(read('خودکُشی'), read('خودکشی'), 'a zabar/pesh mark is dropped');
  assert.equal(read('ہوں'), read('هوں'), 'heh goal and Arabic heh');
  assert.equal(read('خـودکشی'), read('خودکشی'), 'tatweel');
});

test('weak breaks: hyphens, dots, underscores, camelCase, spaced-out letters', () => {
  assert.equal(read('su-i-cide'), '|su ~i ~cide');
  assert.equal(read('s.u.i.c.i.d.e'), '|s ~u ~i ~c ~i ~d ~e');
  assert.equal(read('s u i c i d e'), '|s ~u ~i ~c ~i ~d ~e');
  assert.equal(read('how_to_kill'), '|how ~to ~kill');
  assert.equal(read('HowToKillMyself'), '|how ~to ~kill ~myself');
  assert.equal(
    read('i want to die'),
    '|i |want |to |die',
    'a single letter before a word is not spaced out',
  );
});

test('strong breaks: spaces between words, punctuation, + / ? = & and decoded %20', () => {
  assert.equal(read('hero in'), '|hero |in');
  assert.equal(read('how+to+kill'), '|how |to |kill');
  assert.equal(read('q=how%20to%20die&x=1'), '|q |how |to |die |x |1');
  assert.equal(read('%C5%BCyj%C4%99'), '|zyje', 'percent-encoded UTF-8');
  assert.equal(read('100%'), '|100');
});

test('positions point into the original text', () => {
  const text = 'Go  su-i-cide%20now';
  const atoms = tokenise(text);
  assert.deepEqual(
    atoms.map((a) => text.slice(a.start, a.end)),
    ['Go', 'su', 'i', 'cide', 'now'],
  );
  const emoji = '😀 kill';
  const [atom] = tokenise(emoji);
  assert.equal(emoji.slice(atom?.start, atom?.end), 'kill');
});

test('leetspeak symbols are letters inside words only', () => {
  assert.equal(read('k!ll $uicide sh@re'), '|kill |suicide |share');
  assert.equal(read('hello! costs $5 a@'), '|hello |costs |5 ~a');
  assert.equal(read('ki||'), '|ki', 'a symbol at the end of a word is a break');
});

test('leetForms reads digits as letters only in words that mix them', () => {
  assert.deepEqual(leetForms('k1ll'), ['k1ll', 'kill', 'klll']);
  assert.deepEqual(leetForms('5u1c1d3'), ['5u1c1d3', 'suicide', 'sulclde']);
  assert.deepEqual(leetForms('m4ss4cr3'), ['m4ss4cr3', 'massacre']);
  assert.deepEqual(leetForms('2024'), ['2024']);
  assert.deepEqual(leetForms('kill'), ['kill']);
  assert.deepEqual(leetForms('9mm'), ['9mm', 'gmm']);
});

test('stretched letters', () => {
  assert.equal(isElongated('kiiill'), true);
  assert.equal(isElongated('kill'), false);
  assert.equal(isElongated('sooo'), true);
  assert.equal(skeleton('kiiilllll'), 'kil');
  assert.equal(skeleton('kill'), 'kil');
});

test('phrase words: the same reading, * for "starts with", hyphens split', () => {
  assert.deepEqual(phraseWords('Kill*'), [{ text: 'kill', prefix: true }]);
  assert.deepEqual(phraseWords('anti-bullying'), [
    { text: 'anti', prefix: false },
    { text: 'bullying', prefix: false },
  ]);
  assert.equal(phraseKey("  Don't   tell  "), 'dont tell');
  assert.equal(phraseKey('loot box*'), 'loot box*');
  assert.equal(phraseKey('Jak się ZABIĆ'), 'jak sie zabic');
  assert.deepEqual(phraseWords('!!! ???'), []);
});
