import { Document, isMap, isSeq } from 'yaml';
import { z } from 'zod';
import { MIN_PREFIX_LENGTH, phraseKey, phraseWords } from './phrase-normalise.ts';
import { formatYamlProblems, parseYamlData, type YamlProblem } from '../yaml-data.ts';
import { dedupeIssues, describeValue, TYPE_NAMES, valueAt } from '../yaml-data.ts';

/**
 * Weighted safeguarding phrase lists as editable, versionable data (MON-2).
 *
 * A **phrase document** holds one list per risk category. Each entry is a phrase (`how to kill
 * myself`) or a combination of phrases that must all appear (`all: [paracetamol, how many]`, as
 * e2guardian's `<a>,<b>`), with a weight: positive for a concern, negative for a "good phrase"
 * that lowers the score (`suicide prevention`, `anti-bullying`). `intent: true` marks phrases
 * that say what someone means to do (`i want to die`), which the alert layer rates critical.
 * The `general` list holds good phrases that lower every category that has a concern
 * (`homework`, `history of`).
 *
 * Phrase syntax: words separated by spaces, matched as whole words after normalisation
 * (`phrase-normalise.ts`); a `*` ending a word means "starts with" (`groom*`).
 *
 * The document is plain data: YAML in files (`parsePhraseYaml` reports every problem with its
 * line), JSON in the database and the API; `validatePhraseDocument` checks either.
 * Format and guidance: docs/phrase-scoring.md.
 */

export const PHRASE_SCHEMA_VERSION = 1;

/** The risk categories that phrases are scored in (DESIGN MON-2). */
export const PHRASE_CATEGORIES = [
  'self-harm',
  'radicalisation',
  'grooming',
  'bullying',
  'sexual-content',
  'violence-weapons',
  'drugs',
  'gambling',
] as const;
export type PhraseCategory = (typeof PHRASE_CATEGORIES)[number];

/** A list's category: a risk category, or `general` for good phrases that apply to all. */
export const PHRASE_LIST_CATEGORIES = [...PHRASE_CATEGORIES, 'general'] as const;
export type PhraseListCategory = (typeof PHRASE_LIST_CATEGORIES)[number];

export const PHRASE_CATEGORY_LABELS: Readonly<Record<PhraseListCategory, string>> = {
  'self-harm': 'Self-harm and suicide',
  radicalisation: 'Radicalisation and extremism',
  grooming: 'Grooming and sexual exploitation',
  bullying: 'Bullying',
  'sexual-content': 'Sexual content',
  'violence-weapons': 'Violence and weapons',
  drugs: 'Drugs',
  gambling: 'Gambling',
  general: 'Good phrases for every category',
};

export const MAX_WEIGHT = 1000;
/** A combination names at least two and at most this many phrases. */
export const MAX_COMBINATION = 8;

const text = z.string().trim().min(1, 'must not be empty');

export const phraseEntrySchema = z
  .strictObject({
    phrase: text
      .optional()
      .describe('Words matched as whole words; a `*` ending a word means "starts with".'),
    all: z
      .array(text)
      .min(2, 'a combination needs at least two phrases')
      .max(MAX_COMBINATION, `a combination may have at most ${MAX_COMBINATION} phrases`)
      .optional()
      .describe('A combination: every phrase must appear somewhere in the text.'),
    weight: z
      .number()
      .int('must be a whole number')
      .min(-MAX_WEIGHT)
      .max(MAX_WEIGHT)
      .refine((weight) => weight !== 0, 'must not be 0')
      .describe(
        'What a match adds to its category: 100 = a concern on its own; negative = a good phrase.',
      ),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, 'must be a language code such as "en", "pl", "ur" or "ro"')
      .describe('ISO 639-1 code (ISO 639-3 when there is none).'),
    intent: z
      .boolean()
      .optional()
      .describe('The phrase says what someone means to do: alerts rate it critical.'),
    exact: z.boolean().optional().describe('Never match a misspelling of this phrase.'),
    note: text.optional(),
    source: text.optional().describe('Where an imported entry came from (`file:line`).'),
  })
  .describe('One weighted phrase or combination.');
