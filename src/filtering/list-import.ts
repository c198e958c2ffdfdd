import type { Kysely } from 'kysely';
import type { AuditActor } from '../access/actor.ts';
import { isSystemActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { BUILT_IN_CATEGORIES } from '../policy/engine/categories.ts';
import {
  ListParser,
  type ListError,
  type ListFormat,
  type ParseCounts,
} from '../policy/lists/list-parser.ts';
import { swapInBlockList } from '../store/block-list-repository.ts';
import { recordFilterChange } from '../store/filter-change-repository.ts';
import type { Database } from '../store/schema.ts';
import { emptyListContent, encodeListContent } from './list-content.ts';

/** One list file to read into a named list. */
export interface ListSourceFile {
  /** Label for error messages: the path as the user gave it. */
  label: string;
  lines: AsyncIterable<string>;
  format: ListFormat | 'squidguard' | undefined;
}

export interface ListImportRequest {
  /** Stable name: a new import with the same name replaces the list atomically. */
  name: string;
  /** Haven category id the entries belong to. */
  category: string;
  source: string;
  sourceCategory: string | null;
  origin: string;
  licence: string | null;
  files: ListSourceFile[];
  actor: AuditActor;
  now: Date;
  /** Called for each malformed line, as it is found; the import goes on. */
  onBadLine?: (error: ListError) => void;
}

export interface ListImportResult {
  name: string;
  category: string;
  format: string;
  hostEntries: number;
  urlEntries: number;
  allowEntries: number;
  badLines: number;
  counts: ParseCounts;
  replaced: boolean;
  checksum: string;
  unchanged: boolean;
}

const knownCategories = new Set(BUILT_IN_CATEGORIES.map((c) => c.id));

export function isKnownCategory(id: string): boolean {
  return knownCategories.has(id);
}

function addCounts(total: ParseCounts, add: ParseCounts): void {
  for (const key of Object.keys(total) as (keyof ParseCounts)[]) total[key] += add[key];
}

/**
 * Read list files, keep every good entry, report every bad line (file and line number) without
 * stopping, and swap the result in as the active list of that name in one transaction, recorded
 * in the filter change log and the audit log. An identical re-import changes nothing.
 */
export async function importBlockList(
  db: Kysely<Database>,
  request: ListImportRequest,
): Promise<ListImportResult> {
  if (!isKnownCategory(request.category)) {
    throw new HavenError('HAVEN_VALIDATION', `"${request.category}" is not a Haven category.`, {
      errors: [{ path: 'category', message: `use one of: ${[...knownCategories].join(', ')}` }],
    });
  }
  const content = emptyListContent();
  const counts: ParseCounts = {
    lines: 0,
    entries: 0,
    allow: 0,
    comments: 0,
    cosmetic: 0,
    unsupported: 0,
    skipped: 0,
    errors: 0,
  };
  const formats = new Set<string>();
  for (const file of request.files) {
    const parser = new ListParser(
      { file: file.label, ...(file.format ? { format: file.format } : {}) },
      {
        entry: (entry) => {
          if (entry.action === 'allow')
            (entry.kind === 'host' ? content.allowHosts : content.allowUrls).push(entry.value);
          else (entry.kind === 'host' ? content.hosts : content.urls).push(entry.value);
        },
        error: (error) => request.onBadLine?.(error),
      },
    );
    for await (const line of file.lines) parser.writeLine(line);
    const summary = parser.end();
    formats.add(summary.format);
    addCounts(counts, summary.counts);
  }
  const total =
    content.hosts.length +
    content.urls.length +
    content.allowHosts.length +
    content.allowUrls.length;
  if (total === 0) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      `No usable entries in ${request.files.map((f) => f.label).join(', ')}: the list was not changed.`,
      {
        errors: [
          {
            path: request.name,
            message: `${counts.errors} bad line(s), ${counts.lines} line(s) read`,
          },
        ],
      },
    );
  }
  const { gz, checksum } = encodeListContent(content);
  const format = [...formats].sort().join('+');
  const actorLabel = isSystemActor(request.actor)
    ? `system:${request.actor.label}`
    : request.actor.username;
  const actorId = isSystemActor(request.actor) ? null : request.actor.userId;
  const result: ListImportResult = {
    name: request.name,
    category: request.category,
    format,
    hostEntries: content.hosts.length,
    urlEntries: content.urls.length,
    allowEntries: content.allowHosts.length + content.allowUrls.length,
    badLines: counts.errors,
    counts,
    replaced: false,
    checksum,
    unchanged: false,
  };
  await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('block_lists')
      .select(['checksum', 'category'])
      .where('name', '=', request.name)
      .where('active', '=', true)
      .executeTakeFirst();
    if (current && current.checksum === checksum && current.category === request.category) {
      result.unchanged = true;
      return;
    }
    const { replaced } = await swapInBlockList(trx, {
      name: request.name,
      source: request.source,
      source_category: request.sourceCategory,
      category: request.category,
      format,
      host_entries: result.hostEntries,
      url_entries: result.urlEntries,
      allow_entries: result.allowEntries,
      bad_lines: result.badLines,
      content: gz,
      checksum,
      origin: request.origin,
      licence: request.licence,
      imported_at: request.now,
      imported_by: actorLabel,
    });
    result.replaced = replaced !== undefined;
    const before = replaced ? ` (was ${replaced.host_entries + replaced.url_entries})` : '';
    const summary = `${replaced ? 'Updated' : 'Added'} block list ${request.name} → ${request.category}: ${result.hostEntries + result.urlEntries} entries${before}`;
    await recordFilterChange(
      trx,
      {
        schoolId: null,
        actorId,
        actorLabel,
        kind: replaced ? 'list.updated' : 'list.added',
        summary,
        detail: {
          name: request.name,
          category: request.category,
          origin: request.origin,
          checksum,
          hosts: result.hostEntries,
          urls: result.urlEntries,
          badLines: result.badLines,
        },
      },
      request.now,
    );
    await audit(
      trx,
      request.actor,
      {
        action: replaced ? 'list.updated' : 'list.added',
        subjectType: 'block-list',
        subjectId: request.name,
        schoolId: null,
        detail: {
          category: request.category,
          checksum,
          entries: result.hostEntries + result.urlEntries,
        },
      },
      request.now,
    );
  });
  return result;
}
