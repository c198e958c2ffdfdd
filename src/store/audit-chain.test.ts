import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, entryHash, genesisHash } from './audit-chain.ts';

test('canonical JSON ignores key order at every level', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
    canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
  );
});

test('the hash covers every field', () => {
  const base = {
    seq: 1,
    at: new Date('2026-01-01T00:00:00Z'),
    schoolId: null,
    actorId: null,
    actorLabel: 'system:test',
    action: 'x',
    subjectType: 'y',
    subjectId: null,
    detail: { a: 1 },
    prevHash: genesisHash,
  };
  const hash = entryHash(base);
  assert.match(hash, /^[0-9a-f]{64}$/);
  for (const change of [
    { seq: 2 },
    { action: 'z' },
    { detail: { a: 2 } },
    { prevHash: 'f'.repeat(64) },
    { at: new Date('2026-01-01T00:00:00.001Z') },
  ]) {
    assert.notEqual(entryHash({ ...base, ...change }), hash, JSON.stringify(change));
  }
});
