import { alertsSection } from './governor-report-alerts.ts';
import { blocksSection } from './governor-report-blocks.ts';
import { filterChangesSection } from './governor-report-filter-changes.ts';
import { peopleSection } from './governor-report-people.ts';
import { policySection } from './governor-report-policy.ts';
import { requestsSection } from './governor-report-requests.ts';
import type { SectionProvider } from './governor-report-types.ts';

/**
 * The sections of the termly governor report, in the order they are printed. A new section is
 * one file exporting a `SectionProvider` (see governor-report-alerts.ts), added here.
 */
export const governorReportSections: readonly SectionProvider[] = [
  alertsSection,
  blocksSection,
  filterChangesSection,
  policySection,
  requestsSection,
  peopleSection,
];
