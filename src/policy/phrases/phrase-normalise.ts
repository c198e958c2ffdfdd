/**
 * How text is read before phrases are matched (MON-2): one pass over the text that yields
 * **atoms** — runs of letters and digits, normalised — with the position of each in the original
 * text, and how firmly each is separated from the one before it.
 *
 * Per character: Unicode NFKC (fullwidth, ligatures, 𝐦𝐚𝐭𝐡 letters, circled letters → plain),
 * lower case, diacritics stripped (`zabić` → `zabic`, `sinucidere` with ș/ş → `s`), a few letters
 * that do not decompose mapped by hand (`ł` → `l`, `ß` → `ss`), Arabic-script variants folded
 * (Arabic `ي ك ه` → Urdu `ی ک ہ`'s common form, harakat dropped), apostrophes, zero-width
 * characters, soft hyphens and tatweel removed without a break (`don't` → `dont`), and zalgo marks
 * dropped. Marks that carry vowels in Indic scripts are kept.
 *
 * Between atoms:
 * - a **weak** break — `-`, `_`, `.`, `*`, `~`, a camelCase step (`HowToDie` → how|to|die), or
 *   spaces between single letters (`s u i c i d e`) — may be closed up by the matcher, so that
 *   `su-i-cide`, `s.u.i.c.i.d.e` and `s u i c i d e` read as `suicide`;
 * - a **strong** break — white space between words, other punctuation, `+`, `/`, `?`, `=`, `&` —
 *   never is: `hero in` is not `heroin`.
 *
 * `%XX` escapes are decoded (`how%20to` → how|to, `%C5%BC` → `ż`). Leetspeak symbols count as
 * letters inside a word (`k!ll`, `sh@re`, `$uicide`); digits are decoded by the matcher
 * (`leetForms`), which keeps the plain form too (`9mm` stays `9mm`).
 */

/** One run of letters and digits. Offsets are UTF-16 indexes into the original text. */
export interface Atom {
  /** Normalised: lower case, no diacritics, leetspeak symbols decoded; digits kept. */
  readonly text: string;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** True when the break before this atom is weak (it may be joined to the atom before). */
  readonly weak: boolean;
}

/** A word of a phrase as written in a list: `kill` (whole word) or `kill*` (`prefix`). */
export interface PhraseWord {
  readonly text: string;
  readonly prefix: boolean;
}

const WORD = 0;
const ELIDE = 1;
const JOIN = 2;
const SPACE = 3;
const SYMBOL = 4;

interface CharInfo {
  readonly kind: number;
  /** Normalised text of a letter, digit or symbol. */
  readonly text: string;
  readonly upper: boolean;
  readonly lower: boolean;
  readonly letter: boolean;
  readonly latin: boolean;
  /** The Latin letter a Cyrillic or Greek look-alike stands for inside a Latin word. */
  readonly confusable: string | undefined;
  readonly whitespace: boolean;
}

/** Removed without a break. */
const ELIDED = new Set([
  "'",
  '’',
  '‘',
  'ʼ',
  '`',
  '´',
  '\u00ad', // soft hyphen
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u0640', // Arabic tatweel (kashida), used to stretch words
]);

/** Weak breaks. */
const JOINERS = new Set(['-', '_', '.', '*', '~', '·', '•', '‐', '‑', '‒', '–', '—', '―', '⁃']);

/** Leetspeak symbols: letters inside a word, breaks elsewhere. */
const SYMBOLS: ReadonlyMap<string, string> = new Map([
  ['@', 'a'],
  ['$', 's'],
  ['!', 'i'],
  ['¡', 'i'],
  ['|', 'l'],
  ['€', 'e'],
]);

/** Symbols that may start a word when a letter follows (`$uicide`, `@ss`). */
const LEADING_SYMBOLS = new Set(['a', 's']);

