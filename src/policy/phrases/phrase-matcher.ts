import {
  PHRASE_CATEGORIES,
  entryLabel,
  entryPhrases,
  type PhraseCategory,
  type PhraseList,
  type PhraseListCategory,
} from './phrase-list.ts';
import {
  MIN_PREFIX_LENGTH,
  isElongated,
  isLettersOnly,
  leetForms,
  phraseWords,
  skeleton,
  tokenise,
  type Atom,
  type PhraseWord,
} from './phrase-normalise.ts';

/**
 * Scores text against weighted phrase lists (MON-2): `compilePhrases(lists)` builds an immutable
 * index once; `scoreText(index, text)` is pure and returns the total of each category, every
 * phrase that matched (with its position in the original text), the top category and whether a
 * phrase of intent matched.
 *
 * How a text is matched:
 * 1. `tokenise` reads it into normalised atoms with weak and strong breaks
 *    (`phrase-normalise.ts`).
 * 2. Each atom, and each run of atoms joined by weak breaks (`su-i-cide`, `s u i c i d e`,
 *    `HowToDie`), is looked up as a word: exactly (as typed and as leetspeak), as a "starts
 *    with" word (`groom*`), by its skeleton when a letter is stretched (`kiiiill`), and — for
 *    words of 6 letters or more that are not themselves listed — as a misspelling at edit distance
 *    1 through a deletion-neighbourhood index (`sucide`, `suicdie`), unless the typed word is a
 *    real word the lists name in `notMisspellings` (racist is not rapist).
 * 3. A token trie over word ids walks the word hits from each atom to find the phrases; a
 *    phrase of several words typed without spaces (`killmyself`, `#iwanttodie`) is found by its
 *    squashed form.
 * 4. Combinations match when all their parts occur anywhere in the text.
 *
 * Matching is always on whole words: therapist never contains rapist, skills never kill,
 * grape never rape, Scunthorpe never anything.
 */

/** Words shorter than this are never matched as misspellings. */
export const MIN_MISSPELLING_LENGTH = 6;
/** The longest run of weakly joined atoms read as one word. */
const MAX_JOIN_CHARS = 32;
const MAX_JOIN_ATOMS = 24;
/** A phrase of several words typed as one (`killmyself`) is found only when this long. */
const MIN_SQUASHED_LENGTH = 5;

export interface PhraseIndexStats {
  readonly lists: number;
  readonly entries: number;
  /** Distinct phrases (combination parts included). */
  readonly phrases: number;
  /** Distinct whole words and "starts with" words. */
  readonly words: number;
  /** Words that may be matched misspelt. */
  readonly misspellableWords: number;
  /** Keys of the deletion-neighbourhood index. */
  readonly misspellingKeys: number;
}

interface CompiledEntry {
  readonly label: string;
  readonly category: PhraseListCategory;
  readonly weight: number;
  readonly language: string;
  readonly intent: boolean;
  readonly exact: boolean;
  readonly units: readonly number[];
}

interface PrefixNode {
  next: Map<number, PrefixNode> | undefined;
  word: number;
}

interface TrieNode {
  next: Map<number, TrieNode> | undefined;
  units: number[];
}

interface Tables {
  readonly entries: readonly CompiledEntry[];
  /** For each phrase, the entries that need it. */
  readonly unitEntries: readonly (readonly number[])[];
  readonly words: ReadonlyMap<string, number>;
  readonly wordText: readonly string[];
  readonly prefixRoot: PrefixNode;
  readonly skeletons: ReadonlyMap<string, readonly number[]>;
  readonly misspellable: ReadonlyMap<string, number>;
  readonly deletions: ReadonlyMap<string, readonly number[]>;
  readonly squashed: ReadonlyMap<string, readonly number[]>;
  readonly root: TrieNode;
  readonly notMisspellings: ReadonlySet<string>;
  /** Joined atoms longer than this cannot be any listed word or squashed phrase. */
  readonly maxJoinLength: number;
  /** Typed words longer than this cannot be a misspelling of a listed word. */
  readonly maxMisspeltLength: number;
}

/** The compiled lists: build with `compilePhrases`, read with `scoreText`. Immutable. */
export interface PhraseIndex {
  readonly stats: PhraseIndexStats;
  /** Internal tables; read by `scoreText` only. */
  readonly tables: Tables;
}

function deletionsOf(word: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < word.length; k++) out.push(word.slice(0, k) + word.slice(k + 1));
  return out;
}

