import { GENERAL_WORDS } from './host-words.ts';

/**
 * A host-name classifier for hosts that are in no list (issue 3 point 6). It reads the words in
 * a name — `vulkan-casino.xyz`, `bestcasinobonus.com` (best|casino|bonus), `free-proxy-unblock.tk`
 * — and brand impersonation (`paypal-secure-login.xyz`), and returns a category with a confidence
 * in 0..1 and the words it used.
 *
 * It is general by construction: the vocabulary is what each kind of site calls itself in several
 * languages, not names taken from any list, and every pattern is measured on allow lists before
 * it is turned on (see docs/classifier.md). A decision from the classifier is never "illegal".
 *
 * How a name is read:
 * 1. the public suffix (`co.uk`, `com`, a hosting platform such as `github.io`) is set apart;
 *    the label before it is the registrable name; gTLDs such as `.casino` or `.porn` count as words.
 * 2. each label is cut into tokens at `-`, `_` and digits; a token that is not a word itself is
 *    segmented into known words (category words and a general dictionary) with the fewest
 *    unknown letters.
 * 3. a category word counts fully as a whole token, a little less inside a fully segmented token
 *    (`bestcasino`), and less again inside a partly unknown token — and then only if it is a
 *    distinctive word (`casino`, not `bet` or `sex`, which hide inside `alphabet` and `essex`).
 * 4. the scores of distinct words combine as independent evidence: 1 − Π(1 − weight × quality).
 */

export interface HostClassification {
  readonly category: string;
  /** 0..1 */
  readonly confidence: number;
  /** The words (or signals) that decided, e.g. `["casino", "bonus"]`. */
  readonly tokens: readonly string[];
  /** The pattern that fired. */
  readonly pattern: PatternId;
}

export interface HostClassifier {
  /** Categories this classifier can return. */
  readonly categories: readonly string[];
  classify(host: string): HostClassification | null;
}

export type PatternId =
  | 'gambling-words'
  | 'adult-words'
  | 'circumvention-words'
  | 'brand-impersonation'
  | 'look-alike-brand';

export const PATTERN_IDS: readonly PatternId[] = [
  'gambling-words',
  'adult-words',
  'circumvention-words',
  'brand-impersonation',
  'look-alike-brand',
];

/**
 * Patterns on by default: those whose precision on the allow sets measured ≥ 0.98 (see
 * docs/classifier.md and host-classifier.measure.test.ts, which checks this gate).
 */
export const DEFAULT_PATTERNS: readonly PatternId[] = [
  'gambling-words',
  'adult-words',
  'circumvention-words',
  'brand-impersonation',
];

const PATTERN_CATEGORY: Readonly<Record<PatternId, string>> = {
  'gambling-words': 'gambling',
  'adult-words': 'pornography',
  'circumvention-words': 'circumvention',
  'brand-impersonation': 'phishing',
  'look-alike-brand': 'phishing',
};

interface Word {
  readonly pattern: PatternId;
  readonly weight: number;
  /** Can count inside a partly unknown token (a word that rarely hides inside other words). */
  readonly distinctive: boolean;
}

/**
 * Category vocabulary: `word:weight` (weight = how strongly the word alone says the category);
 * a `!` marks a distinctive word. Supporting words (bonus, spin) have low weights: they only add
 * to a strong word.
 */
