import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
} from 'yaml';

/**
 * Reading school-editable data (the policy document, phrase lists) from YAML so that every
 * problem is reported at once with its file, line, column and key path. The caller validates the
 * plain data and reports issues by key path; this module finds each path's line in the file.
 */
export type DataPathSegment = string | number;

/** A problem found in plain data, by key path. */
export interface DataIssue {
  readonly path: readonly DataPathSegment[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** `key` when the problem is the key at `path` itself (e.g. an unknown key). */
  readonly at: 'key' | 'value';
}

/** A problem as the user sees it: where in the file, and what. */
export interface YamlProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Key path such as `userActions.sections[0].rows[3].levels.ks2`. */
  readonly path: string;
  readonly message: string;
}

export type DataValidation<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly DataIssue[] }
  | {
      readonly ok: false;
      readonly errors: readonly DataIssue[];
      readonly warnings: readonly DataIssue[];
    };

export type YamlDataResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly YamlProblem[] }
  | {
      readonly ok: false;
      readonly problems: readonly YamlProblem[];
      readonly warnings: readonly YamlProblem[];
    };

/** Parse YAML, validate it, and place every issue at its line in the file. */
export function parseYamlData<T>(
  text: string,
  fileName: string,
  validate: (data: unknown) => DataValidation<T>,
  formatPath: (path: readonly DataPathSegment[]) => string,
): YamlDataResult<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = [...doc.errors, ...doc.warnings].map((error): YamlProblem => {
    const position = lineCounter.linePos(error.pos[0]);
    return {
      file: fileName,
      line: position.line,
      column: position.col,
      path: '(document)',
      message: `YAML: ${error.message.split('\n')[0] ?? error.message}`,
    };
  });
  if (syntax.length > 0) return { ok: false, problems: syntax, warnings: [] };
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    return {
      ok: false,
      problems: [
        { file: fileName, line: 1, column: 1, path: '(document)', message: 'the file is empty' },
      ],
      warnings: [],
    };
  }
  const located = (issue: DataIssue): YamlProblem =>
    locate(doc, lineCounter, fileName, issue, formatPath);
  const validation = validate(data);
  const warnings = sortProblems(validation.warnings.map(located));
  if (validation.ok) return { ok: true, value: validation.value, warnings };
  return { ok: false, problems: sortProblems(validation.errors.map(located)), warnings };
}

/** `file:line:column path: message`, one a line, for terminals and logs. */
export function formatYamlProblems(problems: readonly YamlProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}`).join('\n');
}

function sortProblems(problems: YamlProblem[]): YamlProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The deepest node on the issue's path that exists in the document, and its position. */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  issue: DataIssue,
  formatPath: (path: readonly DataPathSegment[]) => string,
): YamlProblem {
  let node: unknown = doc.contents;
  let found: Node | null = doc.contents;
  for (let i = 0; i < issue.path.length; i++) {
    const segment = issue.path[i];
    const last = i === issue.path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item): item is Pair<unknown, unknown> =>
          isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      if (last && issue.at === 'key' && isScalar(pair.key)) {
        found = pair.key;
        break;
      }
      node = pair.value;
      if (node === null && isScalar(pair.key)) {
        found = pair.key;
        break;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      break;
    }
    if (isMap(node) || isSeq(node) || isScalar(node)) found = node;
    else break;
  }
  const position = lineCounter.linePos(found?.range?.[0] ?? 0);
  return {
    file,
    line: position.line,
    column: position.col,
    path: formatPath(issue.path),
    message: issue.message,
  };
}

/** The issues without repeats (the same message at the same path). */
export function dedupeIssues<I extends { path: readonly DataPathSegment[]; message: string }>(
  issues: readonly I[],
  formatPath: (path: readonly DataPathSegment[]) => string,
): I[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${formatPath(issue.path)}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The value at a key path of plain data, or undefined. */
export function valueAt(data: unknown, path: readonly DataPathSegment[]): unknown {
  let node = data;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** A value in words, for messages: `"ks9"`, `a list`, `nothing (null)`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

/** zod's type names in words. */
export const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};
