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
  '0008-incidents.ts': 'e897e89778f83c4ebe2803a04654802c4a414ff2c9b96d2031ad27163d76caad',
  '0009-exemptions.ts': 'aca3be522368e8c7cb1b82616c8b450da27c5ad2c13ed7f62ae3c276812c1b34',
  '0010-registers.ts': '3091902e972404296a5f673ccce02d3438243db1fba26fe6dd3b225c9a25459b',
  '0011-aua-training-surveys.ts':
    '4cbcdf33612a4aaea194241719a0460d99d82b34e599041503ce0dd42d0fb211',
  '0012-monitoring.ts': 'c43f02525e9356e2dc95488d8b69a13e0c38a8b68c15820e6e365d855dd0df15',
  '0013-governor-reports.ts': '1e4cc8b4c9cc5763718f8b16cec8528bb9c5d062fea33e669366782a091dfe82',
  '0014-activity-performance.ts':
    'bac5727dacc1cbbde007ccc8b7ca2ffc31e5970d25611eb88c75308f575ca8e7',
  '0015-casework-governance-wiring.ts':
    'c3741342a19a0f1471aeac842e4f88e9ccf2f2b48734f5079ddb4a07066efb50',
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
