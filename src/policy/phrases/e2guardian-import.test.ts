import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  E2GUARDIAN_HOME,
  E2GUARDIAN_SKIP,
  readE2guardian,
  weightedListPaths,
} from './e2guardian-data.test-data.ts';
import {
  decodeListBytes,
  e2guardianPhrase,
  importE2guardianPhrases,
  parseE2guardianLine,
} from './e2guardian-import.ts';
import { validatePhraseDocument } from './phrase-list.ts';
import { compilePhrases, scoreText } from './phrase-matcher.ts';

test('lines: phrases, weights, combinations, includes, headers, comments, errors', () => {
  assert.deepEqual(parseE2guardianLine('< murder ><35>'), {
    kind: 'phrase',
    parts: [{ raw: ' murder ', phrase: 'murder' }],
    weight: 35,
    percent: false,
    trailing: undefined,
  });
  assert.deepEqual(parseE2guardianLine('<breast>,<medical><-30>'), {
    kind: 'phrase',
    parts: [
      { raw: 'breast', phrase: 'breast*' },
      { raw: 'medical', phrase: 'medical*' },
    ],
    weight: -30,
    percent: false,
    trailing: undefined,
  });
  const percent = parseE2guardianLine('< slut ><10%>');
  assert.equal(percent.kind === 'phrase' && percent.percent && percent.weight, 10);
  const banned = parseE2guardianLine('<family filter is off>,<altavista>');
  assert.equal(banned.kind === 'phrase' && banned.weight, undefined);
  assert.equal(parseE2guardianLine('<zero><0>').kind === 'phrase', true);
  assert.deepEqual(parseE2guardianLine('.Include</etc/e2guardian/lists/x> #ALPHA#'), {
    kind: 'include',
    path: '/etc/e2guardian/lists/x',
  });
  assert.deepEqual(parseE2guardianLine('\ufeff#listcategory: "Pornography (Polish)'), {
    kind: 'category',
    name: 'Pornography (Polish)',
  });
  assert.deepEqual(parseE2guardianLine('#listcategory:"Violence"'), {
    kind: 'category',
    name: 'Violence',
  });
  assert.deepEqual(parseE2guardianLine('# a comment'), { kind: 'comment' });
  assert.deepEqual(parseE2guardianLine('   '), { kind: 'blank' });
  const trailing = parseE2guardianLine('<x y><30>3 #note');
  assert.equal(trailing.kind === 'phrase' && trailing.trailing, '3 #note');
  const comment = parseE2guardianLine('<illuminati ><45> #illumination');
  assert.equal(comment.kind === 'phrase' && comment.trailing, undefined);
  assert.deepEqual(parseE2guardianLine('<incest rape<50>'), {
    kind: 'error',
    message: 'a < without its >',
  });
  assert.deepEqual(parseE2guardianLine('<a><b><70>'), {
    kind: 'error',
    message: 'phrases of a combination are joined by , and the weight must be a whole number',
  });
  assert.equal(parseE2guardianLine('plain words').kind, 'error');
  assert.equal(parseE2guardianLine('.Include<>').kind, 'error');
});

test('e2guardian word edges become whole words or "starts with"', () => {
  const phrase = (raw: string) => e2guardianPhrase(raw).phrase;
  assert.equal(phrase(' kill '), 'kill');
  assert.equal(phrase(' kill'), 'kill*');
  assert.equal(phrase('kill'), 'kill*', 'a substring in e2guardian, a word start in Haven');
  assert.equal(phrase('kill '), 'kill');
  assert.equal(phrase(' Anarchist  Cook Book'), 'anarchist cook book*');
  assert.equal(phrase(' xx'), 'xx', 'too short a stem for "starts with"');
  assert.equal(phrase('ebay listings :'), 'ebay listings :');
  assert.equal(phrase(':)'), '');
});

test('decodeListBytes: UTF-8 (with or without BOM) or Windows-1252', () => {
  assert.equal(decodeListBytes(new TextEncoder().encode('\ufeff<zdjęcia><5>')), '<zdjęcia><5>');
  assert.equal(decodeListBytes(Uint8Array.from([0x3c, 0x63, 0xe3, 0x6f, 0x3e])), '<cão>');
});

