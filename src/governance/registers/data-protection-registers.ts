import {
  MAX_SAR_EXTENSION_MONTHS,
  daysUntil,
  endOfDay,
  foiDueDay,
  icoClock,
  sarDueDay,
} from '../register-clocks.ts';
import {
  num,
  text,
  type RegisterDefinition,
  type RegisterFlag,
  type RowView,
} from '../register-definition.ts';

/**
 * GOV-8 data protection (policy "Data Protection"): the record of processing activities, the
 * information asset register, the retention schedule (with the activity retention that drives
 * Haven's own purges, shown beside it), DPIAs with review dates, the breach log with the 72-hour
 * ICO clock, subject access requests with the one-month clock and its extensions, and FOI
 * requests with 20 school days.
 */

const area = 'Data protection' as const;
const readAbility = 'registers.data-protection.read' as const;
const editAbility = 'registers.data-protection.edit' as const;

export const lawfulBasisOptions = [
  { value: 'consent', label: 'Consent (Art. 6(1)(a))' },
  { value: 'contract', label: 'Contract (Art. 6(1)(b))' },
  { value: 'legal-obligation', label: 'Legal obligation (Art. 6(1)(c))' },
  { value: 'vital-interests', label: 'Vital interests (Art. 6(1)(d))' },
  { value: 'public-task', label: 'Public task (Art. 6(1)(e))' },
  { value: 'legitimate-interests', label: 'Legitimate interests (Art. 6(1)(f))' },
];

export const specialCategoryOptions = [
  { value: 'none', label: 'No special category data' },
  { value: 'explicit-consent', label: 'Explicit consent (Art. 9(2)(a))' },
  { value: 'employment', label: 'Employment and social protection (Art. 9(2)(b))' },
  { value: 'vital-interests', label: 'Vital interests (Art. 9(2)(c))' },
  { value: 'legal-claims', label: 'Legal claims (Art. 9(2)(f))' },
  {
    value: 'substantial-public-interest',
    label: 'Substantial public interest, e.g. safeguarding (Art. 9(2)(g))',
  },
  { value: 'health-social-care', label: 'Health or social care (Art. 9(2)(h))' },
  { value: 'public-health', label: 'Public health (Art. 9(2)(i))' },
  { value: 'archiving-research', label: 'Archiving, research, statistics (Art. 9(2)(j))' },
];

export const processingRegister: RegisterDefinition = {
  key: 'processing-activities',
  title: 'Record of processing activities',
  noun: 'processing activity',
  area,
  description:
    'What personal data the school processes, why, about whom, on what lawful basis, who receives it and how long it is kept (UK GDPR Article 30).',
  source: 'GOV-8; policy "Data Protection"',
  readAbility,
  editAbility,
  auditReads: true,
  fields: [
    { key: 'activity', label: 'Processing activity', type: 'text', required: true },
    { key: 'purpose', label: 'Purpose', type: 'longtext', required: true },
    { key: 'subjects', label: 'Data subjects', type: 'text', hint: 'e.g. pupils, parents, staff' },
    { key: 'dataCategories', label: 'Categories of personal data', type: 'longtext' },
    {
      key: 'lawfulBasis',
      label: 'Lawful basis',
      type: 'choice',
      required: true,
      options: lawfulBasisOptions,
    },
    {
      key: 'specialCategory',
      label: 'Special category condition',
      type: 'choice',
      options: specialCategoryOptions,
    },
    { key: 'recipients', label: 'Recipients', type: 'text' },
    { key: 'transfers', label: 'Transfers outside the UK', type: 'text' },
    { key: 'retention', label: 'Retention', type: 'text', required: true },
    { key: 'security', label: 'Security measures', type: 'longtext' },
  ],
  titleField: 'activity',
  columns: ['activity', 'subjects', 'lawfulBasis', 'specialCategory', 'retention'],
  csvColumns: [
    'activity',
    'purpose',
    'subjects',
    'dataCategories',
    'lawfulBasis',
    'specialCategory',
    'recipients',
    'transfers',
    'retention',
    'security',
  ],
};

