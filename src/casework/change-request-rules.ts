import { HavenError, type ProblemField } from '../errors/haven-error.ts';
import type { ChangeRequestKind, ChangeRequestRow } from '../store/schema.ts';
import { NEVER_EXEMPTED, type ExemptionCategory, type SiteCheck } from './exemption-rules.ts';

/**
 * Filter change control (FIL-7), the pure part: what a permanent change may be, how it reads in
 * the school's words, who may approve it. "Every permanent change to lists or rules is a request
 * with a reason, an approver and a log that the online safety governor reviews."
 */

/**
 * Matrix levels a change request may set. Time bands and nominated users are edited in a policy
 * draft; illegal is a property of the category (for every group), not of one cell.
 */
export const MATRIX_CHANGE_LEVELS = ['acceptable', 'unacceptable'] as const;
export type MatrixChangeLevel = (typeof MATRIX_CHANGE_LEVELS)[number];

export type ChangeSpec =
  | {
      readonly kind: 'local-entry.add';
      readonly action: 'allow' | 'block';
      readonly target: string;
      readonly groups: readonly string[];
      readonly category: string | null;
    }
  | { readonly kind: 'local-entry.remove'; readonly entryId: string }
  | {
      readonly kind: 'matrix';
      readonly row: string;
      readonly group: string;
      readonly level: MatrixChangeLevel;
    };

export interface MatrixRowInfo {
  readonly id: string;
  readonly activity: string;
  readonly categories: readonly string[];
  /** The row's level per column group today. */
  readonly levels: Readonly<Record<string, string>>;
}

export interface ChangeContext {
  readonly groups: readonly { readonly id: string; readonly label: string }[];
  readonly categories: readonly ExemptionCategory[];
  readonly normaliseSite: (text: string) => string | null;
  readonly checkSite: (site: string) => SiteCheck;
  readonly localEntry: (
    id: string,
  ) => { readonly target: string; readonly action: 'allow' | 'block' } | undefined;
  readonly matrixRows: readonly MatrixRowInfo[];
  /** Problems the policy would have with this cell changed (empty: the draft will validate). */
  readonly matrixProblems: (row: string, group: string, level: MatrixChangeLevel) => string[];
}

export interface CheckedChange {
  readonly kind: ChangeRequestKind;
  readonly change: Record<string, unknown>;
  readonly summary: string;
}

const LEVEL_WORDS: Readonly<Record<string, string>> = {
  acceptable: 'acceptable',
  'acceptable-at-certain-times': 'acceptable at certain times',
  'acceptable-for-nominated-users': 'acceptable for nominated users',
  unacceptable: 'unacceptable',
  'unacceptable-and-illegal': 'unacceptable and illegal',
};

function invalid(problems: ProblemField[]): never {
  throw new HavenError('HAVEN_VALIDATION', 'The change request is not complete.', {
    errors: problems,
  });
}

