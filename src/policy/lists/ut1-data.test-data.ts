import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Test helper: reads the UT1 developer test lists (shared/data/blocklists, see its README) for
 * the parser and classifier tests. It is the one file under src/policy that touches the disk, and
 * only tests import it; the engine itself never does I/O.
 *
 * The lists are found through the `HAVEN_UT1_DIR` environment variable, or in the shared folder
 * beside the repository. Tests that need them are skipped when they are missing.
 */
function find(): URL | undefined {
  const candidates: URL[] = [];
  const fromEnv = process.env.HAVEN_UT1_DIR;
  if (fromEnv !== undefined && fromEnv.length > 0)
    candidates.push(pathToFileURL(fromEnv.endsWith('/') ? fromEnv : `${fromEnv}/`));
  candidates.push(new URL('../../../../shared/data/blocklists/', import.meta.url));
  candidates.push(new URL('file:///work/shared/data/blocklists/'));
  return candidates.find((u) => existsSync(new URL('README.md', u)));
}

const UT1_DIR: URL | undefined = find();

/** `{ skip }` option for tests that read the UT1 lists. */
export const UT1_SKIP: { skip: string | false } = {
  skip: UT1_DIR === undefined ? 'UT1 lists not found (set HAVEN_UT1_DIR)' : false,
};

function ut1(path: string): URL {
  if (UT1_DIR === undefined) throw new Error('UT1 lists not found');
  return new URL(path, UT1_DIR);
}

/** The UT1 category folders. */
export function ut1Categories(): string[] {
  const dir = ut1('./');
  return readdirSync(dir)
    .filter((name) => statSync(new URL(name, dir)).isDirectory())
    .sort();
}

/** True when `category/file` exists. */
export function hasUt1File(path: string): boolean {
  return existsSync(ut1(path));
}

/** The text of `category/file`, e.g. `gambling/domains`. */
export function readUt1(path: string): string {
  return readFileSync(ut1(path), 'utf8');
}

/** `category/file` as a stream of UTF-8 chunks, like an import reads it. */
export function streamUt1(path: string): AsyncIterable<string> {
  return createReadStream(ut1(path), { encoding: 'utf8', highWaterMark: 64 * 1024 });
}