/** Letters that Unicode does not decompose into a base letter and a mark. */
const SPECIAL: ReadonlyMap<string, string> = new Map([
  ['ß', 'ss'],
  ['ł', 'l'],
  ['đ', 'd'],
  ['ð', 'd'],
  ['ø', 'o'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ı', 'i'],
  ['þ', 'th'],
  ['ħ', 'h'],
  ['ŧ', 't'],
  ['ƚ', 'l'],
  ['ς', 'σ'],
  // Arabic script: the forms an Arabic keyboard types for Urdu letters.
  ['ي', 'ی'],
  ['ى', 'ی'],
  ['ك', 'ک'],
  ['ہ', 'ه'],
  ['ە', 'ه'],
  ['ة', 'ه'],
]);

/** Cyrillic and Greek letters that pass for Latin ones (`suіcide` with a Cyrillic і). */
const CONFUSABLES: ReadonlyMap<string, string> = new Map([
  ['а', 'a'],
  ['в', 'b'],
  ['е', 'e'],
  ['ё', 'e'],
  ['к', 'k'],
  ['м', 'm'],
  ['н', 'h'],
  ['о', 'o'],
  ['р', 'p'],
  ['с', 'c'],
  ['т', 't'],
  ['у', 'y'],
  ['х', 'x'],
  ['і', 'i'],
  ['ї', 'i'],
  ['ј', 'j'],
  ['ѕ', 's'],
  ['ԁ', 'd'],
  ['ӏ', 'l'],
  ['һ', 'h'],
  ['ԛ', 'q'],
  ['ԝ', 'w'],
  ['α', 'a'],
  ['β', 'b'],
  ['ε', 'e'],
  ['ι', 'i'],
  ['κ', 'k'],
  ['ν', 'v'],
  ['ο', 'o'],
  ['ρ', 'p'],
  ['τ', 't'],
  ['υ', 'u'],
  ['χ', 'x'],
]);

/** Combining marks dropped after NFD: Latin/Greek/Cyrillic diacritics, Arabic harakat, zalgo. */
const STRIPPED_MARKS: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x0483, 0x0489],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x0670, 0x0670],
  [0x06d6, 0x06dc],
  [0x06df, 0x06e4],
  [0x06e7, 0x06e8],
  [0x06ea, 0x06ed],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
];

function isStrippedMark(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return STRIPPED_MARKS.some(([from, to]) => code >= from && code <= to);
}

const WORD_CHARS = /^[\p{L}\p{N}\p{M}]+$/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
const WHITESPACE = /^\s+$/u;

function info(
  kind: number,
  text = '',
  flags: Partial<Omit<CharInfo, 'kind' | 'text'>> = {},
): CharInfo {
  return {
    kind,
    text,
    upper: flags.upper ?? false,
    lower: flags.lower ?? false,
    letter: flags.letter ?? false,
    latin: flags.latin ?? false,
    confusable: flags.confusable,
    whitespace: flags.whitespace ?? false,
  };
}

function classify(ch: string): CharInfo {
  if (ELIDED.has(ch)) return info(ELIDE);
  const symbol = SYMBOLS.get(ch);
  if (symbol !== undefined) return info(SYMBOL, symbol);
  if (JOINERS.has(ch)) return info(JOIN);
  const compatible = ch.normalize('NFKC');
  const lowered = compatible.toLowerCase();
  let text = '';
  for (const c of lowered.normalize('NFD')) if (!isStrippedMark(c)) text += SPECIAL.get(c) ?? c;
  if (text === '') return info(ELIDE);
  if (WORD_CHARS.test(text)) {
    const letter = LETTER.test(text);
    return info(WORD, text, {
      upper: letter && lowered !== compatible,
      lower: letter && lowered === compatible && compatible !== compatible.toUpperCase(),
      letter,
      latin: LATIN.test(text),
      confusable: CONFUSABLES.get(text),
    });
  }
  if (WHITESPACE.test(text)) return info(SPACE, '', { whitespace: true });
  if (JOINERS.has(text)) return info(JOIN);
  const decoded = SYMBOLS.get(text);
  if (decoded !== undefined) return info(SYMBOL, decoded);
  return info(SPACE);
}

const ASCII: readonly CharInfo[] = Array.from({ length: 128 }, (_, code) =>
  classify(String.fromCharCode(code)),
);
const CACHE = new Map<number, CharInfo>();
const CACHE_LIMIT = 1 << 16;

