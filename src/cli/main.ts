import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load-config.ts';
import { HavenError } from '../errors/haven-error.ts';
import { DataFolderBusyError } from '../store/data-lock.ts';
import { canForward, forwardToRunningHaven, serveAdminSocket } from './admin-socket.ts';
import { CliError } from './cli-context.ts';
import { err, io, out, runWithIo, type CliIo } from './cli-io.ts';
import { activityCommand } from './commands/activity-command.ts';
import { auditCommand } from './commands/audit-command.ts';
// Governance registers
import { registersCommand } from './commands/registers-command.ts';
import { benchCommand } from './commands/bench-command.ts';
import { caCommand } from './commands/ca-command.ts';
import { decideCommands } from './commands/decide-commands.ts';
import { filterCommand } from './commands/filter-command.ts';
import { initCommand } from './commands/init-command.ts';
import { listsCommand } from './commands/lists-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { policyCommand } from './commands/policy-command.ts';
import { startCommand } from './commands/start-command.ts';
import { usersCommand } from './commands/users-command.ts';
// Temporary exemptions and filter change control
import { exemptionsCommand } from './commands/exemptions-command.ts';
// Acceptable use agreements
import { auaCommand } from './commands/aua-command.ts';
// Governance reports (issue 8)
import { calendarCommand, reportCommand } from './commands/report-command.ts';
// Casework: incidents
import { incidentsCommand } from './commands/incidents-command.ts';

/** The `haven` command. Each sub-command lives in its own file under commands/. */
export function buildProgram(): Command {
  const program = new Command('haven')
    .description('Haven: the online safety platform for schools')
    .option('-c, --config <file>', 'configuration file (default: HAVEN_CONFIG or ./haven.yaml)')
    .configureOutput({ writeOut: (text) => out(text), writeErr: (text) => err(text) })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  startCommand(program, async ({ config, store }) => {
    if (config.databaseUrl) return null;
    return serveAdminSocket({ dataDir: config.dataDir, config, store, run: runForwarded });
  });
  filterCommand(program);
  initCommand(program);
  migrateCommand(program);
  usersCommand(program);
  listsCommand(program);
  policyCommand(program);
  decideCommands(program);
  activityCommand(program);
  benchCommand(program);
  auditCommand(program);
  caCommand(program);
  // Governance registers
  registersCommand(program);
  // Temporary exemptions and filter change control
  exemptionsCommand(program);
  // Acceptable use agreements
  auaCommand(program);
  // Governance reports (issue 8)
  reportCommand(program);
  calendarCommand(program);
  // Casework: incidents
  incidentsCommand(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and exit 0; usage errors were printed by commander already.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof DataFolderBusyError && !io().running && canForward(error.dataDir)) {
      // Haven is running on this data folder: run the command inside it.
      return forwardToRunningHaven(error.dataDir, argv);
    }
    if (error instanceof CliError) {
      err(`haven: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError || error instanceof DataFolderBusyError) {
      err(`haven: ${error.message}\n`);
      return 1;
    }
    if (error instanceof HavenError) {
      const details = error.errors?.map((e) => `\n  - ${e.path}: ${e.message}`).join('') ?? '';
      err(`haven: ${error.message}${details}\n`);
      return 1;
    }
    err(
      `haven: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

/** A command forwarded from another `haven` process (admin-socket.ts). */
function runForwarded(argv: string[], forwardedIo: CliIo): Promise<number> {
  return runWithIo(forwardedIo, () => main(argv));
}