export type PhraseEntry = z.infer<typeof phraseEntrySchema>;

export const phraseListSchema = z
  .strictObject({
    category: z.enum(PHRASE_LIST_CATEGORIES),
    note: text.describe('What the list is for, in a sentence or two.'),
    notMisspellings: z
      .array(text)
      .optional()
      .describe(
        'Real words that look like a misspelling of a phrase word and must not match as one (racist is not rapist).',
      ),
    entries: z.array(phraseEntrySchema),
  })
  .describe('The phrases of one category.');
export type PhraseList = z.infer<typeof phraseListSchema>;

export const phraseDocumentSchema = z
  .strictObject({
    schemaVersion: z.literal(PHRASE_SCHEMA_VERSION),
    name: text,
    version: z.number().int().min(1).describe('Raised by one at every published change.'),
    note: text.optional(),
    lists: z.array(phraseListSchema),
  })
  .describe('A set of weighted phrase lists.');
export type PhraseDocument = z.infer<typeof phraseDocumentSchema>;

/** The phrases an entry needs: one, or each part of a combination. */
export function entryPhrases(entry: Pick<PhraseEntry, 'phrase' | 'all'>): string[] {
  if (entry.phrase !== undefined) return [entry.phrase];
  return entry.all ? [...entry.all] : [];
}

/** What makes two entries of a list the same: their normalised phrases (parts sorted). */
export function entryKey(entry: Pick<PhraseEntry, 'phrase' | 'all'>): string {
  if (entry.phrase !== undefined) return phraseKey(entry.phrase);
  return (entry.all ?? []).map(phraseKey).sort().join(' + ');
}

/** The entry as a person reads it: the phrase, or the parts joined by " + ". */
export function entryLabel(entry: Pick<PhraseEntry, 'phrase' | 'all'>): string {
  return entry.phrase ?? (entry.all ?? []).join(' + ');
}

// ---------------------------------------------------------------------------------------------
// Validation

export type PhrasePathSegment = string | number;

export interface PhraseIssue {
  readonly path: readonly PhrasePathSegment[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** `key` when the problem is the key at `path` itself (an unknown key). */
  readonly at: 'key' | 'value';
}

export type PhraseValidation =
  | {
      readonly ok: true;
      readonly document: PhraseDocument;
      readonly warnings: readonly PhraseIssue[];
    }
  | {
      readonly ok: false;
      readonly errors: readonly PhraseIssue[];
      readonly warnings: readonly PhraseIssue[];
    };

/** `lists[0].entries[3].weight`. */
export function formatPhrasePath(path: readonly PhrasePathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(document)' : out;
}

/**
 * Checks a phrase document held as plain data (from YAML, JSON or the API): its shape and the
 * rules that relate entries to each other, every problem at once, each with its key path.
 */
export function validatePhraseDocument(data: unknown): PhraseValidation {
  const parsed = phraseDocumentSchema.safeParse(data);
  const shape = parsed.success ? [] : parsed.error.issues.flatMap((i) => fromZod(i, data));
  const checks = checkPhraseDocument(data);
  const errors = dedupeIssues(
    [...shape, ...checks.filter((i) => i.severity === 'error')],
    formatPhrasePath,
  );
  const warnings = checks.filter((i) => i.severity === 'warning');
  if (parsed.success && errors.length === 0) return { ok: true, document: parsed.data, warnings };
  return { ok: false, errors, warnings };
}

/** Validates the lists alone (the compile step and the API take lists without a document). */
export function validatePhraseLists(lists: unknown): PhraseValidation {
  const result = validatePhraseDocument({
    schemaVersion: PHRASE_SCHEMA_VERSION,
    name: 'lists',
    version: 1,
    lists,
  });
  if (result.ok) return result;
  const strip = (issue: PhraseIssue): PhraseIssue => ({
    ...issue,
    path: issue.path[0] === 'lists' ? issue.path.slice(1) : issue.path,
  });
  return { ok: false, errors: result.errors.map(strip), warnings: result.warnings.map(strip) };
}

type Loose = Record<string, unknown>;

function record(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Loose)
    : undefined;
}