/**
 * Compiles phrase lists (already validated, e.g. by `validatePhraseDocument`) into an index.
 * Entries whose phrases have no words are left out; everything else is kept as written.
 */
export function compilePhrases(lists: readonly PhraseList[]): PhraseIndex {
  const words = new Map<string, number>();
  const prefixes = new Map<string, number>();
  const wordText: string[] = [];
  const misspellableIds = new Set<number>();
  const prefixRoot: PrefixNode = { next: undefined, word: -1 };
  const root: TrieNode = { next: undefined, units: [] };
  const unitIds = new Map<string, number>();
  const squashed = new Map<string, number[]>();
  const entries: CompiledEntry[] = [];
  const notMisspellings = new Set<string>();
  let unitCount = 0;

  const wordId = (word: PhraseWord, misspellable: boolean): number => {
    if (word.prefix && word.text.length >= MIN_PREFIX_LENGTH) {
      const known = prefixes.get(word.text);
      if (known !== undefined) return known;
      const id = wordText.length;
      wordText.push(`${word.text}*`);
      prefixes.set(word.text, id);
      let node = prefixRoot;
      for (let k = 0; k < word.text.length; k++) {
        const code = word.text.charCodeAt(k);
        node.next ??= new Map();
        let child = node.next.get(code);
        if (!child) {
          child = { next: undefined, word: -1 };
          node.next.set(code, child);
        }
        node = child;
      }
      node.word = id;
      return id;
    }
    let id = words.get(word.text);
    if (id === undefined) {
      id = wordText.length;
      wordText.push(word.text);
      words.set(word.text, id);
    }
    if (misspellable && word.text.length >= MIN_MISSPELLING_LENGTH && isLettersOnly(word.text))
      misspellableIds.add(id);
    return id;
  };

  const unitId = (phrase: string, misspellable: boolean): number | undefined => {
    const parts = phraseWords(phrase);
    if (parts.length === 0) return undefined;
    const ids = parts.map((word) => wordId(word, misspellable));
    const key = ids.join(',');
    const known = unitIds.get(key);
    if (known !== undefined) return known;
    const id = unitCount++;
    unitIds.set(key, id);
    let node = root;
    for (const word of ids) {
      node.next ??= new Map();
      let child = node.next.get(word);
      if (!child) {
        child = { next: undefined, units: [] };
        node.next.set(word, child);
      }
      node = child;
    }
    node.units.push(id);
    if (parts.length > 1 && parts.every((word) => !word.prefix)) {
      const joined = parts.map((word) => word.text).join('');
      if (joined.length >= MIN_SQUASHED_LENGTH) {
        const list = squashed.get(joined);
        if (list) list.push(id);
        else squashed.set(joined, [id]);
      }
    }
    return id;
  };

  for (const list of lists) {
    for (const word of list.notMisspellings ?? [])
      for (const part of phraseWords(word)) notMisspellings.add(part.text);
    for (const entry of list.entries) {
      const units: number[] = [];
      for (const phrase of entryPhrases(entry)) {
        const id = unitId(phrase, entry.exact !== true);
        if (id !== undefined && !units.includes(id)) units.push(id);
      }
      if (units.length === 0) continue;
      entries.push({
        label: entryLabel(entry),
        category: list.category,
        weight: entry.weight,
        language: entry.language,
        intent: entry.intent === true,
        exact: entry.exact === true,
        units,
      });
    }
  }

  const unitEntries: number[][] = Array.from({ length: unitCount }, () => []);
  entries.forEach((entry, index) => {
    for (const unit of entry.units) unitEntries[unit]?.push(index);
  });

  const misspellable = new Map<string, number>();
  const deletions = new Map<string, number[]>();
  const skeletons = new Map<string, number[]>();
  for (const [text, id] of words) {
    const key = skeleton(text);
    const list = skeletons.get(key);
    if (list) list.push(id);
    else skeletons.set(key, [id]);
    if (!misspellableIds.has(id)) continue;
    misspellable.set(text, id);
    for (const deletion of new Set(deletionsOf(text))) {
      const ids = deletions.get(deletion);
      if (ids) ids.push(id);
      else deletions.set(deletion, [id]);
    }
  }

  let longest = 0;
  for (const text of wordText) longest = Math.max(longest, text.length);
  for (const key of squashed.keys()) longest = Math.max(longest, key.length);
  let longestMisspellable = 0;
  for (const text of misspellable.keys())
    longestMisspellable = Math.max(longestMisspellable, text.length);

  return {
    stats: {
      lists: lists.length,
      entries: entries.length,
      phrases: unitCount,
      words: wordText.length,
      misspellableWords: misspellable.size,
      misspellingKeys: deletions.size,
    },
    tables: {
      entries,
      unitEntries,
      words,
      wordText,
      prefixRoot,
      skeletons,
      misspellable,
      deletions,
      squashed,
      root,
      notMisspellings,
      maxJoinLength: Math.min(MAX_JOIN_CHARS, 2 * longest),
      maxMisspeltLength: longestMisspellable + 1,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Scoring

export interface ScoreOptions {
  /**
   * `once` (default): each entry counts once per text, however often it appears (e2guardian's
   * "singular" mode — a page that repeats a word is not worse for it); `each`: every occurrence
   * counts.
   */
  readonly occurrences?: 'once' | 'each';
  /** Match misspellings of words of 6 letters or more (default true). */
  readonly misspellings?: boolean;
}

export interface PhraseMatch {
  /** The entry as the list writes it (`how to kill myself`, `paracetamol + how many`). */
  readonly phrase: string;
  readonly category: PhraseListCategory;
  readonly weight: number;
  readonly language: string;
  readonly intent: boolean;
  /** UTF-16 offset of the first occurrence in the original text. */
  readonly position: number;
  /** End (exclusive) of the first occurrence. */
  readonly end: number;
  /** The original text matched (parts of a combination joined by " … "), for display. */
  readonly text: string;
  /** How many times the entry occurs (a combination: its rarest part). */
  readonly count: number;
  /** True when only a misspelling matched. */
  readonly misspelt: boolean;
}

export interface PhraseScore {
  /** Every category's total: concerns minus good phrases. */
  readonly totals: Readonly<Record<PhraseCategory, number>>;
  /** What matched, in text order. */
  readonly matches: readonly PhraseMatch[];
  /** The category with the highest total above zero, or null. */
  readonly topCategory: PhraseCategory | null;
  /** The total of `topCategory` (0 when there is none). */
  readonly topScore: number;
  /** A phrase of intent matched in a category whose total is still above zero. */
  readonly intent: boolean;
}

interface WordHit {
  readonly end: number;
  readonly word: number;
  fuzzy: boolean;
}

interface Occurrence {
  readonly start: number;
  readonly end: number;
  fuzzy: boolean;
}

/**
 * Letters that people put for each other by mistake: vowels for vowels, letters that sound alike
 * (c/k/s, s/z, g/j, m/n, d/t, b/p, f/v, v/w), and neighbours on a QWERTY keyboard.
 */
const CONFUSED = ((): ReadonlySet<string> => {
  const pairs = new Set<string>();
  const add = (a: string, b: string) => {
    pairs.add(a + b);
    pairs.add(b + a);
  };
  const vowels = 'aeiouy';
  for (const a of vowels) for (const b of vowels) if (a !== b) add(a, b);
  for (const pair of ['ck', 'cs', 'sz', 'kq', 'gj', 'mn', 'dt', 'bp', 'fv', 'vw'])
    add(pair[0] ?? '', pair[1] ?? '');
  const rows = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
  rows.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      const key = row.charAt(c);
      if (c + 1 < row.length) add(key, row.charAt(c + 1));
      const below = rows[r + 1];
      if (below === undefined) continue;
      if (c - 1 >= 0 && c - 1 < below.length) add(key, below.charAt(c - 1));
      if (c < below.length) add(key, below.charAt(c));
    }
  });
  return pairs;
})();

