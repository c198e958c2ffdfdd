import type { Kysely } from 'kysely';
import { abilityRules, can, type Ability } from '../access/abilities.ts';
import { systemActor, type Actor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import type { Role } from '../access/roles.ts';
import type { Mailer } from '../activity/alerts/alert-delivery.ts';
import { governanceDueDates } from '../governance/governance-due-dates.ts';
import { auaAndTrainingDueDates } from '../governance/training-summary.ts';
import {
  claimReminderDay,
  latestCompletedReview,
  listAnnualReviews,
} from '../store/annual-review-repository.ts';
import { findSignedReport, listRoleHolders } from '../store/governor-report-repository.ts';
import { findActivePolicyVersion } from '../store/policy-version-repository.ts';
import { findSchoolById, listSchools } from '../store/school-repository.ts';
import type { Database } from '../store/schema.ts';
import {
  addDays,
  formatDay,
  localDayOf,
  shiftTerm,
  startOfLocalDay,
  termOfDay,
  termPeriod,
} from './governor-report-terms.ts';

/**
 * The compliance calendar (issue 8): every date the school must meet, from every area, in one
 * list. Each area contributes a `DueDateProvider`; the calendar merges them, puts overdue items
 * first and groups the rest by month. A daily job emails the people responsible about items
 * due within 14 days or overdue.
 */

export interface DueItem {
  /** `policy-review`, `annual-review`, `governor-report`, … */
  readonly kind: string;
  readonly title: string;
  /** The instant the due day starts in the school's time zone. */
  readonly due: Date;
  /** The page in Haven where it is done. */
  readonly href: string;
  readonly overdue: boolean;
  /** Who is reminded; the DSL and the online safety lead when not said. */
  readonly owners?: readonly Role[];
  /**
   * The ability needed to read the record behind the item (a register, the training records):
   * readers without it do not see the item (`visibleTo`). None: everyone with the calendar.
   */
  readonly ability?: Ability;
}

export type DueDateSource = (
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
) => Promise<DueItem[]>;

export interface DueDateProvider {
  readonly id: string;
  readonly collect: DueDateSource;
}

export const DEFAULT_OWNERS: readonly Role[] = ['dsl', 'online-safety-lead'];

async function todayOf(db: Kysely<Database>, schoolId: string, now: Date) {
  const school = await findSchoolById(db, schoolId);
  const timeZone = school?.time_zone ?? 'Europe/London';
  return { timeZone, today: localDayOf(now, timeZone) };
}

/** POL-2: the active policy's next review date. */
export const policyReviewDue: DueDateProvider = {
  id: 'policy-review',
  async collect(db, schoolId, now) {
    const { timeZone, today } = await todayOf(db, schoolId, now);
    const version = await findActivePolicyVersion(db, schoolId);
    if (!version?.next_review) return [];
    return [
      {
        kind: 'policy-review',
        title: `Review the Online Safety Policy (version ${version.number} is enforced)`,
        due: startOfLocalDay(version.next_review, timeZone),
        href: '/policy',
        overdue: version.next_review < today,
        owners: ['online-safety-lead', 'head'],
      },
    ];
  },
};

/** GOV-3: the next annual filtering and monitoring review. */
export const annualReviewDue: DueDateProvider = {
  id: 'annual-review',
  async collect(db, schoolId, now) {
    const { timeZone, today } = await todayOf(db, schoolId, now);
    const [last, reviews] = await Promise.all([
      latestCompletedReview(db, schoolId),
      listAnnualReviews(db, schoolId),
    ]);
    const open = reviews.find((r) => r.status === 'open');
    const dueDay = last?.next_review ?? today;
    return [
      {
        kind: 'annual-review',
        title: last
          ? `Annual filtering and monitoring review${open ? ' (in progress)' : ''}`
          : `Annual filtering and monitoring review: none completed in Haven yet${open ? ' (in progress)' : ''}`,
        due: startOfLocalDay(dueDay, timeZone),
        href: '/reviews/filtering',
        overdue: dueDay < today,
        owners: ['head', 'dsl'],
      },
    ];
  },
};

/** GOV-2: the termly governor report, due by the last day of each term until it is signed off. */
export const governorReportDue: DueDateProvider = {
  id: 'governor-report',
  async collect(db, schoolId, now) {
    const { timeZone, today } = await todayOf(db, schoolId, now);
    const school = await findSchoolById(db, schoolId);
    // Terms that ended before the school came to Haven have no report to sign here.
    const joined = school ? localDayOf(new Date(school.created_at), timeZone) : today;
    const current = termOfDay(today);
    const items: DueItem[] = [];
    // The current term and the two before it: an unsigned earlier report stays overdue.
    for (const back of [2, 1, 0]) {
      const t = shiftTerm(current, -back);
      const period = termPeriod(t.term, t.year, timeZone);
      if (period.toDay < joined) continue;
      if (await findSignedReport(db, schoolId, period.key)) continue;
      items.push({
        kind: 'governor-report',
        title: `Governor report for the ${period.label.toLowerCase()}: signed off by the online safety governor`,
        due: startOfLocalDay(period.toDay, timeZone),
        href: `/reports/governor?period=${period.key}`,
        overdue: period.toDay < today,
        owners: ['dsl', 'online-safety-lead', 'governor'],
      });
    }
    return items;
  },
};

/** The roles that act on due dates (and are reminded of them), when they may read the record. */
const RESPONSIBLE_ROLES: readonly Role[] = [
  'dsl',
  'online-safety-lead',
  'head',
  'technician',
  'trust-admin',
];

/**
 * Who is reminded of an item behind this ability: the responsible roles that hold it (not every
 * member of staff who may read a register). Pure.
 */
export function ownersFor(ability: Ability): Role[] {
  const roles = (abilityRules[ability] as { roles?: readonly Role[] | 'signed-in' }).roles;
  if (roles === undefined) return [];
  if (roles === 'signed-in') return [...DEFAULT_OWNERS];
  return RESPONSIBLE_ROLES.filter((r) => r !== 'trust-admin' && roles.includes(r));
}

/** The items this reader may see: those without an ability, and those whose ability they hold. */
export function visibleTo(items: readonly DueItem[], actor: Actor, schoolId: string): DueItem[] {
  return items.filter((i) => i.ability === undefined || can(actor, i.ability, { schoolId }));
}

/**
 * GOV-1, GOV-6, GOV-8: the governance registers' dates (Online Safety Group actions, DPIA
 * reviews, the ICO deadline of a breach, SARs and FOI requests, licences, loans, guest accounts),
 * each shown only to readers of its register and reminded to the responsible roles among them.
 */
export const governanceRegistersDue: DueDateProvider = {
  id: 'governance-registers',
  async collect(db, schoolId, now) {
    const items = await governanceDueDates(db, schoolId, now);
    return items.map((i) => ({
      kind: i.kind,
      title: i.title,
      due: i.due,
      href: i.href,
      overdue: i.overdue,
      owners: ownersFor(i.ability),
      ability: i.ability,
    }));
  },
};

/**
 * GOV-4, GOV-5: acceptable use agreements to be signed and training running out. Training items
 * name the person, so only readers of the training records see them; AUA items are counts, for
 * readers of the completion figures.
 */
export const auaAndTrainingDue: DueDateProvider = {
  id: 'aua-and-training',
  async collect(db, schoolId, now) {
    const items = await auaAndTrainingDueDates(db, schoolId, now);
    return items.map((i) => {
      const ability: Ability = i.kind === 'training' ? 'training.read' : 'aua.completion.read';
      return {
        kind: i.kind,
        title: i.title,
        due: i.due,
        href: i.href,
        overdue: i.overdue,
        owners: ownersFor(ability),
        ability,
      };
    });
  },
};

/** Haven's own due dates; other areas' providers are added to this list. */
export const dueDateProviders: readonly DueDateProvider[] = [
  policyReviewDue,
  annualReviewDue,
  governorReportDue,
  // Governance: registers, AUAs and training
  governanceRegistersDue,
  auaAndTrainingDue,
];

export async function collectDueItems(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
  providers: readonly DueDateProvider[] = dueDateProviders,
): Promise<DueItem[]> {
  const items: DueItem[] = [];
  for (const provider of providers) items.push(...(await provider.collect(db, schoolId, now)));
  return items;
}

export interface CalendarGroup {
  /** `overdue`, or the month `YYYY-MM`. */
  readonly id: string;
  readonly label: string;
  readonly items: readonly DueItem[];
}

const MONTH_LABEL = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric' });

/** Overdue first (oldest first), then one group per month in date order. Pure. */
export function groupCalendar(items: readonly DueItem[], timeZone: string): CalendarGroup[] {
  const sorted = [...items].sort(
    (a, b) => a.due.getTime() - b.due.getTime() || a.title.localeCompare(b.title),
  );
  const groups: CalendarGroup[] = [];
  const overdue = sorted.filter((i) => i.overdue);
  if (overdue.length > 0) groups.push({ id: 'overdue', label: 'Overdue', items: overdue });
  const months = new Map<string, DueItem[]>();
  for (const item of sorted.filter((i) => !i.overdue)) {
    const month = localDayOf(item.due, timeZone).slice(0, 7);
    months.set(month, [...(months.get(month) ?? []), item]);
  }
  for (const [month, monthItems] of months) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    groups.push({
      id: month,
      label: MONTH_LABEL.format(new Date(Date.UTC(y, m - 1, 15))),
      items: monthItems,
    });
  }
  return groups;
}

