import type { Command } from 'commander';
import { systemActor } from '../../access/actor.ts';
import { createAlertDelivery } from '../../activity/alerts/alert-delivery.ts';
import { isAuaAudience, auaAudiences } from '../../filtering/aua-safe-list.ts';
import { remindAua } from '../../governance/aua.ts';
import { findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out } from '../cli-io.ts';

/** `haven aua remind`: email everyone who has not signed the acceptable use agreement in force. */
export function auaCommand(program: Command): void {
  const aua = program.command('aua').description('Acceptable use agreements');
  aua
    .command('remind')
    .description(
      'Email a reminder to everyone who has not signed the agreement in force (uses alerts.smtp)',
    )
    .option('--school <slug>', 'the school (needed when the deployment has several)')
    .option('--audience <audience>', `only one audience: ${auaAudiences.join(', ')}`)
    .action(async (options: { school?: string; audience?: string }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      if (options.audience !== undefined && !isAuaAudience(options.audience)) {
        throw new CliError(
          `--audience: "${options.audience}" is not an audience; use one of ${auaAudiences.join(', ')}.`,
        );
      }
      const audience =
        options.audience !== undefined && isAuaAudience(options.audience) ? options.audience : null;
      if (!config.alerts.smtp) {
        throw new CliError(
          'Email is not set up: set alerts.smtp in haven.yaml (AUA reminders use the same mail server as alerts).',
        );
      }
      const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
      const mailer = createAlertDelivery({ smtp: config.alerts.smtp, publicUrl });
      try {
        const result = await withStore(config, async (store) => {
          const school = options.school
            ? await findSchoolBySlug(store.db, options.school)
            : await (async () => {
                const all = await listSchools(store.db);
                if (all.length > 1) {
                  throw new CliError(
                    `--school: this deployment has ${all.length} schools; name one (${all.map((s) => s.slug).join(', ')}).`,
                  );
                }
                return all[0];
              })();
          if (!school) {
            throw new CliError(
              options.school
                ? `--school: no school "${options.school}".`
                : 'There is no school yet.',
            );
          }
          return remindAua(
            store.db,
            mailer,
            { schoolId: school.id, schoolName: school.name, audience, publicUrl },
            { actor: systemActor('aua remind'), now: new Date() },
          );
        });
        out(
          `${result.outstanding} not signed: ${result.emailed} emailed, ${result.withoutEmail} without an email address, ${result.failed} failed.\n`,
        );
        if (result.failed > 0) {
          throw new CliError(
            `Some reminders could not be sent: ${result.error ?? 'unknown error'}`,
          );
        }
      } finally {
        mailer.close();
      }
    });
}
