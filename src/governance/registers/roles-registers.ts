import {
  flag,
  personLeft,
  personName,
  text,
  type RegisterDefinition,
  type RegisterFlag,
  type RowView,
} from '../register-definition.ts';
import { daysUntil, endOfDay } from '../register-clocks.ts';

/**
 * GOV-1: roles and responsibilities (seeds: "Roles and responsibilities"; the DfE filtering and
 * monitoring standards name an SLT member and a governor responsible), and the Online Safety
 * Group: its members, meetings and actions, 360 degree safe improvement actions among them.
 */

export const responsibilityOptions = [
  { value: 'head', label: 'Headteacher' },
  { value: 'dsl', label: 'Designated Safeguarding Lead' },
  { value: 'deputy-dsl', label: 'Deputy DSL' },
  { value: 'online-safety-lead', label: 'Online safety lead' },
  { value: 'online-safety-governor', label: 'Online safety / safeguarding governor' },
  { value: 'chair-of-governors', label: 'Chair of governors' },
  { value: 'it-provider', label: 'IT provider / technical staff' },
  { value: 'curriculum-lead', label: 'Curriculum lead (online safety education)' },
  { value: 'dpo', label: 'Data Protection Officer' },
  {
    value: 'slt-filtering-monitoring',
    label: 'SLT member responsible for filtering and monitoring (DfE standard)',
  },
  {
    value: 'governor-filtering-monitoring',
    label: 'Governor responsible for filtering and monitoring (DfE standard)',
  },
  { value: 'other', label: 'Other responsibility' },
] as const;

/** The roles every school must have someone in (the seeds and the DfE standards). */
export const requiredResponsibilities = [
  'head',
  'dsl',
  'online-safety-lead',
  'online-safety-governor',
  'it-provider',
  'slt-filtering-monitoring',
  'governor-filtering-monitoring',
] as const;

function labelOf(value: string): string {
  return responsibilityOptions.find((o) => o.value === value)?.label ?? value;
}

function holderName(row: RowView, ctx: Parameters<NonNullable<RegisterDefinition['flags']>>[1]) {
  const person = text(row.data, 'person');
  return person ? personName(ctx, person) : (text(row.data, 'name') ?? '');
}