/** Check a requested change; returns it normalised with a one-line summary. */
export function checkChange(spec: ChangeSpec, ctx: ChangeContext): CheckedChange {
  switch (spec.kind) {
    case 'local-entry.add': {
      const problems: ProblemField[] = [];
      const target = ctx.normaliseSite(spec.target);
      if (target === null) {
        problems.push({
          path: 'change.target',
          message: 'give a host such as example.org or a URL prefix such as example.org/some/path',
        });
      }
      const groups = [...new Set(spec.groups)];
      for (const g of groups) {
        if (!ctx.groups.some((x) => x.id === g))
          problems.push({ path: 'change.groups', message: `"${g}" is not a group of the policy` });
      }
      if (spec.category !== null && !ctx.categories.some((c) => c.id === spec.category)) {
        problems.push({ path: 'change.category', message: `"${spec.category}" is not a category` });
      }
      if (spec.action === 'allow' && spec.category !== null) {
        problems.push({
          path: 'change.category',
          message: 'a category goes with a block entry only',
        });
      }
      if (problems.length > 0 || target === null) invalid(problems);
      if (spec.action === 'allow') {
        const check = ctx.checkSite(target);
        if (check.illegal !== null) {
          throw new HavenError(
            'HAVEN_EXEMPTION_REFUSED',
            `${target} is on a list of illegal content: it can never be allowed.`,
            { errors: [{ path: 'change.target', message: 'illegal content cannot be unblocked' }] },
          );
        }
        if (check.categories.some((c) => NEVER_EXEMPTED.includes(c))) {
          throw new HavenError(
            'HAVEN_EXEMPTION_REFUSED',
            `${target} is a way of getting round the filter: it can never be allowed.`,
            {
              errors: [
                { path: 'change.target', message: 'circumvention tools cannot be unblocked' },
              ],
            },
          );
        }
      }
      const forWhom = groups.length > 0 ? ` for ${groups.join(', ')}` : ' for everyone';
      const category = spec.category !== null ? ` (as ${spec.category})` : '';
      return {
        kind: 'local-entry.add',
        change: { action: spec.action, target, groups, category: spec.category },
        summary: `${spec.action === 'allow' ? 'Allow' : 'Block'} ${target}${forWhom}${category}`,
      };
    }
    case 'local-entry.remove': {
      const entry = ctx.localEntry(spec.entryId);
      if (entry === undefined) {
        invalid([{ path: 'change.entryId', message: 'no such local entry in this school' }]);
      }
      return {
        kind: 'local-entry.remove',
        change: { entryId: spec.entryId, target: entry.target, action: entry.action },
        summary: `Remove the local ${entry.action} entry for ${entry.target}`,
      };
    }
    case 'matrix': {
      const row = ctx.matrixRows.find((r) => r.id === spec.row);
      const problems: ProblemField[] = [];
      if (row === undefined)
        problems.push({ path: 'change.row', message: 'not a row of the User Actions table' });
      if (!ctx.groups.some((g) => g.id === spec.group))
        problems.push({ path: 'change.group', message: 'not a column group of the policy' });
      if (row === undefined || problems.length > 0) invalid(problems);
      const current = row.levels[spec.group] ?? 'acceptable';
      if (current === spec.level) {
        invalid([
          {
            path: 'change.level',
            message: `the row is already ${LEVEL_WORDS[current] ?? current} for ${spec.group}`,
          },
        ]);
      }
      const illegal = row.categories.find(
        (c) => ctx.categories.find((x) => x.id === c)?.illegal === true,
      );
      if (illegal !== undefined || current === 'unacceptable-and-illegal') {
        throw new HavenError(
          'HAVEN_EXEMPTION_REFUSED',
          `"${row.activity}" is illegal: it stays blocked for everyone.`,
          { errors: [{ path: 'change.level', message: 'illegal content cannot be unblocked' }] },
        );
      }
      if (spec.level === 'acceptable' && row.categories.some((c) => NEVER_EXEMPTED.includes(c))) {
        throw new HavenError(
          'HAVEN_EXEMPTION_REFUSED',
          'Getting round the filter can never be made acceptable.',
          { errors: [{ path: 'change.level', message: 'circumvention stays blocked' }] },
        );
      }
      const policyProblems = ctx.matrixProblems(row.id, spec.group, spec.level);
      if (policyProblems.length > 0) {
        invalid(policyProblems.map((message) => ({ path: 'change', message })));
      }
      return {
        kind: 'matrix',
        change: { row: row.id, group: spec.group, level: spec.level, from: current },
        summary: `User actions: "${row.activity}" for ${spec.group} from ${LEVEL_WORDS[current] ?? current} to ${LEVEL_WORDS[spec.level]}`,
      };
    }
  }
}

/** Approvers may not approve what they asked for themselves. */
export function mayApprove(
  row: Pick<ChangeRequestRow, 'requested_by'>,
  approverId: string | null,
): boolean {
  return approverId === null || row.requested_by === null || row.requested_by !== approverId;
}

/** An approved request is applied once its effective time has come (none: at once). */
export function isDue(row: Pick<ChangeRequestRow, 'status' | 'effective_at'>, now: Date): boolean {
  return (
    row.status === 'approved' &&
    (row.effective_at === null || new Date(row.effective_at).getTime() <= now.getTime())
  );
}
