import type { Command } from 'commander';
import { readDataLock, DataFolderBusyError } from '../../store/data-lock.ts';
import { migrateToLatest, migrationStatus, openStore } from '../../store/database.ts';
import { configFor, type GlobalOptions } from '../cli-context.ts';
import { out } from '../cli-io.ts';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (they also run at every start)')
    .option(
      '--status',
      'list every migration and whether it has been applied, without changing anything',
    )
    .action(async (options: { status?: boolean }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      if (!config.databaseUrl) {
        const lock = readDataLock(config.dataDir);
        if (lock) throw new DataFolderBusyError(config.dataDir, lock);
      }
      const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        if (!options.status) {
          const applied = await migrateToLatest(store.db);
          out(
            applied.length > 0
              ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`
              : 'The database is up to date.\n',
          );
        }
        const status = await migrationStatus(store.db);
        out(`Migrations on ${store.kind} (${store.location}):\n`);
        for (const m of status) {
          out(
            `  ${m.executedAt ? 'applied' : 'pending'}  ${m.name}${m.executedAt ? `  ${m.executedAt.toISOString()}` : ''}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
}
