import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  createSchoolCa,
  DEFAULT_ROTATION_OVERLAP_DAYS,
  hasSchoolCa,
  caDirOf,
  pemToDer,
  rotateSchoolCa,
  saveSchoolCa,
  schoolCaStatus,
  trustedCaPems,
} from '../../filter/tls/school-ca.ts';
import { SchoolCaError } from '../../filter/tls/school-ca.ts';
import { loadSecretKey, SecretKeyError } from '../../filter/tls/secret-key.ts';
import { CliError, configFor, type GlobalOptions } from '../cli-context.ts';
import { cliPath, out } from '../cli-io.ts';

/**
 * `haven ca`: the school's HTTPS inspection CA (docs/https-inspection.md). `create` makes it,
 * `export` writes the certificate(s) devices must trust, `status` shows them, `rotate` replaces it
 * and keeps the old one trusted for an overlap. The private key never leaves the data folder and
 * is never printed.
 */

const INSTALL_HINT =
  'Install it as a trusted root on managed devices only (Windows GPO / certmgr, macOS Keychain or\n' +
  'MDM profile, ChromeOS admin console, iOS/Android MDM): see docs/https-inspection.md.\n';

/** CA and secret-key problems are the user's to fix: a plain message, exit code 1. */
async function explained<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SchoolCaError || error instanceof SecretKeyError) {
      throw new CliError(error.message);
    }
    throw error;
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function caCommand(program: Command): void {
  const ca = program.command('ca').description("The school's CA for HTTPS inspection");

  ca.command('create')
    .description('Make the school CA (ECDSA P-256, 5 years); its key is encrypted at rest')
    .requiredOption('--school <name>', 'school name, shown in the certificate subject')
    .action((options: { school: string }, command: Command) =>
      explained(async () => {
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        if (hasSchoolCa(config.dataDir)) {
          throw new CliError(
            `There is already a school CA in ${caDirOf(config.dataDir)}. Use \`haven ca rotate\` to replace it.`,
          );
        }
        const secret = loadSecretKey(config.dataDir, process.env);
        const created = await createSchoolCa({ schoolName: options.school, now: new Date() });
        saveSchoolCa(config.dataDir, secret.key, created);
        created.privateKeyPkcs8.fill(0);
        const status = await schoolCaStatus(config.dataDir, new Date());
        out(
          `Created ${status.subject}\n` +
            `  valid ${day(status.notBefore)} to ${day(status.notAfter)}\n` +
            `  SHA-256 ${status.sha256Fingerprint}\n` +
            `  stored in ${caDirOf(config.dataDir)} (private key encrypted with ${
              secret.source === 'environment' ? 'HAVEN_SECRET_KEY' : 'the data folder secret.key'
            })\n` +
            (secret.source === 'new-key-file'
              ? '  A new secret.key was made (mode 0600): back it up apart from the data folder.\n'
              : '') +
            `Next: haven ca export --out school-ca.crt\n${INSTALL_HINT}`,
        );
      }),
    );

  ca.command('export')
    .description('Print or write the certificate(s) devices must trust (PEM, or DER with --der)')
    .option('--der', 'binary DER (one certificate: the current CA); needs --out')
    .option('--out <file>', 'write to this file instead of printing')
    .action((options: { der?: boolean; out?: string }, command: Command) =>
      explained(() => {
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        const pems = trustedCaPems(config.dataDir, new Date());
        if (options.der === true) {
          if (options.out === undefined) throw new CliError('--der writes binary: add --out FILE.');
          const current = pems[0];
          if (current === undefined) throw new CliError('There is no school CA.');
          writeFileSync(cliPath(options.out), pemToDer(current));
          out(
            `Wrote the current school CA (DER) to ${options.out}.\n` +
              (pems.length > 1
                ? `${pems.length - 1} earlier CA(s) are still trusted: export them as PEM (without --der) too.\n`
                : '') +
              INSTALL_HINT,
          );
          return;
        }
        const bundle = pems.join('');
        if (options.out === undefined) {
          out(bundle);
          return;
        }
        writeFileSync(cliPath(options.out), bundle);
        out(`Wrote ${pems.length} certificate(s) (PEM) to ${options.out}.\n${INSTALL_HINT}`);
      }),
    );

  ca.command('status')
    .description('Show the school CA and earlier ones still trusted')
    .action((_options: unknown, command: Command) =>
      explained(async () => {
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        const status = await schoolCaStatus(config.dataDir, new Date());
        const inspection = config.filter.inspection;
        let text =
          `${status.subject}\n` +
          `  serial ${status.serialNumber}\n` +
          `  valid ${day(status.notBefore)} to ${day(status.notAfter)}\n` +
          `  SHA-256 ${status.sha256Fingerprint}\n`;
        for (const p of status.previous) {
          text += `Earlier CA, still trusted until ${day(p.trustedUntil)}: ${p.subject}\n  SHA-256 ${p.sha256Fingerprint}\n`;
        }
        text += `Inspection: ${inspection.enabled ? `on for ${inspection.deviceClasses.join(', ')}` : 'off'} (filter.inspection.enabled)\n`;
        out(text);
      }),
    );

  ca.command('rotate')
    .description('Make a new school CA; the old one stays trusted (exported) for an overlap')
    .requiredOption('--school <name>', 'school name, shown in the certificate subject')
    .option(
      '--overlap-days <days>',
      'days the old CA stays in the exported bundle',
      String(DEFAULT_ROTATION_OVERLAP_DAYS),
    )
    .action((options: { school: string; overlapDays: string }, command: Command) =>
      explained(async () => {
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        const overlapDays = Number(options.overlapDays);
        if (!Number.isInteger(overlapDays) || overlapDays < 0 || overlapDays > 3650) {
          throw new CliError('--overlap-days must be a whole number of days (0 to 3650).');
        }
        const secret = loadSecretKey(config.dataDir, process.env, { create: false });
        const now = new Date();
        await rotateSchoolCa(config.dataDir, secret.key, {
          schoolName: options.school,
          now,
          overlapDays,
        });
        const status = await schoolCaStatus(config.dataDir, now);
        out(
          `New ${status.subject}\n  SHA-256 ${status.sha256Fingerprint}\n` +
            `The previous CA stays trusted for ${overlapDays} days: export both now (haven ca export --out school-ca.crt),\n` +
            'install the new one on every managed device, then restart the filter so leaf certificates use it.\n',
        );
      }),
    );
}
