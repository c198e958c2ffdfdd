import { normaliseTarget } from '../filtering/local-entries.ts';
import type { SchoolSnapshot } from '../filtering/snapshot-loader.ts';
import { evaluate } from '../policy/engine/evaluate.ts';
import type { Policy } from '../policy/document/policy-schema.ts';
import { userActionRows } from '../policy/document/policy-schema.ts';
import type { LocalEntryRow } from '../store/schema.ts';
import { validatePolicy } from '../policy/document/policy-validate.ts';
import type { ChangeContext } from './change-request-rules.ts';
import type { ExemptionContext, SiteCheck } from './exemption-rules.ts';

/**
 * What the exemption and change-request checks need to know about a school, read from its
 * compiled snapshot: its column groups, its categories (and which are illegal), and what the
 * filter makes of a site today.
 */
export function exemptionContext(school: SchoolSnapshot, now: Date): ExemptionContext {
  const snapshot = school.snapshot;
  const columns = snapshot.groups.filter((g) => g.column);
  const probeGroup = columns[0]?.id ?? snapshot.rules.fallbackGroup;
  const checkSite = (site: string): SiteCheck => {
    const decision = evaluate(
      snapshot,
      site.includes('/')
        ? { groups: [probeGroup], url: site }
        : { groups: [probeGroup], host: site },
      now,
    );
    const categories = [...decision.categories];
    if (decision.category !== null && !categories.includes(decision.category))
      categories.push(decision.category);
    return {
      categories,
      illegal: decision.ruleId.startsWith('illegal:') ? (decision.category ?? 'illegal') : null,
    };
  };
  return {
    now,
    groups: columns.map((g) => ({ id: g.id, label: g.label })),
    categories: snapshot.categories.map((c) => ({ id: c.id, label: c.label, illegal: c.illegal })),
    normaliseSite: normaliseTarget,
    checkSite,
  };
}

export function changeContext(
  school: SchoolSnapshot,
  policy: Policy,
  localEntries: readonly LocalEntryRow[],
  now: Date,
): ChangeContext {
  const base = exemptionContext(school, now);
  return {
    groups: base.groups,
    categories: base.categories,
    normaliseSite: base.normaliseSite,
    checkSite: base.checkSite,
    localEntry: (id) => {
      const entry = localEntries.find((e) => e.id === id && e.removed_at === null);
      return entry ? { target: entry.target, action: entry.action } : undefined;
    },
    matrixRows: userActionRows(policy).map((row) => ({
      id: row.id,
      activity: row.activity,
      categories: row.categories,
      levels: Object.fromEntries(Object.entries(row.levels).map(([g, cell]) => [g, cell.level])),
    })),
    matrixProblems: (rowId, group, level) => {
      const draft: Policy = structuredClone(policy);
      const row = userActionRows(draft).find((r) => r.id === rowId);
      if (!row) return [`the User Actions table has no row ${rowId}`];
      (row.levels as Record<string, unknown>)[group] = { level };
      const result = validatePolicy(draft);
      return result.ok ? [] : result.errors.map((e) => e.message);
    },
  };
}