function looseList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function issue(
  path: readonly PhrasePathSegment[],
  message: string,
  severity: 'error' | 'warning' = 'error',
  at: 'key' | 'value' = 'value',
): PhraseIssue {
  return { path, message, severity, at };
}

/** Problems in one phrase as written: no words left, a `*` stem too short. */
function phraseProblems(phrase: string): string[] {
  const words = phraseWords(phrase);
  if (words.length === 0) return ['has no letters or digits to match'];
  const short = words.find((word) => word.prefix && word.text.length < MIN_PREFIX_LENGTH);
  if (short) {
    return [
      `"${short.text}*" is too short for "starts with": a * needs at least ${MIN_PREFIX_LENGTH} letters before it`,
    ];
  }
  return [];
}

/** The cross-entry rules, read loosely so that a partly malformed file still gets them all. */
export function checkPhraseDocument(data: unknown): PhraseIssue[] {
  const issues: PhraseIssue[] = [];
  const doc = record(data);
  if (!doc) return issues;
  const seenCategories = new Map<string, number>();
  looseList(doc.lists).forEach((rawList, listIndex) => {
    const list = record(rawList);
    if (!list) return;
    const listPath = ['lists', listIndex];
    const category = typeof list.category === 'string' ? list.category : undefined;
    if (category !== undefined) {
      const first = seenCategories.get(category);
      if (first !== undefined) {
        issues.push(
          issue(
            [...listPath, 'category'],
            `category "${category}" already has a list (lists[${first}]); keep one list per category`,
          ),
        );
      } else {
        seenCategories.set(category, listIndex);
      }
    }
    looseList(list.notMisspellings).forEach((word, index) => {
      if (typeof word !== 'string') return;
      const words = phraseWords(word);
      if (words.length !== 1 || words[0]?.prefix === true) {
        issues.push(
          issue([...listPath, 'notMisspellings', index], 'must be one word, without a *'),
        );
      }
    });
    const seenKeys = new Map<string, number>();
    looseList(list.entries).forEach((rawEntry, entryIndex) => {
      const entry = record(rawEntry);
      if (!entry) return;
      const path = [...listPath, 'entries', entryIndex];
      const phrase = typeof entry.phrase === 'string' ? entry.phrase : undefined;
      const all = Array.isArray(entry.all) ? entry.all : undefined;
      if (entry.phrase !== undefined && entry.all !== undefined) {
        issues.push(issue(path, 'has both `phrase` and `all`: an entry is one or the other'));
      } else if (entry.phrase === undefined && entry.all === undefined) {
        issues.push(issue(path, 'needs `phrase` (one phrase) or `all` (a combination)'));
      }
      if (phrase !== undefined && phrase.trim() !== '') {
        for (const message of phraseProblems(phrase))
          issues.push(issue([...path, 'phrase'], message));
      }
      const parts: string[] = [];
      all?.forEach((part, partIndex) => {
        if (typeof part !== 'string' || part.trim() === '') return;
        parts.push(phraseKey(part));
        for (const message of phraseProblems(part))
          issues.push(issue([...path, 'all', partIndex], message));
      });
      if (all && parts.length >= 2 && new Set(parts).size < parts.length) {
        issues.push(issue([...path, 'all'], 'names the same phrase twice', 'warning'));
      }
      const weight = typeof entry.weight === 'number' ? entry.weight : undefined;
      if (entry.intent === true && weight !== undefined && weight < 0) {
        issues.push(
          issue([...path, 'intent'], 'only a concern (a positive weight) can show intent'),
        );
      }
      if (category === 'general') {
        if (weight !== undefined && weight > 0) {
          issues.push(
            issue(
              [...path, 'weight'],
              'the general list holds good phrases only: its weights must be negative',
            ),
          );
        }
        if (entry.intent === true) {
          issues.push(issue([...path, 'intent'], 'the general list holds good phrases only'));
        }
      }
      const keyable = phrase !== undefined || (all !== undefined && parts.length === all.length);
      if (keyable) {
        const key = phrase !== undefined ? phraseKey(phrase) : entryKey({ all: all as string[] });
        if (key !== '') {
          const first = seenKeys.get(key);
          if (first !== undefined) {
            issues.push(
              issue(
                path,
                `the same phrase as entries[${first}] ("${key}"); keep one entry and set its weight`,
              ),
            );
          } else {
            seenKeys.set(key, entryIndex);
          }
        }
      }
    });
  });
  return issues;
}