const VOCABULARY: Readonly<Partial<Record<PatternId, string>>> = {
  'gambling-words': `
    casino:0.92! casinos:0.92! kasino:0.92! cazino:0.92! kazino:0.92! cassino:0.9! kasyno:0.92! casinoonline:0.95!
    poker:0.88! roulette:0.9! blackjack:0.9! baccarat:0.9! betting:0.9! bookmaker:0.9!
    bookmakers:0.9! bookie:0.8 bookies:0.85 sportsbook:0.93! sportbook:0.9! sportsbet:0.92! gambling:0.93!
    gamble:0.85 slots:0.82! slot:0.6 pokies:0.9! jackpot:0.75! jackpots:0.8! lottery:0.7 lotto:0.7 bingo:0.65
    keno:0.75 togel:0.9! judi:0.7 gacor:0.88! maxwin:0.9! bahis:0.88! apuestas:0.9! scommesse:0.9! wetten:0.6
    stavki:0.85 pachinko:0.85! bet:0.72 bets:0.8 betwin:0.9 freespins:0.8! spins:0.4 spin:0.35
    bonus:0.3 bonuses:0.35 odds:0.45 vegas:0.45 win:0.25 wins:0.3 winner:0.2 jeton:0.5 avtomaty:0.7 igrovye:0.6
    azart:0.6 playcasino:0.95! livecasino:0.95! cash:0.15 lucky:0.25 fortune:0.2 vip:0.15
    royal:0.1 slotgacor:0.95! situs:0.2
  `,
  'adult-words': `
    porn:0.95! porno:0.95! porns:0.95! xxx:0.93! sex:0.82 sexe:0.75 sexo:0.78 sesso:0.78 sexy:0.6
    sexcam:0.95! sexchat:0.95! nude:0.8 nudes:0.85 nudist:0.6 naked:0.72 milf:0.92 milfs:0.93 hentai:0.93!
    fuck:0.85 fucking:0.88 anal:0.6 boobs:0.85 tits:0.82 titties:0.9 pussy:0.85 cock:0.6 slut:0.92 sluts:0.93!
    whore:0.9 whores:0.9 escort:0.72 escorts:0.78 camgirl:0.93! camgirls:0.93! webcams:0.3 cams:0.4 fetish:0.82!
    bdsm:0.93! erotic:0.88! erotica:0.88! erotik:0.88! erotico:0.88! erotica:0.88 hardcore:0.55 nsfw:0.88!
    horny:0.88 cumshot:0.95! blowjob:0.95! gangbang:0.95! threesome:0.8 orgy:0.85 orgasm:0.75
    stripper:0.72 striptease:0.8! playmate:0.5 nackt:0.75 ficken:0.9 geil:0.55 salope:0.92 salopes:0.92
    coquin:0.6 coquine:0.7 coquines:0.7 puta:0.8 putas:0.85 culo:0.5 putain:0.7 hot:0.15 babes:0.45 teens:0.35
    amateur:0.25 mature:0.2 tube:0.2 jav:0.5 camsex:0.95! livesex:0.95! freeporn:0.97!
    se
  `,
  'circumvention-words': `
    proxy:0.88! proxies:0.88! proxys:0.88! webproxy:0.95! unblock:0.9! unblocked:0.9! unblocker:0.95!
    unblocking:0.9! bypass:0.75 anonymizer:0.92! anonymiser:0.92! anonymouse:0.85! anonymous:0.35
    vpn:0.88! vpns:0.88! hideip:0.85! hidemyip:0.9! tunnel:0.45 surf:0.2 unfilter:0.9!
    unfiltered:0.6 glype:0.93! phproxy:0.95! kproxy:0.95! shadowsocks:0.92! 
    socks:0.3 hide:0.3 ip:0.1 mirror:0.15 free:0.05 access:0.1 browse:0.2 anon:0.5
  `,
};

/** Generic top-level domains that say the category by themselves. */
const TLD_WORDS: Readonly<Record<string, string>> = {
  casino: 'gambling-words',
  bet: 'gambling-words',
  poker: 'gambling-words',
  bingo: 'gambling-words',
  lotto: 'gambling-words',
  porn: 'adult-words',
  xxx: 'adult-words',
  sex: 'adult-words',
  adult: 'adult-words',
  sexy: 'adult-words',
};

