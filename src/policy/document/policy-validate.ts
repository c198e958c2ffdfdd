import type { z } from 'zod';
import { checkPolicy, formatPath, type PathSegment, type PolicyIssue } from './policy-checks.ts';
import { policySchema, type Policy } from './policy-schema.ts';
import { dedupeIssues, describeValue, TYPE_NAMES, valueAt } from '../yaml-data.ts';

/**
 * Validate a policy document held as plain data (from YAML, JSON or the API): its shape (zod)
 * and its cross-references (`checkPolicy`), every problem at once, each with its key path.
 */

export type PolicyValidation =
  | { readonly ok: true; readonly policy: Policy; readonly warnings: readonly PolicyIssue[] }
  | {
      readonly ok: false;
      readonly errors: readonly PolicyIssue[];
      readonly warnings: readonly PolicyIssue[];
    };

export function validatePolicy(data: unknown): PolicyValidation {
  const parsed = policySchema.safeParse(data);
  const shape = parsed.success ? [] : parsed.error.issues.flatMap((i) => fromZod(i, [], data));
  const checks = checkPolicy(data);
  const errors = dedupeIssues(
    [...shape, ...checks.filter((issue) => issue.severity === 'error')],
    formatPath,
  );
  const warnings = checks.filter((issue) => issue.severity === 'warning');
  if (parsed.success && errors.length === 0) return { ok: true, policy: parsed.data, warnings };
  return { ok: false, errors, warnings };
}

/** One line per problem: `path: message`. */
export function describeIssues(issues: readonly PolicyIssue[]): string {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('\n');
}

function segments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
}

function issue(path: readonly PathSegment[], message: string, at: 'key' | 'value' = 'value') {
  return { path, message, severity: 'error', at } satisfies PolicyIssue;
}

/** Turns one zod issue into Haven's wording, at the right path (unions are opened up). */
function fromZod(
  zodIssue: z.core.$ZodIssue,
  prefix: readonly PathSegment[],
  data: unknown,
): PolicyIssue[] {
  const path = [...prefix, ...segments(zodIssue.path)];
  const value = valueAt(data, path);
  switch (zodIssue.code) {
    case 'invalid_type': {
      if (value === undefined) return [issue(path, 'is required')];
      const expected = TYPE_NAMES[zodIssue.expected] ?? zodIssue.expected;
      return [issue(path, `must be ${expected}, not ${describeValue(value)}`)];
    }
    case 'invalid_value': {
      const options = zodIssue.values.map((v) => String(v));
      if (options.length === 1) return [issue(path, `must be ${options[0]}`)];
      return [
        issue(
          path,
          `${describeValue(value)} is not allowed here; use one of: ${options.join(', ')}`,
        ),
      ];
    }
    case 'unrecognized_keys':
      return zodIssue.keys.map((key) =>
        issue([...path, key], `unknown key "${key}"; see docs/policy-format.md`, 'key'),
      );
    case 'invalid_key':
      return [issue(path, 'key must be a kebab-case id such as "ks2"', 'key')];
    case 'invalid_union': {
      const wantObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      const branch = zodIssue.errors.find((errors) =>
        wantObject
          ? !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0)
          : errors.some((e) => e.code === 'invalid_value' && e.path.length === 0),
      );
      if (branch) return branch.flatMap((nested) => fromZod(nested, path, data));
      return [
        issue(
          path,
          `must be a level or a mapping such as { level: ..., bands: [...] }, not ${describeValue(value)}`,
        ),
      ];
    }
    default:
      return [issue(path, zodIssue.message)];
  }
}