function fromZod(zodIssue: z.core.$ZodIssue, data: unknown): PhraseIssue[] {
  const path = zodIssue.path.map((s) => (typeof s === 'symbol' ? String(s) : s));
  const value = valueAt(data, path);
  switch (zodIssue.code) {
    case 'invalid_type': {
      if (value === undefined) return [issue(path, 'is required')];
      const expected = TYPE_NAMES[zodIssue.expected] ?? zodIssue.expected;
      return [issue(path, `must be ${expected}, not ${describeValue(value)}`)];
    }
    case 'invalid_value': {
      const options = zodIssue.values.map((v) => String(v));
      if (options.length === 1) return [issue(path, `must be ${options[0] ?? ''}`)];
      return [
        issue(
          path,
          `${describeValue(value)} is not allowed here; use one of: ${options.join(', ')}`,
        ),
      ];
    }
    case 'unrecognized_keys':
      return zodIssue.keys.map((key) =>
        issue([...path, key], `unknown key "${key}"; see docs/phrase-scoring.md`, 'error', 'key'),
      );
    case 'too_small':
    case 'too_big':
      if (zodIssue.origin === 'number' && path.at(-1) === 'weight')
        return [issue(path, `must be between -${MAX_WEIGHT} and ${MAX_WEIGHT}`)];
      if (zodIssue.origin === 'number' && path.at(-1) === 'version')
        return [issue(path, 'must be 1 or more')];
      return [issue(path, zodIssue.message)];
    default:
      return [issue(path, zodIssue.message)];
  }
}

// ---------------------------------------------------------------------------------------------
// YAML

/** A problem in a phrase-list file: where, and what. */
export type PhraseProblem = YamlProblem;

export type PhraseYamlResult =
  | {
      readonly ok: true;
      readonly document: PhraseDocument;
      readonly warnings: readonly PhraseProblem[];
    }
  | {
      readonly ok: false;
      readonly problems: readonly PhraseProblem[];
      readonly warnings: readonly PhraseProblem[];
    };

/** Reads a phrase document from YAML: every problem with its line, column and key path. */
export function parsePhraseYaml(source: string, fileName: string): PhraseYamlResult {
  const result = parseYamlData(
    source,
    fileName,
    (data) => {
      const validation = validatePhraseDocument(data);
      return validation.ok
        ? { ok: true, value: validation.document, warnings: validation.warnings }
        : validation;
    },
    formatPhrasePath,
  );
  return result.ok ? { ok: true, document: result.value, warnings: result.warnings } : result;
}

/** `file:line:column path: message`, one a line. */
export const formatPhraseProblems = formatYamlProblems;

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };
type PlainMap = { [key: string]: Plain };

function entryPlain(entry: PhraseEntry): PlainMap {
  const out: PlainMap = {};
  if (entry.phrase !== undefined) out.phrase = entry.phrase;
  if (entry.all !== undefined) out.all = [...entry.all];
  out.weight = entry.weight;
  out.language = entry.language;
  if (entry.intent !== undefined) out.intent = entry.intent;
  if (entry.exact !== undefined) out.exact = entry.exact;
  if (entry.note !== undefined) out.note = entry.note;
  if (entry.source !== undefined) out.source = entry.source;
  return out;
}

