/**
 * The pages of the app and the ability each needs. The navigation shows only the pages the
 * signed-in user's abilities allow (the server refuses the rest anyway).
 */
export interface NavItem {
  path: string;
  label: string;
  /** Needed ability, or null for every signed-in user. */
  ability: string | null;
  /** The heading the item sits under in the menu, or null for the items of everyone's day. */
  group: NavGroup | null;
}

export type NavGroup = 'Safeguarding' | 'Filtering' | 'People and records' | 'Governance';

/** The menu, in order: consecutive items of a group are shown together under its heading. */
export const navigation: readonly NavItem[] = [
  { path: '/', label: 'Home', ability: null, group: null },
  { path: '/report-concern', label: 'Report a concern', ability: 'incidents.report', group: null },
  { path: '/alerts', label: 'Alerts', ability: 'alerts.read', group: 'Safeguarding' },
  { path: '/incidents', label: 'Incidents', ability: 'incidents.read', group: 'Safeguarding' },
  { path: '/phrases', label: 'Phrase lists', ability: 'phrases.read', group: 'Safeguarding' },
  { path: '/policy', label: 'Policy', ability: 'policy.read', group: 'Filtering' },
  // Staff may test a URL without seeing the lists; the page shows the lists to those with lists.read.
  { path: '/filtering', label: 'Filtering', ability: 'decisions.test', group: 'Filtering' },
  { path: '/exemptions', label: 'Exemptions', ability: 'exemptions.read', group: 'Filtering' },
  {
    path: '/filter-changes',
    label: 'Filter changes',
    ability: 'change-requests.read',
    group: 'Filtering',
  },
  { path: '/activity', label: 'Activity', ability: 'activity.read', group: 'Filtering' },
  { path: '/people', label: 'People', ability: 'users.list', group: 'People and records' },
  { path: '/groups', label: 'Groups', ability: 'groups.list', group: 'People and records' },
  {
    path: '/registers',
    label: 'Registers',
    ability: 'registers.list',
    group: 'People and records',
  },
  {
    path: '/aua',
    label: 'Agreements',
    ability: 'aua.completion.read',
    group: 'People and records',
  },
  { path: '/training', label: 'Training', ability: 'training.read', group: 'People and records' },
  {
    path: '/surveys',
    label: 'Surveys',
    ability: 'surveys.results.read',
    group: 'People and records',
  },
  {
    path: '/reports/governor',
    label: 'Governor report',
    ability: 'reports.governor.read',
    group: 'Governance',
  },
  {
    path: '/reviews/filtering',
    label: 'Annual review',
    ability: 'reviews.read',
    group: 'Governance',
  },
  { path: '/calendar', label: 'Calendar', ability: 'calendar.read', group: 'Governance' },
  { path: '/audit', label: 'Audit log', ability: 'audit.read', group: 'Governance' },
  { path: '/account', label: 'My account', ability: null, group: null },
];

export function visibleNavigation(abilities: readonly string[]): NavItem[] {
  return navigation.filter((item) => item.ability === null || abilities.includes(item.ability));
}

/** The visible items in runs: each run is one group (or the ungrouped items between groups). */
export function navigationRuns(
  abilities: readonly string[],
): { group: NavGroup | null; items: NavItem[] }[] {
  const runs: { group: NavGroup | null; items: NavItem[] }[] = [];
  for (const item of visibleNavigation(abilities)) {
    const last = runs.at(-1);
    if (last && last.group === item.group) last.items.push(item);
    else runs.push({ group: item.group, items: [item] });
  }
  return runs;
}
