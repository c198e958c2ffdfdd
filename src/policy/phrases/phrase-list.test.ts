import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  diffPhraseDocuments,
  entryKey,
  formatPhraseProblems,
  parsePhraseYaml,
  stringifyPhraseYaml,
  validatePhraseDocument,
  validatePhraseLists,
  type PhraseDocument,
  type PhraseProblem,
} from './phrase-list.ts';
import { STARTER_PHRASE_DOCUMENT } from './starter-lists.ts';

const SMALL = `schemaVersion: 1
name: Test lists
version: 3
lists:
  - category: self-harm
    note: Suicide and self-harm.
    entries:
      - {phrase: how to kill myself, weight: 150, language: en, intent: true}
      - {all: [paracetamol, how many], weight: 60, language: en}
      - {phrase: suicide prevention, weight: -100, language: en}
      - {phrase: jak się zabić, weight: 150, language: pl, intent: true}
  - category: general
    note: Good phrases.
    entries:
      - {phrase: homework, weight: -20, language: en}
`;

const lines = (problems: readonly PhraseProblem[]) =>
  problems.map((p) => `${p.line} ${p.path}: ${p.message}`);

function problemsOf(text: string): readonly PhraseProblem[] {
  const result = parsePhraseYaml(text, 'lists.yaml');
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems;
}

test('a valid document parses', () => {
  const result = parsePhraseYaml(SMALL, 'lists.yaml');
  assert.ok(result.ok, result.ok ? '' : formatPhraseProblems(result.problems));
  assert.equal(result.document.version, 3);
  assert.equal(result.document.lists[0]?.entries.length, 4);
  assert.deepEqual(result.document.lists[0]?.entries[1]?.all, ['paracetamol', 'how many']);
  assert.deepEqual(result.warnings, []);
});

test('shape problems, each with its line, column and path', () => {
  const broken = SMALL.replace(
    'weight: 150, language: en, intent: true',
    'weight: high, language: english',
  )
    .replace('category: general', 'category: swearing')
    .replace(
      '{phrase: homework, weight: -20, language: en}',
      '{phrase: homework, weight: -20, language: en, colour: red}',
    );
  assert.deepEqual(lines(problemsOf(broken)), [
    '8 lists[0].entries[0].weight: must be a number, not "high"',
    '8 lists[0].entries[0].language: must be a language code such as "en", "pl", "ur" or "ro"',
    '12 lists[1].category: "swearing" is not allowed here; use one of: self-harm, radicalisation, grooming, bullying, sexual-content, violence-weapons, drugs, gambling, general',
    '15 lists[1].entries[0].colour: unknown key "colour"; see docs/phrase-scoring.md',
  ]);
  const problem = problemsOf(broken)[0];
  assert.equal(problem?.file, 'lists.yaml');
  assert.equal(problem?.column, 46);
});

test('rule problems: weights, intent, good-phrase list, duplicates, phrases, combinations', () => {
  const text = `schemaVersion: 1
name: Test
version: 0
lists:
  - category: self-harm
    note: x
    entries:
      - {phrase: suicide, weight: 0, language: en}
      - {phrase: "  Suicide ", weight: 30, language: en}
      - {phrase: help, weight: -20, language: en, intent: true}
      - {phrase: "!!!", weight: 10, language: en}
      - {phrase: "ki*", weight: 10, language: en}
      - {all: [overdose], weight: 10, language: en}
      - {phrase: a, all: [b, c], weight: 10, language: en}
      - {weight: 10, language: en}
      - {phrase: big, weight: 5000, language: en}
  - category: general
    note: y
    notMisspellings: [two words]
    entries:
      - {phrase: homework, weight: 20, language: en}
  - category: self-harm
    note: again
    entries: []
`;
  assert.deepEqual(lines(problemsOf(text)), [
    '3 version: must be 1 or more',
    '8 lists[0].entries[0].weight: must not be 0',
    '9 lists[0].entries[1]: the same phrase as entries[0] ("suicide"); keep one entry and set its weight',
    '10 lists[0].entries[2].intent: only a concern (a positive weight) can show intent',
    '11 lists[0].entries[3].phrase: has no letters or digits to match',
    '12 lists[0].entries[4].phrase: "ki*" is too short for "starts with": a * needs at least 3 letters before it',
    '13 lists[0].entries[5].all: a combination needs at least two phrases',
    '14 lists[0].entries[6]: has both `phrase` and `all`: an entry is one or the other',
    '15 lists[0].entries[7]: needs `phrase` (one phrase) or `all` (a combination)',
    '16 lists[0].entries[8].weight: must be between -1000 and 1000',
    '19 lists[1].notMisspellings[0]: must be one word, without a *',
    '21 lists[1].entries[0].weight: the general list holds good phrases only: its weights must be negative',
    '22 lists[2].category: category "self-harm" already has a list (lists[0]); keep one list per category',
  ]);
});

