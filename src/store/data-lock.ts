import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * PGlite can be opened by one process only. `haven start` writes this lock into the data
 * folder; other commands read it and explain, instead of opening the folder a second time.
 */
export interface DataLock {
  pid: number;
  url: string;
  startedAt: string;
}

export function lockPath(dataDir: string): string {
  return join(resolve(dataDir), 'haven.lock');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of a live Haven process on this data folder, if any (stale locks are ignored). */
export function readDataLock(dataDir: string): DataLock | undefined {
  const path = lockPath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as DataLock;
    return lock.pid !== process.pid && alive(lock.pid) ? lock : undefined;
  } catch {
    return undefined;
  }
}

export function writeDataLock(dataDir: string, url: string): void {
  mkdirSync(resolve(dataDir), { recursive: true });
  const lock: DataLock = { pid: process.pid, url, startedAt: new Date().toISOString() };
  writeFileSync(lockPath(dataDir), `${JSON.stringify(lock)}\n`, { mode: 0o600 });
}

export function removeDataLock(dataDir: string): void {
  const path = lockPath(dataDir);
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as DataLock;
    if (lock.pid === process.pid) rmSync(path, { force: true });
  } catch {
    // no lock, or not ours: nothing to remove
  }
}

export class DataFolderBusyError extends Error {
  readonly dataDir: string;
  constructor(dataDir: string, lock: DataLock) {
    super(
      `Haven is running (process ${lock.pid}, ${lock.url}) and holds the embedded database in ${resolve(dataDir)}.\n` +
        'Only one process can open an embedded database. Stop that Haven first (Ctrl+C in its terminal), ' +
        'use the web UI or API instead, or point both at a PostgreSQL server with DATABASE_URL.',
    );
    this.name = 'DataFolderBusyError';
    this.dataDir = dataDir;
  }
}
