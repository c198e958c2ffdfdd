import {
  MAX_COMBINATION,
  MAX_WEIGHT,
  PHRASE_CATEGORY_LABELS,
  PHRASE_LIST_CATEGORIES,
  PHRASE_SCHEMA_VERSION,
  entryKey,
  type PhraseDocument,
  type PhraseEntry,
  type PhraseListCategory,
} from './phrase-list.ts';
import { MIN_PREFIX_LENGTH, phraseKey, phraseWords } from './phrase-normalise.ts';

/**
 * Imports e2guardian (DansGuardian) weighted phrase lists into Haven's phrase model. Pure: the
 * files are read through the `read` function the caller passes (the CLI reads the disk, tests
 * pass a map), so this module does no I/O.
 *
 * The format, one item a line:
 *
 * | line                              | meaning                                                    |
 * |-----------------------------------|------------------------------------------------------------|
 * | `< murder ><35>`                  | phrase with a weight; spaces inside `< >` are word edges   |
 * | `<breast>,<medical><-30>`         | combination: all phrases on the page; negative = good      |
 * | `< slut ><10%>`                   | weight as a percentage of the naughtiness limit            |
 * | `<phrase>`                        | banned phrase (no weight): blocks on its own in e2guardian |
 * | `.Include</path/to/another/list>` | read another list here                                     |
 * | `#listcategory: "Violence"`       | the category of the phrases that follow                    |
 * | `# anything`                      | comment                                                    |
 *
 * e2guardian matches `<kill>` anywhere, even inside a word; Haven matches whole words only, so
 * an open end becomes "starts with" (`< kill>` and `<kill>` → `kill*`, `< kill >` → `kill`) and
 * an open start is dropped (`<kill >` → `kill`). That is stricter on purpose: Haven must not read
 * "skills" as "kill".
 *
 * Categories come from the list's folder (`weighted/pornography`, `ukenglish/violence/weighted`)
 * or, for a list in a folder of no known category, from its `#listcategory` header, or from the
 * list that included it. `E2GUARDIAN_CATEGORIES` maps them to Haven's categories; categories that
 * are not safeguarding risks (chat, webmail, games, sport, proxies…) map to null and are counted,
 * not imported. Languages come from the folder or file name (`polish/`, `weighted_polish`) or the
 * header (`Pornography (Polish)`), English otherwise.
 */

/** e2guardian list categories (folder names, or headers without spaces) → Haven categories. */
export const E2GUARDIAN_CATEGORIES: Readonly<Record<string, PhraseListCategory | null>> = {
  pornography: 'sexual-content',
  pornografia: 'sexual-content',
  porn: 'sexual-content',
  nudism: 'sexual-content',
  adult: 'sexual-content',
  gambling: 'gambling',
  illegaldrugs: 'drugs',
  drugadvocacy: 'drugs',
  legaldrugs: 'drugs',
  violence: 'violence-weapons',
  gore: 'violence-weapons',
  weapons: 'violence-weapons',
  intolerance: 'radicalisation',
  goodphrases: 'general',
  badwords: null,
  badsites: null,
  goodsites: null,
  chat: null,
  personals: null,
  forums: null,
  webmail: null,
  games: null,
  onlinegames: null,
  news: null,
  sport: null,
  music: null,
  travel: null,
  translation: null,
  proxies: null,
  proxy: null,
  warezhacking: null,
  warez: null,
  hacking: null,
  malware: null,
  idtheft: null,
  peer2peer: null,
  peertopeer: null,
  domainsforsale: null,
  domainforsale: null,
  upstreamfilter: null,
  secretsocieties: null,
  conspiracy: null,
  safelabel: null,
  googlesearches: null,
  rta: null,
};

