/**
 * The pages of the app and the ability each needs. The navigation shows only the pages the
 * signed-in user's abilities allow (the server refuses the rest anyway).
 */
export interface NavItem {
  path: string;
  label: string;
  /** Needed ability, or null for every signed-in user. */
  ability: string | null;
}

export const navigation: readonly NavItem[] = [
  { path: '/', label: 'Home', ability: null },
  { path: '/alerts', label: 'Alerts', ability: 'alerts.read' },
  { path: '/phrases', label: 'Phrase lists', ability: 'phrases.read' },
  { path: '/people', label: 'People', ability: 'users.list' },
  { path: '/groups', label: 'Groups', ability: 'groups.list' },
  { path: '/policy', label: 'Policy', ability: 'policy.read' },
  // Staff may test a URL without seeing the lists; the page shows the lists to those with lists.read.
  { path: '/filtering', label: 'Filtering', ability: 'decisions.test' },
  { path: '/activity', label: 'Activity', ability: 'activity.read' },
  { path: '/audit', label: 'Audit log', ability: 'audit.read' },
  { path: '/account', label: 'My account', ability: null },
  // Governance registers
  { path: '/registers', label: 'Registers', ability: 'registers.list' },
  // Temporary exemptions and filter change control
  { path: '/exemptions', label: 'Exemptions', ability: 'exemptions.read' },
  { path: '/filter-changes', label: 'Filter changes', ability: 'change-requests.read' },
  // Acceptable use agreements, training records and surveys
  { path: '/aua', label: 'Agreements', ability: 'aua.completion.read' },
  { path: '/training', label: 'Training', ability: 'training.read' },
  { path: '/surveys', label: 'Surveys', ability: 'surveys.results.read' },
  // Governance reports (issue 8)
  { path: '/reports/governor', label: 'Governor report', ability: 'reports.governor.read' },
  { path: '/reviews/filtering', label: 'Annual review', ability: 'reviews.read' },
  { path: '/calendar', label: 'Calendar', ability: 'calendar.read' },
  // Casework: incidents
  { path: '/incidents', label: 'Incidents', ability: 'incidents.read' },
  { path: '/report-concern', label: 'Report a concern', ability: 'incidents.report' },
];

export function visibleNavigation(abilities: readonly string[]): NavItem[] {
  return navigation.filter((item) => item.ability === null || abilities.includes(item.ability));
}
