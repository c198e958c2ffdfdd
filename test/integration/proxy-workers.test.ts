import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../support/haven-process.ts';

/**
 * The stand-alone benchmark proxy (the peer kit's OSP_PROXY_CMD) with two cluster workers:
 * it serves on the shared port, blocks the listed domains, and stops cleanly on SIGTERM,
 * taking its workers with it.
 */

const root = resolve(import.meta.dirname, '..', '..');

function curl(args: readonly string[]): Promise<string> {
  return new Promise((done) => {
    execFile('curl', ['-s', '--max-time', '5', ...args], { encoding: 'utf8' }, (_e, stdout) =>
      done(stdout),
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

test('bench-entry with --workers 2 serves, blocks, and stops with its workers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-proxy-workers-'));
  const list = join(dir, 'domains');
  writeFileSync(list, 'blocked-by-list.test\n# a comment\n0.0.0.0 hosts-format.test\n');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'src/filter/proxy/bench-entry.ts'),
      '--port',
      String(port),
      '--blocklist',
      list,
      '--workers',
      '2',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const until = Date.now() + 60_000;
    while (!output.includes('2 workers')) {
      assert.ok(Date.now() < until && child.exitCode === null, `not ready: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((output.match(/listening on/g) ?? []).length, 2, output);
    const workers = childrenOf(child.pid ?? 0);
    assert.equal(workers.length, 2, `workers ${workers.join(',')}`);

    const blocked = await curl([
      '-i',
      '-x',
      `http://127.0.0.1:${port}`,
      'http://www.blocked-by-list.test/',
    ]);
    assert.match(blocked, /^HTTP\/1.1 403/);
    assert.match(blocked, /Gambling sites are not allowed for Key Stage 2/);
    const hosts = await curl(['-i', '-x', `http://127.0.0.1:${port}`, 'http://hosts-format.test/']);
    assert.match(hosts, /^HTTP\/1.1 403/);
    const tunnel = await curl([
      '-i',
      '-x',
      `http://127.0.0.1:${port}`,
      '-p',
      'https://blocked-by-list.test/',
    ]);
    assert.doesNotMatch(tunnel, /HTTP\/1.1 200/);

    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of workers) assert.equal(alive(pid), false, `worker ${pid} still running`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
