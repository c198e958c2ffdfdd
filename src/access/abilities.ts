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
