import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createRandom } from '../engine/seeded-random.ts';
import { E2GUARDIAN_HOME, E2GUARDIAN_SKIP, readE2guardian } from './e2guardian-data.test-data.ts';
import { importE2guardianPhrases } from './e2guardian-import.ts';
import { compilePhrases, scoreText, type PhraseIndex } from './phrase-matcher.ts';
import { STARTER_PHRASE_LISTS } from './starter-lists.ts';

/**
 * Measures the matcher (docs/phrase-scoring.md, "Figures"): search terms per second (200-byte
 * terms) and MB/s of page text (10 KB pages), on the starter lists and, when e2guardian's lists are
 * on this machine, on its whole default weighted list. Figures are printed as test diagnostics;
 * nothing here asserts a time. Each measurement runs for about `HAVEN_PHRASE_MEASURE_MS`
 * (default 400 ms).
 *
 * It also reads a British English dictionary (`/usr/share/dict/words`, Debian's wbritish), when
 * there is one, to check that no real word is taken for a misspelling of a listed word — other
 * than the listed word's own plural or possessive.
 */

const BUDGET_MS = Number(process.env.HAVEN_PHRASE_MEASURE_MS ?? 400);

const ORDINARY =
  'the of and to in is for on that with as was at by it from be this are or an have not which but they school pupils year homework science history maths english reading lesson teacher parents learning online video games football music weather news results page information about children help how what when where why best free new time people world life day week work search images map shopping recipe film book story club team'.split(
    ' ',
  );
const CONCERNS = [
  'how to kill myself',
  'suicide',
  's u i c i d e',
  'k1ll mys3lf',
  'buy weed',
  'online casino',
  'send nudes',
  'zombie knife',
  'jak się zabić',
  'vreau să mor',
];

function words(random: ReturnType<typeof createRandom>, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(random.int(40) === 0 ? random.pick(CONCERNS) : random.pick(ORDINARY));
  }
  return out.join(' ');
}

/** Runs `work` repeatedly for the budget; returns calls per second. */
function rate(work: (i: number) => void): number {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < BUDGET_MS) {
    work(calls);
    calls++;
  }
  return calls / ((performance.now() - start) / 1000);
}

function figures(index: PhraseIndex, label: string): string[] {
  const random = createRandom(20240901);
  const terms = Array.from({ length: 500 }, () => {
    let term = '';
    while (term.length < 200) term += `${words(random, 6)} `;
    return term.slice(0, 200);
  });
  const pages = Array.from({ length: 20 }, () => {
    let page = '';
    while (page.length < 10_240) page += `${words(random, 14)}. `;
    return page.slice(0, 10_240);
  });
  let matched = 0;
  for (const term of terms) if (scoreText(index, term).matches.length > 0) matched++;
  const termsPerSecond = rate((i) => scoreText(index, terms[i % terms.length] ?? ''));
  const pagesPerSecond = rate((i) => scoreText(index, pages[i % pages.length] ?? ''));
  return [
    `${label}: ${index.stats.entries} entries, ${index.stats.words} words, ${index.stats.misspellingKeys} misspelling keys`,
    `${label}: search terms (200 B): ${Math.round(termsPerSecond).toLocaleString('en-GB')} terms/s (${matched}/${terms.length} sample terms matched something)`,
    `${label}: page text (10 KB): ${((pagesPerSecond * 10_240) / 1e6).toFixed(1)} MB/s, ${(1000 / pagesPerSecond).toFixed(2)} ms a page`,
  ];
}

test('throughput on the starter lists', (t) => {
  compilePhrases(STARTER_PHRASE_LISTS);
  const start = performance.now();
  const index = compilePhrases(STARTER_PHRASE_LISTS);
  t.diagnostic(`starter lists compile in ${(performance.now() - start).toFixed(1)} ms`);
  for (const line of figures(index, 'starter')) t.diagnostic(line);
  assert.ok(index.stats.entries > 300);
});

test('throughput on e2guardian’s default weighted lists', E2GUARDIAN_SKIP, (t) => {
  const imported = importE2guardianPhrases(`${E2GUARDIAN_HOME}/weightedphraselist`, {
    read: readE2guardian,
  });
  const start = performance.now();
  const index = compilePhrases([...imported.document.lists, ...STARTER_PHRASE_LISTS]);
  t.diagnostic(`e2guardian + starter compile in ${(performance.now() - start).toFixed(0)} ms`);
  for (const line of figures(index, 'e2guardian + starter')) t.diagnostic(line);
  assert.ok(index.stats.entries > 5000);
});

const DICTIONARY = '/usr/share/dict/words';

/** Accepted spelling variants of listed words that a dictionary also holds. */
const VARIANTS = new Set([
  'cassino',
  'encyclopaedia',
  'marijuana',
  'erotica',
  'erotics',
  'samaritan',
]);

test(
  'no dictionary word is read as a misspelling, except plurals, possessives and spelling variants',
  { skip: existsSync(DICTIONARY) ? false : `${DICTIONARY} not found (apt-get install wbritish)` },
  (t) => {
    const index = compilePhrases(STARTER_PHRASE_LISTS);
    const dictionary = readFileSync(DICTIONARY, 'utf8').split('\n').filter(Boolean);
    const wrong: string[] = [];
    let exact = 0;
    for (const word of dictionary) {
      const score = scoreText(index, word);
      if (score.matches.some((m) => !m.misspelt)) exact++;
      for (const match of score.matches.filter((m) => m.misspelt)) {
        const typed = word.toLowerCase().replace(/'/gu, '');
        const listed = match.phrase.replace(/\*$/u, '');
        const inflection = typed === `${listed}s`;
        if (!inflection && !VARIANTS.has(typed)) wrong.push(`${word} → ${match.phrase}`);
      }
    }
    t.diagnostic(
      `${dictionary.length} dictionary words: ${exact} contain a listed phrase, ${wrong.length} taken for a misspelling`,
    );
    assert.deepEqual(wrong, []);
  },
);