/** Brands that phishing imitates, with the registrable names they use themselves. */
const BRANDS: Readonly<Record<string, readonly string[]>> = {
  paypal: ['paypal', 'paypalobjects', 'paypal-community', 'paypal-prepaid'],
  apple: ['apple', 'icloud', 'applecard', 'appleid', 'mzstatic', 'apple-cloudkit', 'cdn-apple'],
  icloud: ['icloud', 'apple'],
  appleid: ['apple'],
  microsoft: [
    'microsoft',
    'microsoftonline',
    'microsoftstore',
    'live',
    'office',
    'windows',
    'azure',
    'msn',
    'bing',
    'xbox',
    'skype',
    'sharepoint',
    'onmicrosoft',
    'office365',
    'outlook',
    'microsoft365',
    'msftauth',
  ],
  office365: ['office365', 'office', 'microsoft', 'microsoftonline'],
  outlook: ['outlook', 'live', 'office', 'microsoft', 'office365'],
  hotmail: ['hotmail', 'live', 'microsoft'],
  onedrive: ['onedrive', 'live', 'microsoft'],
  sharepoint: ['sharepoint', 'microsoft'],
  google: [
    'google',
    'googleapis',
    'googleusercontent',
    'googlevideo',
    'googlesyndication',
    'googletagmanager',
    'google-analytics',
    'gstatic',
    'youtube',
    'withgoogle',
    'googlemail',
    'googleblog',
    'googledrive',
  ],
  gmail: ['gmail', 'google', 'googlemail'],
  facebook: [
    'facebook',
    'fb',
    'fbcdn',
    'facebookmail',
    'meta',
    'instagram',
    'whatsapp',
    'messenger',
  ],
  instagram: ['instagram', 'cdninstagram', 'facebook'],
  whatsapp: ['whatsapp', 'facebook'],
  netflix: ['netflix', 'nflxext', 'nflximg', 'nflxvideo', 'nflxso'],
  amazon: [
    'amazon',
    'amazonaws',
    'amazontrust',
    'amazonvideo',
    'media-amazon',
    'ssl-images-amazon',
    'amazon-adsystem',
    'primevideo',
  ],
  ebay: ['ebay', 'ebaystatic', 'ebayimg', 'ebayinc'],
  linkedin: ['linkedin', 'licdn'],
  dropbox: ['dropbox', 'dropboxusercontent', 'dropboxstatic'],
  docusign: ['docusign'],
  adobe: ['adobe', 'adobelogin', 'adobecc', 'typekit', 'adobe-identity'],
  yahoo: ['yahoo', 'yimg', 'yahooapis'],
  coinbase: ['coinbase'],
  binance: ['binance'],
  metamask: ['metamask'],
  blockchain: ['blockchain'],
  trustwallet: ['trustwallet'],
  roblox: ['roblox', 'rbxcdn'],
  discord: ['discord', 'discordapp', 'discordcdn', 'discordstatus'],
  telegram: ['telegram', 'tdesktop'],
  steamcommunity: ['steamcommunity', 'steampowered', 'steamstatic'],
  steampowered: ['steampowered', 'steamcommunity'],
  epicgames: ['epicgames', 'unrealengine'],
  playstation: ['playstation', 'sony'],
  hmrc: ['hmrc', 'gov'],
  dvla: ['dvla', 'gov'],
  royalmail: ['royalmail', 'royalmailgroup'],
  parcelforce: ['parcelforce'],
  evri: ['evri'],
  fedex: ['fedex'],
  dhl: ['dhl'],
  usps: ['usps'],
  hsbc: ['hsbc'],
  barclays: ['barclays', 'barclaycard'],
  barclaycard: ['barclaycard', 'barclays'],
  lloyds: ['lloyds', 'lloydsbank', 'lloydsbankinggroup'],
  lloydsbank: ['lloydsbank', 'lloyds'],
  natwest: ['natwest', 'natwestgroup'],
  santander: ['santander'],
  halifax: ['halifax'],
  nationwide: ['nationwide'],
  monzo: ['monzo'],
  revolut: ['revolut'],
  wellsfargo: ['wellsfargo'],
  bankofamerica: ['bankofamerica', 'bofa'],
  citibank: ['citibank', 'citi'],
  americanexpress: ['americanexpress', 'amex', 'aexp'],
  mastercard: ['mastercard'],
  spotify: ['spotify', 'scdn'],
  tiktok: ['tiktok', 'tiktokcdn', 'tiktokv', 'byteoversea'],
  snapchat: ['snapchat', 'snap', 'sc-cdn'],
  openai: ['openai', 'chatgpt'],
  chatgpt: ['chatgpt', 'openai'],
};