/**
 * True when two equal-length words that start alike differ by one likely slip: one letter put
 * for a similar one (`CONFUSED`), or two neighbours swapped.
 */
function withinOne(listed: string, typed: string): boolean {
  let first = -1;
  let differences = 0;
  for (let k = 0; k < listed.length; k++) {
    if (listed.charCodeAt(k) !== typed.charCodeAt(k)) {
      if (differences === 0) first = k;
      differences++;
      if (differences > 2) return false;
    }
  }
  if (first <= 0) return false;
  if (differences === 1) return CONFUSED.has(listed.charAt(first) + typed.charAt(first));
  return (
    listed.charCodeAt(first) === typed.charCodeAt(first + 1) &&
    listed.charCodeAt(first + 1) === typed.charCodeAt(first)
  );
}

/** Runs of three or more of one letter cut to `keep` (`kiiill`, 1 → `kill`; `killll`, 2 → `kill`). */
function collapseRuns(word: string, keep: number): string {
  let out = '';
  let k = 0;
  while (k < word.length) {
    let end = k + 1;
    while (end < word.length && word.charCodeAt(end) === word.charCodeAt(k)) end++;
    const length = end - k;
    out += word.slice(k, k + (length >= 3 ? keep : length));
    k = end;
  }
  return out;
}

