import type { Kysely } from 'kysely';
import { documentOf } from '../filtering/policy-versions.ts';
import {
  requiredResponsibilities,
  responsibilityOptions,
  rolesRegister,
} from '../governance/registers/roles-registers.ts';
import { summariseTraining } from '../governance/training-summary.ts';
import { toRules } from '../policy/document/to-rules.ts';
import { USER_ACTION_LEVEL_LABELS } from '../policy/document/policy-schema.ts';
import { listAnnualReviews, listFilteringChecks } from '../store/annual-review-repository.ts';
import { listActiveBlockLists } from '../store/block-list-repository.ts';
import {
  countBlockPageRequests,
  listAlertFacts,
  listFilterChangesBetween,
  listRoleHolders,
  listSignedReports,
} from '../store/governor-report-repository.ts';
import { findActivePhraseListVersion } from '../store/phrase-list-repository.ts';
import { findActivePolicyVersion } from '../store/policy-version-repository.ts';
import { listRegisterRows, listSchoolPeople } from '../store/register-repository.ts';
import type { Database } from '../store/schema.ts';
import { findUserById } from '../store/user-repository.ts';
import { formatDuration, quantile } from './anonymise.ts';
import {
  categoryLabel,
  filterChangeLabel,
  roleLabel,
  severityLabel,
} from './governor-report-labels.ts';
import { formatDay, formatWhen } from './governor-report-terms.ts';

/**
 * The evidence of the annual filtering and monitoring review (GOV-3), gathered from Haven's own
 * records so nobody retypes it. Each piece comes from an `EvidenceProvider` for one of the four
 * DfE standards; adding evidence (training records, the roles register) is one more provider in
 * `reviewEvidenceProviders`. Evidence is plain data (text already formatted in the school's time
 * zone), stored as it stood when the review is complete.
 */

export const DFE_STANDARDS = [
  {
    id: 'roles',
    number: 1,
    title:
      'Identify and assign roles and responsibilities to manage your filtering and monitoring systems',
  },
  {
    id: 'review',
    number: 2,
    title: 'Review your filtering and monitoring provision at least once every academic year',
  },
  {
    id: 'filtering',
    number: 3,
    title:
      'Your filtering system should block harmful and inappropriate content, without unreasonably impacting teaching and learning',
  },
  {
    id: 'monitoring',
    number: 4,
    title:
      'You should have effective monitoring strategies that meet the safeguarding needs of your school',
  },
] as const;

export type StandardId = (typeof DFE_STANDARDS)[number]['id'];

export const STANDARD_IDS: readonly StandardId[] = DFE_STANDARDS.map((s) => s.id);

export interface EvidenceFact {
  readonly label: string;
  readonly value: string;
  /** Something the reviewers should act on (a role nobody holds, a failed check). */
  readonly warning?: boolean;
}

export interface EvidenceTable {
  readonly id: string;
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Said when there are no rows. */
  readonly empty: string;
}

export interface EvidenceBlock {
  readonly id: string;
  readonly standard: StandardId;
  readonly title: string;
  /** Where the evidence comes from. */
  readonly source: string;
  readonly facts: readonly EvidenceFact[];
  readonly tables: readonly EvidenceTable[];
}

export interface EvidenceWindow {
  readonly since: Date;
  readonly now: Date;
  readonly timeZone: string;
}

export interface EvidenceProvider {
  readonly id: string;
  readonly standard: StandardId;
  collect(db: Kysely<Database>, schoolId: string, window: EvidenceWindow): Promise<EvidenceBlock>;
}

/** The roles the standards expect someone to hold, in the school's words. */
const EXPECTED_ROLES = [
  {
    role: 'head',
    why: 'senior leadership team (SLT) member responsible for filtering and monitoring',
  },
  { role: 'dsl', why: 'lead responsibility for safeguarding and online safety' },
  { role: 'technician', why: 'IT service provider with technical responsibility' },
  { role: 'governor', why: 'governor responsible for making sure the standards are met' },
] as const;

const OTHER_ROLES = ['deputy-dsl', 'online-safety-lead', 'chair-of-governors'] as const;

