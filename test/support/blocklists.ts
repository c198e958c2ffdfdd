import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { systemActor } from '../../src/access/actor.ts';
import { findSquidGuardTree, readLines } from '../../src/filtering/list-files.ts';
import { importBlockList, type ListImportResult } from '../../src/filtering/list-import.ts';
import type { ListError } from '../../src/policy/lists/list-parser.ts';
import { mapUt1Category } from '../../src/policy/lists/ut1-categories.ts';
import type { Database } from '../../src/store/schema.ts';
import { projectRoot } from './test-databases.ts';

/**
 * The UT1 test lists in shared/data/blocklists (CC BY-SA 4.0; attribution in that folder's
 * README and in docs/lists.md).
 */
export const ut1Root = join(projectRoot, '..', 'shared', 'data', 'blocklists');

export function ut1Available(): boolean {
  return existsSync(join(ut1Root, 'gambling', 'domains'));
}

/** Import these UT1 categories (folder names) the way `haven lists import` does. */
export async function importUt1(
  db: Kysely<Database>,
  names: readonly string[],
  badLines: ListError[] = [],
): Promise<ListImportResult[]> {
  const results: ListImportResult[] = [];
  for (const folder of findSquidGuardTree(ut1Root).filter((f) =>
    names.includes(f.sourceCategory),
  )) {
    const category = mapUt1Category(folder.sourceCategory)?.category;
    if (!category) continue;
    results.push(
      await importBlockList(db, {
        name: `ut1/${folder.sourceCategory}`,
        category,
        source: 'ut1',
        sourceCategory: folder.sourceCategory,
        origin: ut1Root,
        licence: 'CC BY-SA 4.0, UT1 blacklists by Fabrice Prigent, Université Toulouse Capitole',
        files: folder.files.map((f) => ({
          label: `ut1/${folder.sourceCategory}/${f.squidGuardKind}`,
          lines: readLines(f.path),
          format: f.squidGuardKind ?? undefined,
        })),
        actor: systemActor('test'),
        now: new Date(),
        onBadLine: (e) => badLines.push(e),
      }),
    );
  }
  return results;
}

/**
 * A list from lines in memory (for entries no public list may hold, such as IWF-style test
 * URLs): lines with a path go in as URL prefixes, the others as domains.
 */
export async function importLines(
  db: Kysely<Database>,
  name: string,
  category: string,
  lines: string[],
): Promise<ListImportResult> {
  async function* gen(items: string[]) {
    yield* items;
  }
  const urls = lines.filter((l) => l.includes('/'));
  const domains = lines.filter((l) => !l.includes('/'));
  return importBlockList(db, {
    name,
    category,
    source: 'test',
    sourceCategory: null,
    origin: 'test',
    licence: null,
    files: [
      { label: `${name}/domains`, lines: gen(domains), format: 'domains' },
      ...(urls.length > 0
        ? [{ label: `${name}/urls`, lines: gen(urls), format: 'urls' as const }]
        : []),
    ],
    actor: systemActor('test'),
    now: new Date(),
  });
}