const FIXTURE: Readonly<Record<string, string>> = {
  '/lists/weightedphraselist': [
    '#listcategory: "Weighted Phrases"',
    '.Include</lists/phraselists/violence/weighted>',
    '.Include</lists/phraselists/goodphrases/weighted_general>',
    '.Include</lists/phraselists/polish/pornography/weighted>',
    '.Include</lists/phraselists/chat/weighted>',
    '.Include</lists/phraselists/missing/weighted>',
    '.Include<custom/extra>',
    '.Include</lists/loop>',
  ].join('\n'),
  '/lists/phraselists/violence/weighted': [
    '#listcategory: "Violence"',
    '# comment',
    '',
    '< murder ><35>',
    '< kill><20>',
    '<anarchist><40>',
    '<rape >,< video><50>',
    '< slut ><10%>',
    '<breast>,<medical><-30>',
    '<bad line',
    'just text',
    '< bloodbath ><15> # a comment',
    '<massacre><15>3',
    '< murder ><99>',
    '<banned phrase>',
    '<:)><10>',
    '< huge ><5000>',
  ].join('\r\n'),
  '/lists/phraselists/goodphrases/weighted_general': '<homework><-20>\n<positive><20>\n',
  '/lists/phraselists/polish/pornography/weighted':
    '\ufeff#listcategory: "Pornography (Polish)"\n<nagie zdjęcia><60>\n',
  '/lists/phraselists/chat/weighted': '#listcategory: "Chat"\n<chat room><10>\n<msn><5>\n',
  '/lists/custom/extra': '#listcategory: "Weapons"\n< zombie knife ><80>\n',
  '/lists/loop': '.Include</lists/loop>\n',
};

