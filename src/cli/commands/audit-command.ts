import type { Command } from 'commander';
import { verifyAuditChain } from '../../store/audit-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out } from '../cli-io.ts';

export function auditCommand(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description(
      "Walk the audit log's hash chain; exits 1 naming the first entry that was changed or removed",
    )
    .action(async (_options: unknown, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      const result = await withStore(config, (store) => verifyAuditChain(store.db));
      if (!result.ok) {
        throw new CliError(
          `The audit log is BROKEN at entry ${result.brokenSeq}: ${result.reason}.\n` +
            `${result.entries} entries before it are intact. Keep a copy of the database for investigation.`,
        );
      }
      out(`The audit log is intact: ${result.entries} entries, every hash matches.\n`);
    });
}