/** Words that phishing pages put next to a brand. */
const LURE_WORDS = new Set(
  `login logon signin sign verify verification verified secure security account accounts update updates auth
   authenticate authentication billing confirm confirmation unlock unlocked recovery recover restore wallet
   support helpdesk password passcode validate validation suspended suspend locked alert alerts notice
   webscr session customer customers refund refunds claim payment payments invoice banking online service
   services reactivate activation activate limited limit resolve resolution center centre portal id
   identity access appeal appeals review reward rewards gift prize delivery parcel tracking redelivery fee
   fees tax rebate`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/** TLDs and free hosting platforms often used for throw-away phishing and proxy sites. */
const ABUSED_TLDS = new Set(
  'xyz top tk ml ga cf gq buzz icu club online site live shop cfd sbs click link rest bond cyou monster quest mom lol pw work support help info'.split(
    ' ',
  ),
);

/** Hosting platforms whose customers get a subdomain: the label before them is the "registrable" name. */
const PLATFORM_SUFFIXES = new Set(
  `blogspot.com wordpress.com github.io gitlab.io netlify.app vercel.app pages.dev workers.dev web.app
   firebaseapp.com herokuapp.com glitch.me 000webhostapp.com weebly.com wixsite.com webflow.io square.site
   godaddysites.com azurewebsites.net cloudfront.net appspot.com r2.dev repl.co onrender.com fly.dev ngrok.io
   ngrok-free.app duckdns.org ddns.net no-ip.org sites.google.com framer.app myshopify.com mystrikingly.com
   wixstudio.io carrd.co notion.site gitbook.io ipfs.io translate.goog`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

const SECOND_LEVEL = new Set([
  'co',
  'com',
  'org',
  'net',
  'ac',
  'gov',
  'edu',
  'gob',
  'gouv',
  'or',
  'ne',
  'go',
  'mil',
  'nic',
  'sch',
  'ltd',
  'plc',
  'nhs',
  'police',
  'me',
  'asso',
  'nom',
  'info',
  'biz',
  'int',
  'mod',
  'res',
  'lg',
  'gen',
]);

const MAX_WORD = 16;

/** Symbol of a character for the scanner: a–z, 0–9, `-`, anything else. */
function symbolOf(c: number): number {
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 48 && c <= 57) return c - 22;
  if (c === 45) return 36;
  return 37;
}

const SYMBOLS = 38;

/**
 * An Aho–Corasick automaton over the trigger words, as a flat transition table: `test(host)`
 * says in one pass, without allocating, whether the host contains any of the words. Most hosts
 * contain none, and the classifier stops there.
 */
class WordScanner {
  private readonly next: Int32Array;
  private readonly accepts: Uint8Array;

  constructor(words: readonly string[]) {
    const children: Map<number, number>[] = [new Map()];
    const accepting: boolean[] = [false];
    for (const word of words) {
      let state = 0;
      for (let i = 0; i < word.length; i++) {
        const sym = symbolOf(word.charCodeAt(i));
        const edges = children[state] ?? new Map<number, number>();
        let to = edges.get(sym);
        if (to === undefined) {
          to = children.length;
          children.push(new Map());
          accepting.push(false);
          edges.set(sym, to);
        }
        state = to;
      }
      if (word.length > 0) accepting[state] = true;
    }
    const n = children.length;
    const next = new Int32Array(n * SYMBOLS);
    const accepts = new Uint8Array(n);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let sym = 0; sym < SYMBOLS; sym++) {
      const to = children[0]?.get(sym);
      if (to !== undefined) {
        next[sym] = to;
        fail[to] = 0;
        queue.push(to);
      }
    }
    for (let k = 0; k < n; k++) accepts[k] = accepting[k] === true ? 1 : 0;
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0;
      if (accepts[fail[state] ?? 0] === 1) accepts[state] = 1;
      for (let sym = 0; sym < SYMBOLS; sym++) {
        const to = children[state]?.get(sym);
        if (to === undefined) {
          next[state * SYMBOLS + sym] = next[(fail[state] ?? 0) * SYMBOLS + sym] ?? 0;
        } else {
          next[state * SYMBOLS + sym] = to;
          fail[to] = next[(fail[state] ?? 0) * SYMBOLS + sym] ?? 0;
          queue.push(to);
        }
      }
    }
    this.next = next;
    this.accepts = accepts;
  }

  test(text: string): boolean {
    const next = this.next;
    const accepts = this.accepts;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = next[state * SYMBOLS + symbolOf(text.charCodeAt(i))] ?? 0;
      if (accepts[state] === 1) return true;
    }
    return false;
  }
}

