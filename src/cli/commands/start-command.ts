import type { Command } from 'commander';
import type { Server } from 'node:net';
import type { HavenConfig } from '../../config/config-schema.ts';
import type { Store } from '../../store/database.ts';
import { startHaven } from '../../server.ts';
import { configFor, type GlobalOptions } from '../cli-context.ts';

/** Called once Haven is up; may start the admin socket for forwarded commands. */
export type OnStarted = (running: { config: HavenConfig; store: Store }) => Promise<Server | null>;

export function startCommand(program: Command, onStarted?: OnStarted): void {
  program
    .command('start')
    .description(
      'Run Haven: web UI and API (and, as they arrive, the proxy and DNS filter) in one process',
    )
    .option('--no-demo', 'start with an empty database instead of setting up the demo school')
    .option('--port <port>', 'web UI and API port (default 8080, or HAVEN_PORT)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1, or HAVEN_HOST)')
    .action(async (options: { demo: boolean; port?: string; host?: string }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>(), {
        ...(options.demo ? {} : { demo: false }),
        port: options.port,
        host: options.host,
      });
      const haven = await startHaven(config);
      const admin = onStarted ? await onStarted({ config, store: haven.store }) : null;
      await new Promise<void>((resolveStop) => {
        const stop = (signal: string): void => {
          process.stdout.write(`\n${signal}: stopping Haven…\n`);
          admin?.close();
          void haven.close().then(resolveStop);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
