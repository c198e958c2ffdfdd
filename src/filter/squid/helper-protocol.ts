/**
 * Squid's helper line protocol (Squid 4, 5 and 6), for the two ways Haven plugs into a school's
 * Squid without ICAP:
 *
 * | mode           | squid.conf                                          | Squid sends (one line each)                         | Haven answers                                   |
 * |----------------|-----------------------------------------------------|-----------------------------------------------------|-------------------------------------------------|
 * | `url-rewrite`  | `url_rewrite_program` (+ default `url_rewrite_extras`) | `[channel] URL client-ip/fqdn user method myip=… myport=…` | blocked: `[channel] OK status=302 url="<block page>"`; allowed: `[channel] ERR` |
 * | `external-acl` | `external_acl_type haven … %>a %un %>rm %>ru`        | `[channel] client-ip user method URL [acl-args]`    | allowed: `[channel] OK`; blocked: `[channel] ERR message="…" tag=… log=…` |
 *
 * The channel id is present only when Squid's `concurrency=` is positive; answers then may come
 * in any order. A line Haven cannot read is answered `BH` (helper problem) and the helper keeps
 * going. For CONNECT, Squid sends `host:port` where the URL would be.
 *
 * Squid %-escapes each external ACL value; the user name is unescaped here, the URL is kept as
 * Squid sent it (it is already a URL, and Squid leaves `%` as it is), so `%20` stays `%20`.
 */

export type HelperMode = 'url-rewrite' | 'external-acl';

/** One question from Squid. */
export interface HelperQuery {
  /** Concurrency channel id to echo back; null when Squid runs the helper without concurrency. */
  readonly channel: string | null;
  /** The request URL as Squid sent it: an absolute URL, or `host:port` for CONNECT. */
  readonly url: string;
  /** The client's address; null when Squid did not know it (`-`). */
  readonly clientIp: string | null;
  /** The user name Squid knows (authentication, external ACL, ident); null when none. */
  readonly username: string | null;
  /** The HTTP method; null when Squid did not send it. */
  readonly method: string | null;
}

export type ParsedLine =
  | { readonly ok: true; readonly query: HelperQuery }
  | { readonly ok: false; readonly channel: string | null; readonly problem: string };

/** What Haven tells Squid about one query. */
export type HelperAnswer =
  | {
      readonly kind: 'allow';
      readonly channel: string | null;
      readonly ruleId: string;
      readonly category: string | null;
    }
  | {
      readonly kind: 'block';
      readonly channel: string | null;
      readonly ruleId: string;
      readonly category: string | null;
      /** The reason in the school's words (`message=`, shown by Squid's deny page as %o). */
      readonly reason: string;
      /** url-rewrite only: where to send the browser. */
      readonly redirectUrl: string | null;
    }
  | { readonly kind: 'broken'; readonly channel: string | null; readonly message: string };

const CHANNEL = /^[0-9]{1,10}$/;

/** Splits on runs of spaces and tabs (Squid separates fields with one space). */
function fields(line: string): string[] {
  return line.split(/[ \t]+/).filter((f) => f.length > 0);
}

/** `-` (Squid's "not known") becomes null; %XX escapes are undone where they are valid. */
function value(field: string | undefined): string | null {
  if (field === undefined || field === '-' || field.length === 0) return null;
  return unescapeField(field);
}

/** Undoes %XX escapes; a malformed escape or invalid UTF-8 leaves the field as it was. */
export function unescapeField(field: string): string {
  if (!field.includes('%')) return field;
  try {
    return decodeURIComponent(field);
  } catch {
    return field;
  }
}

function looksLikeUrl(field: string): boolean {
  // `scheme://…` for HTTP, `host:port` for CONNECT; never control characters.
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c < 33 || c === 127) return false;
  }
  return /^[a-z][a-z0-9+.-]*:\/\/./i.test(field) || /^[^\s/]+:[0-9]{1,5}$/.test(field);
}

