import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { HavenConfig } from '../config/config-schema.ts';
import type { Store } from '../store/database.ts';

/**
 * Where a command's input and output go. On a terminal that is the process's own streams; when a
 * command is forwarded to a running Haven (see admin-socket.ts) it runs inside that process with
 * the live database, and its output goes back to the `haven` that forwarded it.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Standard input as the caller gave it. */
  stdin(): NodeJS.ReadableStream;
  /** The caller's working folder: file arguments are relative to it. */
  cwd: string;
  /** Whether the caller's stderr is a terminal (progress bars). */
  stderrIsTTY: boolean;
  /** Inside a running Haven: its configuration and open database. */
  running?: { config: HavenConfig; store: Store };
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stdin: () => process.stdin,
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
};

const context = new AsyncLocalStorage<CliIo>();

export function io(): CliIo {
  return context.getStore() ?? processIo;
}

export function out(text: string): void {
  io().out(text);
}

export function err(text: string): void {
  io().err(text);
}

/** A file argument as the caller meant it (relative to their working folder). */
export function cliPath(path: string): string {
  return resolve(io().cwd, path);
}

export function runWithIo<T>(value: CliIo, work: () => Promise<T>): Promise<T> {
  return context.run(value, work);
}

export function stdinFrom(text: string): () => NodeJS.ReadableStream {
  return () => Readable.from([text]);
}