/**
 * The canonical YAML of a phrase document: fixed key order, one entry a line
 * (`- {phrase: how to kill myself, weight: 150, language: en, intent: true}`), a blank line and
 * the label before each list. `parsePhraseYaml(stringifyPhraseYaml(d))` gives `d` back.
 */
export function stringifyPhraseYaml(document: PhraseDocument): string {
  const plain: PlainMap = {
    schemaVersion: document.schemaVersion,
    name: document.name,
    version: document.version,
  };
  if (document.note !== undefined) plain.note = document.note;
  plain.lists = document.lists.map((list) => {
    const out: PlainMap = { category: list.category, note: list.note };
    if (list.notMisspellings !== undefined) out.notMisspellings = [...list.notMisspellings];
    out.entries = list.entries.map(entryPlain);
    return out;
  });
  const doc = new Document(plain);
  doc.commentBefore = [
    ` ${document.name} — weighted phrase lists for Haven (MON-2)`,
    ' Entries: {phrase: ..., weight: ..., language: ...} or {all: [..., ...], weight: ..., language: ...};',
    ' intent: true marks what someone means to do; negative weights are good phrases.',
    ' Format: docs/phrase-scoring.md',
  ].join('\n');
  const lists = doc.get('lists', true);
  if (isSeq(lists)) {
    lists.items.forEach((list, index) => {
      if (!isMap(list)) return;
      if (index > 0) list.spaceBefore = true;
      const category = list.get('category');
      if (typeof category === 'string' && category in PHRASE_CATEGORY_LABELS) {
        list.commentBefore = ` ${PHRASE_CATEGORY_LABELS[category as PhraseListCategory]}`;
      }
      const words = list.get('notMisspellings', true);
      if (isSeq(words)) words.flow = true;
      const entries = list.get('entries', true);
      if (isSeq(entries)) {
        for (const entry of entries.items) {
          if (!isMap(entry)) continue;
          entry.flow = true;
          const all = entry.get('all', true);
          if (isSeq(all)) all.flow = true;
        }
      }
    });
  }
  return doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}

// ---------------------------------------------------------------------------------------------
// Versions

export interface PhraseChange {
  readonly category: PhraseListCategory;
  /** `entryKey` of the entry. */
  readonly key: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly before?: PhraseEntry;
  readonly after?: PhraseEntry;
}

/**
 * What changed between two versions of a phrase document, entry by entry (for the audit entry
 * and the review screen): added, removed, and changed (weight, language, flags, note).
 */
export function diffPhraseDocuments(before: PhraseDocument, after: PhraseDocument): PhraseChange[] {
  const changes: PhraseChange[] = [];
  const index = (doc: PhraseDocument) => {
    const out = new Map<string, { category: PhraseListCategory; entry: PhraseEntry }>();
    for (const list of doc.lists)
      for (const entry of list.entries)
        out.set(`${list.category}\u0000${entryKey(entry)}`, { category: list.category, entry });
    return out;
  };
  const a = index(before);
  const b = index(after);
  const same = (x: PhraseEntry, y: PhraseEntry) =>
    JSON.stringify(entryPlain(x)) === JSON.stringify(entryPlain(y));
  for (const [id, old] of a) {
    const key = id.split('\u0000')[1] ?? '';
    const next = b.get(id);
    if (!next) changes.push({ category: old.category, key, change: 'removed', before: old.entry });
    else if (!same(old.entry, next.entry))
      changes.push({
        category: old.category,
        key,
        change: 'changed',
        before: old.entry,
        after: next.entry,
      });
  }
  for (const [id, next] of b) {
    if (!a.has(id))
      changes.push({
        category: next.category,
        key: id.split('\u0000')[1] ?? '',
        change: 'added',
        after: next.entry,
      });
  }
  const order = (c: PhraseListCategory) => PHRASE_LIST_CATEGORIES.indexOf(c);
  return changes.sort(
    (x, y) => order(x.category) - order(y.category) || x.key.localeCompare(y.key),
  );
}