/** Language names in e2guardian folder names, file names and headers → language codes. */
export const E2GUARDIAN_LANGUAGES: Readonly<Record<string, string>> = {
  english: 'en',
  ukenglish: 'en',
  polish: 'pl',
  portuguese: 'pt',
  brazilian: 'pt',
  french: 'fr',
  german: 'de',
  spanish: 'es',
  italian: 'it',
  dutch: 'nl',
  danish: 'da',
  swedish: 'sv',
  norwegian: 'no',
  malay: 'ms',
  russian: 'ru',
  chinese: 'zh',
  chinesebig5: 'zh',
  chinesegb2312: 'zh',
  japanese: 'ja',
};

export interface E2guardianImportOptions {
  /** Reads a list file: its text, or undefined when there is none. See `decodeListBytes`. */
  readonly read: (path: string) => string | undefined;
  /** Overrides and additions to `E2GUARDIAN_CATEGORIES` (e.g. `{ badwords: 'bullying' }`). */
  readonly categories?: Readonly<Record<string, PhraseListCategory | null>>;
  /** For `<n%>` weights: e2guardian's naughtynesslimit (default 50, its young-children setting). */
  readonly naughtynessLimit?: number;
  /**
   * The weight given to banned phrases (lines without a weight). Default: they are not imported
   * (a warning each), because a banned phrase blocks a page rather than scoring it.
   */
  readonly bannedWeight?: number;
  /** The imported document's name. */
  readonly name?: string;
  /** How deep `.Include` may nest (default 16). */
  readonly maxDepth?: number;
}

export interface E2guardianProblem {
  readonly file: string;
  /** 1-based; 0 for a problem with the file as a whole. */
  readonly line: number;
  readonly text: string;
  readonly message: string;
  /** `error`: the line was not imported; `warning`: imported (or skipped on purpose) with a remark. */
  readonly severity: 'error' | 'warning';
}

export interface E2guardianCounts {
  files: number;
  lines: number;
  /** Entries imported. */
  imported: number;
  combinations: number;
  /** Entries with a negative weight. */
  goodPhrases: number;
  /** Phrase lines in categories that map to no Haven category. */
  unmapped: number;
  /** Banned or exception phrases (no weight) left out. */
  unweighted: number;
  /** Phrases already imported in the same category (the first is kept, as e2guardian does). */
  duplicates: number;
  errors: number;
  warnings: number;
}

export interface E2guardianImport {
  /** The imported lists; valid for `validatePhraseDocument`. */
  readonly document: PhraseDocument;
  readonly problems: readonly E2guardianProblem[];
  readonly counts: Readonly<E2guardianCounts>;
  /** The files read, in order. */
  readonly files: readonly string[];
  /** Phrase lines left out because their category is not a Haven category, per file. */
  readonly unmapped: readonly { file: string; category: string; phrases: number }[];
}

/** One e2guardian phrase as Haven writes it. */
export interface E2guardianPhrase {
  /** As written between `<` and `>`. */
  readonly raw: string;
  /** In Haven's syntax: `kill*`, `murder`. Empty when nothing is left to match. */
  readonly phrase: string;
}

export type E2guardianLine =
  | { readonly kind: 'blank' }
  | { readonly kind: 'comment' }
  | { readonly kind: 'category'; readonly name: string }
  | { readonly kind: 'include'; readonly path: string }
  | {
      readonly kind: 'phrase';
      readonly parts: readonly E2guardianPhrase[];
      /** Undefined for a banned or exception phrase. */
      readonly weight: number | undefined;
      readonly percent: boolean;
      /** Text after the weight that e2guardian ignores (not a ` #` comment). */
      readonly trailing: string | undefined;
    }
  | { readonly kind: 'error'; readonly message: string };

/**
 * The text of a list file's bytes: UTF-8 when it is valid UTF-8, else `fallback` (Windows-1252 by
 * default, which is what e2guardian's Western European lists use; pass e.g. `shift_jis` or
 * `koi8-r` for lists in those encodings — the encoding cannot be told from the bytes alone).
 */
export function decodeListBytes(bytes: Uint8Array, fallback = 'windows-1252'): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder(fallback).decode(bytes);
  }
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

