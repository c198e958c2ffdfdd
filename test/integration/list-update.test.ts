import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { systemActor } from '../../src/access/actor.ts';
import { updateLists, type ListSource } from '../../src/filtering/list-update.ts';
import { listActiveBlockLists } from '../../src/store/block-list-repository.ts';
import { listFilterChanges } from '../../src/store/filter-change-repository.ts';
import { ut1Root } from '../support/blocklists.ts';
import { eachDatabase } from '../support/each-database.ts';

/** A UT1-style tarball with three categories, served from 127.0.0.1 like the real download. */
const work = mkdtempSync(join(tmpdir(), 'haven-list-update-'));
for (const category of ['gambling', 'drogue', 'vpn']) {
  mkdirSync(join(work, 'blacklists', category), { recursive: true });
  cpSync(join(ut1Root, category, 'domains'), join(work, 'blacklists', category, 'domains'));
}
writeFileSync(
  join(work, 'blacklists', 'drogue', 'urls'),
  'example.test/drugs/page\nnot a url at all\n',
);
execFileSync('tar', ['-czf', join(work, 'blacklists.tar.gz'), '-C', work, 'blacklists']);
const tarball = readFileSync(join(work, 'blacklists.tar.gz'));
const sha256 = createHash('sha256').update(tarball).digest('hex');
const md5 = createHash('md5').update(tarball).digest('hex');

let server: Server;
let base = '';
before(async () => {
  server = createServer((request, response) => {
    if (request.url === '/blacklists.tar.gz') response.end(tarball);
    else if (request.url === '/blacklists.tar.gz.md5') response.end(`${md5}  blacklists.tar.gz\n`);
    else {
      response.statusCode = 404;
      response.end('not here');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

eachDatabase('haven lists update', (ctx) => {
  const deps = { actor: systemActor('test'), now: () => new Date() };

  test('downloads, checks the published checksum and imports every category', async () => {
    const source: ListSource = {
      name: 'ut1',
      url: `${base}/blacklists.tar.gz`,
      kind: 'squidguard-tarball',
      checksumUrl: `${base}/blacklists.tar.gz.md5`,
    };
    const [result] = await updateLists(ctx.store.db, [source], deps);
    assert.ok(result?.ok, result?.error);
    assert.deepEqual(result.lists.map((l) => l.name).sort(), [
      'ut1/drogue',
      'ut1/gambling',
      'ut1/vpn',
    ]);
    assert.equal(result.lists.find((l) => l.name === 'ut1/drogue')?.badLines, 1);
    const lists = await listActiveBlockLists(ctx.store.db);
    assert.equal(lists.find((l) => l.name === 'ut1/vpn')?.category, 'circumvention');
    // The same download again changes nothing.
    const [again] = await updateLists(ctx.store.db, [source], deps);
    assert.ok(again?.lists.every((l) => l.unchanged));
  });

  test('a checksum mismatch changes nothing', async () => {
    const before = await listActiveBlockLists(ctx.store.db);
    const [result] = await updateLists(
      ctx.store.db,
      [
        {
          name: 'ut1',
          url: `${base}/blacklists.tar.gz`,
          kind: 'squidguard-tarball',
          sha256: sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')),
        },
      ],
      deps,
    );
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /checksum does not match/);
    assert.deepEqual(await listActiveBlockLists(ctx.store.db), before);
  });

  test('an unreachable source is reported and changes nothing', async () => {
    const [result] = await updateLists(
      ctx.store.db,
      [{ name: 'gone', url: `${base}/missing.tar.gz`, kind: 'squidguard-tarball' }],
      deps,
    );
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /404/);
  });

  test('a failure part-way rolls back the lists already swapped in', async () => {
    // Serve a changed tarball: gambling gets a new entry, then the import fails on vpn (lists go in name order).
    const before = await listActiveBlockLists(ctx.store.db);
    const changed = join(work, 'changed');
    cpSync(join(work, 'blacklists'), join(changed, 'blacklists'), { recursive: true });
    writeFileSync(join(changed, 'blacklists', 'gambling', 'domains'), 'only-one-casino.test\n');
    writeFileSync(join(changed, 'blacklists', 'vpn', 'urls'), 'this line makes the import fail\n');
    execFileSync('tar', ['-czf', join(changed, 'b.tar.gz'), '-C', changed, 'blacklists']);
    const data = readFileSync(join(changed, 'b.tar.gz'));
    const [result] = await updateLists(
      ctx.store.db,
      [{ name: 'ut1', url: 'http://fixture.test/b.tar.gz', kind: 'squidguard-tarball' }],
      {
        ...deps,
        fetcher: () => Promise.resolve(data),
        onBadLine: (e) => {
          if (e.text.includes('makes the import fail'))
            throw new Error('simulated failure while importing vpn');
        },
      },
    );
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /simulated failure/);
    assert.ok(result?.rolledBack.includes('ut1/gambling'), JSON.stringify(result));
    const after = await listActiveBlockLists(ctx.store.db);
    assert.equal(
      after.find((l) => l.name === 'ut1/gambling')?.checksum,
      before.find((l) => l.name === 'ut1/gambling')?.checksum,
    );
    const changes = await listFilterChanges(ctx.store.db, null, 50);
    assert.ok(
      changes.some((c) => c.kind === 'list.rolled-back' && c.summary.includes('ut1/gambling')),
    );
  });
});
