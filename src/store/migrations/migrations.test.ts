import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { migrations } from './index.ts';

/**
 * Released migrations are never edited: each file's checksum is pinned here. A schema change
 * is a new migration appended to index.ts (and its checksum added below).
 */
const released: Record<string, string> = {
  '0001-foundation.ts': '6bf7f99429196c223422c8df1d3b71f9636cf0ff356d74fe6fe2376f722de001',
  '0002-filtering.ts': '19e7f85f3d771076d1f25c0dc2ef87b3999194a195470a83c79cdaab2a48810c',
  '0003-filter-nodes.ts': 'c49bb294b468008017e76d088793d7295199671db3079f7830567a915131a443',
  '0004-activity.ts': '30a53dea10fb90c367bd6bbeecc63df4914bc21416f6a9eb7fdeed69e410c952',
  '0005-alerts.ts': 'd878306c6936e6d73ff164fe90a5f2f620290ed7b6aea4cd5e2f74349c20276b',
  '0006-ingest-tokens.ts': '451b3e9017e8d7cd964f33efd4e153c936b6d3a2d979500d2573b1a8b56a1d9f',
  '0007-phrase-lists.ts': 'e4b841ce8bda60ee2282a01ccd4fe28c31cc4e68b371dd50fbd569b4df4c8da6',
  // Activity performance (h-perf)
  '0014-activity-performance.ts':
    'bac5727dacc1cbbde007ccc8b7ca2ffc31e5970d25611eb88c75308f575ca8e7',
};

const folder = import.meta.dirname;

test('migrations are append-only: released files are unchanged', () => {
  for (const [file, checksum] of Object.entries(released)) {
    const actual = createHash('sha256')
      .update(readFileSync(join(folder, file)))
      .digest('hex');
    assert.equal(actual, checksum, `${file} was edited after release: add a new migration instead`);
  }
});

test('every migration file is registered, in order, and every registered one is pinned', () => {
  const files = readdirSync(folder).filter(
    (f) => /^\d{4}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'),
  );
  assert.deepEqual(
    files.map((f) => f.replace(/\.ts$/, '')),
    Object.keys(migrations),
  );
  assert.deepEqual(Object.keys(migrations).sort(), Object.keys(migrations));
  assert.deepEqual(files, Object.keys(released));
});
