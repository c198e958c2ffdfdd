import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PHRASE_CATEGORIES,
  PHRASE_LIST_CATEGORIES,
  entryPhrases,
  validatePhraseDocument,
} from './phrase-list.ts';
import { compilePhrases, scoreText } from './phrase-matcher.ts';
import { STARTER_PHRASE_DOCUMENT, STARTER_PHRASE_LISTS } from './starter-lists.ts';

const INDEX = compilePhrases(STARTER_PHRASE_LISTS);

test('the starter document is valid, without warnings', () => {
  const result = validatePhraseDocument(STARTER_PHRASE_DOCUMENT);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors.slice(0, 5)));
  assert.deepEqual(result.warnings, []);
});

test('one list per category, each with a note, tens of entries, four languages and good phrases', () => {
  assert.deepEqual(
    STARTER_PHRASE_LISTS.map((list) => list.category),
    [...PHRASE_LIST_CATEGORIES],
  );
  for (const list of STARTER_PHRASE_LISTS) {
    assert.ok(list.note.length > 40, `${list.category}: a note on what the list is for`);
    const languages = new Set(list.entries.map((entry) => entry.language));
    for (const language of ['en', 'pl', 'ur', 'ro'])
      assert.ok(languages.has(language), `${list.category}: ${language}`);
    const good = list.entries.filter((entry) => entry.weight < 0).length;
    if (list.category === 'general') {
      assert.equal(good, list.entries.length);
      continue;
    }
    assert.ok(list.entries.length >= 40, `${list.category}: ${list.entries.length} entries`);
    assert.ok(good >= 5, `${list.category}: ${good} good phrases`);
  }
});

test('the self-harm phrases other parts of Haven rely on are there, with intent', () => {
  const selfHarm = STARTER_PHRASE_LISTS.find((list) => list.category === 'self-harm');
  for (const phrase of [
    'how to kill myself',
    'ways to commit suicide',
    'i want to die',
    'self harm methods',
  ]) {
    const entry = selfHarm?.entries.find((e) => e.phrase === phrase);
    assert.ok(entry, phrase);
    assert.equal(entry.intent, true, phrase);
    assert.ok(entry.weight >= 100, phrase);
  }
});

test('every entry matches its own words, in its own category', () => {
  for (const list of STARTER_PHRASE_LISTS) {
    for (const entry of list.entries) {
      const text = entryPhrases(entry)
        .map((phrase) => phrase.replace(/\*$/u, ''))
        .join(' … ');
      const score = scoreText(INDEX, text);
      const label = entry.phrase ?? (entry.all ?? []).join(' + ');
      assert.ok(
        score.matches.some((m) => m.phrase === label && m.category === list.category),
        `${list.category}: "${text}"`,
      );
    }
  }
});

test('intent phrases alone are concerns with intent in their category (no good phrase cancels them)', () => {
  for (const list of STARTER_PHRASE_LISTS) {
    for (const entry of list.entries.filter((e) => e.intent === true)) {
      const text = entryPhrases(entry).join(' ');
      const score = scoreText(INDEX, text);
      assert.equal(score.intent, true, text);
      assert.equal(score.topCategory, list.category, text);
      assert.ok(entry.weight >= 80, `${text}: an intent phrase weighs at least 80`);
    }
  }
});

test('ordinary school searches score nothing', () => {
  for (const text of [
    'year 7 science homework photosynthesis',
    'the history of the roman empire',
    'how to cite a website harvard referencing',
    'premier league results',
    'minecraft building ideas',
    'bbc bitesize ks3 maths fractions',
    'therapist near me',
    'skills for life',
    'grape varieties',
    'Scunthorpe weather',
    'class 4 assembly',
    'essex county council',
    'canal boat holidays',
    'the heroine of jane eyre',
    'cricket batting averages',
    'how to kill weeds in the garden',
  ]) {
    const score = scoreText(INDEX, text);
    assert.equal(score.topCategory, null, `${text}: ${JSON.stringify(score.matches)}`);
  }
});

test('every risk category can be the top category', () => {
  const seen = new Set(
    STARTER_PHRASE_LISTS.flatMap((list) =>
      list.entries
        .filter((e) => e.weight >= 100 && e.phrase !== undefined)
        .map((e) => scoreText(INDEX, e.phrase ?? '').topCategory),
    ),
  );
  for (const category of PHRASE_CATEGORIES) {
    if (category === 'sexual-content' || category === 'gambling') continue; // no entry of 100
    assert.ok(seen.has(category), category);
  }
  assert.equal(scoreText(INDEX, 'free porn xxx').topCategory, 'sexual-content');
  assert.equal(scoreText(INDEX, 'online casino free spins').topCategory, 'gambling');
});