class Scan {
  private readonly hits: (WordHit[] | undefined)[];
  private readonly found = new Map<number, Map<string, Occurrence>>();

  constructor(
    private readonly tables: Tables,
    private readonly atoms: readonly Atom[],
    private readonly misspellings: boolean,
  ) {
    this.hits = new Array<WordHit[] | undefined>(atoms.length);
  }

  run(): Map<number, Map<string, Occurrence>> {
    const atoms = this.atoms;
    for (let i = 0; i < atoms.length; i++) {
      let joined = '';
      for (let j = i; j < atoms.length && j - i < MAX_JOIN_ATOMS; j++) {
        const atom = atoms[j];
        if (!atom || (j > i && !atom.weak)) break;
        joined += atom.text;
        if (j > i && joined.length > this.tables.maxJoinLength) break;
        // Misspellings are looked for in single atoms and in whole runs (`su-i-cde`), not in
        // every part of a long run of single letters.
        const whole = !atoms[i]?.weak && atoms[j + 1]?.weak !== true;
        this.lookup(joined, i, j, j === i || whole);
      }
    }
    const root = this.tables.root;
    for (let i = 0; i < atoms.length; i++) {
      const hits = this.hits[i];
      if (!hits) continue;
      for (const hit of hits) {
        const node = root.next?.get(hit.word);
        if (node) this.walk(node, i, hit.end, hit.fuzzy);
      }
    }
    return this.found;
  }

  private lookup(word: string, i: number, j: number, misspellings: boolean): void {
    const t = this.tables;
    const forms = leetForms(word);
    let exact = false;
    for (const form of forms) {
      const id = t.words.get(form);
      if (id !== undefined) {
        this.hit(i, j, id, false);
        exact = true;
      }
      const units = t.squashed.get(form);
      if (units) for (const unit of units) this.record(unit, i, j, false);
      this.prefixes(form, i, j);
      if (isElongated(form)) {
        for (const id2 of t.skeletons.get(skeleton(form)) ?? []) this.hit(i, j, id2, false);
        this.prefixes(collapseRuns(form, 1), i, j);
        this.prefixes(collapseRuns(form, 2), i, j);
      }
    }
    if (!this.misspellings || !misspellings || exact) return;
    for (const form of forms) {
      if (
        form.length >= MIN_MISSPELLING_LENGTH &&
        form.length <= t.maxMisspeltLength &&
        isLettersOnly(form)
      )
        this.misspelt(form, i, j);
    }
  }

  private prefixes(form: string, i: number, j: number): void {
    let node: PrefixNode | undefined = this.tables.prefixRoot;
    for (let k = 0; k < form.length && node; k++) {
      node = node.next?.get(form.charCodeAt(k));
      if (node && node.word >= 0) this.hit(i, j, node.word, false);
    }
  }

  /**
   * Words at edit distance 1 from `form` (deletion-neighbourhood lookup, then verified). A
   * misspelling keeps the first letter; a changed letter must be a likely slip (`withinOne`).
   */
  private misspelt(form: string, i: number, j: number): void {
    const t = this.tables;
    if (t.notMisspellings.has(form)) return;
    const first = form.charCodeAt(0);
    // The typed word lacks a letter of a listed word.
    for (const id of t.deletions.get(form) ?? []) {
      if (t.wordText[id]?.charCodeAt(0) === first) this.hit(i, j, id, true);
    }
    for (let k = 1; k < form.length; k++) {
      const deletion = form.slice(0, k) + form.slice(k + 1);
      // The typed word has one letter too many.
      const extra = t.misspellable.get(deletion);
      if (extra !== undefined) this.hit(i, j, extra, true);
      // One letter differs, or two neighbours are swapped.
      for (const id of t.deletions.get(deletion) ?? []) {
        const listed = t.wordText[id];
        if (listed !== undefined && listed.length === form.length && withinOne(listed, form))
          this.hit(i, j, id, true);
      }
    }
  }

