import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { systemActor } from '../../access/actor.ts';
import { findSquidGuardTree, readLines } from '../../filtering/list-files.ts';
import {
  importBlockList,
  isKnownCategory,
  type ListImportResult,
} from '../../filtering/list-import.ts';
import { BUILT_IN_CATEGORIES } from '../../policy/engine/categories.ts';
import { LIST_FORMATS, type ListError, type ListFormat } from '../../policy/lists/list-parser.ts';
import { mapUt1Category, parseUt1Usage } from '../../policy/lists/ut1-categories.ts';
import { listActiveBlockLists } from '../../store/block-list-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { updateLists } from '../../filtering/list-update.ts';
import { ProgressBar } from '../progress.ts';
import { out, err, cliPath } from '../cli-io.ts';

interface ImportOptions {
  category?: string;
  format?: string;
  name?: string;
  source?: string;
  licence?: string;
  maxErrors?: string;
}

const formats = ['squidguard', ...LIST_FORMATS] as const;

function categoryFor(name: string): { category: string; allowType: boolean } | null {
  if (isKnownCategory(name)) {
    const info = BUILT_IN_CATEGORIES.find((c) => c.id === name);
    return { category: name, allowType: info?.legal === 'allow-type' };
  }
  const ut1 = mapUt1Category(name);
  return ut1?.category ? { category: ut1.category, allowType: ut1.allowType } : null;
}

function reportBadLine(maxShown: number): {
  onBadLine: (e: ListError) => void;
  count: () => number;
} {
  let shown = 0;
  return {
    onBadLine: (e) => {
      shown += 1;
      if (shown <= maxShown)
        err(`\r${e.file}:${e.line}: ${e.reason}: ${JSON.stringify(e.text.slice(0, 80))}\n`);
      else if (shown === maxShown + 1)
        err(`\r(more bad lines are not shown; raise --max-errors to see them)\n`);
    },
    count: () => shown,
  };
}

function describe(result: ListImportResult): string {
  const entries = `${result.hostEntries} hosts, ${result.urlEntries} URL prefixes${result.allowEntries ? `, ${result.allowEntries} exceptions` : ''}`;
  const state = result.unchanged ? 'unchanged' : result.replaced ? 'updated' : 'added';
  return `  ${result.name.padEnd(28)} → ${result.category.padEnd(20)} ${entries}${result.badLines ? `, ${result.badLines} bad line(s)` : ''} (${state})`;
}