/** Items the daily reminder names: overdue, or due within `days` of today. Pure. */
export function itemsToRemind(
  items: readonly DueItem[],
  today: string,
  timeZone: string,
  days = 14,
): DueItem[] {
  const horizon = addDays(today, days);
  return items.filter((i) => i.overdue || localDayOf(i.due, timeZone) <= horizon);
}

/** The reminder email for one person. Pure. */
export function reminderEmail(
  items: readonly DueItem[],
  schoolName: string,
  timeZone: string,
  publicUrl: string,
): { subject: string; text: string } {
  const overdue = items.filter((i) => i.overdue).length;
  const base = publicUrl.replace(/\/$/, '');
  const subject = `${schoolName}: ${items.length} online safety date${items.length === 1 ? '' : 's'} due${overdue ? ` (${overdue} overdue)` : ''}`;
  const lines = [
    'These online safety dates are overdue or due within 14 days:',
    '',
    ...items.map(
      (i) =>
        `- ${i.overdue ? 'OVERDUE since' : 'Due'} ${formatDay(localDayOf(i.due, timeZone))}: ${i.title}\n  ${base}${i.href}`,
    ),
    '',
    `The whole compliance calendar: ${base}/calendar`,
  ];
  return { subject, text: lines.join('\n') };
}

function localTimeOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

