import type { Kysely } from 'kysely';
import { audit } from '../access/audit.ts';
import { isSystemActor, type AuditActor } from '../access/actor.ts';
import { HavenError } from '../errors/haven-error.ts';
import { countHeldAlerts, deleteExpiredAlerts } from '../store/alert-repository.ts';
import {
  clearExpiredSearchTerms,
  countHeldEvents,
  deleteExpiredEvents,
  dropActivityPartition,
  findLegalHold,
  insertLegalHold,
  listActivityPartitions,
  listEffectiveRetention,
  markLegalHoldLifted,
  recordActivityPurge,
  upsertRetentionSettings,
  type ActivityPurgeInput,
  type EffectiveRetention,
  type PurgeScope,
} from '../store/activity-repository.ts';
import type { Database, LegalHold, RetentionSettingRow } from '../store/schema.ts';
import { findUserById } from '../store/user-repository.ts';

/**
 * Retention (MON-5): each school keeps activity events for `activityDays` and search terms for
 * `searchTermsDays` (its `retention_settings` row, else the defaults), except the events of a
 * person under a legal hold, which are kept whole until the hold is lifted.
 *
 * One run (`runRetention`, daily from `activity-maintenance.ts`):
 *
 *   1. drop whole day partitions that have expired for every school (the longest retention
 *      decides) — unless a held person has events in one: that partition is kept and step 2
 *      deletes the rest of it, the held rows stay until the hold is lifted and a later run drops it
 *   2. per school, delete expired events in batches (a school with a shorter retention, the
 *      default partition, held partitions); events of schools Haven does not know follow the
 *      defaults
 *   3. per school, set `search_terms` null on events older than `searchTermsDays`, in batches
 *   4. per school, delete resolved alerts (dismissed or acknowledged) last seen before
 *      `alertsDays`, in batches — never one escalated to an incident, still new, about a person
 *      under a legal hold, or with an isolation in force (MON-5)
 *
 * Every purge that removed something (or was held back) is recorded in `activity_purges`: when,
 * which school, what, by which rule, how many rows, how many a hold kept. The daily rollup
 * (`activity_daily`: counts per school, day, category, action and group, nobody's name) is kept.
 */

export interface RetentionPeriods {
  readonly activityDays: number;
  readonly searchTermsDays: number;
  /**
   * Days a resolved alert (dismissed or acknowledged) is kept after it was last seen (MON-5).
   * Alerts escalated to an incident follow the incident's record, never this period.
   */
  readonly alertsDays: number;
}

export const DEFAULT_RETENTION: RetentionPeriods = {
  activityDays: 365,
  searchTermsDays: 90,
  alertsDays: 730,
};

/** Longest retention a school may set: 100 years. */
export const MAX_RETENTION_DAYS = 36_500;

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** The time of the run: what is older than `now - days` has expired. */
  readonly now: Date;
  readonly defaults?: RetentionPeriods;
  /** Rows per DELETE or UPDATE statement (default 10,000). */
  readonly batchSize?: number;
}

export interface RetentionReport {
  readonly at: string;
  /** Day partitions dropped whole. */
  readonly droppedPartitions: readonly string[];
  /** Expired day partitions kept because a legal hold covers some of their rows. */
  readonly heldPartitions: readonly string[];
  /** Events removed (dropped with a partition or deleted). */
  readonly purgedEvents: number;
  /** Events whose search terms were removed. */
  readonly clearedSearchTerms: number;
  /** Resolved alerts deleted (MON-5). */
  readonly purgedAlerts: number;
  /** Expired resolved alerts kept by a legal hold. */
  readonly heldAlerts: number;
  /** Expired events kept by a legal hold. */
  readonly heldEvents: number;
  readonly purges: readonly ActivityPurgeInput[];
}

function cutoffOf(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

async function inBatches(work: () => Promise<number>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await work();
    total += n;
    if (n < batchSize) return total;
  }
}