  private hit(i: number, j: number, word: number, fuzzy: boolean): void {
    let hits = this.hits[i];
    if (!hits) {
      hits = [];
      this.hits[i] = hits;
    }
    for (const known of hits) {
      if (known.end === j && known.word === word) {
        if (!fuzzy) known.fuzzy = false;
        return;
      }
    }
    hits.push({ end: j, word, fuzzy });
  }

  private walk(node: TrieNode, start: number, end: number, fuzzy: boolean): void {
    for (const unit of node.units) this.record(unit, start, end, fuzzy);
    if (!node.next) return;
    const following = this.hits[end + 1];
    if (!following) return;
    for (const hit of following) {
      const child = node.next.get(hit.word);
      if (child) this.walk(child, start, hit.end, fuzzy || hit.fuzzy);
    }
  }

  private record(unit: number, i: number, j: number, fuzzy: boolean): void {
    let occurrences = this.found.get(unit);
    if (!occurrences) {
      occurrences = new Map();
      this.found.set(unit, occurrences);
    }
    const start = this.atoms[i]?.start ?? 0;
    const end = this.atoms[j]?.end ?? start;
    const key = `${start}:${end}`;
    const known = occurrences.get(key);
    if (known) {
      if (!fuzzy) known.fuzzy = false;
    } else {
      occurrences.set(key, { start, end, fuzzy });
    }
  }
}

/** Every category at 0. */
export function emptyTotals(): Record<PhraseCategory, number> {
  const totals = {} as Record<PhraseCategory, number>;
  for (const category of PHRASE_CATEGORIES) totals[category] = 0;
  return totals;
}

/**
 * Scores one text: a search term, a URL, a page title or page text. Pure; the cost grows with
 * the length of the text, not with the size of the lists.
 */
export function scoreText(
  index: PhraseIndex,
  text: string,
  options: ScoreOptions = {},
): PhraseScore {
  const atoms = tokenise(text);
  const found = new Scan(index.tables, atoms, options.misspellings !== false).run();
  const each = options.occurrences === 'each';
  const matches: PhraseMatch[] = [];
  const candidates = new Set<number>();
  for (const unit of found.keys())
    for (const entry of index.tables.unitEntries[unit] ?? []) candidates.add(entry);
  for (const entryIndex of candidates) {
    const entry = index.tables.entries[entryIndex];
    if (!entry) continue;
    const parts: Occurrence[][] = [];
    for (const unit of entry.units) {
      const all = [...(found.get(unit)?.values() ?? [])];
      const usable = entry.exact ? all.filter((o) => !o.fuzzy) : all;
      if (usable.length === 0) break;
      usable.sort((a, b) => a.start - b.start || a.end - b.end);
      parts.push(usable);
    }
    if (parts.length !== entry.units.length) continue;
    const firsts = parts
      .map((occurrences) => occurrences[0])
      .filter((o) => o !== undefined)
      .sort((a, b) => a.start - b.start);
    const earliest = firsts[0];
    if (!earliest) continue;
    matches.push({
      phrase: entry.label,
      category: entry.category,
      weight: entry.weight,
      language: entry.language,
      intent: entry.intent,
      position: earliest.start,
      end: earliest.end,
      text: firsts.map((o) => text.slice(o.start, o.end)).join(' … '),
      count: Math.min(...parts.map((occurrences) => occurrences.length)),
      misspelt: parts.some((occurrences) => occurrences.every((o) => o.fuzzy)),
    });
  }
  matches.sort((a, b) => a.position - b.position || b.weight - a.weight);

  const totals = emptyTotals();
  const concerned = new Set<PhraseCategory>();
  for (const match of matches) {
    if (match.category === 'general') continue;
    totals[match.category] += match.weight * (each ? match.count : 1);
    if (match.weight > 0) concerned.add(match.category);
  }
  for (const match of matches) {
    if (match.category !== 'general') continue;
    for (const category of concerned) totals[category] += match.weight * (each ? match.count : 1);
  }
  let topCategory: PhraseCategory | null = null;
  let topScore = 0;
  for (const category of PHRASE_CATEGORIES) {
    if (totals[category] > topScore) {
      topScore = totals[category];
      topCategory = category;
    }
  }
  const intent = matches.some(
    (match) => match.intent && match.category !== 'general' && totals[match.category] > 0,
  );
  return { totals, matches, topCategory, topScore, intent };
}