const rolesEvidence: EvidenceProvider = {
  id: 'roles-held',
  standard: 'roles',
  async collect(db, schoolId) {
    const roles = [...EXPECTED_ROLES.map((r) => r.role), ...OTHER_ROLES];
    const holders = await listRoleHolders(db, schoolId, roles);
    const namesFor = (role: string) =>
      holders.filter((h) => h.roles.includes(role)).map((h) => h.displayName);
    return {
      id: 'roles-held',
      standard: 'roles',
      title: 'Who holds the roles',
      source: 'People with these roles in Haven now.',
      facts: EXPECTED_ROLES.filter((r) => namesFor(r.role).length === 0).map((r) => ({
        label: `No one holds the role ${roleLabel(r.role)}`,
        value: `The standards expect a ${r.why}.`,
        warning: true,
      })),
      tables: [
        {
          id: 'role-holders',
          caption: 'Roles and the people who hold them',
          columns: ['Role', 'Responsibility', 'Held by'],
          rows: [
            ...EXPECTED_ROLES.map((r) => [
              roleLabel(r.role),
              r.why,
              namesFor(r.role).join(', ') || 'nobody',
            ]),
            ...OTHER_ROLES.map((role) => [
              roleLabel(role),
              '',
              namesFor(role).join(', ') || 'nobody',
            ]),
          ],
          empty: 'No roles recorded.',
        },
      ],
    };
  },
};

const reviewHistoryEvidence: EvidenceProvider = {
  id: 'review-history',
  standard: 'review',
  async collect(db, schoolId, window) {
    const [reviews, checks, reports] = await Promise.all([
      listAnnualReviews(db, schoolId),
      listFilteringChecks(db, schoolId, { since: window.since, limit: 5000 }),
      listSignedReports(db, schoolId),
    ]);
    const completed = reviews.filter((r) => r.status === 'complete');
    const failed = checks.filter((c) => !c.passed).length;
    const last = checks[0];
    return {
      id: 'review-history',
      standard: 'review',
      title: 'Reviews, checks and reports',
      source: 'Earlier reviews, the filtering checks log and signed governor reports in Haven.',
      facts: [
        {
          label: 'Last review completed',
          value: completed[0]?.completed_at
            ? formatWhen(completed[0].completed_at, window.timeZone)
            : 'none recorded in Haven',
          warning: completed.length === 0,
        },
        {
          label: 'Filtering checks in the last 12 months',
          value: `${checks.length} (${failed} not as expected)`,
          warning: checks.length === 0 || failed > 0,
        },
        {
          label: 'Last filtering check',
          value: last ? formatWhen(last.at, window.timeZone) : 'none',
        },
      ],
      tables: [
        {
          id: 'earlier-reviews',
          caption: 'Earlier reviews',
          columns: ['Review', 'Completed', 'Next review'],
          rows: completed.map((r) => [
            r.title,
            r.completed_at ? formatWhen(r.completed_at, window.timeZone) : '',
            formatDay(r.next_review),
          ]),
          empty: 'No review has been completed in Haven yet.',
        },
        {
          id: 'governor-reports',
          caption: 'Governor reports signed off',
          columns: ['Period', 'Signed off by', 'On'],
          rows: reports
            .filter((r) => new Date(r.signed_at) >= window.since)
            .map((r) => [
              r.period_label,
              `${r.signed_by_name} (${r.signed_role})`,
              formatWhen(r.signed_at, window.timeZone),
            ]),
          empty: 'No governor report was signed off in the last 12 months.',
        },
      ],
    };
  },
};

const LEVEL_SHORT: Readonly<Record<string, string>> = {
  acceptable: 'Allowed',
  'acceptable-at-certain-times': 'At certain times',
  'acceptable-for-nominated-users': 'Nominated users',
  unacceptable: 'Blocked',
  'unacceptable-and-illegal': 'Blocked (illegal)',
};

