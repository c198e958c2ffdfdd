import { quantile } from './anonymise.ts';
import { listAlertFacts } from '../store/governor-report-repository.ts';
import type { CountRow, SectionProvider } from './governor-report-types.ts';
import { categoryLabel, severityLabel } from './governor-report-labels.ts';

/** Safeguarding alerts raised in the period: how many, how urgent, about what, and what became of them. */

const SEVERITIES = ['critical', 'high', 'medium', 'low'];

const OUTCOMES: readonly { status: string; label: string }[] = [
  { status: 'escalated-to-incident', label: 'Escalated to an incident' },
  { status: 'dismissed', label: 'Dismissed with a reason' },
  { status: 'acknowledged', label: 'Acknowledged, being dealt with' },
  { status: 'new', label: 'Not yet acknowledged' },
];

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export const alertsSection: SectionProvider = {
  id: 'alerts',
  title: 'Safeguarding alerts',
  async collect(db, schoolId, period) {
    const alerts = await listAlertFacts(db, schoolId, period.from, period.to);
    const bySeverity = countBy(alerts, (a) => a.severity);
    const byCategory = countBy(alerts, (a) => a.category);
    const byStatus = countBy(alerts, (a) => a.status);
    const responses = alerts.flatMap((a) =>
      a.responseSeconds === null ? [] : [a.responseSeconds],
    );
    const categoryRows: CountRow[] = [...byCategory.entries()]
      .map(([category, count]) => ({ label: categoryLabel(category), count }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
    return {
      id: 'alerts',
      title: 'Safeguarding alerts',
      summary:
        'Alerts Haven raised from monitoring (searches, visits to flagged sites, attempts to get round the filter) and how quickly the DSL team first responded to them.',
      figures: [
        { kind: 'count', label: 'Alerts raised', count: alerts.length },
        {
          kind: 'duration',
          label: 'Median time to first response',
          seconds: quantile(responses, 0.5),
          basedOn: responses.length,
        },
        {
          kind: 'duration',
          label: '90th percentile time to first response',
          seconds: quantile(responses, 0.9),
          basedOn: responses.length,
        },
      ],
      tables: [
        {
          id: 'alerts-by-severity',
          title: 'Alerts by severity',
          labelHeading: 'Severity',
          countHeading: 'Alerts',
          rows: SEVERITIES.map((s) => ({ label: severityLabel(s), count: bySeverity.get(s) ?? 0 })),
          total: true,
          chart: true,
        },
        {
          id: 'alerts-by-category',
          title: 'Alerts by category',
          labelHeading: 'Category',
          countHeading: 'Alerts',
          rows: categoryRows,
          total: true,
          chart: true,
        },
        {
          id: 'alerts-by-outcome',
          title: 'Alerts by outcome',
          labelHeading: 'Outcome',
          countHeading: 'Alerts',
          rows: OUTCOMES.map((o) => ({ label: o.label, count: byStatus.get(o.status) ?? 0 })),
          total: true,
          chart: true,
        },
      ],
      notes: ['First response is the first of acknowledging, dismissing or escalating the alert.'],
    };
  },
};