/**
 * Reads one line (without its newline). The channel id is recognised by itself: Squid's first
 * field is a number only when concurrency is on (a URL or an address is never just digits).
 */
export function parseHelperLine(line: string, mode: HelperMode): ParsedLine {
  const parts = fields(line.endsWith('\r') ? line.slice(0, -1) : line);
  let channel: string | null = null;
  const first = parts[0];
  if (first !== undefined && CHANNEL.test(first)) {
    channel = first;
    parts.shift();
  }
  if (parts.length === 0) return { ok: false, channel, problem: 'empty request' };
  if (mode === 'url-rewrite') {
    const [url, client, user, method] = parts;
    if (url === undefined || !looksLikeUrl(url))
      return { ok: false, channel, problem: 'no request URL' };
    // Default extras: `%>a/%>A %un %>rm myip=%la myport=%lp`; the FQDN part is not used.
    const slash = client?.indexOf('/') ?? -1;
    const ip = client === undefined ? null : value(slash >= 0 ? client.slice(0, slash) : client);
    return {
      ok: true,
      query: { channel, url, clientIp: ip, username: value(user), method: methodOf(method) },
    };
  }
  const [client, user, method, url] = parts;
  if (url === undefined) {
    return {
      ok: false,
      channel,
      problem: 'expected the external ACL format %>a %un %>rm %>ru',
    };
  }
  const rawUrl = url === '-' ? '' : url;
  if (!looksLikeUrl(rawUrl)) return { ok: false, channel, problem: 'no request URL' };
  return {
    ok: true,
    query: {
      channel,
      url: rawUrl,
      clientIp: value(client),
      username: value(user),
      method: methodOf(method),
    },
  };
}

function methodOf(field: string | undefined): string | null {
  const method = value(field);
  return method !== null && /^[A-Za-z-]{1,20}$/.test(method) ? method.toUpperCase() : null;
}

/**
 * A kv-pair value for Squid: a bare token when it is one, else double-quoted with `"` and `\`
 * escaped and CR/LF written as `\r`/`\n`, which is how Squid 3.4+ reads helper replies.
 */
export function quoteValue(text: string): string {
  if (/^[A-Za-z0-9._:/-]+$/.test(text)) return text;
  let out = '"';
  for (const ch of text) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += ' ';
    else out += ch;
  }
  return `${out}"`;
}

function kv(key: string, text: string | null): string {
  return text === null || text.length === 0 ? '' : ` ${key}=${quoteValue(text)}`;
}

/**
 * Notes Haven adds to every answer: Squid keeps unknown kv-pairs as transaction annotations, so
 * `logformat … %{haven_rule}note` can log the deciding rule.
 */
function notes(ruleId: string, category: string | null): string {
  return `${kv('haven_rule', ruleId)}${kv('haven_category', category)}`;
}

/** One answer line, with its newline. */
export function formatAnswer(answer: HelperAnswer, mode: HelperMode): string {
  const prefix = answer.channel === null ? '' : `${answer.channel} `;
  switch (answer.kind) {
    case 'broken':
      return `${prefix}BH${kv('message', answer.message)}\n`;
    case 'allow':
      return mode === 'url-rewrite'
        ? `${prefix}ERR${notes(answer.ruleId, answer.category)}\n`
        : `${prefix}OK${notes(answer.ruleId, answer.category)}\n`;
    case 'block':
      if (mode === 'url-rewrite') {
        if (answer.redirectUrl === null) {
          return `${prefix}BH${kv('message', 'no block page URL is configured')}\n`;
        }
        return `${prefix}OK status=302 url=${quoteValue(answer.redirectUrl)}${notes(answer.ruleId, answer.category)}\n`;
      }
      return (
        `${prefix}ERR${kv('message', answer.reason)}` +
        `${kv('tag', answer.category ?? 'blocked')}${kv('log', answer.ruleId)}` +
        `${notes(answer.ruleId, answer.category)}\n`
      );
  }
}
