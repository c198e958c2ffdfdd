import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SchoolSnapshot } from '../filtering/snapshot-loader.ts';
import { toRules } from '../policy/document/to-rules.ts';
import { compile } from '../policy/engine/compile.ts';
import { ListIndexBuilder } from '../policy/engine/list-index.ts';
import { parseListChunks } from '../policy/lists/list-parser.ts';
import { demoSchoolPolicy } from '../policy/templates/index.ts';

/**
 * A snapshot without a database, for benchmarks and tools: the demo school's policy compiled
 * with one list file (squidGuard `domains`, or hosts lines `0.0.0.0 name`; a domain blocks itself
 * and its subdomains) loaded as
 * one category. The category must be one the demo policy blocks for the group being measured
 * (`pornography` is blocked for every group).
 */

export interface BlocklistSnapshotOptions {
  readonly schoolId?: string;
  readonly category?: string;
  /** The host-name classifier for names in no list. Off by default: lists only, like the peers. */
  readonly classifier?: boolean;
  readonly now?: Date;
}

export interface BlocklistSnapshot {
  readonly snapshot: SchoolSnapshot;
  readonly entries: number;
  readonly errors: number;
  readonly loadMs: number;
}

export async function loadBlocklistSnapshot(
  file: string,
  options: BlocklistSnapshotOptions = {},
): Promise<BlocklistSnapshot> {
  const started = performance.now();
  const schoolId = options.schoolId ?? 'bench-school';
  const category = options.category ?? 'pornography';
  const builder = new ListIndexBuilder(1 << 16);
  let entries = 0;
  let errors = 0;
  // Each line's last word is the name, so hosts lines (`0.0.0.0 name`) and plain domains mix.
  async function* names(): AsyncGenerator<string> {
    const lines = createInterface({
      input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      const text = line.trim();
      const space = text.lastIndexOf(' ');
      yield `${space >= 0 && !text.startsWith('#') ? text.slice(space + 1) : text}\n`;
    }
  }
  await parseListChunks(
    names(),
    { file, format: 'domains' },
    {
      entry: (e) => {
        if (e.kind === 'host' && builder.addHost(e.value, category, `bench/${category}`)) entries++;
        else errors++;
      },
      error: () => {
        errors++;
      },
    },
  );
  const rules = toRules(demoSchoolPolicy(), { schoolId });
  const compiled = compile(
    { ...rules, school: { ...rules.school, id: schoolId, timeZone: 'Europe/London' } },
    builder.build(),
    options.classifier === true ? {} : { classifier: null },
  );
  return {
    snapshot: {
      schoolId,
      snapshot: compiled,
      policyVersion: { id: 'bench', number: 1 },
      builtAt: options.now ?? new Date(),
    },
    entries,
    errors,
    loadMs: performance.now() - started,
  };
}