test('YAML syntax errors and empty files', () => {
  assert.deepEqual(lines(problemsOf('name: [unclosed\nversion: 1\n')).length > 0, true);
  const syntax = problemsOf('lists:\n  - category: self-harm\n    note: x\n   entries: []\n');
  assert.equal(syntax[0]?.path, '(document)');
  assert.match(syntax[0]?.message ?? '', /^YAML: /);
  assert.deepEqual(lines(problemsOf('')), ['1 (document): the file is empty']);
  assert.deepEqual(lines(problemsOf('name: a\nname: b\n')).length, 1, 'duplicate keys');
});

test('warnings do not stop a document: a combination naming one phrase twice', () => {
  const text = SMALL.replace('all: [paracetamol, how many]', 'all: [paracetamol, Paracetamol]');
  const result = parsePhraseYaml(text, 'lists.yaml');
  assert.ok(result.ok);
  assert.deepEqual(lines(result.warnings), [
    '9 lists[0].entries[1].all: names the same phrase twice',
  ]);
});

test('stringify → parse gives the same document, and the same text again (starter lists)', () => {
  const yaml = stringifyPhraseYaml(STARTER_PHRASE_DOCUMENT);
  const parsed = parsePhraseYaml(yaml, 'starter.yaml');
  assert.ok(parsed.ok, parsed.ok ? '' : formatPhraseProblems(parsed.problems));
  assert.deepEqual(parsed.document, STARTER_PHRASE_DOCUMENT);
  assert.equal(stringifyPhraseYaml(parsed.document), yaml);
  assert.match(
    yaml,
    /^ {6}- \{phrase: how to kill myself, weight: 150, language: en, intent: true\}$/mu,
  );
  assert.match(yaml, /^ {2}# Self-harm and suicide$/mu);
  assert.match(yaml, /^ {6}- \{all: \[paracetamol, how many\], weight: 60, language: en\}$/mu);
});

test('validatePhraseLists checks lists without a document around them', () => {
  assert.equal(validatePhraseLists(STARTER_PHRASE_DOCUMENT.lists).ok, true);
  const result = validatePhraseLists([
    { category: 'drugs', note: 'x', entries: [{ phrase: 'weed', weight: 0, language: 'en' }] },
  ]);
  assert.equal(result.ok, false);
  if (!result.ok) assert.deepEqual(result.errors[0]?.path, [0, 'entries', 0, 'weight']);
});

test('JSON-shaped data is validated the same way', () => {
  const result = validatePhraseDocument({ ...STARTER_PHRASE_DOCUMENT, schemaVersion: 2 });
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.errors[0]?.message, 'must be 1');
});

test('entry keys: combinations in any order are the same entry', () => {
  assert.equal(
    entryKey({ all: ['How many', 'paracetamol'] }),
    entryKey({ all: ['paracetamol', 'how  many'] }),
  );
  assert.equal(entryKey({ phrase: "Don't tell" }), 'dont tell');
});

test('diff between two versions: added, removed, changed', () => {
  const before: PhraseDocument = {
    schemaVersion: 1,
    name: 'x',
    version: 1,
    lists: [
      {
        category: 'drugs',
        note: 'n',
        entries: [
          { phrase: 'weed', weight: 15, language: 'en' },
          { phrase: 'bong', weight: 40, language: 'en' },
        ],
      },
    ],
  };
  const after: PhraseDocument = {
    ...before,
    version: 2,
    lists: [
      {
        category: 'drugs',
        note: 'n',
        entries: [
          { phrase: 'Weed', weight: 20, language: 'en' },
          { phrase: 'ketamine', weight: 30, language: 'en' },
        ],
      },
    ],
  };
  assert.deepEqual(
    diffPhraseDocuments(before, after).map((c) => [
      c.change,
      c.key,
      c.before?.weight,
      c.after?.weight,
    ]),
    [
      ['removed', 'bong', 40, undefined],
      ['added', 'ketamine', undefined, 30],
      ['changed', 'weed', 15, 20],
    ],
  );
  assert.deepEqual(diffPhraseDocuments(before, before), []);
});
