import { roleLabels, isRole } from '../access/roles.ts';
import { BUILT_IN_CATEGORIES } from '../policy/engine/categories.ts';
import { PHRASE_CATEGORY_LABELS } from '../policy/phrases/phrase-list.ts';

/** Names in the school's words for the ids the report counts. */

const categoryNames = new Map<string, string>([
  ...BUILT_IN_CATEGORIES.map((c): [string, string] => [c.id, c.label]),
  ...Object.entries(PHRASE_CATEGORY_LABELS),
  ['circumvention', 'Getting round the filter'],
  ['uncategorised', 'Not categorised'],
]);

export function categoryLabel(id: string | null): string {
  if (id === null) return 'Not categorised';
  return categoryNames.get(id) ?? id;
}

export function roleLabel(role: string): string {
  return isRole(role) ? roleLabels[role] : role;
}

const severityNames: Readonly<Record<string, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export function severityLabel(severity: string): string {
  return severityNames[severity] ?? severity;
}

const filterChangeNames: Readonly<Record<string, string>> = {
  'policy.approved': 'Policy version approved',
  'policy.activated': 'Policy version made active',
  'list.added': 'Block list added',
  'list.updated': 'Block list updated',
  'list.rolled-back': 'Block list update rolled back',
  'local-allow.added': 'Local allow entry added',
  'local-allow.removed': 'Local allow entry removed',
  'local-block.added': 'Local block entry added',
  'local-block.removed': 'Local block entry removed',
};

export function filterChangeLabel(kind: string): string {
  return filterChangeNames[kind] ?? kind;
}