/** Purge what has expired (see the module comment). Safe to run again at any time. */
export async function runRetention(
  db: Kysely<Database>,
  options: RetentionOptions,
): Promise<RetentionReport> {
  const now = options.now;
  const defaults = options.defaults ?? DEFAULT_RETENTION;
  const batchSize = Math.max(1, options.batchSize ?? 10_000);
  const schools = await listEffectiveRetention(db, defaults);
  const bySchool = new Map(schools.map((s) => [s.schoolId, s]));
  const purges: ActivityPurgeInput[] = [];
  const record = async (purge: ActivityPurgeInput): Promise<void> => {
    await recordActivityPurge(db, purge);
    purges.push(purge);
  };
  const rule = (name: string, days: number, custom: boolean): string =>
    `${name}=${days} (${custom ? 'school setting' : 'default'})`;

  // 1. Whole partitions.
  const longest = Math.max(defaults.activityDays, ...schools.map((s) => s.activityDays));
  const dropBefore = cutoffOf(now, longest);
  const droppedPartitions: string[] = [];
  const heldPartitions: string[] = [];
  let purgedEvents = 0;
  for (const partition of await listActivityPartitions(db)) {
    if (partition.to.getTime() > dropBefore.getTime()) break;
    const counts = await dropActivityPartition(db, partition.name);
    if (counts === null) {
      heldPartitions.push(partition.name);
      continue;
    }
    droppedPartitions.push(partition.name);
    for (const { schoolId, rows } of counts) {
      const school: EffectiveRetention | undefined = bySchool.get(schoolId);
      purgedEvents += rows;
      await record({
        at: now,
        schoolId,
        kind: 'events',
        method: 'drop-partition',
        rule: school
          ? rule('activity_days', school.activityDays, school.custom)
          : rule('activity_days', defaults.activityDays, false),
        cutoff: partition.to,
        rows,
        heldRows: 0,
        detail: { partition: partition.name, longestRetentionDays: longest },
      });
    }
  }

  // 2. Expired events, school by school (and those of schools Haven does not know).
  let heldEvents = 0;
  const passes: { scope: PurgeScope; days: number; custom: boolean }[] = [
    ...schools.map((s) => ({
      scope: { schoolId: s.schoolId },
      days: s.activityDays,
      custom: s.custom,
    })),
    { scope: { unknownSchools: true as const }, days: defaults.activityDays, custom: false },
  ];
  for (const pass of passes) {
    const cutoff = cutoffOf(now, pass.days);
    const deleted = await inBatches(
      () => deleteExpiredEvents(db, pass.scope, cutoff, batchSize),
      batchSize,
    );
    const held =
      'schoolId' in pass.scope ? await countHeldEvents(db, pass.scope.schoolId, cutoff) : 0;
    purgedEvents += deleted;
    heldEvents += held;
    if (deleted > 0 || held > 0)
      await record({
        at: now,
        schoolId: 'schoolId' in pass.scope ? pass.scope.schoolId : null,
        kind: 'events',
        method: 'delete',
        rule: rule('activity_days', pass.days, pass.custom),
        cutoff,
        rows: deleted,
        heldRows: held,
        detail: 'schoolId' in pass.scope ? {} : { scope: 'schools Haven does not know' },
      });
  }

  // 3. Search terms.
  let clearedSearchTerms = 0;
  for (const school of schools) {
    const cutoff = cutoffOf(now, school.searchTermsDays);
    const scope = { schoolId: school.schoolId };
    const cleared = await inBatches(
      () => clearExpiredSearchTerms(db, scope, cutoff, batchSize),
      batchSize,
    );
    const held = await countHeldEvents(db, school.schoolId, cutoff, true);
    clearedSearchTerms += cleared;
    if (cleared > 0 || held > 0)
      await record({
        at: now,
        schoolId: school.schoolId,
        kind: 'search-terms',
        method: 'clear',
        rule: rule('search_terms_days', school.searchTermsDays, school.custom),
        cutoff,
        rows: cleared,
        heldRows: held,
      });
  }

  // 4. Resolved alerts (dismissed or acknowledged; never escalated to an incident, never one
  //    with an isolation in force), school by school, in batches; a legal hold keeps them.
  let purgedAlerts = 0;
  let heldAlerts = 0;
  for (const school of schools) {
    const cutoff = cutoffOf(now, school.alertsDays);
    const deleted = await inBatches(
      () => deleteExpiredAlerts(db, school.schoolId, cutoff, batchSize),
      batchSize,
    );
    const held = await countHeldAlerts(db, school.schoolId, cutoff);
    purgedAlerts += deleted;
    heldAlerts += held;
    if (deleted > 0 || held > 0)
      await record({
        at: now,
        schoolId: school.schoolId,
        kind: 'alerts',
        method: 'delete',
        rule: rule('alerts_days', school.alertsDays, school.customAlerts),
        cutoff,
        rows: deleted,
        heldRows: held,
        detail: { statuses: ['dismissed', 'acknowledged'] },
      });
  }

  return {
    at: now.toISOString(),
    droppedPartitions,
    heldPartitions,
    purgedEvents,
    clearedSearchTerms,
    heldEvents,
    purgedAlerts,
    heldAlerts,
    purges,
  };
}