/** An e2guardian phrase in Haven's syntax: word edges kept, an open end → `*`. */
export function e2guardianPhrase(raw: string): E2guardianPhrase {
  const lower = raw.toLowerCase();
  const stem = lower.trim().replace(/\s+/gu, ' ');
  const words = phraseWords(stem);
  const last = words.at(-1);
  const openEnd = !/\s$/u.test(lower);
  const endsInWord = /[\p{L}\p{N}]$/u.test(stem);
  const prefix =
    openEnd && endsInWord && last !== undefined && last.text.length >= MIN_PREFIX_LENGTH;
  const phrase = words.length === 0 ? '' : prefix ? `${stem}*` : stem;
  return { raw, phrase };
}

const WEIGHT = /^(-?\d+)(%?)$/u;

/** Reads one line of an e2guardian phrase list. */
export function parseE2guardianLine(source: string): E2guardianLine {
  const line = source.replace(/^\ufeff/u, '').trim();
  if (line === '') return { kind: 'blank' };
  if (line.startsWith('#')) {
    const header = /^#\s*listcategory:\s*"?([^"]*)"?/iu.exec(line);
    if (header) return { kind: 'category', name: (header[1] ?? '').trim() };
    return { kind: 'comment' };
  }
  if (line.startsWith('.')) {
    const include = /^\.include<([^>]*)>/iu.exec(line);
    if (include && (include[1] ?? '').trim() !== '')
      return { kind: 'include', path: (include[1] ?? '').trim() };
    return { kind: 'error', message: 'expected .Include</path/to/list>' };
  }
  if (!line.startsWith('<'))
    return { kind: 'error', message: 'not a phrase line: expected <phrase><weight>' };
  const groups: { text: string; comma: boolean }[] = [];
  let pos = 0;
  let comma = false;
  for (;;) {
    if (line[pos] !== '<') break;
    const close = line.indexOf('>', pos + 1);
    const open = line.indexOf('<', pos + 1);
    if (close < 0 || (open >= 0 && open < close))
      return { kind: 'error', message: 'a < without its >' };
    groups.push({ text: line.slice(pos + 1, close), comma });
    pos = close + 1;
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
    comma = line[pos] === ',';
    if (comma) {
      pos++;
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
      if (line[pos] !== '<') return { kind: 'error', message: 'a , not followed by <phrase>' };
    }
  }
  const rest = line.slice(pos).trim();
  const lastGroup = groups.at(-1);
  let weight: number | undefined;
  let percent = false;
  let phrases = groups;
  const numeric = lastGroup ? WEIGHT.exec(lastGroup.text.trim()) : null;
  if (groups.length >= 2 && lastGroup && !lastGroup.comma && numeric) {
    weight = Number(numeric[1]);
    percent = numeric[2] === '%';
    phrases = groups.slice(0, -1);
    if (weight === 0) weight = undefined;
  }
  if (phrases.some((group, index) => index > 0 && !group.comma))
    return {
      kind: 'error',
      message: 'phrases of a combination are joined by , and the weight must be a whole number',
    };
  const parts = phrases.map((group) => e2guardianPhrase(group.text));
  const trailing = rest === '' || rest.startsWith('#') ? undefined : rest;
  return { kind: 'phrase', parts, weight, percent, trailing };
}

function categoryKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\([^)]*\)?/gu, '')
    .replace(/[^a-z0-9]/gu, '');
}

function pathParts(path: string): string[] {
  return path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => part.toLowerCase());
}

function languageOf(path: string, header: string | undefined): string | undefined {
  const fromHeader = header ? /\(([^)]*)\)?/u.exec(header)?.[1] : undefined;
  const words = [
    ...(fromHeader ?? '').toLowerCase().split(/[^a-z0-9]+/u),
    ...pathParts(path)
      .reverse()
      .flatMap((part) => part.split(/[_.-]+/u)),
  ];
  for (const word of words) {
    const code = E2GUARDIAN_LANGUAGES[word];
    if (code !== undefined) return code;
  }
  return undefined;
}

function resolveInclude(from: string, path: string): string {
  if (path.startsWith('/')) return path;
  const base = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  const out: string[] = [];
  for (const part of `${base}${path}`.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.') out.push(part);
  }
  return out.join('/');
}