const policyEvidence: EvidenceProvider = {
  id: 'what-is-blocked',
  standard: 'filtering',
  async collect(db, schoolId, window) {
    const [version, lists] = await Promise.all([
      findActivePolicyVersion(db, schoolId),
      listActiveBlockLists(db),
    ]);
    if (!version) {
      return {
        id: 'what-is-blocked',
        standard: 'filtering',
        title: 'What is blocked and why',
        source: 'The active policy version.',
        facts: [{ label: 'Active policy', value: 'none: the filter has no rules', warning: true }],
        tables: [],
      };
    }
    const rules = toRules(documentOf(version));
    const groups = rules.groups.filter((g) => g.kind !== 'nominated');
    const categories = [...new Set(rules.matrix.map((m) => m.category))];
    const approver = version.approved_by ? await findUserById(db, version.approved_by) : undefined;
    return {
      id: 'what-is-blocked',
      standard: 'filtering',
      title: 'What is blocked and why',
      source: `The user actions table of policy version ${version.number}, as the filter enforces it, and the block lists loaded.`,
      facts: [
        { label: 'Policy version enforced', value: `version ${version.number}` },
        {
          label: 'Approved',
          value: version.approved_at
            ? `${formatWhen(version.approved_at, window.timeZone)}${approver ? ` by ${approver.display_name}` : ''}`
            : 'not yet approved by governors',
          warning: !version.approved_at,
        },
        {
          label: 'Block lists loaded',
          value: String(lists.length),
          warning: lists.length === 0,
        },
      ],
      tables: [
        {
          id: 'policy-matrix',
          caption: `User actions: what each group gets (${Object.values(USER_ACTION_LEVEL_LABELS).length} levels)`,
          columns: ['Category', ...groups.map((g) => g.label)],
          rows: categories.map((category) => [
            rules.categories.find((c) => c.id === category)?.label ?? categoryLabel(category),
            ...groups.map((g) => {
              const cell = rules.matrix.find((m) => m.category === category && m.group === g.id);
              return cell ? (LEVEL_SHORT[cell.level] ?? cell.level) : '—';
            }),
          ]),
          empty: 'The policy has no user actions.',
        },
        {
          id: 'block-lists',
          caption: 'Block lists loaded',
          columns: ['List', 'Category', 'Entries', 'Loaded'],
          rows: lists.map((l) => [
            l.name,
            categoryLabel(l.category),
            String(l.host_entries + l.url_entries),
            formatWhen(l.imported_at, window.timeZone),
          ]),
          empty:
            'No block lists are loaded: only the help list, local entries and the host-name classifier decide.',
        },
      ],
    };
  },
};

const changeLogEvidence: EvidenceProvider = {
  id: 'filter-change-log',
  standard: 'filtering',
  async collect(db, schoolId, window) {
    const changes = await listFilterChangesBetween(db, schoolId, window.since, window.now);
    return {
      id: 'filter-change-log',
      standard: 'filtering',
      title: 'Filter change log',
      source:
        'Every change to what the filter enforces in the last 12 months, from the filter change log.',
      facts: [{ label: 'Changes in the last 12 months', value: String(changes.length) }],
      tables: [
        {
          id: 'filter-changes',
          caption: 'Filter changes, newest first',
          columns: ['When', 'Who', 'Change', 'What'],
          rows: [...changes]
            .reverse()
            .map((c) => [
              formatWhen(c.at, window.timeZone),
              c.actor_label,
              filterChangeLabel(c.kind),
              c.summary,
            ]),
          empty: 'No filter changes in the last 12 months.',
        },
      ],
    };
  },
};

const checksEvidence: EvidenceProvider = {
  id: 'filtering-checks',
  standard: 'filtering',
  async collect(db, schoolId, window) {
    const checks = await listFilteringChecks(db, schoolId, { since: window.since, limit: 500 });
    const requests = await countBlockPageRequests(db, schoolId, window.since, window.now);
    const reviews = requests.filter((r) => r.kind === 'review').reduce((s, r) => s + r.count, 0);
    return {
      id: 'filtering-checks',
      standard: 'filtering',
      title: 'Checks performed',
      source:
        'The filtering checks log (typed in, or run by Haven against its own engine) and review requests from the block page.',
      facts: [
        {
          label: 'Checks in the last 12 months',
          value: String(checks.length),
          warning: checks.length === 0,
        },
        {
          label: 'Not as expected',
          value: String(checks.filter((c) => !c.passed).length),
          warning: checks.some((c) => !c.passed),
        },
        {
          label: 'Requests to review a blocked site (impact on teaching and learning)',
          value: String(reviews),
        },
      ],
      tables: [
        {
          id: 'checks-log',
          caption: 'Filtering checks, newest first',
          columns: [
            'When',
            'Who',
            'Device',
            'Group',
            'Tested',
            'Expected',
            'Result',
            'As expected',
          ],
          rows: checks.map((c) => [
            formatWhen(c.at, window.timeZone),
            c.performed_by_name,
            c.device,
            c.group_slug,
            `${c.tested} (${c.purpose})`,
            c.expected,
            c.result,
            c.passed ? 'yes' : 'NO',
          ]),
          empty: 'No filtering checks recorded in the last 12 months.',
        },
      ],
    };
  },
};

