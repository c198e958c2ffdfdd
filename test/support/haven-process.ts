import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './test-databases.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface HavenProcess {
  url: string;
  proxyPort: number;
  dnsPort: number;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Run `haven start` for real (as `npm start` does) on a fresh data folder and a free port. */
export async function startHavenProcess(env: Record<string, string> = {}): Promise<HavenProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'haven-e2e-'));
  const port = await freePort();
  // The proxy and the DNS filter get free ports too, so tests never collide with each other.
  const proxyPort = await freePort();
  const dnsPort = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [join(projectRoot, 'bin', 'haven.js'), 'start'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        HAVEN_DATA: dataDir,
        HAVEN_PORT: String(port),
        HAVEN_PROXY_PORT: String(proxyPort),
        HAVEN_DNS_PORT: String(dnsPort),
        DATABASE_URL: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`haven start exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haven start did not become healthy in 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    proxyPort: Number(env.HAVEN_PROXY_PORT ?? proxyPort),
    dnsPort: Number(env.HAVEN_DNS_PORT ?? dnsPort),
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
