import type { Command } from 'commander';
import type { HavenConfig } from '../../config/config-schema.ts';
import { startFilterNode } from '../../filter/node/filter-node.ts';
import { squidHelperMain } from '../../filter/squid/squid-helper-entry.ts';
import { removeDataLock, writeDataLock } from '../../store/data-lock.ts';
import { migrateToLatest, openStore, ping, type Store } from '../../store/database.ts';
import { openMigratedStore } from '../../server.ts';
import { CliError, configFor, type GlobalOptions } from '../cli-context.ts';
import { err, out } from '../cli-io.ts';

interface FilterOptions {
  proxy?: boolean;
  dns?: boolean;
  icap?: boolean;
  proxyPort?: string;
  dnsPort?: string;
  icapPort?: string;
}

function portOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`${flag} must be a whole number between 0 and 65535, not "${value}"`, 2);
  }
  return port;
}

const say = {
  info: (message: string): void => out(`${message}\n`),
  warn: (message: string): void => err(`${message}\n`),
};

/**
 * The database for a filter node. PGlite: opened and migrated as every command does (refused
 * while `haven start` holds the folder). PostgreSQL: a node must start even when the server is
 * down (it then enforces its disk cache), so an unreachable server is reported, not fatal.
 */
async function openNodeStore(config: HavenConfig): Promise<Store> {
  if (!config.databaseUrl) return openMigratedStore(config);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const answered = await Promise.race([
    ping(store.db),
    new Promise<false>((resolveWait) => setTimeout(() => resolveWait(false), 5000).unref()),
  ]);
  if (!answered) {
    say.warn(
      `PostgreSQL at ${store.location} does not answer: starting from the filter cache in the data folder, and connecting when it is back.`,
    );
    return store;
  }
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export function filterCommand(program: Command): void {
  program
    .command('filter')
    .description(
      'Run a filter node without the web UI: the proxy, the DNS filter and/or the ICAP service for Squid, ' +
        'against the configured database (DATABASE_URL for a trust running several nodes). ' +
        'With none of --proxy, --dns, --icap: the proxy and the DNS filter.',
    )
    .option('--proxy', 'run the forward proxy (HTTP and HTTPS CONNECT)')
    .option('--dns', 'run the DNS filter (UDP and TCP)')
    .option('--icap', 'run the ICAP REQMOD service for an existing Squid')
    .option('--proxy-port <port>', 'proxy port (default 3128, or HAVEN_PROXY_PORT)')
    .option('--dns-port <port>', 'DNS port (default 5353, or HAVEN_DNS_PORT)')
    .option('--icap-port <port>', 'ICAP port (default 1344)')
    .action(async (options: FilterOptions, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      const none = !options.proxy && !options.dns && !options.icap;
      const enable = {
        proxy: none || options.proxy === true,
        dns: none || options.dns === true,
        icap: options.icap === true,
      };
      const ports = {
        proxy: portOption(options.proxyPort, '--proxy-port'),
        dns: portOption(options.dnsPort, '--dns-port'),
        icap: portOption(options.icapPort, '--icap-port'),
      };
      const store = await openNodeStore(config);
      say.info(
        `Haven filter node on ${store.kind === 'pglite' ? `the embedded database in ${store.location}` : `PostgreSQL at ${store.location}`}:`,
      );
      let node;
      try {
        node = await startFilterNode({
          config,
          store,
          enable,
          ports: {
            ...(ports.proxy !== undefined ? { proxy: ports.proxy } : {}),
            ...(ports.dns !== undefined ? { dns: ports.dns } : {}),
            ...(ports.icap !== undefined ? { icap: ports.icap } : {}),
          },
          output: say,
        });
      } catch (error) {
        await store.close();
        throw new CliError(error instanceof Error ? error.message : String(error));
      }
      const running = node;
      if (!config.databaseUrl) {
        const where = Object.entries(running.listening)
          .map(([name, at]) => `${name} ${at.host}:${at.port}`)
          .join(', ');
        writeDataLock(config.dataDir, `haven filter (${where})`);
      }
      say.info('Press Ctrl+C to stop.');
      await new Promise<void>((resolveStop) => {
        const stop = (signal: string): void => {
          say.info(`\n${signal}: stopping the filter node…`);
          void running
            .close()
            .then(() => store.close())
            .finally(() => {
              if (!config.databaseUrl) removeDataLock(config.dataDir);
              resolveStop();
            });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });

  program
    .command('squid-helper')
    .description(
      "The helper program for an existing Squid (url_rewrite_program or external_acl_type): asks Haven's ICAP " +
        'service for each decision. Options: --mode url-rewrite|external-acl, --icap URL, --block-page URL, ' +
        '--timeout MS, --connections N (see docs/squid.md)',
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]', 'the helper options, passed through')
    .action(async (args: string[]) => {
      const code = await squidHelperMain(args);
      if (code !== 0)
        throw new CliError('the Squid helper stopped with an error (see above)', code);
    });
}
