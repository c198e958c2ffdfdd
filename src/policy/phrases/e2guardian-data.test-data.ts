import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeListBytes } from './e2guardian-import.ts';

/**
 * Test helper: finds e2guardian's own phrase lists on this machine for the import tests. The lists
 * are GPL and are never copied into Haven's repository; tests that need them are skipped when
 * they are missing.
 *
 * Looked for in `HAVEN_E2GUARDIAN_LISTS` (a `lists` folder), in `/etc/e2guardian/lists` (the
 * Debian package installed), and in `/tmp/e2g/etc/e2guardian/lists` (the package unpacked with
 * `cd /tmp && apt-get download e2guardian && dpkg-deb -x e2guardian_*.deb e2g`).
 */

/** The path the lists' own `.Include` lines use. */
export const E2GUARDIAN_HOME = '/etc/e2guardian/lists';

function find(): string | undefined {
  const candidates = [
    process.env.HAVEN_E2GUARDIAN_LISTS,
    E2GUARDIAN_HOME,
    '/tmp/e2g/etc/e2guardian/lists',
  ].filter((dir): dir is string => dir !== undefined && dir !== '');
  return candidates.find((dir) => existsSync(join(dir, 'phraselists')));
}

const LISTS: string | undefined = find();

/** `{ skip }` option for tests that read e2guardian's lists. */
export const E2GUARDIAN_SKIP: { skip: string | false } = {
  skip:
    LISTS === undefined
      ? 'e2guardian phrase lists not found: apt-get install e2guardian, or unpack the package and set HAVEN_E2GUARDIAN_LISTS'
      : false,
};

/** Maps a path under `/etc/e2guardian/lists` to where the lists really are. */
function locate(path: string): string {
  if (LISTS === undefined) throw new Error('e2guardian lists not found');
  return path.startsWith(`${E2GUARDIAN_HOME}/`)
    ? join(LISTS, path.slice(E2GUARDIAN_HOME.length))
    : path;
}

/** The reader `importE2guardianPhrases` takes: the decoded text, or undefined. */
export function readE2guardian(path: string): string | undefined {
  const file = locate(path);
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  return decodeListBytes(readFileSync(file));
}

/** Every weighted phrase list file, as `/etc/e2guardian/lists/phraselists/...` paths. */
export function weightedListPaths(): string[] {
  const root = locate(`${E2GUARDIAN_HOME}/phraselists`);
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full, `${rel}/${name}`);
      else if (name.startsWith('weighted'))
        out.push(`${E2GUARDIAN_HOME}/phraselists${rel}/${name}`);
    }
  };
  walk(root, '');
  return out;
}
