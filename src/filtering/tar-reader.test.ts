import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readTar, TarError } from './tar-reader.ts';

test('reads files written by tar, including long names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-tar-'));
  const long = `${'deep/'.repeat(25)}domains`;
  mkdirSync(join(dir, 'blacklists', 'gambling'), { recursive: true });
  mkdirSync(join(dir, 'blacklists', ...long.split('/').slice(0, -1)), { recursive: true });
  writeFileSync(join(dir, 'blacklists', 'gambling', 'domains'), 'bet365.com\ncasino.test\n');
  writeFileSync(join(dir, 'blacklists', long), 'x.test\n');
  execFileSync('tar', ['-cf', join(dir, 'lists.tar'), '-C', dir, 'blacklists']);
  const entries = readTar(readFileSync(join(dir, 'lists.tar')));
  const byPath = new Map(entries.map((e) => [e.path, e.data.toString()]));
  assert.equal(byPath.get('blacklists/gambling/domains'), 'bet365.com\ncasino.test\n');
  assert.equal(byPath.get(`blacklists/${long}`), 'x.test\n');
});

test('refuses damaged archives and unsafe paths', () => {
  assert.throws(() => readTar(Buffer.alloc(1024, 7)), TarError);
  const header = Buffer.alloc(512);
  header.write('../evil', 0);
  header.write('0000000\0', 124);
  header.write('0', 156);
  header.write('        ', 148);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  assert.throws(() => readTar(Buffer.concat([header, Buffer.alloc(1024)])), /unsafe path/);
});
