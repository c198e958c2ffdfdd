import { checkListHost } from './host-validation.ts';

/**
 * Parsers for the common block-list formats (FIL-4). Pure and streaming: feed chunks or lines as
 * they arrive; each entry and each bad line goes to a sink at once, so a million-line file never
 * has to be held in memory. A malformed line becomes an error `{ file, line, text, reason }` and
 * parsing goes on.
 *
 * | format    | looks like                                   | entries                          |
 * |-----------|----------------------------------------------|----------------------------------|
 * | `domains` | `example.com` (squidGuard/UT1 `domains`, plain domain lists) | host (+ subdomains) |
 * | `urls`    | `example.com/some/path` (squidGuard/UT1 `urls`, IWF URL lists) | URL prefix      |
 * | `hosts`   | `0.0.0.0 a.com b.com  # comment`              | host per name (+ subdomains)     |
 * | `adblock` | `\|\|a.com^`, `\|\|a.com^$third-party`, `@@\|\|b.com^`, `a.com##.ad` | host / URL; `@@` = allow; cosmetic counted |
 *
 * Comments: `#` (domains, urls, hosts), `!` and `[Adblock …]` headers (adblock). Hosts files map
 * names to a sink address (0.0.0.0, 127.0.0.1, ::, ::1); a line that maps a name to any other
 * address is a redirect (for example a safe-search address), not a block: it is counted as
 * unsupported. `localhost` and its kin are skipped.
 */

export type ListFormat = 'domains' | 'urls' | 'hosts' | 'adblock';

export const LIST_FORMATS: readonly ListFormat[] = ['domains', 'urls', 'hosts', 'adblock'];

export interface ListEntry {
  readonly kind: 'host' | 'url';
  /** Normalised host, or `host/path` for URL entries. */
  readonly value: string;
  /** `allow` for AdBlock exceptions (`@@`); everything else blocks (or tags) the entry. */
  readonly action: 'block' | 'allow';
  /** 1-based line number. */
  readonly line: number;
  /** AdBlock options (`third-party`, `important`, …), when the rule had any. */
  readonly options?: readonly string[];
}

export interface ListError {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

export interface ParseCounts {
  lines: number;
  entries: number;
  allow: number;
  /** Blank lines and comments. */
  comments: number;
  /** AdBlock element-hiding rules (`##`, `#@#`, …): meaningless to a network filter. */
  cosmetic: number;
  /** Valid lines that a host/URL filter cannot apply (AdBlock regexes, resource-type options, hosts redirects). */
  unsupported: number;
  /** `localhost` and similar names in hosts files. */
  skipped: number;
  errors: number;
}

export interface ParseSummary {
  readonly file: string;
  readonly format: ListFormat;
  readonly counts: Readonly<ParseCounts>;
}

export interface ListSink {
  entry(entry: ListEntry): void;
  error(error: ListError): void;
}

export interface ParseOptions {
  /** A label for error messages, e.g. `ut1/gambling/domains`. */
  readonly file: string;
  /** Known format; `squidguard` picks `domains` or `urls`; omitted = detected from the content. */
  readonly format?: ListFormat | 'squidguard';
}

/** Lines read before the format is decided when it is not given. */
const DETECT_LINES = 200;

const SINK_ADDRESSES = new Set([
  '0.0.0.0',
  '127.0.0.1',
  '::',
  '::1',
  '0',
  '0:0:0:0:0:0:0:0',
  '::0',
]);
const LOCAL_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'local',
  'broadcasthost',
  'ip6-localhost',
  'ip6-loopback',
  'ip6-localnet',
  'ip6-mcastprefix',
  'ip6-allnodes',
  'ip6-allrouters',
  'ip6-allhosts',
  '0.0.0.0',
]);

/** AdBlock options that still mean "block this host" to a network filter. */
const HOST_LEVEL_OPTIONS = new Set([
  'third-party',
  '3p',
  '~third-party',
  'first-party',
  '1p',
  'important',
  'all',
  'document',
  'doc',
  'popup',
  'match-case',
]);

const COSMETIC = /#@?[?$%]?@?#|\$@?\$/;

const IP_TOKEN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*|0)$/i;

/**
 * Guesses the format from sample lines (comments and blank lines are ignored). A file name ending
 * in `/urls` or `/domains` decides between the squidGuard formats when the content agrees.
 */
export function detectListFormat(sample: readonly string[], fileName = ''): ListFormat {
  let adblock = 0;
  let hosts = 0;
  let urls = 0;
  let plain = 0;
  for (const raw of sample) {
    const line = raw.trim();
    if (line.length === 0) continue;
    if (line.startsWith('[Adblock') || line.startsWith('[uBlock')) return 'adblock';
    if (line.startsWith('!')) {
      adblock++;
      continue;
    }
    if (line.startsWith('#') && !line.startsWith('##')) continue;
    if (
      line.startsWith('||') ||
      line.startsWith('@@') ||
      line.startsWith('|http') ||
      COSMETIC.test(line)
    ) {
      adblock++;
    } else if (/\s/.test(line) && IP_TOKEN.test(line.split(/\s+/)[0] ?? '')) {
      hosts++;
    } else if (line.includes('/')) {
      urls++;
    } else {
      plain++;
    }
  }
  if (adblock > 0 && adblock >= hosts && adblock >= urls) return 'adblock';
  if (hosts > 0 && hosts >= urls && hosts >= plain) return 'hosts';
  if (/(^|[/\\])urls$/.test(fileName)) return 'urls';
  if (/(^|[/\\])domains$/.test(fileName)) return 'domains';
  if (urls > plain) return 'urls';
  return 'domains';
}