function classifyCodePoint(code: number): CharInfo {
  if (code < 128) return ASCII[code] ?? info(SPACE);
  const cached = CACHE.get(code);
  if (cached) return cached;
  const result = classify(String.fromCodePoint(code));
  if (CACHE.size < CACHE_LIMIT) CACHE.set(code, result);
  return result;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes the `%XX` run at `from`, or undefined when there is none or it is not UTF-8. */
function percentRun(text: string, from: number): { text: string; end: number } | undefined {
  const bytes: number[] = [];
  let i = from;
  while (i + 2 < text.length && text.charCodeAt(i) === 37) {
    const high = hexValue(text.charCodeAt(i + 1));
    const low = hexValue(text.charCodeAt(i + 2));
    if (high < 0 || low < 0) break;
    bytes.push(high * 16 + low);
    i += 3;
  }
  if (bytes.length === 0) return undefined;
  try {
    return { text: UTF8.decode(new Uint8Array(bytes)), end: i };
  } catch {
    return undefined;
  }
}

/** Gaps of this many characters or fewer between single letters are weak (`s  u  i`). */
const SPACED_LETTER_GAP = 3;

class Tokeniser {
  readonly atoms: Atom[] = [];
  private cur = '';
  private curChars = 0;
  private curStart = 0;
  private curEnd = 0;
  private curLatin = false;
  private curConfusable = false;
  private curWeak = false;
  private curSpacey = false;
  private singles: boolean[] = [];
  private spacey: boolean[] = [];
  private prevLower = false;
  /** 0 = no break yet, 1 = weak, 2 = strong. */
  private gap = 0;
  private gapChars = 0;
  private gapOnlySpace = true;
  private pending: { info: CharInfo; start: number; end: number } | undefined;

  feed(ch: CharInfo, start: number, end: number): void {
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      const inWord =
        ch.kind === WORD &&
        (this.curChars > 0 || (ch.letter && LEADING_SYMBOLS.has(pending.info.text)));
      if (inWord) this.word(pending.info, pending.start, pending.end);
      else this.separator(false, false);
    }
    switch (ch.kind) {
      case WORD:
        if (this.curChars > 0 && ch.upper && this.prevLower) {
          this.flush();
          this.gap = 1;
        }
        this.word(ch, start, end);
        return;
      case ELIDE:
        return;
      case JOIN:
        this.separator(true, true);
        return;
      case SYMBOL:
        this.pending = { info: ch, start, end };
        return;
      default:
        this.separator(false, ch.whitespace);
    }
  }

  finish(): Atom[] {
    if (this.pending) {
      this.pending = undefined;
      this.separator(false, false);
    }
    this.flush();
    const atoms = this.atoms;
    for (let k = 1; k < atoms.length; k++) {
      const atom = atoms[k];
      if (
        atom &&
        !atom.weak &&
        this.singles[k] === true &&
        this.singles[k - 1] === true &&
        this.spacey[k] === true
      ) {
        atoms[k] = { ...atom, weak: true };
      }
    }
    return atoms;
  }

  private word(ch: CharInfo, start: number, end: number): void {
    if (this.curChars === 0) {
      this.curStart = start;
      this.curWeak = this.atoms.length > 0 && this.gap < 2;
      this.curSpacey = this.gapOnlySpace && this.gapChars <= SPACED_LETTER_GAP;
      this.gap = 0;
      this.gapChars = 0;
      this.gapOnlySpace = true;
    }
    this.cur += ch.text;
    this.curChars++;
    this.curEnd = end;
    if (ch.latin) this.curLatin = true;
    if (ch.confusable !== undefined) this.curConfusable = true;
    this.prevLower = ch.lower;
  }

  private separator(weak: boolean, spacey: boolean): void {
    this.flush();
    if (this.gap < (weak ? 1 : 2)) this.gap = weak ? 1 : 2;
    this.gapChars++;
    if (!spacey) this.gapOnlySpace = false;
  }

  private flush(): void {
    if (this.curChars === 0) return;
    let text = this.cur;
    if (this.curLatin && this.curConfusable) {
      let mapped = '';
      for (const c of text) mapped += CONFUSABLES.get(c) ?? c;
      text = mapped;
    }
    this.atoms.push({ text, start: this.curStart, end: this.curEnd, weak: this.curWeak });
    this.singles.push(this.curChars === 1);
    this.spacey.push(this.curSpacey);
    this.cur = '';
    this.curChars = 0;
    this.curLatin = false;
    this.curConfusable = false;
    this.prevLower = false;
  }
}