interface Piece {
  readonly text: string;
  readonly known: boolean;
}

/** Host parts: labels before the public suffix, the registrable label, the TLD. */
interface HostParts {
  readonly labels: readonly string[];
  readonly registrable: string;
  readonly tld: string;
  readonly platform: boolean;
  /** Under a suffix that only vetted institutions can register (`ac.uk`, `gov.uk`, `.edu`, …). */
  readonly restricted: boolean;
}

/** Second-level labels and TLDs whose registrations are restricted to vetted institutions. */
const RESTRICTED_SECOND_LEVEL = new Set([
  'ac',
  'gov',
  'edu',
  'sch',
  'nhs',
  'police',
  'mil',
  'gouv',
  'gob',
  'mod',
]);
const RESTRICTED_TLDS = new Set(['edu', 'gov', 'mil', 'int']);

function splitHost(host: string): HostParts | null {
  const labels = host.split('.').filter((l) => l.length > 0);
  if (labels.length < 2) return null;
  const last = labels[labels.length - 1] ?? '';
  if (/^\d+$/.test(last) || host.includes(':')) return null; // IP address
  let suffixLength = 1;
  let platform = false;
  for (let k = Math.min(3, labels.length - 1); k >= 2; k--) {
    const suffix = labels.slice(-k).join('.');
    if (PLATFORM_SUFFIXES.has(suffix)) {
      suffixLength = k;
      platform = true;
      break;
    }
  }
  if (!platform) {
    const second = labels[labels.length - 2] ?? '';
    if (labels.length >= 3 && last.length === 2 && SECOND_LEVEL.has(second)) suffixLength = 2;
    // blogspot.<cc>, blogspot.com.<cc>
    if (second === 'blogspot' || (labels[labels.length - 3] === 'blogspot' && suffixLength === 2)) {
      suffixLength = second === 'blogspot' ? 2 : 3;
      platform = true;
    }
  }
  const own = labels.slice(0, labels.length - suffixLength);
  if (own.length === 0) return null;
  const restricted =
    RESTRICTED_TLDS.has(last) ||
    (suffixLength === 2 &&
      !platform &&
      RESTRICTED_SECOND_LEVEL.has(labels[labels.length - 2] ?? ''));
  return { labels: own, registrable: own[own.length - 1] ?? '', tld: last, platform, restricted };
}

/** Cuts a label into tokens at `-`, `_` and digits (e.g. `vulkan-casino24` → vulkan, casino). */
function tokensOf(label: string): string[] {
  return label.split(/[-_0-9]+/).filter((t) => t.length > 0);
}