export const rolesRegister: RegisterDefinition = {
  key: 'roles',
  title: 'Roles and responsibilities',
  noun: 'role',
  area: 'Roles and the Online Safety Group',
  description:
    'Who holds each online safety responsibility: the head, the DSL and deputies, the online safety lead, the governors, the IT provider, curriculum leads, and the SLT member and governor the DfE filtering and monitoring standards ask schools to name.',
  source: 'GOV-1; policy "Roles and responsibilities"; DfE filtering and monitoring standards',
  readAbility: 'registers.roles.read',
  editAbility: 'registers.roles.edit',
  fields: [
    {
      key: 'responsibility',
      label: 'Responsibility',
      type: 'choice',
      required: true,
      options: responsibilityOptions,
    },
    {
      key: 'person',
      label: 'Person (Haven account)',
      type: 'person',
      people: 'adults',
      hint: 'Leave empty for someone without an account (an external IT provider): give the name below.',
    },
    { key: 'name', label: 'Name (if no account)', type: 'text' },
    { key: 'organisation', label: 'Organisation', type: 'text' },
    { key: 'contact', label: 'Contact', type: 'text', hint: 'Email or phone' },
    { key: 'since', label: 'Since', type: 'date' },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'responsibility',
  columns: ['responsibility', 'holder', 'organisation', 'contact', 'since'],
  csvColumns: ['responsibility', 'holder', 'organisation', 'contact', 'since', 'notes'],
  computed: [{ key: 'holder', label: 'Held by', value: (row, ctx) => holderName(row, ctx) }],
  check(data, issue) {
    if (!text(data, 'person') && !text(data, 'name'))
      issue('person', 'choose a person, or give the name of someone without an account');
  },
  flags(row, ctx) {
    const person = text(row.data, 'person');
    const left = person ? personLeft(ctx, person) : null;
    return left
      ? [
          {
            code: 'holder-left',
            severity: 'warning',
            message: `${personName(ctx, person)}'s account is ${left}: name who holds this now.`,
          },
        ]
      : [];
  },
  registerFlags(rows) {
    const held = new Set(rows.map((r) => text(r.data, 'responsibility')));
    return requiredResponsibilities
      .filter((r) => !held.has(r))
      .map((r): RegisterFlag => ({
        code: `missing-${r}`,
        severity: 'warning',
        message: `Nobody is named as ${labelOf(r)}.`,
      }));
  },
};

export const osgMembersRegister: RegisterDefinition = {
  key: 'osg-members',
  title: 'Online Safety Group members',
  noun: 'member',
  area: 'Roles and the Online Safety Group',
  description:
    'Who sits on the Online Safety Group, whom they represent, and since when. Pupil and parent representatives may be recorded by name without an account.',
  source: 'GOV-1; policy "Online Safety Group"',
  readAbility: 'registers.roles.read',
  editAbility: 'registers.roles.edit',
  fields: [
    { key: 'person', label: 'Member (Haven account)', type: 'person', people: 'anyone' },
    { key: 'name', label: 'Name (if no account)', type: 'text' },
    {
      key: 'represents',
      label: 'Represents',
      type: 'choice',
      required: true,
      options: [
        { value: 'slt', label: 'Senior leadership' },
        { value: 'dsl', label: 'Safeguarding (DSL)' },
        { value: 'teaching-staff', label: 'Teaching staff' },
        { value: 'support-staff', label: 'Support staff' },
        { value: 'technical', label: 'Technical staff / IT provider' },
        { value: 'governors', label: 'Governors' },
        { value: 'parents', label: 'Parents and carers' },
        { value: 'pupils', label: 'Pupils' },
        { value: 'community', label: 'Community' },
      ],
    },
    { key: 'joined', label: 'Joined', type: 'date' },
    { key: 'chair', label: 'Chairs the group', type: 'boolean' },
  ],
  titleField: 'member',
  columns: ['member', 'represents', 'joined', 'chair'],
  csvColumns: ['member', 'represents', 'joined', 'chair'],
  computed: [{ key: 'member', label: 'Member', value: (row, ctx) => holderName(row, ctx) }],
  check(data, issue) {
    if (!text(data, 'person') && !text(data, 'name'))
      issue('person', 'choose a person, or give the name of someone without an account');
  },
  flags(row, ctx) {
    const person = text(row.data, 'person');
    const left = person ? personLeft(ctx, person) : null;
    return left
      ? [
          {
            code: 'member-left',
            severity: 'warning',
            message: `${personName(ctx, person)}'s account is ${left}.`,
          },
        ]
      : [];
  },
  registerFlags(rows) {
    if (rows.length === 0)
      return [{ code: 'no-members', severity: 'warning', message: 'The group has no members.' }];
    return rows.some((r) => flag(r.data, 'chair'))
      ? []
      : [
          {
            code: 'no-chair',
            severity: 'info',
            message: 'Nobody is recorded as chairing the group.',
          },
        ];
  },
};

export const osgMeetingsRegister: RegisterDefinition = {
  key: 'osg-meetings',
  title: 'Online Safety Group meetings',
  noun: 'meeting',
  area: 'Roles and the Online Safety Group',
  description: 'Each meeting of the Online Safety Group: when, who came, and the minutes.',
  source: 'GOV-1; policy "Online Safety Group"',
  readAbility: 'registers.roles.read',
  editAbility: 'registers.roles.edit',
  fields: [
    { key: 'date', label: 'Date', type: 'date', required: true },
    { key: 'title', label: 'Title', type: 'text', required: true },
    { key: 'attendees', label: 'Attendees', type: 'people', people: 'anyone' },
    { key: 'otherAttendees', label: 'Other attendees (no account)', type: 'text' },
    { key: 'minutes', label: 'Minutes', type: 'longtext' },
  ],
  titleField: 'title',
  columns: ['date', 'title', 'attendees'],
  csvColumns: ['date', 'title', 'attendees', 'otherAttendees', 'minutes'],
};

export const actionStatusOptions = [
  { value: 'open', label: 'Open' },
  { value: 'in-progress', label: 'In progress' },
  { value: 'done', label: 'Done' },
  { value: 'dropped', label: 'Dropped' },
] as const;

function actionOpen(row: RowView): boolean {
  const status = text(row.data, 'status');
  return status !== 'done' && status !== 'dropped';
}

export const osgActionsRegister: RegisterDefinition = {
  key: 'osg-actions',
  title: 'Online Safety Group actions',
  noun: 'action',
  area: 'Roles and the Online Safety Group',
  description:
    'Actions agreed by the group — including 360 degree safe improvement actions, with the aspect they improve — each with an owner, a due date and a status. Open actions past their due date are flagged.',
  source:
    'GOV-1; policy "Online Safety Group" (monitoring improvement actions from 360 degree safe)',
  readAbility: 'registers.roles.read',
  editAbility: 'registers.roles.edit',
  fields: [
    { key: 'action', label: 'Action', type: 'text', required: true },
    { key: 'owner', label: 'Owner', type: 'person', people: 'adults', required: true },
    { key: 'due', label: 'Due', type: 'date', required: true },
    {
      key: 'status',
      label: 'Status',
      type: 'choice',
      required: true,
      options: actionStatusOptions,
    },
    {
      key: 'source',
      label: 'Source',
      type: 'choice',
      options: [
        { value: 'meeting', label: 'Group meeting' },
        { value: '360-degree-safe', label: '360 degree safe self-review' },
        { value: 'incident', label: 'Learning from an incident' },
        { value: 'review', label: 'Filtering and monitoring review' },
        { value: 'other', label: 'Other' },
      ],
    },
    {
      key: 'aspect',
      label: '360 degree safe aspect / reference',
      type: 'text',
      hint: 'e.g. "Element B: Policy and leadership, aspect 4 — Filtering"',
    },
    { key: 'meeting', label: 'Agreed at meeting', type: 'row', register: 'osg-meetings' },
    { key: 'notes', label: 'Progress notes', type: 'longtext' },
  ],
  titleField: 'action',
  columns: ['action', 'owner', 'due', 'status', 'aspect'],
  csvColumns: ['action', 'owner', 'due', 'status', 'source', 'aspect', 'meeting', 'notes'],
  flags(row, ctx) {
    const flags: RegisterFlag[] = [];
    const due = text(row.data, 'due');
    if (due && actionOpen(row) && endOfDay(due).getTime() < ctx.now.getTime()) {
      flags.push({
        code: 'overdue',
        severity: 'overdue',
        message: `Overdue by ${-daysUntil(due, ctx.now)} day(s).`,
      });
    }
    const owner = text(row.data, 'owner');
    const left = owner && actionOpen(row) ? personLeft(ctx, owner) : null;
    if (left)
      flags.push({
        code: 'owner-left',
        severity: 'warning',
        message: `The owner's account is ${left}: give the action a new owner.`,
      });
    return flags;
  },
  dueDates(row) {
    const due = text(row.data, 'due');
    if (!due || !actionOpen(row)) return [];
    return [
      {
        kind: 'osg-action',
        title: `Online Safety Group action: ${text(row.data, 'action') ?? ''}`,
        due: endOfDay(due),
      },
    ];
  },
};