export const informationAssetsRegister: RegisterDefinition = {
  key: 'information-assets',
  title: 'Information asset register',
  noun: 'information asset',
  area,
  description:
    'Each information asset (a system, a set of files), its owner, where it is held, its lawful basis, the special-category condition where it holds such data, and its retention period.',
  source: 'GOV-8 (information asset register with lawful basis)',
  readAbility,
  editAbility,
  auditReads: true,
  fields: [
    { key: 'asset', label: 'Information asset', type: 'text', required: true },
    {
      key: 'owner',
      label: 'Information asset owner',
      type: 'person',
      people: 'staff',
      required: true,
    },
    { key: 'location', label: 'Where it is held', type: 'text' },
    { key: 'personalData', label: 'Personal data held', type: 'longtext' },
    {
      key: 'lawfulBasis',
      label: 'Lawful basis',
      type: 'choice',
      required: true,
      options: lawfulBasisOptions,
    },
    {
      key: 'specialCategory',
      label: 'Special category condition',
      type: 'choice',
      required: true,
      options: specialCategoryOptions,
    },
    { key: 'retention', label: 'Retention period', type: 'text', required: true },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'asset',
  columns: ['asset', 'owner', 'location', 'lawfulBasis', 'specialCategory', 'retention'],
  csvColumns: [
    'asset',
    'owner',
    'location',
    'personalData',
    'lawfulBasis',
    'specialCategory',
    'retention',
    'notes',
  ],
};

export const retentionScheduleRegister: RegisterDefinition = {
  key: 'retention-schedule',
  title: 'Retention schedule',
  noun: 'retention rule',
  area,
  description:
    'How long each kind of record is kept and what happens at the end. Haven’s own activity and search-term periods — the ones its nightly purge applies — are shown above the schedule and can be changed from there; legal holds that keep a person’s activity are listed too.',
  source: 'GOV-8 (retention schedule that drives purges); policy "Data Protection"',
  readAbility,
  editAbility,
  fields: [
    { key: 'record', label: 'Kind of record', type: 'text', required: true },
    {
      key: 'period',
      label: 'Kept for',
      type: 'text',
      required: true,
      hint: 'e.g. "Date of birth + 25 years"',
    },
    {
      key: 'action',
      label: 'At the end',
      type: 'choice',
      required: true,
      options: [
        { value: 'destroy', label: 'Destroy securely' },
        { value: 'review', label: 'Review' },
        { value: 'archive', label: 'Transfer to archive' },
        { value: 'transfer', label: 'Transfer to the next school' },
      ],
    },
    { key: 'basis', label: 'Basis', type: 'text', hint: 'e.g. IRMS toolkit for schools, statute' },
    { key: 'owner', label: 'Owner', type: 'person', people: 'staff' },
  ],
  titleField: 'record',
  columns: ['record', 'period', 'action', 'basis', 'owner'],
  csvColumns: ['record', 'period', 'action', 'basis', 'owner'],
};

export const dpiasRegister: RegisterDefinition = {
  key: 'dpias',
  title: 'Data protection impact assessments',
  noun: 'DPIA',
  area,
  description:
    'Each DPIA, its outcome and the date of its next review; reviews past their date are flagged.',
  source: 'GOV-8; policy "Data Protection" (DPIAs where necessary)',
  readAbility,
  editAbility,
  fields: [
    { key: 'title', label: 'Processing assessed', type: 'text', required: true },
    { key: 'owner', label: 'Owner', type: 'person', people: 'staff', required: true },
    { key: 'completed', label: 'Completed', type: 'date' },
    {
      key: 'risk',
      label: 'Residual risk',
      type: 'choice',
      required: true,
      options: [
        { value: 'low', label: 'Low' },
        { value: 'medium', label: 'Medium' },
        { value: 'high', label: 'High (consult the ICO before processing)' },
      ],
    },
    { key: 'dpoConsulted', label: 'DPO consulted', type: 'boolean' },
    { key: 'nextReview', label: 'Next review', type: 'date', required: true },
    { key: 'outcome', label: 'Outcome and measures', type: 'longtext' },
  ],
  titleField: 'title',
  columns: ['title', 'owner', 'completed', 'risk', 'nextReview'],
  csvColumns: ['title', 'owner', 'completed', 'risk', 'dpoConsulted', 'nextReview', 'outcome'],
  flags(row, ctx) {
    const flags: RegisterFlag[] = [];
    const review = text(row.data, 'nextReview');
    if (review && endOfDay(review).getTime() < ctx.now.getTime())
      flags.push({
        code: 'review-overdue',
        severity: 'overdue',
        message: `Review overdue by ${-daysUntil(review, ctx.now)} day(s).`,
      });
    if (text(row.data, 'risk') === 'high' && !row.data.dpoConsulted)
      flags.push({
        code: 'dpo-not-consulted',
        severity: 'warning',
        message: 'High residual risk and the DPO has not been consulted.',
      });
    return flags;
  },
  dueDates(row) {
    const review = text(row.data, 'nextReview');
    return review
      ? [
          {
            kind: 'dpia-review',
            title: `DPIA review: ${text(row.data, 'title') ?? ''}`,
            due: endOfDay(review),
          },
        ]
      : [];
  },
};

// Breaches -----------------------------------------------------------------------------------

function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The ICO column of the breach log: the clock while undecided, then the decision. */
export function breachIcoStatus(row: RowView, now: Date): string {
  const discovered = text(row.data, 'discoveredAt');
  const decision = text(row.data, 'icoDecision');
  if (decision === 'reported') {
    const at = text(row.data, 'reportedAt');
    return at ? `Reported to the ICO ${formatDateTime(at)}` : 'Reported to the ICO';
  }
  if (decision === 'not-reportable')
    return `Not reported: ${text(row.data, 'notReportedReason') ?? ''}`;
  if (!discovered) return '';
  const clock = icoClock(new Date(discovered), now);
  return clock.overdue
    ? `ICO deadline passed ${-clock.hoursLeft} h ago (${formatDateTime(clock.deadline.toISOString())})`
    : `${clock.hoursLeft} h left to report to the ICO (by ${formatDateTime(clock.deadline.toISOString())})`;
}

export const breachesRegister: RegisterDefinition = {
  key: 'breaches',
  title: 'Breach log',
  noun: 'breach',
  area,
  description:
    'Every personal data breach, from the moment the school became aware of it. A breach that must be reported reaches the ICO within 72 hours: the clock shows the hours left until the school records that it reported, or decided not to report and why.',
  source: 'GOV-8; policy "Data Protection" (reports relevant breaches to the ICO within 72 hours)',
  readAbility,
  editAbility,
  auditReads: true,
  fields: [
    { key: 'title', label: 'What happened', type: 'text', required: true },
    { key: 'discoveredAt', label: 'Discovered (became aware)', type: 'datetime', required: true },
    { key: 'description', label: 'Details', type: 'longtext' },
    { key: 'dataInvolved', label: 'Personal data involved', type: 'text' },
    {
      key: 'peopleAffected',
      label: 'People affected (number)',
      type: 'number',
      min: 0,
      max: 10_000_000,
    },
    {
      key: 'risk',
      label: 'Risk to people',
      type: 'choice',
      required: true,
      options: [
        { value: 'unlikely', label: 'Unlikely to result in a risk' },
        { value: 'risk', label: 'A risk to people’s rights and freedoms' },
        { value: 'high-risk', label: 'A high risk (tell the people affected)' },
      ],
    },
    {
      key: 'icoDecision',
      label: 'Reporting to the ICO',
      type: 'choice',
      required: true,
      options: [
        { value: 'undecided', label: 'Not decided yet' },
        { value: 'reported', label: 'Reported to the ICO' },
        { value: 'not-reportable', label: 'Decided not to report' },
      ],
    },
    { key: 'reportedAt', label: 'Reported to the ICO at', type: 'datetime' },
    { key: 'icoReference', label: 'ICO reference', type: 'text' },
    { key: 'notReportedReason', label: 'Why not reported', type: 'longtext' },
    { key: 'individualsInformed', label: 'People affected told on', type: 'date' },
    { key: 'containment', label: 'Containment and recovery', type: 'longtext' },
    { key: 'lessons', label: 'Lessons learned', type: 'longtext' },
    { key: 'closed', label: 'Closed', type: 'boolean' },
  ],
  titleField: 'title',
  columns: ['title', 'discoveredAt', 'risk', 'ico'],
  csvColumns: [
    'title',
    'discoveredAt',
    'dataInvolved',
    'peopleAffected',
    'risk',
    'icoDecision',
    'reportedAt',
    'icoReference',
    'notReportedReason',
    'individualsInformed',
    'ico',
    'closed',
  ],
  computed: [
    { key: 'ico', label: 'ICO clock', value: (row, ctx) => breachIcoStatus(row, ctx.now) },
  ],
  check(data, issue) {
    const decision = text(data, 'icoDecision');
    if (decision === 'reported' && !text(data, 'reportedAt'))
      issue('reportedAt', 'give when the breach was reported to the ICO');
    if (decision === 'not-reportable' && (text(data, 'notReportedReason') ?? '').length < 10)
      issue('notReportedReason', 'say why the breach is not reported (at least 10 characters)');
    const discovered = text(data, 'discoveredAt');
    const reported = text(data, 'reportedAt');
    if (discovered && reported && Date.parse(reported) < Date.parse(discovered))
      issue('reportedAt', 'cannot be before the breach was discovered');
  },
  flags(row, ctx) {
    const flags: RegisterFlag[] = [];
    const discovered = text(row.data, 'discoveredAt');
    const decision = text(row.data, 'icoDecision');
    if (discovered && decision === 'undecided') {
      const clock = icoClock(new Date(discovered), ctx.now);
      flags.push(
        clock.overdue
          ? {
              code: 'ico-overdue',
              severity: 'overdue',
              message: 'Past the 72-hour ICO deadline with no decision recorded.',
            }
          : {
              code: 'ico-clock',
              severity: 'warning',
              message: `${clock.hoursLeft} h left to decide and report to the ICO.`,
            },
      );
    }
    if (decision === 'reported' && discovered) {
      const at = text(row.data, 'reportedAt');
      if (at && Date.parse(at) > icoClock(new Date(discovered), ctx.now).deadline.getTime())
        flags.push({
          code: 'reported-late',
          severity: 'info',
          message: 'Reported after the 72 hours: record the reasons for the delay.',
        });
    }
    if (
      text(row.data, 'risk') === 'high-risk' &&
      !text(row.data, 'individualsInformed') &&
      !row.data.closed
    )
      flags.push({
        code: 'tell-individuals',
        severity: 'warning',
        message: 'High risk: the people affected have not been told yet.',
      });
    return flags;
  },
  dueDates(row, ctx) {
    const discovered = text(row.data, 'discoveredAt');
    if (!discovered || text(row.data, 'icoDecision') !== 'undecided') return [];
    return [
      {
        kind: 'breach-ico',
        title: `Breach — report to the ICO: ${text(row.data, 'title') ?? ''}`,
        due: icoClock(new Date(discovered), ctx.now).deadline,
      },
    ];
  },
};

// Subject access and FOI requests -------------------------------------------------------------

export function sarDue(row: RowView): string | null {
  const received = text(row.data, 'received');
  if (!received) return null;
  return sarDueDay(received, num(row.data, 'extensionMonths') ?? 0);
}

function requestClock(due: string | null, responded: string | null, now: Date): string {
  if (!due) return '';
  if (responded) return `Answered ${responded}${responded > due ? ' (late)' : ''}`;
  const days = daysUntil(due, now);
  return days < 0 ? `Overdue by ${-days} day(s) (due ${due})` : `Due ${due} (${days} day(s) left)`;
}

function requestFlags(due: string | null, responded: string | null, now: Date): RegisterFlag[] {
  if (!due || responded || endOfDay(due).getTime() >= now.getTime()) return [];
  return [{ code: 'overdue', severity: 'overdue', message: `Not answered: due ${due}.` }];
}

export const subjectAccessRegister: RegisterDefinition = {
  key: 'subject-access-requests',
  title: 'Subject access requests',
  noun: 'subject access request',
  area,
  description: `Requests for a person's own data. The answer is due one calendar month after receipt; for complex or numerous requests it may be extended by up to ${MAX_SAR_EXTENSION_MONTHS} further months, with the reason recorded (and the requester told within the first month).`,
  source: 'GOV-8 (subject access requests with the one-month clock)',
  readAbility,
  editAbility,
  auditReads: true,
  fields: [
    { key: 'requester', label: 'Requester', type: 'text', required: true },
    { key: 'about', label: 'Whose data', type: 'text', hint: 'e.g. "their child, Year 4"' },
    { key: 'received', label: 'Received', type: 'date', required: true },
    { key: 'identityChecked', label: 'Identity checked on', type: 'date' },
    {
      key: 'extensionMonths',
      label: 'Extension (months)',
      type: 'number',
      min: 0,
      max: MAX_SAR_EXTENSION_MONTHS,
      hint: `0 to ${MAX_SAR_EXTENSION_MONTHS}`,
    },
    { key: 'extensionReason', label: 'Reason for the extension', type: 'longtext' },
    { key: 'responded', label: 'Answered on', type: 'date' },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'requester',
  columns: ['requester', 'received', 'extensionMonths', 'clock'],
  csvColumns: [
    'requester',
    'about',
    'received',
    'identityChecked',
    'extensionMonths',
    'extensionReason',
    'due',
    'responded',
    'clock',
  ],
  computed: [
    { key: 'due', label: 'Due', value: (row) => sarDue(row) ?? '' },
    {
      key: 'clock',
      label: 'Clock',
      value: (row, ctx) => requestClock(sarDue(row), text(row.data, 'responded'), ctx.now),
    },
  ],
  check(data, issue) {
    if (
      (num(data, 'extensionMonths') ?? 0) > 0 &&
      (text(data, 'extensionReason') ?? '').length < 10
    )
      issue('extensionReason', 'say why the request needs longer (at least 10 characters)');
    const received = text(data, 'received');
    const responded = text(data, 'responded');
    if (received && responded && responded < received)
      issue('responded', 'cannot be before it was received');
  },
  flags: (row, ctx) => requestFlags(sarDue(row), text(row.data, 'responded'), ctx.now),
  dueDates(row) {
    const due = sarDue(row);
    if (!due || text(row.data, 'responded')) return [];
    return [
      {
        kind: 'sar',
        title: `Subject access request: ${text(row.data, 'requester') ?? ''}`,
        due: endOfDay(due),
      },
    ];
  },
};

export function foiDue(row: RowView): string | null {
  const received = text(row.data, 'received');
  return received ? foiDueDay(received) : null;
}

export const foiRegister: RegisterDefinition = {
  key: 'foi-requests',
  title: 'Freedom of information requests',
  noun: 'FOI request',
  area,
  description:
    'Requests under the Freedom of Information Act. The answer is due within 20 school days; Haven counts working days (Monday to Friday, not bank holidays in England and Wales), starting the day after receipt.',
  source: 'GOV-8 (FOI requests)',
  readAbility,
  editAbility,
  fields: [
    { key: 'requester', label: 'Requester', type: 'text', required: true },
    { key: 'request', label: 'Request', type: 'longtext', required: true },
    { key: 'received', label: 'Received', type: 'date', required: true },
    { key: 'responded', label: 'Answered on', type: 'date' },
    { key: 'exemptions', label: 'Exemptions applied', type: 'text' },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'requester',
  columns: ['requester', 'received', 'clock'],
  csvColumns: ['requester', 'request', 'received', 'due', 'responded', 'exemptions', 'clock'],
  computed: [
    { key: 'due', label: 'Due', value: (row) => foiDue(row) ?? '' },
    {
      key: 'clock',
      label: 'Clock',
      value: (row, ctx) => requestClock(foiDue(row), text(row.data, 'responded'), ctx.now),
    },
  ],
  check(data, issue) {
    const received = text(data, 'received');
    const responded = text(data, 'responded');
    if (received && responded && responded < received)
      issue('responded', 'cannot be before it was received');
  },
  flags: (row, ctx) => requestFlags(foiDue(row), text(row.data, 'responded'), ctx.now),
  dueDates(row) {
    const due = foiDue(row);
    if (!due || text(row.data, 'responded')) return [];
    return [
      {
        kind: 'foi',
        title: `FOI request: ${text(row.data, 'requester') ?? ''}`,
        due: endOfDay(due),
      },
    ];
  },
};