const alertsEvidence: EvidenceProvider = {
  id: 'alerts-handled',
  standard: 'monitoring',
  async collect(db, schoolId, window) {
    const [alerts, phrases] = await Promise.all([
      listAlertFacts(db, schoolId, window.since, window.now),
      findActivePhraseListVersion(db, schoolId),
    ]);
    const responses = alerts.flatMap((a) =>
      a.responseSeconds === null ? [] : [a.responseSeconds],
    );
    const median = quantile(responses, 0.5);
    const p90 = quantile(responses, 0.9);
    const open = alerts.filter((a) => a.status === 'new').length;
    const count = (pred: (a: (typeof alerts)[number]) => boolean) =>
      String(alerts.filter(pred).length);
    return {
      id: 'alerts-handled',
      standard: 'monitoring',
      title: 'Alerts handled',
      source:
        'Safeguarding alerts raised by monitoring in the last 12 months, and the phrase lists they are scored with.',
      facts: [
        { label: 'Alerts raised', value: String(alerts.length) },
        {
          label: 'Median time to first response',
          value: median === null ? 'none to measure' : formatDuration(median),
        },
        {
          label: '90th percentile time to first response',
          value: p90 === null ? 'none to measure' : formatDuration(p90),
        },
        { label: 'Not yet acknowledged', value: String(open), warning: open > 0 },
        {
          label: 'Safeguarding phrase lists',
          value: phrases
            ? `version ${phrases.number}, saved ${formatWhen(phrases.created_at, window.timeZone)}`
            : 'Haven’s starter lists (the school has not changed them)',
        },
      ],
      tables: [
        {
          id: 'alerts-by-severity',
          caption: 'Alerts by severity and outcome',
          columns: ['Severity', 'Raised', 'Escalated to an incident', 'Dismissed', 'Still open'],
          rows: ['critical', 'high', 'medium', 'low'].map((s) => [
            severityLabel(s),
            count((a) => a.severity === s),
            count((a) => a.severity === s && a.status === 'escalated-to-incident'),
            count((a) => a.severity === s && a.status === 'dismissed'),
            count((a) => a.severity === s && (a.status === 'new' || a.status === 'acknowledged')),
          ]),
          empty: 'No alerts.',
        },
      ],
    };
  },
};

/** The evidence of the review, in the order shown under each standard. */
// Governance: the roles register and training records --------------------------------------

/** The two people the DfE standards ask a school to name, in the roles register's words. */
const NAMED_FOR_STANDARDS = [
  {
    responsibility: 'slt-filtering-monitoring',
    who: 'senior leadership team member responsible for filtering and monitoring',
  },
  {
    responsibility: 'governor-filtering-monitoring',
    who: 'governor responsible for filtering and monitoring',
  },
] as const;

function responsibilityLabel(value: string): string {
  return responsibilityOptions.find((o) => o.value === value)?.label ?? value;
}

