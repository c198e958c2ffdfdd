import type { HavenConfig } from '../config/config-schema.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Store } from '../store/database.ts';
import { openMigratedStore } from '../server.ts';
import { io } from './cli-io.ts';

/** A failure the user can act on: printed without a stack trace, exit code 1. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export interface GlobalOptions {
  config?: string;
}

export function configFor(
  options: GlobalOptions,
  overrides: Record<string, unknown> = {},
): HavenConfig {
  // Forwarded into a running Haven (admin-socket.ts): its own settings apply.
  const running = io().running;
  if (running) return running.config;
  return loadConfig({ ...(options.config ? { file: options.config } : {}), overrides });
}

/** Open the migrated store for one command and always close it. */
export async function withStore<T>(
  config: HavenConfig,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const running = io().running;
  if (running) return work(running.store);
  const store = await openMigratedStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