// ---------------------------------------------------------------------------------------------
// Settings and legal holds (workflows: the change and its audit entry in one transaction)

function checkDays(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_RETENTION_DAYS)
    throw new HavenError('HAVEN_VALIDATION', `${field} must be a whole number of days`, {
      errors: [{ path: `body.${field}`, message: `between 1 and ${MAX_RETENTION_DAYS} days` }],
    });
}

function actorId(actor: AuditActor): string | null {
  return isSystemActor(actor) ? null : actor.userId;
}

/** Set a school's retention periods. Search terms cannot be kept longer than the events. */
export async function setRetention(
  db: Kysely<Database>,
  actor: AuditActor,
  input: { schoolId: string; activityDays: number; searchTermsDays: number } & {
    /** Undefined: keep what is set; null: back to the default. */
    alertsDays?: number | null | undefined;
  },
  now: Date,
): Promise<RetentionSettingRow> {
  checkDays('activityDays', input.activityDays);
  checkDays('searchTermsDays', input.searchTermsDays);
  if (input.alertsDays !== undefined && input.alertsDays !== null)
    checkDays('alertsDays', input.alertsDays);
  if (input.searchTermsDays > input.activityDays)
    throw new HavenError('HAVEN_VALIDATION', 'search terms cannot outlive their events', {
      errors: [
        {
          path: 'body.searchTermsDays',
          message: `at most activityDays (${input.activityDays})`,
        },
      ],
    });
  return db.transaction().execute(async (trx) => {
    const row = await upsertRetentionSettings(trx, { ...input, updatedBy: actorId(actor) }, now);
    await audit(
      trx,
      actor,
      {
        action: 'retention.updated',
        subjectType: 'school',
        subjectId: input.schoolId,
        schoolId: input.schoolId,
        detail: {
          activityDays: input.activityDays,
          searchTermsDays: input.searchTermsDays,
          ...(input.alertsDays === undefined ? {} : { alertsDays: input.alertsDays }),
        },
      },
      now,
    );
    return row;
  });
}

/** A school's retention periods as they apply (its settings, else the defaults). */
export async function retentionOf(
  db: Kysely<Database>,
  schoolId: string,
  defaults: RetentionPeriods = DEFAULT_RETENTION,
): Promise<EffectiveRetention | undefined> {
  return (await listEffectiveRetention(db, defaults)).find((s) => s.schoolId === schoolId);
}

/** Keep every event of a person, whatever the retention, until the hold is lifted. */
export async function placeLegalHold(
  db: Kysely<Database>,
  actor: AuditActor,
  input: { schoolId: string; userId: string; reason: string },
  now: Date,
): Promise<LegalHold> {
  const reason = input.reason.trim();
  if (reason === '')
    throw new HavenError('HAVEN_VALIDATION', 'say why the events must be kept', {
      errors: [{ path: 'body.reason', message: 'required' }],
    });
  return db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, input.userId);
    if (!user || user.school_id !== input.schoolId)
      throw new HavenError('HAVEN_NOT_FOUND', 'no such person in this school');
    const hold = await insertLegalHold(
      trx,
      { schoolId: input.schoolId, userId: input.userId, reason, placedBy: actorId(actor) },
      now,
    );
    await audit(
      trx,
      actor,
      {
        action: 'legal-hold.placed',
        subjectType: 'user',
        subjectId: input.userId,
        schoolId: input.schoolId,
        detail: { holdId: hold.id, reason },
      },
      now,
    );
    return hold;
  });
}

/** Lift a hold: the person's events follow the school's retention again from the next run. */
export async function liftLegalHold(
  db: Kysely<Database>,
  actor: AuditActor,
  input: { holdId: string; reason: string },
  now: Date,
): Promise<LegalHold> {
  return db.transaction().execute(async (trx) => {
    const existing = await findLegalHold(trx, input.holdId);
    if (!existing) throw new HavenError('HAVEN_NOT_FOUND', 'no such legal hold');
    const lifted = await markLegalHoldLifted(
      trx,
      { id: input.holdId, liftedBy: actorId(actor), reason: input.reason.trim() },
      now,
    );
    if (!lifted) throw new HavenError('HAVEN_CONFLICT', 'this legal hold was already lifted');
    await audit(
      trx,
      actor,
      {
        action: 'legal-hold.lifted',
        subjectType: 'user',
        subjectId: existing.user_id,
        schoolId: existing.school_id,
        detail: { holdId: existing.id, reason: input.reason.trim() },
      },
      now,
    );
    return lifted;
  });
}
