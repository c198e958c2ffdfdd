import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListInput, SchoolInputs } from './snapshot-inputs.ts';

/**
 * The last good inputs of a filter node, on local disk (ENF-6), so a node that starts while the
 * database is unreachable still enforces the policy it last had — never nothing:
 *
 *   HAVEN_DATA/filter-cache/
 *     manifest.json           what belongs together: the schools' files and the lists' files
 *     schools/<id>-<fp>.json  one school: its active policy document and local entries
 *     lists/<sha256>.gz       one block list, exactly as stored in the database (gzip)
 *
 * Every file is written to a temporary name, flushed, then renamed into place, and the manifest
 * is written last: a reader sees the old set or the new set, never half of one. Data files are
 * named by their content, so a manifest never points at a file that was rewritten under it.
 */
export const cacheFormat = 'haven-filter-cache/1';

interface Manifest {
  format: typeof cacheFormat;
  savedAt: string;
  /** The filter change log's newest id when the inputs were read. */
  stamp: string;
  schools: { id: string; file: string }[];
  lists: { name: string; category: string; file: string; sha256: string }[];
}

export interface CachedList {
  readonly name: string;
  readonly category: string;
  readonly file: string;
  readonly sha256: string;
}

export interface CacheContents {
  readonly savedAt: Date;
  readonly stamp: string;
  readonly schools: readonly SchoolInputs[];
  readonly lists: readonly ListInput[];
}

/** The cache cannot be used: a file is missing, unreadable or not what the manifest says. */
export class FilterCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterCacheError';
  }
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Files no manifest has referred to for this long are removed (another process may share the folder). */
const staleAfterMs = 10 * 60_000;

async function removeUnreferenced(folder: string, keep: ReadonlySet<string>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (keep.has(name)) continue;
    const path = join(folder, name);
    try {
      if (now - (await stat(path)).mtimeMs > staleAfterMs) await rm(path, { force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

/**
 * Writes the cache. `lists` are the lists to (re)write, or null to keep the lists already
 * written (`written`); returns the lists the manifest now names.
 */
export async function saveFilterCache(
  folder: string,
  input: {
    savedAt: Date;
    stamp: string;
    schools: readonly { inputs: SchoolInputs; fingerprint: string }[];
    lists: readonly ListInput[] | null;
    written: readonly CachedList[];
  },
): Promise<CachedList[]> {
  const schoolsFolder = join(folder, 'schools');
  const listsFolder = join(folder, 'lists');
  await mkdir(schoolsFolder, { recursive: true, mode: 0o700 });
  await mkdir(listsFolder, { recursive: true, mode: 0o700 });

  let lists: CachedList[] = [...input.written];
  if (input.lists !== null) {
    lists = [];
    for (const list of input.lists) {
      const digest = sha256(list.content);
      const file = `${digest}.gz`;
      const path = join(listsFolder, file);
      if (!(await exists(path))) await writeAtomically(path, list.content);
      lists.push({ name: list.name, category: list.category, file, sha256: digest });
    }
  }
  const schools: Manifest['schools'] = [];
  for (const { inputs, fingerprint } of input.schools) {
    const file = `${inputs.school.id}-${fingerprint.slice(0, 16)}.json`;
    const path = join(schoolsFolder, file);
    if (!(await exists(path))) await writeAtomically(path, JSON.stringify(inputs));
    schools.push({ id: inputs.school.id, file });
  }
  const manifest: Manifest = {
    format: cacheFormat,
    savedAt: input.savedAt.toISOString(),
    stamp: input.stamp,
    schools,
    lists: lists.map((l) => ({ ...l })),
  };
  await writeAtomically(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await removeUnreferenced(schoolsFolder, new Set(schools.map((s) => s.file)));
  await removeUnreferenced(listsFolder, new Set(lists.map((l) => l.file)));
  return lists;
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<Manifest>;
  return (
    m.format === cacheFormat &&
    typeof m.savedAt === 'string' &&
    typeof m.stamp === 'string' &&
    Array.isArray(m.schools) &&
    Array.isArray(m.lists)
  );
}

function isSchoolInputs(value: unknown): value is SchoolInputs {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<SchoolInputs>;
  return (
    typeof s.school === 'object' &&
    s.school !== null &&
    typeof s.school.id === 'string' &&
    typeof s.school.name === 'string' &&
    typeof s.school.timeZone === 'string' &&
    Array.isArray(s.localEntries) &&
    (s.policy === null || (typeof s.policy === 'object' && typeof s.policy.number === 'number'))
  );
}

/**
 * Reads the cache; undefined when there is none. Throws `FilterCacheError` when it exists but
 * cannot be trusted whole (a list that does not match its checksum would silently lift blocks,
 * so a damaged cache is refused rather than used in part).
 */
export async function loadFilterCache(folder: string): Promise<CacheContents | undefined> {
  let text: string;
  try {
    text = await readFile(join(folder, 'manifest.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FilterCacheError(`cannot read ${join(folder, 'manifest.json')}: ${String(error)}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new FilterCacheError(`${join(folder, 'manifest.json')} is not valid JSON`);
  }
  if (!isManifest(manifest)) {
    throw new FilterCacheError(`${join(folder, 'manifest.json')} is not a ${cacheFormat} manifest`);
  }
  const schools: SchoolInputs[] = [];
  for (const entry of manifest.schools) {
    const path = join(folder, 'schools', entry.file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new FilterCacheError(`cannot read ${path}: ${String(error)}`);
    }
    if (!isSchoolInputs(parsed)) throw new FilterCacheError(`${path} is not a school's inputs`);
    schools.push(parsed);
  }
  const lists: ListInput[] = [];
  for (const entry of manifest.lists) {
    const path = join(folder, 'lists', entry.file);
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      throw new FilterCacheError(`cannot read ${path}: ${String(error)}`);
    }
    if (sha256(content) !== entry.sha256) {
      throw new FilterCacheError(`${path} does not match its checksum: the cache is damaged`);
    }
    lists.push({ name: entry.name, category: entry.category, content });
  }
  return { savedAt: new Date(manifest.savedAt), stamp: manifest.stamp, schools, lists };
}