/** Standard 1: who the roles and responsibilities register names, the SLT member and governor first. */
const rolesRegisterEvidence: EvidenceProvider = {
  id: 'roles-register',
  standard: 'roles',
  async collect(db, schoolId) {
    const [rows, people] = await Promise.all([
      listRegisterRows(db, schoolId, rolesRegister.key),
      listSchoolPeople(db, schoolId),
    ]);
    const byId = new Map(people.map((p) => [p.id, p]));
    const held = rows.map((row) => {
      const data = row.data as Record<string, unknown>;
      const str = (key: string) => (typeof data[key] === 'string' ? data[key] : '');
      const person = byId.get(str('person'));
      return {
        responsibility: str('responsibility'),
        name: person ? person.displayName : str('name'),
        left: person ? person.disabled : false,
        organisation: str('organisation'),
        since: str('since'),
      };
    });
    const holdersOf = (responsibility: string) =>
      held.filter((h) => h.responsibility === responsibility && h.name !== '');
    const facts: EvidenceFact[] = [];
    for (const named of NAMED_FOR_STANDARDS) {
      const holders = holdersOf(named.responsibility);
      const current = holders.filter((h) => !h.left);
      facts.push(
        current.length > 0
          ? { label: `Named ${named.who}`, value: current.map((h) => h.name).join(', ') }
          : {
              label: `No ${named.who} is named`,
              value:
                holders.length > 0
                  ? `${holders.map((h) => h.name).join(', ')} no longer has an account: name who holds it now in the roles register.`
                  : 'The DfE filtering and monitoring standards ask the school to name one: add them to the roles and responsibilities register.',
              warning: true,
            },
      );
    }
    for (const responsibility of requiredResponsibilities) {
      if (NAMED_FOR_STANDARDS.some((n) => n.responsibility === responsibility)) continue;
      if (holdersOf(responsibility).length === 0) {
        facts.push({
          label: `Nobody is named as ${responsibilityLabel(responsibility)}`,
          value: 'Add them to the roles and responsibilities register.',
          warning: true,
        });
      }
    }
    return {
      id: 'roles-register',
      standard: 'roles',
      title: 'Roles and responsibilities register',
      source: 'The roles and responsibilities register in Haven now.',
      facts,
      tables: [
        {
          id: 'roles-register-rows',
          caption: 'Responsibilities and who holds them',
          columns: ['Responsibility', 'Held by', 'Organisation', 'Since'],
          rows: held
            .map((h) => [
              responsibilityLabel(h.responsibility),
              h.left ? `${h.name} (account disabled)` : h.name,
              h.organisation,
              h.since ? formatDay(h.since) : '',
            ])
            .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')),
          empty: 'The roles and responsibilities register is empty.',
        },
      ],
    };
  },
};

/**
 * Standard 1 (staff understand their role and are trained for it): training completion per
 * course from the training records, the filtering and monitoring course first.
 */
const trainingEvidence: EvidenceProvider = {
  id: 'training-completion',
  standard: 'roles',
  async collect(db, schoolId, window) {
    const courses = await summariseTraining(db, schoolId, window.now);
    const isFilteringCourse = (name: string) => /filtering and monitoring/i.test(name);
    const ordered = [...courses].sort(
      (a, b) =>
        Number(isFilteringCourse(b.course)) - Number(isFilteringCourse(a.course)) ||
        a.course.localeCompare(b.course),
    );
    const facts: EvidenceFact[] = ordered
      .filter((c) => isFilteringCourse(c.course))
      .map((c) => {
        const needed = c.current + c.expired + c.missing;
        return {
          label: `${c.course} training current`,
          value: `${c.current} of ${needed} people whose roles require it (${c.expired} ran out, ${c.missing} not recorded)`,
          warning: c.expired + c.missing > 0,
        };
      });
    if (!ordered.some((c) => isFilteringCourse(c.course))) {
      facts.push({
        label: 'Filtering and monitoring training',
        value: 'No course on filtering and monitoring is required of anyone in Haven.',
        warning: true,
      });
    }
    return {
      id: 'training-completion',
      standard: 'roles',
      title: 'Training completion',
      source: `The training records in Haven, as at ${formatWhen(window.now, window.timeZone)}, over the people whose roles require each course.`,
      facts,
      tables: [
        {
          id: 'training-by-course',
          caption: 'Training by course',
          columns: ['Course', 'Current', 'Ran out', 'Not recorded'],
          rows: ordered.map((c) => [
            c.course,
            String(c.current),
            String(c.expired),
            String(c.missing),
          ]),
          empty: 'No training is required of anyone in Haven.',
        },
      ],
    };
  },
};

export const reviewEvidenceProviders: readonly EvidenceProvider[] = [
  rolesEvidence,
  reviewHistoryEvidence,
  policyEvidence,
  changeLogEvidence,
  checksEvidence,
  alertsEvidence,
  // Governance: the roles register and training records
  rolesRegisterEvidence,
  trainingEvidence,
];

export async function collectReviewEvidence(
  db: Kysely<Database>,
  schoolId: string,
  window: EvidenceWindow,
  providers: readonly EvidenceProvider[] = reviewEvidenceProviders,
): Promise<EvidenceBlock[]> {
  const blocks: EvidenceBlock[] = [];
  for (const provider of providers) blocks.push(await provider.collect(db, schoolId, window));
  return blocks;
}
