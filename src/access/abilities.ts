import type { Actor } from './actor.ts';
import { staffRoles, type Role } from './roles.ts';

/**
 * Who may do what, declared in one place. Every API route names one of these abilities and
 * the route layer refuses any route that does not (see `api/plugins/abilities.ts`). An ability
 * not listed here does not exist, and anything not granted is refused.
 *
 * Each ability reads like the policy text: the roles that hold it, and for record-level
 * checks a rule about the record (`can(actor, 'users.update', user)`).
 */
export interface SchoolScoped {
  readonly schoolId: string | null;
}

interface AbilityRule {
  /** Shown in the permission matrix in docs/abilities.md. */
  readonly description: string;
  /** Anyone, signed in or not. */
  readonly public?: true;
  /** Roles holding the ability; `'signed-in'` for every signed-in user. */
  readonly roles?: readonly Role[] | 'signed-in';
  /** Record-level rule, checked once the record is loaded. */
  readonly record?: (actor: Actor, record: SchoolScoped) => boolean;
}

const sameSchool = (actor: Actor, record: SchoolScoped): boolean =>
  actor.roles.includes('trust-admin') ||
  (actor.schoolId !== null && actor.schoolId === record.schoolId);

const peopleManagers: readonly Role[] = ['head', 'technician', 'online-safety-lead', 'trust-admin'];
const peopleReaders: readonly Role[] = [...peopleManagers, 'dsl', 'deputy-dsl'];
const auditReaders: readonly Role[] = ['dsl', 'head', 'online-safety-lead', 'trust-admin'];
const activityReaders: readonly Role[] = [
  'dsl',
  'deputy-dsl',
  'head',
  'online-safety-lead',
  'technician',
];
const policyEditors: readonly Role[] = ['online-safety-lead', 'dsl', 'head', 'trust-admin'];
const filterReaders: readonly Role[] = [
  'technician',
  'dsl',
  'deputy-dsl',
  'online-safety-lead',
  'head',
  'governor',
  'chair-of-governors',
  'trust-admin',
];

// Casework: incidents (INC-4, PLT-1). Who may see an incident depends on whom it is about.
/** What the incident record rules need: whom the concern is about and who reported it. */
export interface IncidentScope extends SchoolScoped {
  readonly kind: 'incident';
  readonly concernAbout: 'pupils' | 'staff' | 'head';
  /** Null for an anonymous report. */
  readonly reportedBy: string | null;
  /** The school's setting: may the DSL (and deputies) see concerns about staff? */
  readonly dslSeesStaffConcerns: boolean;
}

function isIncidentScope(record: SchoolScoped): record is IncidentScope {
  return (record as Partial<IncidentScope>).kind === 'incident';
}

const incidentHandlers: readonly Role[] = [
  'dsl',
  'deputy-dsl',
  'head',
  'online-safety-lead',
  'chair-of-governors',
];

/**
 * Who sees an incident: the DSL, deputies, the head and the online safety lead see concerns about
 * pupils; a concern about a member of staff goes to the head (and the DSL and deputies where the
 * school's setting says so); a concern about the head goes to the chair of governors only. Never
 * across schools, and not trust administrators: casework stays in the school.
 */
export function seesIncident(actor: Actor, record: SchoolScoped): boolean {
  if (!isIncidentScope(record)) return false;
  if (actor.schoolId === null || actor.schoolId !== record.schoolId) return false;
  const has = (role: Role) => actor.roles.includes(role);
  switch (record.concernAbout) {
    case 'head':
      return has('chair-of-governors');
    case 'staff':
      return has('head') || (record.dslSeesStaffConcerns && (has('dsl') || has('deputy-dsl')));
    case 'pupils':
      return has('dsl') || has('deputy-dsl') || has('head') || has('online-safety-lead');
  }
}

/** The person who reported it (not anonymously) may follow its status. */
const ownReport = (actor: Actor, record: SchoolScoped): boolean =>
  isIncidentScope(record) &&
  record.reportedBy !== null &&
  record.reportedBy === actor.userId &&
  actor.schoolId === record.schoolId;

const schoolOnly = (actor: Actor, record: SchoolScoped): boolean =>
  actor.schoolId !== null && actor.schoolId === record.schoolId;