/** The atoms of `text`, in order. */
export function tokenise(text: string): Atom[] {
  const tokeniser = new Tokeniser();
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 37) {
      const run = percentRun(text, i);
      if (run) {
        for (const c of run.text)
          tokeniser.feed(classifyCodePoint(c.codePointAt(0) ?? 0), i, run.end);
        i = run.end;
        continue;
      }
    }
    if (code < 128) {
      tokeniser.feed(ASCII[code] ?? classifyCodePoint(code), i, i + 1);
      i++;
      continue;
    }
    const point = text.codePointAt(i) ?? code;
    const width = point > 0xffff ? 2 : 1;
    tokeniser.feed(classifyCodePoint(point), i, i + width);
    i += width;
  }
  return tokeniser.finish();
}

/**
 * The words of a phrase as a list writes it: the same reading as the text, every atom a word
 * (`anti-bullying` → anti|bullying), and a `*` at the end of a word for "starts with"
 * (`kill*` matches kill, killer, killing — never skills). Empty when nothing is left.
 */
export function phraseWords(phrase: string): PhraseWord[] {
  const words: PhraseWord[] = [];
  for (const piece of phrase.trim().split(/\s+/u)) {
    const stem = piece.replace(/\*+$/u, '');
    const atoms = tokenise(stem);
    atoms.forEach((atom, index) =>
      words.push({
        text: atom.text,
        prefix: stem !== piece && index === atoms.length - 1,
      }),
    );
  }
  return words;
}

/** A phrase's words as one string: what makes two entries "the same phrase". */
export function phraseKey(phrase: string): string {
  return phraseWords(phrase)
    .map((word) => (word.prefix ? `${word.text}*` : word.text))
    .join(' ');
}

/** The shortest stem a `*` word may have: `ki*` would match half the language. */
export const MIN_PREFIX_LENGTH = 3;

const LEET_DIGITS: ReadonlyMap<string, string> = new Map([
  ['0', 'o'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['7', 't'],
  ['8', 'b'],
  ['9', 'g'],
]);

const HAS_DIGIT = /[0-9]/;
const HAS_NON_DIGIT = /[^0-9]/;

/**
 * The ways a word may be read: as typed, and — when it mixes digits with letters — with the
 * digits read as leetspeak (0→o, 3→e, 4→a, 5→s, 7→t, 8→b, 9→g, 1→i and 1→l). Numbers alone
 * (`2024`, `999`) are read only as numbers.
 */
export function leetForms(word: string): string[] {
  if (!HAS_DIGIT.test(word) || !HAS_NON_DIGIT.test(word)) return [word];
  let asI = '';
  let asL = '';
  for (const c of word) {
    const letter = LEET_DIGITS.get(c);
    asI += letter ?? (c === '1' ? 'i' : c);
    asL += letter ?? (c === '1' ? 'l' : c);
  }
  const forms = [word, asI];
  if (asL !== asI) forms.push(asL);
  return forms;
}

/** True when a letter repeats three times or more in a row (`kiiill`). */
export function isElongated(word: string): boolean {
  let run = 1;
  for (let i = 1; i < word.length; i++) {
    if (word.charCodeAt(i) === word.charCodeAt(i - 1)) {
      run++;
      if (run >= 3) return true;
    } else {
      run = 1;
    }
  }
  return false;
}

/** The word with every run of a repeated letter cut to one (`kiiill` → `kil`, `kill` → `kil`). */
export function skeleton(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    if (i === 0 || word.charCodeAt(i) !== word.charCodeAt(i - 1)) out += word.charAt(i);
  }
  return out;
}

/** True when the word is all letters (misspellings are only looked for in such words). */
export function isLettersOnly(word: string): boolean {
  return !HAS_DIGIT.test(word);
}
