import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * How a block list is kept in the database: its normalised entries, one per line, gzipped.
 * A line is `h host` (block host and subdomains), `u host/path` (block URL prefix), `H host` or
 * `U host/path` (allow: AdBlock `@@` exceptions). Stored whole, so an update swaps one row for
 * another in one transaction and a filter node loads a list with one read.
 */
export interface ListContent {
  hosts: string[];
  urls: string[];
  allowHosts: string[];
  allowUrls: string[];
}

export function emptyListContent(): ListContent {
  return { hosts: [], urls: [], allowHosts: [], allowUrls: [] };
}

export function encodeListContent(content: ListContent): { gz: Buffer; checksum: string } {
  const parts: string[] = [];
  for (const h of content.hosts) parts.push(`h ${h}`);
  for (const u of content.urls) parts.push(`u ${u}`);
  for (const h of content.allowHosts) parts.push(`H ${h}`);
  for (const u of content.allowUrls) parts.push(`U ${u}`);
  const text = parts.join('\n');
  return {
    gz: gzipSync(text, { level: 6 }),
    checksum: createHash('sha256').update(text).digest('hex'),
  };
}

/** Calls `visit` for each entry of a stored list. */
export function forEachListEntry(
  gz: Buffer,
  visit: (kind: 'h' | 'u' | 'H' | 'U', value: string) => void,
): void {
  const text = gunzipSync(gz).toString('utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const kind = text[start];
    if ((kind === 'h' || kind === 'u' || kind === 'H' || kind === 'U') && end - start > 2) {
      visit(kind, text.slice(start + 2, end));
    }
    start = end + 1;
  }
}
