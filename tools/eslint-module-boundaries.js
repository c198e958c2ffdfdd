// @ts-check
/**
 * ESLint rule `haven/module-boundaries`: the dependency rules of ARCHITECTURE.md.
 *
 *   policy   the pure decision engine: imports nothing else of Haven's and does no I/O
 *   config, errors   leaves: import nothing else of Haven's
 *   store    database access: policy, errors
 *   access, school, filtering, demo, bench   workflows: policy, store, errors, config and those before them
 *   api, filter, cli   edges: anything below them, but not each other (cli may start the server)
 *   server.ts   the composition root: anything
 *   web      the browser UI: nothing from src/ (it talks to the API over HTTP)
 */
import { dirname, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** module → modules it may import (besides itself). */
const allowed = {
  policy: [],
  config: [],
  errors: [],
  store: ['policy', 'errors'],
  access: ['policy', 'store', 'errors', 'config'],
  school: ['policy', 'store', 'errors', 'config', 'access'],
  filtering: ['policy', 'store', 'errors', 'config', 'access', 'school'],
  activity: ['policy', 'store', 'errors', 'config', 'access', 'school', 'filtering'],
  casework: ['policy', 'store', 'errors', 'config', 'access', 'school', 'filtering', 'activity'],
  governance: [
    'policy',
    'store',
    'errors',
    'config',
    'access',
    'school',
    'filtering',
    'activity',
    'casework',
  ],
  reports: [
    'policy',
    'store',
    'errors',
    'config',
    'access',
    'school',
    'filtering',
    'activity',
    'casework',
    'governance',
  ],
  demo: [
    'policy',
    'store',
    'errors',
    'config',
    'access',
    'school',
    'filtering',
    'activity',
    'casework',
    'governance',
  ],
  bench: ['policy', 'store', 'errors', 'config', 'access', 'school', 'filtering', 'activity'],
  api: [
    'policy',
    'store',
    'errors',
    'config',
    'access',
    'school',
    'filtering',
    'reports',
    'activity',
    'casework',
    'governance',
    'demo',
  ],
  filter: ['policy', 'store', 'errors', 'config', 'access', 'school', 'filtering', 'activity'],
  cli: [
    'policy',
    'store',
    'errors',
    'config',
    'access',
    'school',
    'filtering',
    'reports',
    'activity',
    'casework',
    'governance',
    'demo',
    'bench',
    'filter',
    'server',
  ],
  server: [
    'policy',
    'store',
    'errors',
    'config',
    'access',
    'school',
    'filtering',
    'reports',
    'activity',
    'casework',
    'governance',
    'demo',
    'api',
    'filter',
    'bench',
  ],
  test: null,
  scripts: null,
  web: [],
};

/** Packages that do I/O, refused in the pure engine. */
const ioPackages = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'dgram',
  'node:dgram',
  'child_process',
  'node:child_process',
  'kysely',
  'pg',
  '@electric-sql/pglite',
  'fastify',
];

/** Files allowed an exception, with the reason (tests and test data beside the code may read files too). */
const exceptions = {
  // The template loader reads the YAML files shipped beside it; the engine itself never does I/O.
  'src/policy/templates/index.ts': 'reads its own packaged template files',
};

/** @param {string} file */
function moduleOf(file) {
  const rel = relative(root, file).split(sep);
  if (rel[0] === 'web') return 'web';
  if (rel[0] === 'test') return 'test';
  if (rel[0] === 'scripts') return 'scripts';
  if (rel[0] !== 'src') return null;
  if (rel.length === 2) return rel[1] === 'server.ts' ? 'server' : null;
  return rel[1] ?? null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the dependency rules between Haven modules (see ARCHITECTURE.md)' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = moduleOf(file);
    if (from === null) return {};
    const rel = relative(root, file).split(sep).join('/');
    /** @param {any} node */
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string') return;
      if (!source.startsWith('.')) {
        const isTestFile = /\.test(-data)?\.ts$/.test(rel);
        if (
          from === 'policy' &&
          ioPackages.includes(source) &&
          !(rel in exceptions) &&
          !isTestFile
        ) {
          context.report({
            node,
            message: `src/policy is the pure engine: it may not import "${source}" (no I/O).`,
          });
        }
        return;
      }
      const to = moduleOf(resolve(dirname(file), source));
      if (to === null || to === from) return;
      const may = allowed[from];
      if (may === null) return;
      // Tests beside the code may use the shared test support (fixtures, factories).
      if (to === 'test' && /\.test(-data)?\.ts$/.test(rel)) return;
      if (may === undefined) {
        context.report({
          node,
          message: `src/${from} has no dependency rule: add it to tools/eslint-module-boundaries.js and ARCHITECTURE.md.`,
        });
        return;
      }
      if (from === 'web' && to !== 'web') {
        context.report({
          node,
          message: 'web/ talks to Haven over HTTP: it may not import from src/.',
        });
        return;
      }
      if (!may.includes(to)) {
        context.report({
          node,
          message: `src/${from} may not import from src/${to} (allowed: ${may.join(', ') || 'nothing'}); see "Dependency rules" in ARCHITECTURE.md.`,
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