export function listsCommand(program: Command): void {
  const lists = program.command('lists').description('Block and allow lists: import, list');

  lists
    .command('import')
    .description(
      'Import block lists: a squidGuard/UT1 tree (every category below PATH), or one file in squidGuard, hosts, ' +
        'plain-domain or AdBlock format. Bad lines are reported with file and line number; the rest is imported. ' +
        'A list with the same name is replaced atomically and the change is logged.',
    )
    .argument('<path>', 'a folder (squidGuard/UT1 tree) or a list file')
    .option(
      '--category <name>',
      'Haven category (or UT1 name) for a single file; overrides the folder name of a one-category tree',
    )
    .option('--format <format>', `file format: ${formats.join(', ')} (default: detected)`)
    .option(
      '--name <name>',
      'list name for a single file (default: the file name); re-importing a name replaces that list',
    )
    .option('--source <source>', 'who publishes the list, e.g. ut1', 'local')
    .option('--licence <text>', 'licence and attribution to keep with the list')
    .option('--max-errors <n>', 'bad lines to print before going quiet', '50')
    .action(async (path: string, options: ImportOptions, command: Command) => {
      const root = cliPath(path);
      if (!existsSync(root)) throw new CliError(`${path}: no such file or folder.`);
      if (options.format && !(formats as readonly string[]).includes(options.format)) {
        throw new CliError(
          `--format ${options.format} is not known: use one of ${formats.join(', ')}.`,
        );
      }
      const format = options.format as ListFormat | 'squidguard' | undefined;
      const bad = reportBadLine(Number(options.maxErrors ?? 50));
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      const results: ListImportResult[] = [];
      const skipped: string[] = [];
      await withStore(config, async (store) => {
        const actor = systemActor('cli');
        if (statSync(root).isDirectory()) {
          const folders = findSquidGuardTree(root);
          if (folders.length === 0)
            throw new CliError(
              `${path} holds no squidGuard lists (no <category>/domains or <category>/urls files).`,
            );
          if (options.category && folders.length > 1) {
            throw new CliError(
              '--category applies to one list; a tree maps each folder by its name (UT1 names are known).',
            );
          }
          const totalBytes = folders.reduce(
            (n, f) => n + f.files.reduce((m, file) => m + file.bytes, 0),
            0,
          );
          const bar = new ProgressBar(`Importing ${folders.length} lists`, totalBytes);
          const source =
            options.source === 'local' ? 'squidguard' : (options.source ?? 'squidguard');
          for (const folder of folders) {
            const mapped = categoryFor(options.category ?? folder.sourceCategory);
            if (!mapped) {
              const why =
                mapUt1Category(folder.sourceCategory)?.note ??
                'not a category Haven knows (give --category)';
              skipped.push(`${folder.sourceCategory}: ${why}`);
              bar.advance(folder.files.reduce((m, f) => m + f.bytes, 0));
              continue;
            }
            const usage = folder.usage ? parseUt1Usage(folder.usage) : null;
            const result = await importBlockList(store.db, {
              name: `${source}/${folder.sourceCategory}`,
              category: mapped.category,
              source,
              sourceCategory: folder.sourceCategory,
              origin: root,
              licence: options.licence ?? null,
              files: folder.files.map((file) => ({
                label: `${path.replace(/\/$/, '')}/${folder.sourceCategory}/${file.squidGuardKind ?? basename(file.path)}`,
                lines: readLines(file.path, (n) => bar.advance(n)),
                format: format ?? file.squidGuardKind ?? undefined,
              })),
              actor,
              now: new Date(),
              onBadLine: bad.onBadLine,
            }).catch((error: unknown) => {
              skipped.push(
                `${folder.sourceCategory}: ${error instanceof Error ? error.message : String(error)}`,
              );
              return null;
            });
            if (result) results.push(result);
            if (usage?.white && !mapped.allowType)
              skipped.push(`${folder.sourceCategory}: its usage file says "white" (an allow list)`);
          }
          bar.finish();
        } else {
          const name = options.name ?? basename(root);
          const mapped = categoryFor(options.category ?? '');
          if (!options.category)
            throw new CliError(
              `Say which category ${path} holds: --category gambling (see "haven lists categories").`,
            );
          if (!mapped)
            throw new CliError(
              `--category ${options.category} is not a Haven category or a UT1 name; see "haven lists categories".`,
            );
          const bar = new ProgressBar(`Importing ${name}`, statSync(root).size);
          results.push(
            await importBlockList(store.db, {
              name,
              category: mapped.category,
              source: options.source ?? 'local',
              sourceCategory: options.category,
              origin: root,
              licence: options.licence ?? null,
              files: [{ label: path, lines: readLines(root, (n) => bar.advance(n)), format }],
              actor,
              now: new Date(),
              onBadLine: bad.onBadLine,
            }),
          );
          bar.finish();
        }
      });
      out(`Imported ${results.length} list(s):\n${results.map(describe).join('\n')}\n`);
      if (skipped.length > 0)
        out(
          `Notes (lists skipped, and anything to check):\n${skipped.map((s) => `  ${s}`).join('\n')}\n`,
        );
      if (bad.count() > 0)
        err(`${bad.count()} bad line(s) were skipped (listed above with file and line).\n`);
      if (results.length === 0) throw new CliError('Nothing was imported.');
    });

  lists
    .command('update')
    .description(
      'Download the lists configured in lists.sources (haven.yaml), check each checksum, and swap them in; ' +
        'if a source fails part-way, the lists it had already changed are rolled back',
    )
    .option('--source <name>', 'update only this source')
    .action(async (options: { source?: string }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      const sources = config.lists.sources.filter(
        (s) => !options.source || s.name === options.source,
      );
      if (options.source && sources.length === 0)
        throw new CliError(`No list source is called "${options.source}" in lists.sources.`);
      const bad = reportBadLine(20);
      const results = await withStore(config, (store) =>
        updateLists(store.db, sources, {
          actor: systemActor('cli'),
          now: () => new Date(),
          onBadLine: bad.onBadLine,
        }),
      );
      let failed = 0;
      for (const r of results) {
        if (r.ok) {
          out(`${r.source}: ${r.lists.length} list(s)\n${r.lists.map(describe).join('\n')}\n`);
          for (const s of r.skipped) out(`  skipped ${s}\n`);
        } else {
          failed += 1;
          err(
            `${r.source}: FAILED: ${r.error ?? 'unknown error'}${r.rolledBack.length ? `; rolled back ${r.rolledBack.join(', ')}` : '; nothing was changed'}\n`,
          );
        }
      }
      if (failed > 0)
        throw new CliError(`${failed} of ${results.length} source(s) failed (see above).`);
    });

  lists
    .command('show')
    .description('The active block lists with their categories, entry counts and last update')
    .action(async (_options: unknown, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      const rows = await withStore(config, (store) => listActiveBlockLists(store.db));
      if (rows.length === 0) {
        out('No block lists yet: import some with "haven lists import PATH".\n');
        return;
      }
      for (const row of rows) {
        out(
          `${row.name.padEnd(32)} ${row.category.padEnd(20)} ${String(row.host_entries + row.url_entries).padStart(9)} entries  ${new Date(row.imported_at).toISOString()}  by ${row.imported_by}\n`,
        );
      }
    });

  lists
    .command('categories')
    .description("Haven's categories, with their legal status")
    .action(() => {
      for (const c of BUILT_IN_CATEGORIES)
        out(`${c.id.padEnd(22)} ${c.legal.padEnd(13)} ${c.label}\n`);
    });
}
