import {
  brotliDecompressSync,
  constants,
  gunzipSync,
  inflateRawSync,
  inflateSync,
} from 'node:zlib';
import { cleanTitle } from '../../activity/activity-event.ts';
import { charsetOf, decodeText, htmlText } from '../tls/page-content.ts';

/**
 * Page titles (MON-2): the `<title>` of an HTML page the proxy passes on (plain HTTP, and
 * inspected HTTPS), kept on the activity event — only the title, trimmed and capped, never the
 * page. The proxy looks at the first `TITLE_SCAN_BYTES` of the body as it streams past (a copy
 * of the chunk references, nothing held after the answer ends) and reads the title from them.
 */

/** Bytes of a body (as received) looked at for the title. */
export const TITLE_SCAN_BYTES = 32 * 1024;

export function isHtmlType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'text/html' || type === 'application/xhtml+xml';
}

/** The title of an HTML text (its first `<title>`), cleaned; null when there is none. */
export function titleOfHtml(html: string): string | null {
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  if (!match?.[1]) return null;
  return cleanTitle(htmlText(match[1]));
}

/**
 * Undoes `Content-Encoding` on the *start* of a body (a prefix may end mid-stream, so the
 * decoders flush what they have instead of failing); null for an unknown coding.
 */
export function decodePrefix(prefix: Buffer, contentEncoding: string | undefined): Buffer | null {
  // A prefix that inflates past the limit is cut in half until it does not: the title is near
  // the start, and a page that compresses a thousand to one still has its head in a few bytes.
  for (let input = prefix; input.length > 0; input = input.subarray(0, input.length >> 1)) {
    const decoded = decodeOnce(input, contentEncoding);
    if (decoded !== 'too-large') return decoded;
  }
  return null;
}

function decodeOnce(
  prefix: Buffer,
  contentEncoding: string | undefined,
): Buffer | null | 'too-large' {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let data = prefix;
  const maxOutputLength = 32 * TITLE_SCAN_BYTES;
  try {
    for (const coding of codings.reverse()) {
      if (coding === 'gzip' || coding === 'x-gzip')
        data = gunzipSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength });
      else if (coding === 'br')
        data = brotliDecompressSync(data, {
          finishFlush: constants.BROTLI_OPERATION_FLUSH,
          maxOutputLength,
        });
      else if (coding === 'deflate') {
        try {
          data = inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength });
        } catch {
          data = inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength });
        }
      } else return null;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : null;
  }
  return data;
}

/** The title of a (possibly partial, possibly compressed) HTML body. */
export function titleOfBody(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
): string | null {
  const decoded = decodePrefix(body, contentEncoding);
  if (decoded === null) return null;
  return titleOfHtml(decodeText(decoded, charsetOf(contentType, decoded)));
}

/** Collects the first bytes of a streamed body (references to the chunks, up to the limit). */
export class TitleSniffer {
  readonly #contentType: string | undefined;
  readonly #contentEncoding: string | undefined;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(contentType: string | undefined, contentEncoding: string | undefined) {
    this.#contentType = contentType;
    this.#contentEncoding = contentEncoding;
  }

  /** Takes a chunk; false once enough has been seen (the caller may stop listening). */
  push(chunk: Buffer): boolean {
    if (this.#size >= TITLE_SCAN_BYTES) return false;
    const room = TITLE_SCAN_BYTES - this.#size;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.#chunks.push(part);
    this.#size += part.length;
    return this.#size < TITLE_SCAN_BYTES;
  }

  /** The title, read once; the collected bytes are let go. */
  title(): string | null {
    if (this.#size === 0) return null;
    const body = Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    return titleOfBody(body, this.#contentType, this.#contentEncoding);
  }
}
