import type { Command } from 'commander';
import { startHaven } from '../../server.ts';
import { configFor, type GlobalOptions } from '../cli-context.ts';

export function startCommand(program: Command): void {
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
      await new Promise<void>((resolveStop) => {
        const stop = (signal: string): void => {
          process.stdout.write(`\n${signal}: stopping Haven…\n`);
          void haven.close().then(resolveStop);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
