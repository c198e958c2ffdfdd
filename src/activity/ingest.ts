import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Kysely } from 'kysely';
import { listSchoolUsernames } from '../store/activity-repository.ts';
import type { Database } from '../store/schema.ts';
import type { ActivityEvent } from './activity-event.ts';
import type { ActivityBatchWriter } from './event-writer.ts';
import {
  LineIds,
  parseJsonLine,
  parseJsonLines,
  parseSquidLine,
  parseSquidLog,
  type ParseContext,
  type ParseProblem,
} from './ingest-parsers.ts';

/**
 * Events from other sources (MON-6), written through the activity writer:
 *
 *   ingestText          one request body (the ingest API): parsed whole, the good events
 *                       written as one batch — one transaction, or one spool append — and the bad
 *                       lines reported by number
 *   importActivityFile  a file of any size (`haven activity import`): read line by line, written in
 *                       batches of `batchLines` events, each batch in one transaction
 *
 * Parsing is in `ingest-parsers.ts` (pure).
 */

export type IngestFormat = 'jsonl' | 'squid';

export interface IngestOptions extends ParseContext {
  readonly format: IngestFormat;
}

export interface IngestReport {
  /** Lines read. */
  readonly lines: number;
  /** Events parsed from good lines. */
  readonly events: number;
  /** New rows in the database. */
  readonly inserted: number;
  /** Events the database already had (the same file or batch sent again). */
  readonly duplicates: number;
  /** Events appended to the spool because the database was unreachable (stored later). */
  readonly spooled: number;
  /** Bad lines, skipped: the first `MAX_PROBLEMS` of them. */
  readonly problems: readonly ParseProblem[];
  /** Every bad line, counted. */
  readonly problemCount: number;
}

/** Problems listed in a report at most (all are counted). */
export const MAX_PROBLEMS = 100;

/** The usernames of a school, for `ParseContext.users` (Squid logs name people by username). */
export function schoolUsernames(
  db: Kysely<Database>,
  schoolId: string,
): Promise<Map<string, string>> {
  return listSchoolUsernames(db, schoolId);
}

/**
 * Parse a request body (JSON lines or a Squid log) and write its good events as one batch:
 * all of them are stored, or — if the batch cannot be stored at all — none (the error is thrown:
 * `SpoolFullError` when the database is down and the spool is full).
 */
export async function ingestText(
  writer: ActivityBatchWriter,
  text: string,
  options: IngestOptions,
): Promise<IngestReport> {
  const parsed =
    options.format === 'squid' ? parseSquidLog(text, options) : parseJsonLines(text, options);
  const result = await writer.writeBatch(parsed.events);
  return {
    lines: parsed.lines,
    events: parsed.events.length,
    inserted: result.inserted,
    duplicates: result.duplicates,
    spooled: result.stored === 'spool' ? parsed.events.length : 0,
    problems: parsed.problems.slice(0, MAX_PROBLEMS),
    problemCount: parsed.problems.length,
  };
}

export interface ImportFileOptions extends IngestOptions {
  /** Events per batch (one transaction each; default 5,000). */
  readonly batchLines?: number;
  /** Told after each batch. */
  readonly onProgress?: (report: IngestReport) => void;
}

/**
 * Import a file line by line. Each batch is written in one transaction before the next is read;
 * if the import stops half way (an error is thrown), the batches before it are stored and
 * running the import again stores only what is missing (ids are derived from the lines).
 */
export async function importActivityFile(
  writer: ActivityBatchWriter,
  path: string,
  options: ImportFileOptions,
): Promise<IngestReport> {
  const batchLines = Math.max(1, options.batchLines ?? 5000);
  const ids = new LineIds();
  const parse = options.format === 'squid' ? parseSquidLine : parseJsonLine;
  const problems: ParseProblem[] = [];
  let problemCount = 0;
  let lines = 0;
  let events = 0;
  let inserted = 0;
  let duplicates = 0;
  let spooled = 0;
  let batch: ActivityEvent[] = [];
  const report = (): IngestReport => ({
    lines,
    events,
    inserted,
    duplicates,
    spooled,
    problems: [...problems],
    problemCount,
  });
  const write = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await writer.writeBatch(batch);
    inserted += result.inserted;
    duplicates += result.duplicates;
    if (result.stored === 'spool') spooled += batch.length;
    batch = [];
    options.onProgress?.(report());
  };
  const input = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  for await (const line of input) {
    lines += 1;
    const result = parse(line, options, ids);
    if (result === null) continue;
    if (typeof result === 'string') {
      problemCount += 1;
      if (problems.length < MAX_PROBLEMS) problems.push({ line: lines, message: result });
      continue;
    }
    events += 1;
    batch.push(result);
    if (batch.length >= batchLines) await write();
  }
  await write();
  return report();
}
