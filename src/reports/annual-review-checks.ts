import type { Decision } from '../policy/engine/decision.ts';
import type { Level, Rules } from '../policy/engine/rules.ts';

/**
 * The standard filtering checks (DfE standard 3, and the seeds' "checks on the filtering and
 * monitoring system"): a fixed set of test destinations, each decided by Haven's own engine for
 * every group of the policy, and compared with what the policy's user actions table says that
 * group should get. Pure: the engine's decisions are passed in.
 */

export interface StandardCheck {
  readonly id: string;
  /** What the check stands for, in plain words. */
  readonly purpose: string;
  readonly destination: string;
  /** The category the policy decides on; null for a help service (never blocked). */
  readonly category: string | null;
}

export const STANDARD_CHECKS: readonly StandardCheck[] = [
  {
    id: 'adult',
    purpose: 'A listed adult (pornography) site',
    destination: 'pornhub.com',
    category: 'pornography',
  },
  {
    id: 'gambling',
    purpose: 'A gambling site',
    destination: 'bet365.com',
    category: 'gambling',
  },
  {
    id: 'circumvention',
    purpose: 'A web proxy for getting round the filter',
    destination: 'hidemyass.com',
    category: 'circumvention',
  },
  {
    id: 'help',
    purpose: 'A help service (must never be blocked)',
    destination: 'childline.org.uk',
    category: null,
  },
];

export type Expected = 'allow' | 'block';

/**
 * What the policy says a group should get for a category: acceptable → allow; unacceptable,
 * illegal or "for nominated users" (the group itself is not nominated) → block. Null when it
 * depends on the time ("acceptable at certain times"): no fixed expectation, so no standard check.
 */
export function expectedFor(rules: Rules, category: string | null, group: string): Expected | null {
  if (category === null) return 'allow';
  const categoryRule = rules.categories.find((c) => c.id === category);
  if (categoryRule?.legal === 'illegal') return 'block';
  const cell =
    rules.matrix.find((m) => m.category === category && m.group === group) ??
    rules.groups.find((g) => g.id === group)?.defaultCell ??
    rules.defaultCell;
  const levels: Readonly<Record<Level, Expected | null>> = {
    acceptable: 'allow',
    'acceptable-at-certain-times': null,
    'acceptable-for-nominated-users': 'block',
    unacceptable: 'block',
    'unacceptable-and-illegal': 'block',
  };
  return levels[cell.level];
}

export interface PlannedCheck {
  readonly check: StandardCheck;
  readonly group: string;
  readonly expected: Expected;
}

/** Every (check, group) pair with a fixed expectation, for the policy's column groups. */
export function planStandardChecks(
  rules: Rules,
  checks: readonly StandardCheck[] = STANDARD_CHECKS,
): PlannedCheck[] {
  const groups = rules.groups.filter((g) => g.kind !== 'nominated');
  const planned: PlannedCheck[] = [];
  for (const check of checks) {
    for (const group of groups) {
      const expected = expectedFor(rules, check.category, group.id);
      if (expected !== null) planned.push({ check, group: group.id, expected });
    }
  }
  return planned;
}

/** The engine's answer as a check result: `allow-with-alert` lets the page through. */
export function resultOf(decision: Pick<Decision, 'action'>): Expected {
  return decision.action === 'block' ? 'block' : 'allow';
}
