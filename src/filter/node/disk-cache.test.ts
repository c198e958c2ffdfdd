import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeListContent } from '../../filtering/list-content.ts';
import { evaluate } from '../../policy/engine/evaluate.ts';
import { demoSchoolPolicy } from '../../policy/templates/index.ts';
import { FilterCacheError, loadFilterCache, saveFilterCache } from './disk-cache.ts';
import {
  buildListIndex,
  compileSchool,
  schoolFingerprint,
  type ListInput,
  type SchoolInputs,
} from './snapshot-inputs.ts';

const scratch = mkdtempSync(join(tmpdir(), 'haven-filter-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const school: SchoolInputs = {
  school: { id: 'school-1', slug: 'roundwood', name: 'Roundwood', timeZone: 'Europe/London' },
  policy: { versionId: 'v1', number: 1, document: demoSchoolPolicy() },
  localEntries: [
    {
      id: 'l1',
      action: 'block',
      target: 'local-block.test',
      groups: [],
      category: null,
      reason: 'test',
    },
  ],
};

const lists: ListInput[] = [
  {
    name: 'test/gambling',
    category: 'gambling',
    content: encodeListContent({
      hosts: ['bet365.com'],
      urls: [],
      allowHosts: [],
      allowUrls: [],
    }).gz,
  },
  {
    name: 'iwf-test',
    category: 'child-abuse',
    content: encodeListContent({
      hosts: ['iwf-listed.test'],
      urls: ['allowed.test/listed/page'],
      allowHosts: [],
      allowUrls: [],
    }).gz,
  },
];

const at = new Date('2026-11-23T10:00:00Z');

test('saved inputs load back whole and compile to the same decisions', async () => {
  const folder = join(scratch, 'roundtrip');
  const written = await saveFilterCache(folder, {
    savedAt: at,
    stamp: '42',
    schools: [{ inputs: school, fingerprint: schoolFingerprint(school) }],
    lists,
    written: [],
  });
  assert.equal(written.length, 2);
  const loaded = await loadFilterCache(folder);
  assert.ok(loaded);
  assert.equal(loaded.stamp, '42');
  assert.equal(loaded.savedAt.toISOString(), at.toISOString());
  assert.deepEqual(loaded.schools, [school]);
  assert.equal(schoolFingerprint(loaded.schools[0] ?? school), schoolFingerprint(school));

  const fromDisk = compileSchool(
    loaded.schools[0] ?? school,
    (await buildListIndex(loaded.lists)).index,
    at,
  );
  const original = compileSchool(school, (await buildListIndex(lists)).index, at);
  for (const [groups, host] of [
    [['ks2'], 'bet365.com'],
    [['staff', 'safeguarding-checkers'], 'iwf-listed.test'],
    [['ks2'], 'local-block.test'],
    [['staff'], 'bbc.co.uk'],
  ] as const) {
    const a = evaluate(original.snapshot.snapshot, { groups, host }, at);
    const b = evaluate(fromDisk.snapshot.snapshot, { groups, host }, at);
    assert.equal(b.action, a.action, host);
    assert.equal(b.ruleId, a.ruleId, host);
  }
  assert.equal(
    evaluate(
      fromDisk.snapshot.snapshot,
      { groups: ['staff', 'safeguarding-checkers'], host: 'iwf-listed.test' },
      at,
    ).action,
    'block',
    'illegal entries stay blocked for everyone',
  );
});

test('a later save keeps written lists, replaces the manifest and leaves no temporary files', async () => {
  const folder = join(scratch, 'second');
  const written = await saveFilterCache(folder, {
    savedAt: at,
    stamp: '1',
    schools: [{ inputs: school, fingerprint: schoolFingerprint(school) }],
    lists,
    written: [],
  });
  const changed: SchoolInputs = { ...school, localEntries: [] };
  await saveFilterCache(folder, {
    savedAt: new Date(at.getTime() + 1000),
    stamp: '2',
    schools: [{ inputs: changed, fingerprint: schoolFingerprint(changed) }],
    lists: null,
    written,
  });
  const loaded = await loadFilterCache(folder);
  assert.equal(loaded?.stamp, '2');
  assert.deepEqual(loaded?.schools[0]?.localEntries, []);
  assert.equal(loaded?.lists.length, 2);
  for (const sub of ['', 'lists', 'schools']) {
    assert.deepEqual(
      readdirSync(join(folder, sub)).filter((f) => f.includes('.tmp-')),
      [],
      `no temporary files in ${sub || 'the cache folder'}`,
    );
  }
});

test('no cache is undefined; a damaged cache is refused whole, never used in part', async () => {
  assert.equal(await loadFilterCache(join(scratch, 'none')), undefined);
  const folder = join(scratch, 'damaged');
  const written = await saveFilterCache(folder, {
    savedAt: at,
    stamp: '1',
    schools: [{ inputs: school, fingerprint: schoolFingerprint(school) }],
    lists,
    written: [],
  });
  const iwf = written.find((l) => l.name === 'iwf-test');
  assert.ok(iwf);
  writeFileSync(join(folder, 'lists', iwf.file), Buffer.from('not the list'));
  await assert.rejects(loadFilterCache(folder), FilterCacheError);

  const manifest = join(scratch, 'bad-manifest');
  await saveFilterCache(manifest, {
    savedAt: at,
    stamp: '1',
    schools: [],
    lists: [],
    written: [],
  });
  writeFileSync(
    join(manifest, 'manifest.json'),
    readFileSync(join(manifest, 'manifest.json'), 'utf8').slice(0, 20),
  );
  await assert.rejects(loadFilterCache(manifest), /not valid JSON/);
});
