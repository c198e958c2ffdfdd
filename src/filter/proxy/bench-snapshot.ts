import { toRules } from '../../policy/document/to-rules.ts';
import { compile } from '../../policy/engine/compile.ts';
import { ListIndexBuilder } from '../../policy/engine/list-index.ts';
import { demoSchoolPolicy } from '../../policy/templates/index.ts';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';

/** The school the proxy benchmark filters for. */
export const BENCH_SCHOOL_ID = 'bench-school';

/**
 * The demo school's policy with every domain of `text` (one a line; `0.0.0.0 name` hosts lines
 * too; `#` comments) listed as `gambling`, blocked for pupils by the demo policy.
 */
export function benchSnapshot(text: string, now = new Date()): SchoolSnapshot {
  const builder = new ListIndexBuilder(Math.max(1024, Math.ceil(text.length / 12)));
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end).trim();
    start = end + 1;
    if (line.length === 0 || line.charCodeAt(0) === 35 /* # */) continue;
    const space = line.lastIndexOf(' ');
    if (space >= 0) line = line.slice(space + 1);
    builder.addHost(line, 'gambling', 'bench/blocklist');
  }
  const rules = toRules(demoSchoolPolicy(), { schoolId: BENCH_SCHOOL_ID });
  const snapshot = compile(
    { ...rules, school: { ...rules.school, id: BENCH_SCHOOL_ID, timeZone: 'Europe/London' } },
    builder.build(),
  );
  return {
    schoolId: BENCH_SCHOOL_ID,
    snapshot,
    policyVersion: { id: 'bench', number: 1 },
    builtAt: now,
  };
}
