import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { PhraseCategory } from '../../policy/phrases/phrase-list.ts';
import {
  compilePhrases,
  scoreText,
  type PhraseIndex,
} from '../../policy/phrases/phrase-matcher.ts';
import { STARTER_PHRASE_LISTS } from '../../policy/phrases/starter-lists.ts';

/**
 * Page content scoring for inspected HTTPS (ENF-5 with MON-2): an HTML page under the size limit
 * is decoded (gzip, br, deflate; the charset from the header or a `<meta>`), its text extracted
 * and scored with the safeguarding phrase lists. Above the threshold of the person's group the
 * proxy answers the block page instead. The body is held in memory only while it is scored and
 * is never stored (MON-4); only the score, the category and the matched phrases are logged.
 */

export const DEFAULT_CONTENT_MAX_BYTES = 2 * 1024 * 1024;

/** What scoring found on a page. */
export interface ContentFinding {
  readonly score: number;
  readonly category: PhraseCategory;
  /** The matched entries as the lists write them, at most 20. */
  readonly phrases: readonly string[];
}

/**
 * Undoes `Content-Encoding` (gzip, x-gzip, br, deflate — zlib or raw — and identity); null for
 * an encoding it does not know or a body that inflates past `maxBytes`.
 */
export function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Buffer | null {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let data = body;
  const options = { maxOutputLength: maxBytes };
  try {
    for (const coding of codings.reverse()) {
      if (coding === 'gzip' || coding === 'x-gzip') data = gunzipSync(data, options);
      else if (coding === 'br') data = brotliDecompressSync(data, options);
      else if (coding === 'deflate') {
        try {
          data = inflateSync(data, options);
        } catch {
          data = inflateRawSync(data, options);
        }
      } else return null;
    }
  } catch {
    return null;
  }
  return data.length > maxBytes ? null : data;
}

/** The charset from `Content-Type`, else from a `<meta>` in the first 2 KB, else UTF-8. */
export function charsetOf(contentType: string | undefined, body: Buffer): string {
  const fromHeader = /charset\s*=\s*"?([A-Za-z0-9._:-]+)/i.exec(contentType ?? '');
  if (fromHeader?.[1] !== undefined) return fromHeader[1].toLowerCase();
  const head = body.subarray(0, 2048).toString('latin1');
  const fromMeta = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head);
  return fromMeta?.[1]?.toLowerCase() ?? 'utf-8';
}

export function decodeText(body: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntity(whole: string, body: string): string {
  if (body.startsWith('#x') || body.startsWith('#X')) {
    const code = Number.parseInt(body.slice(2), 16);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  }
  if (body.startsWith('#')) {
    const code = Number.parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  }
  return ENTITIES[body.toLowerCase()] ?? whole;
}

/** The text a reader sees: no scripts, styles, comments or tags; entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|noscript|template|svg)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<(br|p|div|li|h[1-6]|tr|td|th|title|section|article)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, decodeEntity)
    .replace(/[ \t\f\v\r]+/g, ' ');
}

/** Scores HTML pages for the groups that have a content threshold. */
export class PageScorer {
  readonly maxBytes: number;
  readonly #index: PhraseIndex;
  readonly #thresholds: ReadonlyMap<string, number>;

  constructor(
    thresholds: Readonly<Record<string, number>>,
    options: { readonly maxBytes?: number; readonly index?: PhraseIndex } = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_CONTENT_MAX_BYTES;
    this.#index = options.index ?? compilePhrases(STARTER_PHRASE_LISTS);
    this.#thresholds = new Map(Object.entries(thresholds));
  }

  /** The lowest threshold among the groups (the strictest applies), or null: not scored. */
  thresholdFor(groups: readonly string[]): number | null {
    let lowest: number | null = null;
    for (const group of groups) {
      const t = this.#thresholds.get(group);
      if (t !== undefined && (lowest === null || t < lowest)) lowest = t;
    }
    return lowest;
  }

  /** Scores a response body as received; null when it cannot be decoded or nothing matched. */
  score(
    body: Buffer,
    contentType: string | undefined,
    contentEncoding: string | undefined,
  ): ContentFinding | null {
    const decoded = decodeBody(body, contentEncoding, this.maxBytes);
    if (decoded === null) return null;
    const text = htmlText(decodeText(decoded, charsetOf(contentType, decoded)));
    const result = scoreText(this.#index, text);
    if (result.topCategory === null) return null;
    const top = result.topCategory;
    return {
      score: result.topScore,
      category: top,
      phrases: result.matches
        .filter((m) => m.category === top && m.weight > 0)
        .slice(0, 20)
        .map((m) => m.phrase),
    };
  }
}
