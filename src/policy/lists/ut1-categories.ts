/**
 * UT1 (Université Toulouse Capitole) blacklist categories → Haven categories.
 *
 * UT1 names are its directory names, some French (`drogue` drugs, `agressif` aggressive/hate,
 * `redirector` proxies, `tricheur` cheating, `liste_blanche` allow list, `liste_bu` university
 * library list). UT1 ships aliases as symlinks (`porn` → `adult`, `aggressive` and `violence` →
 * `agressif`, `drugs` → `drogue`, `proxy` → `redirector`); an alias maps to the same Haven
 * category as its target so that importing a tree with symlinks cannot tag one file twice
 * differently.
 *
 * `allowType` follows the `usage` file: `white` lists are allow lists. Lists whose usage says
 * `black white` (ai, chat, remote-control, webmail) are either; Haven treats them as neutral
 * categories that the matrix decides.
 */

export interface Ut1Mapping {
  /** The Haven category id, or `null` when the UT1 list is not imported. */
  readonly category: string | null;
  /** The UT1 `usage` file says `white`: an allow list. */
  readonly allowType: boolean;
  /** Set when `category` is null, or for aliases: why. */
  readonly note?: string;
}

const MAP: Readonly<Record<string, Ut1Mapping>> = {
  // adult content
  adult: { category: 'pornography', allowType: false },
  porn: { category: 'pornography', allowType: false, note: 'alias of adult' },
  mixed_adult: { category: 'mixed-adult', allowType: false },
  lingerie: { category: 'lingerie', allowType: false },
  sexual_education: { category: 'sex-education', allowType: true },
  // harm
  agressif: { category: 'hate', allowType: false },
  aggressive: { category: 'hate', allowType: false, note: 'alias of agressif' },
  violence: {
    category: 'hate',
    allowType: false,
    note: 'alias of agressif (racist, antisemitic, hate sites)',
  },
  dangerous_material: { category: 'dangerous-material', allowType: false },
  drogue: { category: 'drugs', allowType: false },
  drugs: { category: 'drugs', allowType: false, note: 'alias of drogue' },
  gambling: { category: 'gambling', allowType: false },
  arjel: { category: 'gambling', allowType: false, note: 'French licensed online gambling' },
  sect: { category: 'sects', allowType: false },
  fakenews: { category: 'fake-news', allowType: false },
  tricheur: { category: 'cheating', allowType: false },
  tricheur_pix: { category: 'cheating', allowType: false },
  // security
  malware: { category: 'malware-hacking', allowType: false },
  phishing: { category: 'phishing', allowType: false },
  hacking: { category: 'malware-hacking', allowType: false },
  cryptojacking: { category: 'malware-hacking', allowType: false },
  ddos: { category: 'malware-hacking', allowType: false },
  stalkerware: { category: 'malware-hacking', allowType: false },
  warez: { category: 'piracy', allowType: false },
  // circumvention
  redirector: { category: 'circumvention', allowType: false },
  proxy: { category: 'circumvention', allowType: false, note: 'alias of redirector' },
  strict_redirector: { category: 'circumvention', allowType: false },
  strong_redirector: { category: 'circumvention', allowType: false },
  vpn: { category: 'circumvention', allowType: false },
  doh: { category: 'circumvention', allowType: false },
  'residential-proxies': { category: 'circumvention', allowType: false },
  'remote-control': { category: 'remote-access', allowType: false },
  'dynamic-dns': { category: 'dynamic-dns', allowType: false },
  shortener: { category: 'url-shortener', allowType: false },
  // communication and media
  dating: { category: 'dating', allowType: false },
  chat: { category: 'messaging', allowType: false },
  social_networks: { category: 'social-media', allowType: false },
  forums: { category: 'forums', allowType: false },
  webmail: { category: 'webmail', allowType: false },
  blog: { category: 'blogs', allowType: false },
  games: { category: 'online-gaming', allowType: false },
  educational_games: { category: 'educational-games', allowType: true },
  'audio-video': { category: 'video-broadcasting', allowType: false },
  radio: { category: 'video-broadcasting', allowType: false },
  manga: { category: 'manga', allowType: false },
  shopping: { category: 'shopping', allowType: false },
  filehosting: { category: 'file-sharing', allowType: false },
  download: { category: 'software-download', allowType: true },
  ai: { category: 'ai-services', allowType: false },
  publicite: { category: 'advertising', allowType: false },
  marketingware: { category: 'advertising', allowType: false },
  // allow lists
  child: { category: 'child-suitable', allowType: true },
  liste_blanche: { category: 'allow-list', allowType: true },
  liste_bu: { category: 'education', allowType: true },
  exceptions_liste_bu: {
    category: null,
    allowType: false,
    note: 'entries to take out of liste_bu, not a category of their own',
  },
  // upstream categories that a UK school filter does not need
  associations_religieuses: {
    category: null,
    allowType: false,
    note: 'not a filtering category for UK schools',
  },
  astrology: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  bank: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  bitcoin: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  celebrity: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  cleaning: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  cooking: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  examen_pix: { category: null, allowType: false, note: 'French exam platform' },
  financial: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  jobsearch: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  'mobile-phone': {
    category: null,
    allowType: false,
    note: 'not a filtering category for UK schools',
  },
  press: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  reaffected: { category: null, allowType: false, note: 'domains that changed owner; too noisy' },
  special: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  sports: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
  translation: {
    category: null,
    allowType: false,
    note: 'not a filtering category for UK schools',
  },
  update: { category: null, allowType: false, note: 'software updates; never blocked' },
  webhosting: { category: null, allowType: false, note: 'not a filtering category for UK schools' },
};

/** The Haven mapping of a UT1 category name, or `undefined` for a name UT1 does not use. */
export function mapUt1Category(name: string): Ut1Mapping | undefined {
  return Object.hasOwn(MAP, name) ? MAP[name] : undefined;
}

/** Every UT1 name Haven knows (directory names and aliases). */
export const UT1_CATEGORY_NAMES: readonly string[] = Object.keys(MAP);

/** What a UT1 `usage` file says: `black`, `white` or both, plus alias names. */
export interface Ut1Usage {
  readonly black: boolean;
  readonly white: boolean;
  readonly aliases: readonly string[];
}

/** Reads a UT1 `usage` file (words, `#` comments). */
export function parseUt1Usage(text: string): Ut1Usage {
  const words = text
    .split('\n')
    .flatMap((l) => l.replace(/#.*/, '').trim().split(/\s+/))
    .filter((w) => w.length > 0);
  return {
    black: words.includes('black'),
    white: words.includes('white'),
    aliases: words.filter((w) => w !== 'black' && w !== 'white'),
  };
}
