import { summariseIncidents } from '../casework/incident-summary.ts';
import type { SectionProvider } from './governor-report-types.ts';

/**
 * Incidents reported in the period (INC-*, GOV-2): by category, by the 4Cs and by outcome. These
 * are about pupils, so every table is anonymised; an incident can touch several of the 4Cs, so
 * that table's rows overlap and it has no total.
 */
export const incidentsSection: SectionProvider = {
  id: 'incidents',
  title: 'Incidents',
  async collect(db, schoolId, period) {
    const summary = await summariseIncidents(db, schoolId, { from: period.from, to: period.to });
    return {
      id: 'incidents',
      title: 'Incidents',
      summary:
        'Online safety incidents recorded in the period, from the incident log: by category, by the 4Cs (content, contact, conduct, commerce) and by outcome. No names and no details.',
      figures: [{ kind: 'count', label: 'Incidents recorded', count: summary.total }],
      tables: [
        {
          id: 'incidents-by-category',
          title: 'Incidents by category',
          labelHeading: 'Category',
          countHeading: 'Incidents',
          rows: summary.byCategory,
          total: true,
          chart: true,
        },
        {
          id: 'incidents-by-4cs',
          title: 'Incidents by the 4Cs',
          labelHeading: 'Area of risk',
          countHeading: 'Incidents',
          rows: summary.byFourCs,
          rowsOverlap: true,
          chart: true,
        },
        {
          id: 'incidents-by-outcome',
          title: 'Incidents by outcome',
          labelHeading: 'Outcome',
          countHeading: 'Incidents',
          rows: summary.byOutcome,
          total: true,
        },
      ],
    };
  },
};