interface Match {
  readonly word: string;
  readonly pattern: PatternId;
  readonly score: number;
}

export interface ClassifierOptions {
  /** Patterns to run; default `DEFAULT_PATTERNS`. */
  readonly patterns?: readonly PatternId[];
}

/** The full reading of a host (for tests, measurement and `haven explain`). */
export interface HostReading {
  /** Scores per pattern (0 when nothing matched). */
  readonly scores: Readonly<Record<PatternId, number>>;
  readonly words: Readonly<Record<PatternId, readonly string[]>>;
}

class Classifier implements HostClassifier {
  readonly categories: readonly string[];
  private readonly enabled: ReadonlySet<PatternId>;
  private readonly vocabulary = new Map<string, Word>();
  private readonly dictionary: Set<string>;
  private readonly trigger: WordScanner;
  private readonly brandDeletes = new Map<string, string>();

  constructor(options: ClassifierOptions) {
    this.enabled = new Set(options.patterns ?? DEFAULT_PATTERNS);
    this.categories = [...new Set([...this.enabled].map((p) => PATTERN_CATEGORY[p]))];
    for (const [pattern, text] of Object.entries(VOCABULARY) as [PatternId, string][]) {
      for (const item of text.split(/\s+/)) {
        const m = /^([a-z]+):([0-9.]+)(!?)$/.exec(item);
        if (m === null) continue;
        const word = m[1] ?? '';
        if (!this.vocabulary.has(word)) {
          this.vocabulary.set(word, { pattern, weight: Number(m[2]), distinctive: m[3] === '!' });
        }
      }
    }
    this.dictionary = new Set(GENERAL_WORDS);
    for (const w of this.vocabulary.keys()) this.dictionary.add(w);
    for (const w of Object.keys(BRANDS)) this.dictionary.add(w);
    for (const w of LURE_WORDS) if (w.length >= 3) this.dictionary.add(w);
    // hosts with none of these substrings cannot match a word pattern: skip them fast
    const triggers = [...this.vocabulary.entries()]
      .filter(([, w]) => w.weight >= 0.5 && this.enabled.has(w.pattern))
      .map(([word]) => word);
    if (this.enabled.has('brand-impersonation')) triggers.push(...Object.keys(BRANDS));
    for (const [tld, pattern] of Object.entries(TLD_WORDS))
      if (this.enabled.has(pattern as PatternId)) triggers.push(`.${tld}`);
    this.trigger = new WordScanner(triggers);
    if (this.enabled.has('look-alike-brand')) {
      for (const brand of Object.keys(BRANDS)) {
        if (brand.length < 6) continue;
        for (let i = 0; i < brand.length; i++) {
          this.brandDeletes.set(brand.slice(0, i) + brand.slice(i + 1), brand);
        }
      }
    }
  }

