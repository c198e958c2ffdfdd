import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './test-databases.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `haven …` as a user would, in its own process. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'haven.js'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, HAVEN_CONFIG: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