function stripHashComment(line: string): string {
  const hash = line.indexOf('#');
  if (hash < 0) return line;
  if (hash === 0) return '';
  // an inline comment needs whitespace before '#'
  const before = line.charCodeAt(hash - 1);
  if (before === 32 || before === 9) return line.slice(0, hash).trimEnd();
  return line;
}

/** Push-based parser: `write()` chunks or `writeLine()` lines, then `end()`. */
export class ListParser {
  private readonly file: string;
  private readonly sink: ListSink;
  private readonly hint: ListFormat | 'squidguard' | undefined;
  private format: ListFormat | undefined;
  private readonly pending: string[] = [];
  private partial = '';
  private lineNo = 0;
  private first = true;
  readonly counts: ParseCounts = {
    lines: 0,
    entries: 0,
    allow: 0,
    comments: 0,
    cosmetic: 0,
    unsupported: 0,
    skipped: 0,
    errors: 0,
  };

  constructor(options: ParseOptions, sink: ListSink) {
    this.file = options.file;
    this.sink = sink;
    this.hint = options.format;
    if (options.format !== undefined && options.format !== 'squidguard')
      this.format = options.format;
  }

  /** Feeds a chunk of text; lines may be split across chunks. */
  write(chunk: string): void {
    let text = this.partial + chunk;
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      this.writeLine(text.slice(from, nl));
      from = nl + 1;
    }
    text = text.slice(from);
    this.partial = text;
  }

  /** Feeds one line (without its newline). */
  writeLine(raw: string): void {
    let line = raw;
    if (this.first) {
      this.first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.lineNo++;
    if (this.format === undefined) {
      this.pending.push(line);
      if (this.pending.length >= DETECT_LINES) this.decide();
      return;
    }
    this.parseLine(line, this.lineNo);
  }

  /** Flushes the last line and returns what was read. */
  end(): ParseSummary {
    if (this.partial.length > 0) {
      const last = this.partial;
      this.partial = '';
      this.writeLine(last);
    }
    if (this.format === undefined) this.decide();
    return { file: this.file, format: this.format ?? 'domains', counts: { ...this.counts } };
  }

  private decide(): void {
    const detected = detectListFormat(this.pending, this.file);
    this.format =
      this.hint === 'squidguard' ? (detected === 'urls' ? 'urls' : 'domains') : detected;
    const first = this.lineNo - this.pending.length + 1;
    const lines = this.pending.splice(0);
    for (let i = 0; i < lines.length; i++) this.parseLine(lines[i] ?? '', first + i);
  }

  private error(line: number, text: string, reason: string): void {
    this.counts.errors++;
    this.sink.error({ file: this.file, line, text, reason });
  }

  private emit(
    kind: 'host' | 'url',
    value: string,
    action: 'block' | 'allow',
    line: number,
    options?: readonly string[],
  ): void {
    this.counts.entries++;
    if (action === 'allow') this.counts.allow++;
    this.sink.entry(
      options === undefined
        ? { kind, value, action, line }
        : { kind, value, action, line, options },
    );
  }

  private parseLine(raw: string, line: number): void {
    this.counts.lines++;
    const text = raw.trim();
    if (text.length === 0) {
      this.counts.comments++;
      return;
    }
    switch (this.format) {
      case 'adblock':
        this.parseAdblock(text, line);
        return;
      case 'hosts':
        this.parseHosts(text, line);
        return;
      case 'urls':
        this.parseUrl(text, line);
        return;
      default:
        this.parseDomain(text, line);
    }
  }

  private parseDomain(text: string, line: number): void {
    const body =
      text.charCodeAt(0) === 35 /* # */ || text.includes('#') ? stripHashComment(text) : text;
    if (body.length === 0) {
      this.counts.comments++;
      return;
    }
    const checked = checkListHost(body);
    if (checked.ok) this.emit('host', checked.host, 'block', line);
    else if (/\s/.test(body))
      this.error(line, text, 'more than one word on a line (expected one domain)');
    else if (body.includes('/'))
      this.error(line, text, 'a URL in a domains file (URL entries belong in a urls file)');
    else this.error(line, text, checked.reason);
  }

  private parseUrl(text: string, line: number): void {
    const body = stripHashComment(text);
    if (body.length === 0) {
      this.counts.comments++;
      return;
    }
    if (/\s/.test(body)) {
      this.error(line, text, 'a space in a URL entry');
      return;
    }
    let s = body;
    const scheme = s.indexOf('://');
    if (scheme >= 0 && scheme < 12) s = s.slice(scheme + 3);
    const cut = s.search(/[/?]/);
    const hostPart = cut < 0 ? s : s.slice(0, cut);
    const checked = checkListHost(hostPart);
    if (!checked.ok) {
      this.error(line, text, checked.reason);
      return;
    }
    this.emit('url', checked.host + (cut < 0 ? '' : s.slice(cut)), 'block', line);
  }

  private parseHosts(text: string, line: number): void {
    const body = stripHashComment(text);
    if (body.length === 0) {
      this.counts.comments++;
      return;
    }
    const words = body.split(/\s+/);
    const address = words[0] ?? '';
    if (words.length < 2) {
      this.error(
        line,
        text,
        IP_TOKEN.test(address) ? 'hosts line without a host name' : 'hosts line without an address',
      );
      return;
    }
    if (!IP_TOKEN.test(address)) {
      this.error(line, text, `"${address}" is not an IP address`);
      return;
    }
    if (!SINK_ADDRESSES.has(address)) {
      this.counts.unsupported++;
      return;
    }
    for (let w = 1; w < words.length; w++) {
      const name = (words[w] ?? '').toLowerCase();
      if (LOCAL_NAMES.has(name)) {
        this.counts.skipped++;
        continue;
      }
      const checked = checkListHost(name);
      if (checked.ok) this.emit('host', checked.host, 'block', line);
      else this.error(line, text, `${checked.reason} ("${words[w] ?? ''}")`);
    }
  }

  private parseAdblock(text: string, line: number): void {
    if (text.startsWith('!') || text.startsWith('[')) {
      this.counts.comments++;
      return;
    }
    if (COSMETIC.test(text)) {
      this.counts.cosmetic++;
      return;
    }
    if (text.startsWith('#')) {
      this.counts.comments++;
      return;
    }
    let rule = text;
    let action: 'block' | 'allow' = 'block';
    if (rule.startsWith('@@')) {
      action = 'allow';
      rule = rule.slice(2);
    }
    if (rule.startsWith('/') && rule.length > 1 && rule.endsWith('/')) {
      this.counts.unsupported++; // a regular expression
      return;
    }
    let options: string[] | undefined;
    const dollar = rule.lastIndexOf('$');
    if (dollar >= 0) {
      options = rule
        .slice(dollar + 1)
        .split(',')
        .map((o) => o.trim().toLowerCase())
        .filter((o) => o.length > 0);
      rule = rule.slice(0, dollar);
      if (options.some((o) => !HOST_LEVEL_OPTIONS.has(o))) {
        this.counts.unsupported++; // resource-type or scoped rule: not a whole-host decision
        return;
      }
    }
    let body: string;
    if (rule.startsWith('||')) {
      body = rule.slice(2);
    } else if (/^\|https?:\/\//.test(rule)) {
      body = rule.slice(1).replace(/^https?:\/\//, '');
    } else if (/^[a-z0-9.*_-]+\^?\|?$/i.test(rule) && rule.includes('.')) {
      body = rule; // AdGuard-style bare domain
    } else {
      this.counts.unsupported++; // a generic URL pattern such as /banner/ads/*
      return;
    }
    body = body.replace(/\^\|?$/, '').replace(/\|$/, '');
    if (body.length === 0) {
      this.error(line, text, 'empty domain in rule');
      return;
    }
    const cut = body.search(/[/^*]/);
    const hostPart = cut < 0 ? body : body.slice(0, cut);
    const rest = cut < 0 ? '' : body.slice(cut);
    if (rest.startsWith('*') || rest.includes('^') || rest.includes('*')) {
      // `||ads*.a.com^`, `||a.com^*ads`, `||a.com/ads*`: patterns, not whole hosts or URL prefixes
      this.counts.unsupported++;
      return;
    }
    const checked = checkListHost(hostPart);
    if (!checked.ok) {
      this.error(line, text, checked.reason);
      return;
    }
    const kind = rest === '' || rest === '/' ? 'host' : 'url';
    this.emit(kind, kind === 'host' ? checked.host : checked.host + rest, action, line, options);
  }
}

/** Everything read from a list held in memory. */
export interface ParsedList extends ParseSummary {
  readonly entries: readonly ListEntry[];
  readonly errors: readonly ListError[];
}

/** Parses lines held in memory (or any iterable of lines). */
export function parseListLines(lines: Iterable<string>, options: ParseOptions): ParsedList {
  const entries: ListEntry[] = [];
  const errors: ListError[] = [];
  const parser = new ListParser(options, {
    entry: (e) => entries.push(e),
    error: (e) => errors.push(e),
  });
  for (const line of lines) parser.writeLine(line);
  const summary = parser.end();
  return { ...summary, entries, errors };
}

/** Parses text arriving in chunks (e.g. a file stream decoded as UTF-8), sending entries to `sink`. */
export async function parseListChunks(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: ParseOptions,
  sink: ListSink,
): Promise<ParseSummary> {
  const parser = new ListParser(options, sink);
  for await (const chunk of chunks) parser.write(chunk);
  return parser.end();
}
