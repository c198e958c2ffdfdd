import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Finding and reading list files on disk: a squidGuard/UT1 tree (`<category>/domains`,
 * `<category>/urls`, `<category>/usage`) or a single file.
 */
export interface ListFile {
  path: string;
  /** `domains`, `urls`, or null for a single file of another kind. */
  squidGuardKind: 'domains' | 'urls' | null;
  bytes: number;
}

export interface ListFolder {
  /** The folder name: the source's category name (e.g. UT1's `drogue`). */
  sourceCategory: string;
  files: ListFile[];
  /** The UT1 `usage` file's text, when there is one. */
  usage: string | null;
}

/** The categories of a squidGuard tree below `root` (any depth), sorted by name. */
export function findSquidGuardTree(root: string): ListFolder[] {
  const folders: ListFolder[] = [];
  const walk = (dir: string): void => {
    const files: ListFile[] = [];
    for (const kind of ['domains', 'urls'] as const) {
      const path = join(dir, kind);
      if (existsSync(path) && statSync(path).isFile())
        files.push({ path, squidGuardKind: kind, bytes: statSync(path).size });
    }
    if (files.length > 0) {
      const usagePath = join(dir, 'usage');
      folders.push({
        sourceCategory: basename(dir),
        files,
        usage: existsSync(usagePath) ? readFileSync(usagePath, 'utf8') : null,
      });
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
    }
  };
  walk(root);
  return folders.sort((a, b) => a.sourceCategory.localeCompare(b.sourceCategory));
}

/** The lines of a file, streamed; `onBytes` reports progress as the file is read. */
export async function* readLines(
  path: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  if (onBytes) stream.on('data', (chunk) => onBytes(Buffer.byteLength(chunk)));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) yield line;
}