/** `/etc/e2guardian/lists/phraselists/violence/weighted` → `violence/weighted`. */
function shortName(path: string): string {
  const at = path.lastIndexOf('/phraselists/');
  return at >= 0 ? path.slice(at + '/phraselists/'.length) : path;
}

interface Bucket {
  readonly entries: PhraseEntry[];
  readonly keys: Set<string>;
  readonly files: Set<string>;
}

/**
 * Imports the list at `path` and every list it includes. Each bad line is a problem with its
 * file and line; the rest is imported.
 */
export function importE2guardianPhrases(
  path: string,
  options: E2guardianImportOptions,
): E2guardianImport {
  const categories: Readonly<Record<string, PhraseListCategory | null>> = {
    ...E2GUARDIAN_CATEGORIES,
    ...options.categories,
  };
  const limit = options.naughtynessLimit ?? 50;
  const maxDepth = options.maxDepth ?? 16;
  const problems: E2guardianProblem[] = [];
  const counts: E2guardianCounts = {
    files: 0,
    lines: 0,
    imported: 0,
    combinations: 0,
    goodPhrases: 0,
    unmapped: 0,
    unweighted: 0,
    duplicates: 0,
    errors: 0,
    warnings: 0,
  };
  const files: string[] = [];
  const buckets = new Map<PhraseListCategory, Bucket>();
  const unmapped = new Map<string, { file: string; category: string; phrases: number }>();

  const problem = (
    file: string,
    line: number,
    text: string,
    message: string,
    severity: 'error' | 'warning',
  ) => {
    problems.push({ file, line, text, message, severity });
    if (severity === 'error') counts.errors++;
    else counts.warnings++;
  };

  /** The category a folder of the path names, if any (null = a known non-Haven category). */
  const folderCategory = (
    file: string,
  ): { key: string; category: PhraseListCategory | null } | undefined => {
    for (const part of pathParts(file).reverse()) {
      const key = categoryKey(part);
      if (key in categories) return { key, category: categories[key] ?? null };
    }
    return undefined;
  };

  const readList = (
    file: string,
    inherited: { key: string; category: PhraseListCategory | null } | undefined,
    stack: readonly string[],
    from: { file: string; line: number; text: string } | undefined,
  ): void => {
    const fail = (message: string) =>
      from
        ? problem(from.file, from.line, from.text, message, 'error')
        : problem(file, 0, '', message, 'error');
    if (stack.includes(file)) return fail(`include loop: ${[...stack, file].join(' → ')}`);
    if (stack.length >= maxDepth) return fail(`includes nested more than ${maxDepth} deep`);
    const text = options.read(file);
    if (text === undefined) return fail(`cannot read ${file}`);
    files.push(file);
    counts.files++;
    const name = shortName(file);
    const folder = folderCategory(file);
    let header: string | undefined;
    let current = folder ?? inherited;
    const lines = text.split(/\r?\n/u);
    lines.forEach((source, index) => {
      const lineNo = index + 1;
      const parsed = parseE2guardianLine(source);
      if (parsed.kind === 'blank' || parsed.kind === 'comment') {
        if (/^#\s*time:/iu.test(source.trim()))
          problem(name, lineNo, source, 'time limits (#time:) are not imported', 'warning');
        return;
      }
      counts.lines++;
      switch (parsed.kind) {
        case 'error':
          problem(name, lineNo, source, parsed.message, 'error');
          return;
        case 'category': {
          header = parsed.name;
          if (!folder) {
            const key = categoryKey(parsed.name);
            if (key in categories) current = { key, category: categories[key] ?? null };
            else current = inherited;
          }
          return;
        }
        case 'include':
          readList(resolveInclude(file, parsed.path), current, [...stack, file], {
            file: name,
            line: lineNo,
            text: source,
          });
          return;
        case 'phrase':
          addPhrase(parsed, name, file, lineNo, source, current, header);
      }
    });
  };

  const addPhrase = (
    parsed: Extract<E2guardianLine, { kind: 'phrase' }>,
    name: string,
    file: string,
    lineNo: number,
    source: string,
    current: { key: string; category: PhraseListCategory | null } | undefined,
    header: string | undefined,
  ): void => {
    const empty = parsed.parts.find((part) => part.phrase === '');
    if (empty) {
      problem(name, lineNo, source, `<${empty.raw}> has no letters or digits to match`, 'error');
      return;
    }
    if (parsed.parts.length > MAX_COMBINATION) {
      problem(
        name,
        lineNo,
        source,
        `a combination of more than ${MAX_COMBINATION} phrases is not supported`,
        'error',
      );
      return;
    }
    const category = current?.category ?? null;
    if (category === null) {
      counts.unmapped++;
      const label = current?.key ?? (header ? categoryKey(header) || header : '(none)');
      const tally = unmapped.get(name) ?? { file: name, category: label, phrases: 0 };
      tally.phrases++;
      unmapped.set(name, tally);
      return;
    }
    if (parsed.trailing !== undefined)
      problem(name, lineNo, source, `"${parsed.trailing}" after the weight is ignored`, 'warning');
    let weight = parsed.weight;
    if (weight === undefined) {
      if (options.bannedWeight === undefined || category === 'general') {
        counts.unweighted++;
        problem(
          name,
          lineNo,
          source,
          'a phrase without a weight (banned or exception phrase) is not imported',
          'warning',
        );
        return;
      }
      weight = options.bannedWeight;
    } else if (parsed.percent) {
      weight = Math.round((weight * limit) / 100);
    }
    if (weight === 0) {
      problem(name, lineNo, source, 'the weight comes to 0: not imported', 'warning');
      return;
    }
    if (Math.abs(weight) > MAX_WEIGHT) {
      problem(name, lineNo, source, `weight ${weight} cut to ±${MAX_WEIGHT}`, 'warning');
      weight = Math.sign(weight) * MAX_WEIGHT;
    }
    if (category === 'general' && weight > 0) {
      problem(
        name,
        lineNo,
        source,
        'a positive weight in a good-phrase list: not imported (the general list lowers scores only)',
        'warning',
      );
      return;
    }
    const phrases = [...new Map(parsed.parts.map((p) => [phraseKey(p.phrase), p.phrase])).values()];
    const entry: PhraseEntry =
      phrases.length === 1
        ? { phrase: phrases[0] ?? '', weight, language: 'en' }
        : { all: phrases, weight, language: 'en' };
    const key = entryKey(entry);
    let bucket = buckets.get(category);
    if (!bucket) {
      bucket = { entries: [], keys: new Set(), files: new Set() };
      buckets.set(category, bucket);
    }
    if (bucket.keys.has(key)) {
      counts.duplicates++;
      return;
    }
    bucket.keys.add(key);
    bucket.files.add(name);
    bucket.entries.push({
      ...entry,
      language: languageOf(file, header) ?? 'en',
      source: `e2guardian ${name}:${lineNo}`,
    });
    counts.imported++;
    if (phrases.length > 1) counts.combinations++;
    if (weight < 0) counts.goodPhrases++;
  };

  readList(path, undefined, [], undefined);

  const lists = PHRASE_LIST_CATEGORIES.flatMap((category) => {
    const bucket = buckets.get(category);
    if (!bucket) return [];
    return [
      {
        category,
        note: `${PHRASE_CATEGORY_LABELS[category]}, imported from e2guardian: ${[...bucket.files].join(', ')}.`,
        entries: bucket.entries,
      },
    ];
  });
  return {
    document: {
      schemaVersion: PHRASE_SCHEMA_VERSION,
      name: options.name ?? `Imported from e2guardian (${shortName(path)})`,
      version: 1,
      note: 'Weights are e2guardian’s, which are calibrated for a naughtiness limit of 50–160; review them against Haven’s scale (100 = a concern on its own) before use.',
      lists,
    },
    problems,
    counts,
    files,
    unmapped: [...unmapped.values()],
  };
}