export interface ReminderResult {
  schoolId: string;
  items: number;
  emailed: string[];
}

/**
 * The daily reminders: for each school, once a day (claimed in the database, so a restart or a
 * second node does not send twice), each person holding a responsible role gets one email with
 * the items they are responsible for.
 */
export async function runCalendarReminders(
  db: Kysely<Database>,
  mailer: Mailer,
  options: {
    now: Date;
    publicUrl: string;
    providers?: readonly DueDateProvider[];
    /** Local time (`HH:MM`) from which the day's email goes out; default 07:00. */
    sendAfter?: string;
  },
): Promise<ReminderResult[]> {
  const results: ReminderResult[] = [];
  // Without an SMTP server there is nothing to send, and no day is claimed.
  if (!mailer.enabled) return results;
  for (const school of await listSchools(db)) {
    const today = localDayOf(options.now, school.time_zone);
    if (localTimeOf(options.now, school.time_zone) < (options.sendAfter ?? '07:00')) continue;
    const items = itemsToRemind(
      await collectDueItems(db, school.id, options.now, options.providers),
      today,
      school.time_zone,
    );
    if (items.length === 0) continue;
    const roles = [...new Set(items.flatMap((i) => i.owners ?? DEFAULT_OWNERS))];
    const people = await listRoleHolders(db, school.id, roles);
    const claimed = await claimReminderDay(db, {
      schoolId: school.id,
      day: today,
      at: options.now,
      items: items.length,
      recipients: people.map((p) => p.id),
    });
    if (!claimed) continue;
    const emailed: string[] = [];
    for (const person of people) {
      if (!person.email) continue;
      const held = person.roles;
      const theirs = items.filter((i) =>
        (i.owners ?? DEFAULT_OWNERS).some((r) => held.includes(r)),
      );
      if (theirs.length === 0) continue;
      const { subject, text } = reminderEmail(
        theirs,
        school.name,
        school.time_zone,
        options.publicUrl,
      );
      const sent = await mailer.send([person.email], subject, text);
      emailed.push(...sent.emailed);
    }
    await audit(
      db,
      systemActor('calendar'),
      {
        action: 'calendar.reminders-sent',
        subjectType: 'school',
        subjectId: school.id,
        schoolId: school.id,
        detail: { items: items.map((i) => i.kind), emailed: emailed.length },
      },
      options.now,
    );
    results.push({ schoolId: school.id, items: items.length, emailed });
  }
  return results;
}

export interface CalendarReminders {
  tick(): Promise<ReminderResult[]>;
  stop(): Promise<void>;
}

/** Runs the reminders every hour; each school's email goes out once a day. */
export function startCalendarReminders(options: {
  db: Kysely<Database>;
  mailer: Mailer;
  publicUrl: string;
  clock?: () => Date;
  intervalMs?: number;
  firstRunMs?: number;
  providers?: readonly DueDateProvider[];
  log?: (level: 'info' | 'warn', message: string) => void;
}): CalendarReminders {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  let running: Promise<ReminderResult[]> | null = null;
  const tick = (): Promise<ReminderResult[]> => {
    if (running) return running;
    running = runCalendarReminders(options.db, options.mailer, {
      now: clock(),
      publicUrl: options.publicUrl,
      ...(options.providers ? { providers: options.providers } : {}),
    })
      .catch((error: unknown) => {
        log(
          'warn',
          `calendar: the reminder job failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        return [];
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? 60 * 60_000);
  timer.unref();
  // A first run a few minutes after start, so a restart does not wait the whole hour.
  const first = setTimeout(() => void tick(), options.firstRunMs ?? 5 * 60_000);
  first.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      await running;
      options.mailer.close();
    },
  };
}
