import { auaSection } from './governor-report-aua.ts';
import { exemptionsSection } from './governor-report-exemptions.ts';
import { incidentsSection } from './governor-report-incidents.ts';
import { osgActionsSection } from './governor-report-osg-actions.ts';
import { trainingSection } from './governor-report-training.ts';
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
  incidentsSection,
  alertsSection,
  blocksSection,
  exemptionsSection,
  filterChangesSection,
  policySection,
  requestsSection,
  auaSection,
  trainingSection,
  osgActionsSection,
  peopleSection,
];