test('import: categories, languages, weights, combinations and every bad line with its number', () => {
  const result = importE2guardianPhrases('/lists/weightedphraselist', {
    read: (path) => FIXTURE[path],
  });
  assert.deepEqual(result.files, [
    '/lists/weightedphraselist',
    '/lists/phraselists/violence/weighted',
    '/lists/phraselists/goodphrases/weighted_general',
    '/lists/phraselists/polish/pornography/weighted',
    '/lists/phraselists/chat/weighted',
    '/lists/custom/extra',
    '/lists/loop',
  ]);
  assert.deepEqual(
    result.problems.map((p) => `${p.severity} ${p.file}:${p.line} ${p.message}`),
    [
      'error /lists/phraselists/violence/weighted:10 a < without its >',
      'error /lists/phraselists/violence/weighted:11 not a phrase line: expected <phrase><weight>',
      'warning /lists/phraselists/violence/weighted:13 "3" after the weight is ignored',
      'warning /lists/phraselists/violence/weighted:15 a phrase without a weight (banned or exception phrase) is not imported',
      'error /lists/phraselists/violence/weighted:16 <:)> has no letters or digits to match',
      'warning /lists/phraselists/violence/weighted:17 weight 5000 cut to ±1000',
      'warning /lists/phraselists/goodphrases/weighted_general:2 a positive weight in a good-phrase list: not imported (the general list lowers scores only)',
      'error /lists/weightedphraselist:6 cannot read /lists/phraselists/missing/weighted',
      'error /lists/loop:1 include loop: /lists/weightedphraselist → /lists/loop → /lists/loop',
    ].map((line) => line.replace(/^(\w+) \/lists\/phraselists\//u, '$1 ')),
  );
  const [violence, sexual, general] = ['violence-weapons', 'sexual-content', 'general'].map(
    (category) => result.document.lists.find((list) => list.category === category),
  );
  assert.deepEqual(
    violence?.entries.map((e) => [e.phrase ?? e.all?.join(' + '), e.weight, e.language, e.source]),
    [
      ['murder', 35, 'en', 'e2guardian violence/weighted:4'],
      ['kill*', 20, 'en', 'e2guardian violence/weighted:5'],
      ['anarchist*', 40, 'en', 'e2guardian violence/weighted:6'],
      ['rape + video*', 50, 'en', 'e2guardian violence/weighted:7'],
      ['slut', 5, 'en', 'e2guardian violence/weighted:8'],
      ['breast* + medical*', -30, 'en', 'e2guardian violence/weighted:9'],
      ['bloodbath', 15, 'en', 'e2guardian violence/weighted:12'],
      ['massacre*', 15, 'en', 'e2guardian violence/weighted:13'],
      ['huge', 1000, 'en', 'e2guardian violence/weighted:17'],
      ['zombie knife', 80, 'en', 'e2guardian /lists/custom/extra:2'],
    ],
  );
  assert.deepEqual(
    sexual?.entries.map((e) => [e.phrase, e.weight, e.language]),
    [['nagie zdjęcia*', 60, 'pl']],
  );
  assert.deepEqual(
    general?.entries.map((e) => [e.phrase, e.weight]),
    [['homework*', -20]],
  );
  assert.deepEqual(result.unmapped, [{ file: 'chat/weighted', category: 'chat', phrases: 2 }]);
  assert.deepEqual(result.counts, {
    files: 7,
    lines: 33,
    imported: 12,
    combinations: 2,
    goodPhrases: 2,
    unmapped: 2,
    unweighted: 1,
    duplicates: 1,
    errors: 5,
    warnings: 4,
  });
  const validation = validatePhraseDocument(result.document);
  assert.ok(validation.ok, validation.ok ? '' : JSON.stringify(validation.errors));
  // The imported lists score text.
  const index = compilePhrases(result.document.lists);
  const score = scoreText(index, 'Killers, a massacre and murder');
  assert.equal(score.totals['violence-weapons'], 20 + 15 + 35);
  assert.equal(scoreText(index, 'skills').topCategory, null);
});

test('import options: category overrides, banned weight, percent limit, name', () => {
  const result = importE2guardianPhrases('/lists/phraselists/violence/weighted', {
    read: (path) => FIXTURE[path],
    categories: { violence: 'bullying' },
    bannedWeight: 100,
    naughtynessLimit: 160,
    name: 'Violence from e2guardian',
  });
  assert.equal(result.document.name, 'Violence from e2guardian');
  assert.deepEqual(
    result.document.lists.map((l) => l.category),
    ['bullying'],
  );
  const entries = result.document.lists[0]?.entries ?? [];
  assert.equal(entries.find((e) => e.phrase === 'slut')?.weight, 16);
  assert.equal(entries.find((e) => e.phrase === 'banned phrase*')?.weight, 100);
  assert.equal(result.counts.unweighted, 0);
  const dropped = importE2guardianPhrases('/lists/phraselists/violence/weighted', {
    read: (path) => FIXTURE[path],
    categories: { violence: null },
  });
  assert.equal(dropped.document.lists.length, 0);
  assert.equal(dropped.counts.unmapped, 11, 'phrase lines, less the one with nothing to match');
});

test('a missing root list is one problem', () => {
  const result = importE2guardianPhrases('/nowhere', { read: () => undefined });
  assert.deepEqual(
    result.problems.map((p) => [p.file, p.line, p.message]),
    [['/nowhere', 0, 'cannot read /nowhere']],
  );
  assert.equal(result.document.lists.length, 0);
});

test('the real e2guardian lists: the default weightedphraselist', E2GUARDIAN_SKIP, (t) => {
  const result = importE2guardianPhrases(`${E2GUARDIAN_HOME}/weightedphraselist`, {
    read: readE2guardian,
  });
  t.diagnostic(`counts ${JSON.stringify(result.counts)}`);
  t.diagnostic(
    `lists ${result.document.lists.map((l) => `${l.category} ${l.entries.length}`).join(', ')}`,
  );
  assert.ok(result.counts.files > 10);
  assert.ok(result.counts.imported > 1000);
  for (const problem of result.problems) {
    assert.ok(problem.line > 0, `${problem.file}: ${problem.message}`);
    assert.ok(problem.text.trim() !== '');
  }
  assert.ok(result.counts.errors < result.counts.lines / 100, 'almost every line imports');
  const validation = validatePhraseDocument(result.document);
  assert.ok(validation.ok, validation.ok ? '' : JSON.stringify(validation.errors.slice(0, 5)));
  const index = compilePhrases(result.document.lists);
  assert.ok(scoreText(index, 'free hardcore porn videos').totals['sexual-content'] > 0);
  assert.equal(scoreText(index, 'Essex and Sussex county council').topCategory, null);
});

test('the real e2guardian lists: every weighted list file', E2GUARDIAN_SKIP, (t) => {
  const paths = weightedListPaths();
  const root = '/virtual/all-weighted';
  const result = importE2guardianPhrases(root, {
    read: (path) =>
      path === root ? paths.map((p) => `.Include<${p}>`).join('\n') : readE2guardian(path),
  });
  t.diagnostic(`${paths.length} files, counts ${JSON.stringify(result.counts)}`);
  t.diagnostic(
    `lists ${result.document.lists.map((l) => `${l.category} ${l.entries.length}`).join(', ')}`,
  );
  for (const problem of result.problems.filter((p) => p.severity === 'error').slice(0, 12))
    t.diagnostic(`${problem.file}:${problem.line} ${problem.message}: ${problem.text}`);
  assert.equal(result.counts.files, paths.length + 1);
  const validation = validatePhraseDocument(result.document);
  assert.ok(validation.ok, validation.ok ? '' : JSON.stringify(validation.errors.slice(0, 5)));
  const categories = result.document.lists.map((l) => l.category);
  for (const category of [
    'sexual-content',
    'violence-weapons',
    'drugs',
    'gambling',
    'radicalisation',
    'general',
  ] as const) {
    assert.ok(categories.includes(category), category);
  }
  const index = compilePhrases(result.document.lists);
  const score = scoreText(index, 'buy cocaine and heroin online');
  assert.ok(score.totals.drugs > 0, JSON.stringify(score.totals));
});
