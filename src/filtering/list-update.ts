import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { isSystemActor, type AuditActor } from '../access/actor.ts';
import { HavenError } from '../errors/haven-error.ts';
import type { ListError, ListFormat } from '../policy/lists/list-parser.ts';
import { mapUt1Category } from '../policy/lists/ut1-categories.ts';
import { rollBackBlockList } from '../store/block-list-repository.ts';
import { recordFilterChange } from '../store/filter-change-repository.ts';
import type { Database } from '../store/schema.ts';
import {
  importBlockList,
  isKnownCategory,
  type ListImportResult,
  type ListSourceFile,
} from './list-import.ts';
import { readTar } from './tar-reader.ts';

/** A configured download (`lists.sources` in haven.yaml). */
export interface ListSource {
  name: string;
  url: string;
  kind: 'squidguard-tarball' | 'file';
  format?: ListFormat | undefined;
  category?: string | undefined;
  sha256?: string | undefined;
  checksumUrl?: string | undefined;
  licence?: string | undefined;
}

export interface ListUpdateResult {
  source: string;
  ok: boolean;
  lists: ListImportResult[];
  error?: string;
  rolledBack: string[];
  /** Lists in the download that had nothing usable (left as they were). */
  skipped: string[];
}

export type Fetcher = (url: string) => Promise<Buffer>;

const maxDownload = 512 * 1024 * 1024;

/** Download with a timeout and a size limit. */
export const httpFetcher: Fetcher = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000), redirect: 'follow' });
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > maxDownload)
    throw new Error(`${url} is ${length} bytes, more than the ${maxDownload}-byte limit`);
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > maxDownload)
    throw new Error(`${url} is larger than the ${maxDownload}-byte limit`);
  return body;
};

function digest(data: Buffer, hex: string): string | null {
  const algorithm =
    hex.length === 32 ? 'md5' : hex.length === 64 ? 'sha256' : hex.length === 128 ? 'sha512' : null;
  return algorithm ? createHash(algorithm).update(data).digest('hex') : null;
}

async function verifyChecksum(source: ListSource, data: Buffer, fetcher: Fetcher): Promise<void> {
  let expected = source.sha256?.toLowerCase();
  if (!expected && source.checksumUrl) {
    const text = (await fetcher(source.checksumUrl)).toString('utf8');
    expected = /\b([0-9a-f]{32}|[0-9a-f]{64}|[0-9a-f]{128})\b/i.exec(text)?.[1]?.toLowerCase();
    if (!expected) throw new Error(`${source.checksumUrl} holds no md5, sha256 or sha512 checksum`);
  }
  if (!expected) return;
  const actual = digest(data, expected);
  if (actual !== expected) {
    throw new Error(
      `the download's checksum does not match (expected ${expected}, got ${actual ?? 'an unknown kind'}): nothing was changed`,
    );
  }
}

async function* linesOf(data: Buffer): AsyncGenerator<string> {
  yield* data.toString('utf8').split('\n');
}

function gunzipIfNeeded(data: Buffer): Buffer {
  return data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
}

interface PlannedList {
  name: string;
  category: string;
  sourceCategory: string | null;
  files: ListSourceFile[];
}

function plan(source: ListSource, data: Buffer): PlannedList[] {
  if (source.kind === 'file') {
    if (!source.category || !isKnownCategory(source.category)) {
      throw new Error(
        `source ${source.name} needs "category:" with a Haven category for its entries`,
      );
    }
    return [
      {
        name: source.name,
        category: source.category,
        sourceCategory: null,
        files: [{ label: source.url, lines: linesOf(gunzipIfNeeded(data)), format: source.format }],
      },
    ];
  }
  const entries = readTar(gunzipIfNeeded(data));
  const byFolder = new Map<string, ListSourceFile[]>();
  for (const entry of entries) {
    const parts = entry.path.split('/');
    const file = parts[parts.length - 1];
    const folder = parts[parts.length - 2];
    if (!folder || (file !== 'domains' && file !== 'urls')) continue;
    const list = byFolder.get(folder) ?? [];
    list.push({ label: `${source.name}:${entry.path}`, lines: linesOf(entry.data), format: file });
    byFolder.set(folder, list);
  }
  if (byFolder.size === 0)
    throw new Error(
      `${source.url} holds no squidGuard lists (<category>/domains or <category>/urls)`,
    );
  const planned: PlannedList[] = [];
  for (const [folder, files] of [...byFolder].sort(([a], [b]) => a.localeCompare(b))) {
    const category = isKnownCategory(folder) ? folder : mapUt1Category(folder)?.category;
    if (category)
      planned.push({ name: `${source.name}/${folder}`, category, sourceCategory: folder, files });
  }
  return planned;
}

/**
 * `haven lists update`: download each configured list, check its checksum, import every list in
 * it, and if anything fails part-way, roll the lists already swapped back to their previous
 * versions, so a source is updated whole or not at all. Each step is in the change log.
 */
export async function updateLists(
  db: Kysely<Database>,
  sources: readonly ListSource[],
  deps: {
    actor: AuditActor;
    now: () => Date;
    fetcher?: Fetcher;
    onBadLine?: (e: ListError) => void;
  },
): Promise<ListUpdateResult[]> {
  if (sources.length === 0) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      'No list sources are configured: add lists.sources to haven.yaml (see docs/lists.md).',
    );
  }
  const fetcher = deps.fetcher ?? httpFetcher;
  const results: ListUpdateResult[] = [];
  for (const source of sources) {
    const result: ListUpdateResult = {
      source: source.name,
      ok: false,
      lists: [],
      rolledBack: [],
      skipped: [],
    };
    const swapped: string[] = [];
    try {
      const data = await fetcher(source.url);
      await verifyChecksum(source, data, fetcher);
      for (const list of plan(source, data)) {
        const imported = await importBlockList(db, {
          name: list.name,
          category: list.category,
          source: source.name,
          sourceCategory: list.sourceCategory,
          origin: source.url,
          licence: source.licence ?? null,
          files: list.files,
          actor: deps.actor,
          now: deps.now(),
          ...(deps.onBadLine ? { onBadLine: deps.onBadLine } : {}),
        }).catch((error: unknown) => {
          // A list with no usable entries is left as it was; anything else fails the source.
          if (error instanceof HavenError && error.code === 'HAVEN_VALIDATION') {
            result.skipped.push(`${list.name}: ${error.message}`);
            return null;
          }
          throw error;
        });
        if (!imported) continue;
        if (!imported.unchanged) swapped.push(list.name);
        result.lists.push(imported);
      }
      result.ok = true;
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      for (const name of swapped.reverse()) {
        await db.transaction().execute(async (trx) => {
          const restored = await rollBackBlockList(trx, name);
          await recordFilterChange(
            trx,
            {
              schoolId: null,
              actorId: isSystemActor(deps.actor) ? null : deps.actor.userId,
              actorLabel: isSystemActor(deps.actor)
                ? `system:${deps.actor.label}`
                : deps.actor.username,
              kind: 'list.rolled-back',
              summary: `Rolled back ${name} after a failed update from ${source.name}: ${result.error ?? ''}`,
              detail: { name, restored: restored?.checksum ?? null },
            },
            deps.now(),
          );
        });
        result.rolledBack.push(name);
      }
    }
    results.push(result);
  }
  return results;
}
