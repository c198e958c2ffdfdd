/**
 * Generated documents, written with --write and compared with --check (part of `npm run check`):
 *   docs/openapi.json      the API, from the route declarations
 *   docs/errors.md         the error catalogue
 *   docs/abilities.md      who may do what (the abilities declared in access/abilities.ts)
 *   docs/configuration.md  every setting, its environment variable and default
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { abilityRules, can, type Ability } from '../src/access/abilities.ts';
import { roleLabels, roles } from '../src/access/roles.ts';
import { apiRoutes } from '../src/api/app.ts';
import type { ApiDeps } from '../src/api/deps.ts';
import { openApiDocument } from '../src/api/openapi.ts';
import { configSchema, environmentKeys } from '../src/config/config-schema.ts';
import { errorCatalogue } from '../src/errors/haven-error.ts';
const projectRoot = resolve(import.meta.dirname, '..');

const routes = apiRoutes({ store: { db: null } } as unknown as ApiDeps);

function openapi(): string {
  return `${JSON.stringify(openApiDocument(routes), null, 2)}\n`;
}

function errors(): string {
  const lines = [
    '# Error catalogue',
    '',
    'Generated from `src/errors/haven-error.ts` by `npm run openapi`. Every API error is a problem+json',
    'document (RFC 9457) with one of these stable `code`s; the CLI prints the same messages.',
    '',
  ];
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    lines.push(`## ${code}`, '', `HTTP ${entry.status} — ${entry.title}.`, '', entry.doc, '');
  }
  return lines.join('\n');
}

function abilities(): string {
  const header = ['ability', 'what it allows', ...roles];
  const lines = [
    '# Abilities: who may do what',
    '',
    'Generated from `src/access/abilities.ts` by `npm run openapi`. Every API route names one ability;',
    'anything not granted here is refused. ✓ = granted (record rules, such as "own school only", apply on top).',
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
  ];
  for (const ability of Object.keys(abilityRules) as Ability[]) {
    const rule: { description: string; public?: true } = abilityRules[ability];
    const cells = roles.map((role) =>
      rule.public ||
      can({ userId: '', username: '', displayName: '', schoolId: 's', roles: [role] }, ability)
        ? '✓'
        : '',
    );
    lines.push(
      `| \`${ability}\` | ${rule.description}${rule.public ? ' (anyone)' : ''} | ${cells.join(' | ')} |`,
    );
  }
  lines.push('', '## Roles', '');
  for (const role of roles) lines.push(`- \`${role}\`: ${roleLabels[role]}`);
  lines.push(
    '',
    '## Routes',
    '',
    '| method | path | ability |',
    '| --- | --- | --- |',
    ...routes.map((r) => `| ${r.method} | \`${r.url}\` | \`${r.ability}\` |`),
    '',
  );
  return lines.join('\n');
}

function configuration(): string {
  const json = z.toJSONSchema(configSchema, { io: 'input' }) as {
    properties: Record<
      string,
      {
        description?: string;
        default?: unknown;
        properties?: Record<string, { description?: string; default?: unknown }>;
      }
    >;
  };
  const envOf = new Map(Object.entries(environmentKeys).map(([env, path]) => [path, env]));
  const rows: string[] = [];
  const add = (path: string, p: { description?: string; default?: unknown }) => {
    const env = envOf.get(path);
    rows.push(
      `| \`${path}\` | ${env ? `\`${env}\`` : ''} | ${p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``} | ${(p.description ?? '').replace(/\s*\([A-Z_]+\)\.?$/, '.')} |`,
    );
  };
  for (const [key, property] of Object.entries(json.properties)) {
    if (property.properties)
      for (const [sub, p] of Object.entries(property.properties)) add(`${key}.${sub}`, p);
    else add(key, property);
  }
  return [
    '# Configuration',
    '',
    'Generated from `src/config/config-schema.ts` by `npm run openapi`. Haven reads its settings once at start from',
    'environment variables and an optional YAML file (`haven.yaml` in the working folder, or the file named by',
    '`HAVEN_CONFIG` or `--config`); environment variables win over the file, command-line options over both.',
    'Every invalid setting is reported at once with its path and where it came from, and Haven does not start.',
    '',
    '| key (haven.yaml) | environment variable | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Example `haven.yaml`:',
    '',
    '```yaml',
    'port: 8080',
    'publicUrl: https://haven.roundwood.sch.uk',
    'login:',
    '  maxFailures: 5',
    '  lockoutMinutes: 15',
    '```',
    '',
  ].join('\n');
}

const outputs: Record<string, () => string> = {
  'docs/openapi.json': openapi,
  'docs/errors.md': errors,
  'docs/abilities.md': abilities,
  'docs/configuration.md': configuration,
};

const mode = process.argv[2];
let stale = 0;
for (const [file, make] of Object.entries(outputs)) {
  const path = join(projectRoot, file);
  const content = make();
  if (mode === '--write') {
    writeFileSync(path, content);
    console.log(`wrote ${file}`);
  } else if (!existsSync(path) || readFileSync(path, 'utf8') !== content) {
    console.error(`${file} is stale: run "npm run openapi" and commit the result.`);
    stale += 1;
  }
}
if (mode !== '--write' && stale === 0) console.log('Generated documents are up to date.');
process.exitCode = stale > 0 ? 1 : 0;