export const abilityRules = {
  'health.read': { description: 'See whether Haven is up', public: true },
  'session.create': { description: 'Sign in', public: true },
  'session.delete': { description: 'Sign out', roles: 'signed-in' },
  'me.read': { description: 'See own account and abilities', roles: 'signed-in' },
  'me.password.change': { description: 'Change own password', roles: 'signed-in' },
  'schools.list': {
    description: 'List the schools of the deployment (own school unless trust admin)',
    roles: [...peopleReaders],
  },
  'schools.create': { description: 'Add a school to the trust', roles: ['trust-admin'] },
  'users.list': {
    description: 'List people in a school',
    roles: peopleReaders,
    record: sameSchool,
  },
  'users.read': {
    description: "Read a person's account",
    roles: peopleReaders,
    record: sameSchool,
  },
  'users.create': { description: 'Add a person', roles: peopleManagers, record: sameSchool },
  'users.update': {
    description: "Change a person's details, roles, groups or lock",
    roles: peopleManagers,
    record: sameSchool,
  },
  'users.import': {
    description: 'Import people from an MIS export (CSV)',
    roles: peopleManagers,
    record: sameSchool,
  },
  'groups.list': {
    description: 'List groups and members',
    roles: [...peopleReaders, ...staffRoles],
  },
  'groups.manage': {
    description: 'Create groups and change membership',
    roles: peopleManagers,
    record: sameSchool,
  },
  'policy.read': {
    description: "Read the school's policy versions, tables and review date",
    roles: [...staffRoles, 'governor', 'chair-of-governors', 'parent', 'trust-admin'],
    record: sameSchool,
  },
  'policy.edit': {
    description: 'Draft a new policy version and edit a draft',
    roles: policyEditors,
    record: sameSchool,
  },
  'policy.approve': {
    description: 'Approve a draft policy version (a named governor, with date and note)',
    roles: ['governor', 'chair-of-governors'],
    record: sameSchool,
  },
  'policy.activate': {
    description: 'Make an approved version the one the filter enforces',
    roles: ['online-safety-lead', 'head', 'trust-admin'],
    record: sameSchool,
  },
  'lists.read': {
    description: 'See the block lists, local entries and the filter change log',
    roles: filterReaders,
    record: sameSchool,
  },
  'lists.manage': {
    description: "Add and remove the school's local allow and block entries",
    roles: ['technician', 'online-safety-lead', 'dsl', 'trust-admin'],
    record: sameSchool,
  },
  'decisions.test': {
    description: 'Test how the filter decides a URL for a group at a time, and why',
    roles: [...staffRoles, 'governor', 'chair-of-governors', 'trust-admin'],
    record: sameSchool,
  },
  'network.sign-in': {
    description: 'Sign a device in to the filter (captive sign-in with a Haven account)',
    public: true,
  },
  'network.sign-out': { description: 'Sign this device out of the filter', public: true },
  'network.sessions.read': {
    description: 'See who is signed in to the filter on which device address',
    roles: ['technician', 'online-safety-lead', 'dsl', 'trust-admin'],
    record: sameSchool,
  },
  'block-requests.create': {
    description: 'Ask from the block page for a site to be reviewed, or report a worry',
    public: true,
  },
  'block-requests.read': {
    description: 'Read the review requests and worries sent from the block page',
    roles: ['dsl', 'deputy-dsl', 'online-safety-lead'],
    record: sameSchool,
  },
  'alerts.read': {
    description: 'Read safeguarding alerts (every read is audited)',
    roles: ['dsl', 'deputy-dsl', 'head'],
    record: sameSchool,
  },
  'alerts.triage': {
    description: 'Acknowledge, dismiss (with a reason) or escalate a safeguarding alert',
    roles: ['dsl', 'deputy-dsl'],
    record: sameSchool,
  },
  'phrases.read': {
    description: "Read the school's safeguarding phrase lists and their change log",
    roles: ['dsl', 'deputy-dsl', 'online-safety-lead', 'head'],
    record: sameSchool,
  },
  'phrases.edit': {
    description: 'Change the safeguarding phrase lists (each save is a new version with a note)',
    roles: ['dsl', 'online-safety-lead'],
    record: sameSchool,
  },
  'audit.read': { description: 'Read the audit log', roles: auditReaders, record: sameSchool },
  'audit.verify': { description: "Check the audit log's hash chain", roles: auditReaders },
  'activity.read': {
    description:
      "Search the school's activity (web requests allowed and blocked) and its dashboard",
    roles: activityReaders,
    record: sameSchool,
  },
  'activity.export': {
    description: "Export the school's activity as CSV (audited)",
    roles: activityReaders,
    record: sameSchool,
  },
  'activity.search-terms.read': {
    description:
      'See the search terms in activity (safeguarding staff; technicians see technical logs)',
    roles: ['dsl', 'deputy-dsl', 'head', 'online-safety-lead'],
    record: sameSchool,
  },
  'activity.tokens.manage': {
    description: 'Create, list and revoke the tokens other systems use to send activity',
    roles: ['technician', 'dsl'],
    record: sameSchool,
  },
  'activity.ingest': {
    description: 'Send activity from another system (checked against an ingest token)',
    public: true,
  },
  'activity.retention.manage': {
    description: 'Set how long activity is kept, and place or lift legal holds',
    roles: ['dsl', 'head'],
    record: sameSchool,
  },
  // Governance registers (GOV-1, GOV-6 to GOV-9): who may read and edit each register
  'registers.list': {
    description: 'See the Registers area: the registers you may read and their due dates',
    roles: [...staffRoles, 'governor', 'chair-of-governors', 'trust-admin'],
  },
  'registers.roles.read': {
    description:
      'Read the roles and responsibilities register and the Online Safety Group (members, meetings, actions)',
    roles: [...staffRoles, 'governor', 'chair-of-governors', 'trust-admin'],
    record: sameSchool,
  },
  'registers.roles.edit': {
    description:
      'Change the roles register and record Online Safety Group members, meetings and actions',
    roles: ['head', 'dsl', 'online-safety-lead', 'trust-admin'],
    record: sameSchool,
  },
  'registers.devices.read': {
    description: 'Read the device asset register, device loans and software licences',
    roles: [
      'technician',
      'online-safety-lead',
      'head',
      'dsl',
      'governor',
      'chair-of-governors',
      'trust-admin',
    ],
    record: sameSchool,
  },
  'registers.devices.edit': {
    description: 'Change the device asset register, device loans and software licences',
    roles: ['technician', 'online-safety-lead', 'trust-admin'],
    record: sameSchool,
  },
  'registers.guests.read': {
    description: 'Read the guest access policy and the time-limited guest accounts',
    roles: [
      'technician',
      'online-safety-lead',
      'head',
      'dsl',
      'governor',
      'chair-of-governors',
      'trust-admin',
    ],
    record: sameSchool,
  },
  'registers.guests.manage': {
    description:
      'Create time-limited guest accounts (sign-in refused after expiry) and edit the guest access policy',
    roles: ['technician', 'online-safety-lead', 'head', 'trust-admin'],
    record: sameSchool,
  },
  'registers.photo-consent.read': {
    description:
      'Read the photo consent register (which pupils may be photographed, for what) and run the publishing check (reads audited)',
    roles: [...staffRoles, 'trust-admin'],
    record: sameSchool,
  },
  'registers.photo-consent.edit': {
    description: "Record parents' written photo consent and pupils whose image must not be taken",
    roles: ['head', 'dsl', 'online-safety-lead', 'trust-admin'],
    record: sameSchool,
  },
  'registers.data-protection.read': {
    description:
      'Read the data protection registers: processing, information assets, retention, DPIAs, breaches, SARs, FOI, legal holds (reads audited)',
    roles: ['head', 'dsl', 'deputy-dsl', 'online-safety-lead', 'trust-admin'],
    record: sameSchool,
  },
  'registers.data-protection.edit': {
    description: 'Change the data protection registers, including the activity retention periods',
    roles: ['head', 'dsl', 'online-safety-lead', 'trust-admin'],
    record: sameSchool,
  },
  'registers.social-media.read': {
    description: "Read the register of the school's official social media accounts",
    roles: [...staffRoles, 'governor', 'chair-of-governors', 'trust-admin'],
    record: sameSchool,
  },
  'registers.social-media.edit': {
    description: 'Record official social media accounts, their approval and their administrators',
    roles: ['head', 'online-safety-lead', 'trust-admin'],
    record: sameSchool,
  },
  // Temporary exemptions (FIL-6) and filter change control (FIL-7)
  'exemptions.request': {
    description: 'Ask for a site or category to be unblocked for a group for a lesson or a period',
    roles: staffRoles,
    record: sameSchool,
  },
  'exemptions.read': {
    description: "See the school's exemptions: asked for, active and expired",
    roles: [...staffRoles, 'governor', 'chair-of-governors', 'trust-admin'],
    record: sameSchool,
  },
  'exemptions.decide': {
    description: 'Approve or decline an exemption (not one you asked for), or revoke it early',
    roles: ['dsl', 'online-safety-lead'],
    record: sameSchool,
  },
  'change-requests.create': {
    description: 'Ask for a permanent filter change, or take up a review asked from the block page',
    roles: staffRoles,
    record: sameSchool,
  },
  'change-requests.read': {
    description: 'Read the filter change requests and their decisions (the change log)',
    roles: [...staffRoles, 'governor', 'chair-of-governors', 'trust-admin'],
    record: sameSchool,
  },
  'change-requests.decide': {
    description: 'Approve or decline a filter change request (not one you asked for)',
    roles: ['online-safety-lead', 'dsl', 'head'],
    record: sameSchool,
  },
  // Acceptable use agreements, training records and surveys (GOV-4, GOV-5, GOV-10)
  'aua.read': {
    description: "Read the school's acceptable use agreements (every version, every audience)",
    roles: 'signed-in',
    record: sameSchool,
  },
  'aua.sign': {
    description: 'See and sign the acceptable use agreements waiting for you (your own only)',
    roles: 'signed-in',
  },
  'aua.publish': {
    description:
      'Publish a new version of an acceptable use agreement (everyone in it signs again)',
    roles: ['online-safety-lead', 'head', 'trust-admin'],
    record: sameSchool,
  },
  'aua.completion.read': {
    description: 'See who has signed the acceptable use agreements, by audience and group',
    roles: ['online-safety-lead', 'head', 'dsl', 'deputy-dsl', 'trust-admin'],
    record: sameSchool,
  },
  'aua.remind': {
    description: 'Email a reminder to everyone who has not signed',
    roles: ['online-safety-lead', 'head', 'trust-admin'],
    record: sameSchool,
  },
  'aua.settings.manage': {
    description: 'Keep people who have not signed on a safe list in the filter, and edit that list',
    roles: ['online-safety-lead', 'head', 'trust-admin'],
    record: sameSchool,
  },
  'training.mine': {
    description: 'See your own training and report a training need (staff and governors)',
    roles: [...staffRoles, 'governor', 'chair-of-governors'],
  },
  'training.read': {
    description: "Read everyone's training records and the training-needs audit (and export them)",
    roles: ['head', 'online-safety-lead', 'dsl', 'trust-admin'],
    record: sameSchool,
  },
  'training.manage': {
    description: 'Add training courses and record completed training',
    roles: ['head', 'online-safety-lead', 'trust-admin'],
    record: sameSchool,
  },
  'surveys.answer': {
    description: 'Answer the surveys open for you (answers are anonymous)',
    roles: ['pupil', 'parent', ...staffRoles],
  },
  'surveys.manage': {
    description: 'Build surveys, open and close them',
    roles: ['online-safety-lead', 'head', 'trust-admin'],
    record: sameSchool,
  },
  'surveys.results.read': {
    description: 'Read survey results (counts under 5 shown as "fewer than 5")',
    roles: ['online-safety-lead', 'head', 'dsl', 'governor', 'chair-of-governors', 'trust-admin'],
    record: sameSchool,
  },
  // Governance reports (issue 8): termly governor report, annual filtering and monitoring
  // review, compliance calendar.
  'reports.governor.read': {
    description: 'Read the termly governor report (anonymised) and download it as PDF',
    roles: ['governor', 'chair-of-governors', 'head', 'dsl', 'online-safety-lead'],
    record: sameSchool,
  },
  'reports.governor.sign': {
    description: 'Sign off the termly governor report (the signed figures are kept as they are)',
    roles: ['governor', 'chair-of-governors'],
    record: sameSchool,
  },
  'reviews.read': {
    description: 'Read the annual filtering and monitoring review, its evidence and the checks log',
    roles: [
      'head',
      'dsl',
      'deputy-dsl',
      'online-safety-lead',
      'technician',
      'governor',
      'chair-of-governors',
    ],
    record: sameSchool,
  },
  'reviews.edit': {
    description:
      'Start the annual review, write its notes, record filtering checks and run the standard checks',
    roles: ['head', 'dsl', 'online-safety-lead', 'technician'],
    record: sameSchool,
  },
  'reviews.sign': {
    description:
      'Sign off the annual review for your part: SLT (head), DSL, IT provider (technician) or governor',
    roles: ['head', 'dsl', 'technician', 'governor', 'chair-of-governors'],
    record: sameSchool,
  },
  'calendar.read': {
    description:
      'See the compliance calendar: every review, report and renewal date, overdue first',
    roles: [
      'head',
      'dsl',
      'deputy-dsl',
      'online-safety-lead',
      'technician',
      'governor',
      'chair-of-governors',
    ],
    record: sameSchool,
  },
  // Casework: incidents
  'incidents.report': {
    description: 'Report a concern (staff, pupils — anonymously if they choose — and parents)',
    roles: 'signed-in',
  },
  'incidents.own.read': {
    description: 'Follow the status of the concerns you reported (nothing else of them)',
    roles: 'signed-in',
    record: ownReport,
  },
  'incidents.read': {
    description:
      'Read incidents (every read is audited): concerns about pupils — DSL, deputies, head, online safety lead; about staff — the head (and the DSL if the school allows); about the head — the chair of governors',
    roles: incidentHandlers,
    record: seesIncident,
  },
  'incidents.manage': {
    description:
      'Classify an incident, follow the flowchart, investigate, add evidence, record sanctions and the outcome (same people as reading it)',
    roles: incidentHandlers,
    record: seesIncident,
  },
  'incidents.export': {
    description:
      'Export incidents (one pupil or all) as JSON or CSV for the safeguarding system (audited)',
    roles: ['dsl', 'deputy-dsl', 'head'],
    record: schoolOnly,
  },
  'incidents.summary': {
    description: 'See anonymised incident counts by category, 4Cs and outcome (no names)',
    roles: ['governor', 'chair-of-governors', 'head', 'dsl', 'deputy-dsl', 'online-safety-lead'],
    record: schoolOnly,
  },
  'incidents.learning.read': {
    description: 'List the open learning points from incidents for the Online Safety Group',
    roles: ['online-safety-lead', 'dsl', 'deputy-dsl', 'head'],
    record: schoolOnly,
  },
  'incidents.settings.manage': {
    description: 'Decide whether the DSL and deputies see concerns about staff',
    roles: ['head'],
    record: schoolOnly,
  },
  'chronology.read': {
    description:
      "A pupil's chronology across alerts, incidents and sanctions (audited; only incidents you may see)",
    roles: ['dsl', 'deputy-dsl', 'head'],
    record: schoolOnly,
  },
  // Monitoring: isolations (MON-4), the signed alert webhook, technical notices
  'alerts.isolation.lift': {
    description:
      'Lift the isolation a suspected-CSAM alert placed on a person and device: capture resumes (audited)',
    roles: ['dsl'],
    record: sameSchool,
  },
  'alerts.webhook.manage': {
    description: "See the alert webhook's signing secret once, and rotate it (audited)",
    roles: ['dsl'],
    record: sameSchool,
  },
  'notices.technical.read': {
    description:
      'See technical notices (e.g. the activity spool nearing its cap): not safeguarding alerts',
    roles: ['technician', 'trust-admin'],
  },
} as const satisfies Record<string, AbilityRule>;

export type Ability = keyof typeof abilityRules;

export const abilityNames = Object.keys(abilityRules) as Ability[];

export function isAbility(name: string): name is Ability {
  return Object.hasOwn(abilityRules, name);
}

export function isPublicAbility(ability: Ability): boolean {
  const rule: AbilityRule = abilityRules[ability];
  return rule.public === true;
}

/**
 * May this actor use this ability (on this record)? Unknown abilities, missing actors and
 * abilities without a rule for the actor's roles are all refused.
 */
export function can(actor: Actor | null, ability: Ability, record?: SchoolScoped): boolean {
  if (!isAbility(ability)) return false;
  const rule: AbilityRule = abilityRules[ability];
  if (rule.public) return true;
  if (actor === null) return false;
  const byRole =
    rule.roles === 'signed-in' || (rule.roles ?? []).some((role) => actor.roles.includes(role));
  if (!byRole) return false;
  if (record !== undefined && rule.record) return rule.record(actor, record);
  return true;
}

/** The abilities this actor holds (without a record): the UI builds its navigation from it. */
export function abilitiesOf(actor: Actor): Ability[] {
  return abilityNames.filter((ability) => !isPublicAbility(ability) && can(actor, ability));
}