  classify(host: string): HostClassification | null {
    if (this.brandDeletes.size === 0 && !this.trigger.test(host)) return null;
    const parts = splitHost(host);
    if (parts === null) return null;
    const reading = this.readParts(parts);
    let best: PatternId | null = null;
    let bestScore = 0;
    for (const p of PATTERN_IDS) {
      const score = reading.scores[p];
      if (this.enabled.has(p) && score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    if (best === null || bestScore < 0.5) return null;
    return {
      category: PATTERN_CATEGORY[best],
      confidence: Math.round(bestScore * 1000) / 1000,
      tokens: reading.words[best],
      pattern: best,
    };
  }

  /** Scores every pattern (enabled or not) for a host. */
  read(host: string): HostReading {
    const parts = splitHost(host.toLowerCase());
    if (parts === null) return this.emptyReading();
    return this.readParts(parts);
  }

  private emptyReading(): HostReading {
    const scores = {} as Record<PatternId, number>;
    const words = {} as Record<PatternId, string[]>;
    for (const p of PATTERN_IDS) {
      scores[p] = 0;
      words[p] = [];
    }
    return { scores, words };
  }

  private readParts(parts: HostParts): HostReading {
    const reading = this.emptyReading();
    const scores = reading.scores as Record<PatternId, number>;
    const words = reading.words as Record<PatternId, string[]>;
    const best = new Map<string, Match>();
    const brands: string[] = [];
    const lures = new Set<string>();
    const consider = (m: Match): void => {
      const old = best.get(m.word);
      if (old === undefined || old.score < m.score) best.set(m.word, m);
    };
    for (const label of parts.labels) {
      for (const token of tokensOf(label)) {
        const whole = this.vocabulary.get(token);
        if (whole !== undefined) {
          consider({ word: token, pattern: whole.pattern, score: whole.weight });
        }
        if (Object.hasOwn(BRANDS, token)) brands.push(token);
        if (LURE_WORDS.has(token)) lures.add(token);
        if (whole !== undefined || token.length < 4) continue;
        const pieces = this.segment(token);
        const full = pieces.every((p) => p.known);
        for (let i = 0; i < pieces.length; i++) {
          const piece = pieces[i];
          if (piece === undefined || !piece.known) continue;
          if (Object.hasOwn(BRANDS, piece.text) && (full || piece.text.length >= 5))
            brands.push(piece.text);
          if (LURE_WORDS.has(piece.text) && piece.text.length >= 3) lures.add(piece.text);
          const w =
            this.vocabulary.get(piece.text) ??
            (piece.text.endsWith('s') ? this.vocabulary.get(piece.text.slice(0, -1)) : undefined);
          if (w === undefined) continue;
          let quality: number;
          if (full) {
            quality = w.distinctive ? 0.97 : 0.9;
          } else {
            const prev = pieces[i - 1];
            const next = pieces[i + 1];
            const nextToWord =
              (prev !== undefined && this.vocabulary.get(prev.text)?.pattern === w.pattern) ||
              (next !== undefined && this.vocabulary.get(next.text)?.pattern === w.pattern);
            if (!w.distinctive && !nextToWord) continue;
            quality = w.distinctive ? 0.92 : 0.85;
          }
          consider({ word: piece.text, pattern: w.pattern, score: w.weight * quality });
        }
      }
    }
    const tldPattern = TLD_WORDS[parts.tld] as PatternId | undefined;
    if (tldPattern !== undefined)
      consider({ word: `.${parts.tld}`, pattern: tldPattern, score: 0.9 });

    const miss = new Map<PatternId, number>();
    for (const m of best.values()) {
      miss.set(m.pattern, (miss.get(m.pattern) ?? 1) * (1 - m.score));
      words[m.pattern].push(m.word);
    }
    for (const [p, product] of miss) scores[p] = 1 - product;

    this.brandScore(parts, brands, lures, scores, words);
    this.lookAlikeScore(parts, lures, scores, words);
    if (parts.restricted) {
      // a vetted institution's name (a university library proxy, a council's lottery page)
      for (const p of PATTERN_IDS) scores[p] *= 0.5;
    }
    return reading;
  }

  /** A brand on somebody else's registrable name, with lure words, hyphens or a throw-away TLD. */
  private brandScore(
    parts: HostParts,
    brands: readonly string[],
    lures: ReadonlySet<string>,
    scores: Record<PatternId, number>,
    words: Record<PatternId, string[]>,
  ): void {
    if (brands.length === 0) return;
    const registrable = parts.registrable;
    const imitated = brands.filter((b) => {
      const own = BRANDS[b] ?? [];
      return !own.includes(registrable) || parts.platform;
    });
    if (imitated.length === 0) return;
    // the brand is the registrable name itself on another TLD (paypal.fr): not enough to say
    if (!parts.platform && imitated.every((b) => b === registrable)) return;
    const hyphens = parts.labels.join('.').split('-').length - 1;
    let score = 0.55;
    if (lures.size >= 1) score += 0.3;
    if (lures.size >= 2) score += 0.05;
    if (hyphens >= 2) score += 0.1;
    if (parts.platform || ABUSED_TLDS.has(parts.tld)) score += 0.1;
    scores['brand-impersonation'] = Math.min(0.97, score);
    words['brand-impersonation'].push(...new Set(imitated), ...lures);
  }

  /** A registrable name one letter away from a brand (`paypa1`, `rnicrosoft`, `kastercard`). */
  private lookAlikeScore(
    parts: HostParts,
    lures: ReadonlySet<string>,
    scores: Record<PatternId, number>,
    words: Record<PatternId, string[]>,
  ): void {
    const name = parts.registrable
      .replace(/rn/g, 'm')
      .replace(/vv/g, 'w')
      .replace(/0/g, 'o')
      .replace(/1/g, 'l')
      .replace(/3/g, 'e')
      .replace(/5/g, 's');
    let brand: string | undefined;
    if (name !== parts.registrable && Object.hasOwn(BRANDS, name)) brand = name;
    if (brand === undefined && name.length >= 5 && !Object.hasOwn(BRANDS, name)) {
      brand = this.brandDeletes.get(name); // one letter added
      if (brand === undefined) {
        for (let i = 0; i < name.length && brand === undefined; i++) {
          const shorter = name.slice(0, i) + name.slice(i + 1);
          brand =
            Object.hasOwn(BRANDS, shorter) && shorter.length >= 6
              ? shorter
              : this.brandDeletes.get(shorter);
        }
      }
    }
    if (brand === undefined || (BRANDS[brand] ?? []).includes(parts.registrable)) return;
    scores['look-alike-brand'] = lures.size > 0 ? 0.9 : 0.82;
    words['look-alike-brand'].push(`~${brand}`, ...lures);
  }

  /** Segments a token into known words with the fewest unknown letters (then the fewest words). */
  private segment(token: string): Piece[] {
    const n = token.length;
    const cost = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
    const from = new Int32Array(n + 1).fill(-1);
    const known = new Uint8Array(n + 1);
    cost[0] = 0;
    for (let i = 0; i < n; i++) {
      const base = cost[i] ?? Number.POSITIVE_INFINITY;
      if (base === Number.POSITIVE_INFINITY) continue;
      if (base + 1 < (cost[i + 1] ?? 0)) {
        cost[i + 1] = base + 1;
        from[i + 1] = i;
        known[i + 1] = 0;
      }
      const limit = Math.min(n, i + MAX_WORD);
      for (let j = i + 2; j <= limit; j++) {
        const word = token.slice(i, j);
        if (
          !this.dictionary.has(word) &&
          !(j - i >= 4 && word.endsWith('s') && this.dictionary.has(word.slice(0, -1)))
        ) {
          continue;
        }
        // a category word costs a little more, so that jeux|videos beats jeu|xvideos
        const c = base + (this.vocabulary.has(word) ? 0.12 : 0.1);
        if (c < (cost[j] ?? 0)) {
          cost[j] = c;
          from[j] = i;
          known[j] = 1;
        }
      }
    }
    const pieces: Piece[] = [];
    let j = n;
    while (j > 0) {
      const i = from[j] ?? 0;
      const isKnown = known[j] === 1;
      const text = token.slice(i, j);
      const last = pieces[pieces.length - 1];
      if (!isKnown && last !== undefined && !last.known) {
        pieces[pieces.length - 1] = { text: text + last.text, known: false };
      } else {
        pieces.push({ text, known: isKnown });
      }
      j = i;
    }
    return pieces.reverse();
  }
}

/** Creates a classifier with the given patterns (default: those that passed the precision gate). */
export function createHostClassifier(options: ClassifierOptions = {}): HostClassifier & {
  read(host: string): HostReading;
} {
  return new Classifier(options);
}
