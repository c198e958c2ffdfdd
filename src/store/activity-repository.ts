import { sql, type Kysely } from 'kysely';
import type {
  ActivityDailyRow,
  ActivityPurge,
  Database,
  LegalHold,
  RetentionSettingRow,
} from './schema.ts';

/**
 * Activity events (MON-1, MON-5, MON-6): the batched insert with its rollup, the day partitions,
 * retention settings, legal holds, purges and the record of each purge. Every statement about
 * these tables is here; `activity/` orchestrates.
 */

/** One event as the writer hands it over (the fields of `ActivityEvent`). */
export interface ActivityEventRecord {
  readonly id: string;
  readonly at: Date;
  readonly source: string;
  readonly schoolId: string;
  readonly userId: string | null;
  readonly username: string | null;
  readonly group: string | null;
  readonly deviceClass: string | null;
  readonly clientIp: string;
  readonly method: string;
  readonly host: string;
  readonly url: string | null;
  readonly action: string;
  readonly category: string | null;
  readonly ruleId: string;
  readonly status: number | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  readonly searchTerms: string | null;
  readonly title?: string | null;
  readonly riskScore?: number | null;
  readonly riskCategories?: readonly string[] | null;
  readonly riskPhrases?: readonly string[] | null;
}

const DAY_MS = 86_400_000;
const PARTITION_PREFIX = 'activity_events_p';
const PARENT = 'activity_events';
const DEFAULT_PARTITION = 'activity_events_default';
/** Rollup day for events of a school Haven does not know (events ingested for another system). */
const FALLBACK_TIME_ZONE = 'Europe/London';
const INT4_MAX = 2_147_483_647;

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

/** ES2024 string methods (Node ≥ 20 has them; the project's `lib` is ES2023). */
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/** PostgreSQL refuses NUL in text and JSON refuses lone surrogates: nothing else can fail. */
function cleanText(value: string): string {
  const s = value as Es2024String;
  const wellFormed = s.isWellFormed() ? value : s.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '') : wellFormed;
}

function isCleanText(value: string | null): boolean {
  return value === null || ((value as Es2024String).isWellFormed() && !value.includes('\u0000'));
}

function cleanCount(value: number, max = Number.MAX_SAFE_INTEGER): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), max) : 0;
}

function isCount(value: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

function isClean(e: ActivityEventRecord): boolean {
  return (
    isCleanText(e.source) &&
    isCleanText(e.username) &&
    isCleanText(e.group) &&
    isCleanText(e.deviceClass) &&
    isCleanText(e.clientIp) &&
    isCleanText(e.method) &&
    isCleanText(e.host) &&
    isCleanText(e.url) &&
    isCleanText(e.action) &&
    isCleanText(e.category) &&
    isCleanText(e.ruleId) &&
    isCleanText(e.searchTerms) &&
    isCleanText(e.title ?? null) &&
    (e.riskScore === undefined || e.riskScore === null || Number.isFinite(e.riskScore)) &&
    (e.riskCategories ?? []).every(isCleanText) &&
    (e.riskPhrases ?? []).every(isCleanText) &&
    (e.status === null || isCount(e.status, INT4_MAX)) &&
    isCount(e.bytesIn) &&
    isCount(e.bytesOut) &&
    isCount(e.durationMs, INT4_MAX)
  );
}

const orNull = (value: string | null): string | null => (value === null ? null : cleanText(value));

/** The event as the insert reads it: the same object when it is already clean (the usual case). */
function cleanRecord(e: ActivityEventRecord): ActivityEventRecord {
  if (isClean(e)) return e;
  return {
    id: e.id,
    at: e.at,
    source: cleanText(e.source),
    schoolId: e.schoolId,
    userId: e.userId,
    username: orNull(e.username),
    group: orNull(e.group),
    deviceClass: orNull(e.deviceClass),
    clientIp: cleanText(e.clientIp),
    method: cleanText(e.method),
    host: cleanText(e.host),
    url: orNull(e.url),
    action: cleanText(e.action),
    category: orNull(e.category),
    ruleId: cleanText(e.ruleId),
    status: e.status !== null && isCount(e.status, INT4_MAX) ? e.status : null,
    bytesIn: cleanCount(e.bytesIn),
    bytesOut: cleanCount(e.bytesOut),
    durationMs: cleanCount(e.durationMs, INT4_MAX),
    searchTerms: orNull(e.searchTerms),
    title: orNull(e.title ?? null),
    riskScore:
      e.riskScore === undefined || e.riskScore === null || !Number.isFinite(e.riskScore)
        ? null
        : e.riskScore,
    riskCategories: e.riskCategories?.map(cleanText) ?? null,
    riskPhrases: e.riskPhrases?.map(cleanText) ?? null,
  };
}

type Column = (e: ActivityEventRecord) => string | number | Date | null;

/** The insert's columns, in the order of the statement in `insertActivityEvents`. */
const COLUMNS: readonly Column[] = [
  (e) => e.id,
  (e) => e.at,
  (e) => e.source,
  (e) => e.schoolId,
  (e) => e.userId,
  (e) => e.username,
  (e) => e.group,
  (e) => e.deviceClass,
  (e) => e.clientIp,
  (e) => e.method,
  (e) => e.host,
  (e) => e.url,
  (e) => e.action,
  (e) => e.category,
  (e) => e.ruleId,
  (e) => e.status,
  (e) => e.bytesIn,
  (e) => e.bytesOut,
  (e) => e.durationMs,
  (e) => e.searchTerms,
  (e) => e.title ?? null,
  (e) => e.riskScore ?? null,
  // A list per event travels as its own array literal (text), cast back to text[] by the insert.
  (e) => (e.riskCategories ? arrayLiteral([...e.riskCategories]) : null),
  (e) => (e.riskPhrases ? arrayLiteral([...e.riskPhrases]) : null),
];

const ARRAY_ESCAPE = /["\\]/g;

/**
 * One column of the batch as a PostgreSQL array literal (`{"a","b",NULL,3}`).
 *
 * `JSON.stringify` of the column's values is native and fast, and its text is already the array
 * literal — `[`/`]` for `{`/`}`, `null` for NULL, strings in double quotes with `"` and `\\`
 * escaped by a backslash, dates as quoted ISO times — except where it escapes a control
 * character (`\\n`, `\\u0001`), which an array literal would read as the letter. So a column
 * whose JSON has no backslash at all (nearly always) is used as it is, and any other is quoted
 * element by element.
 */
function arrayLiteral(values: (string | number | Date | null)[]): string {
  const json = JSON.stringify(values);
  if (!json.includes('\\')) return `{${json.slice(1, -1)}}`;
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const item =
      v === null || v === undefined
        ? 'NULL'
        : typeof v === 'string'
          ? `"${v.replace(ARRAY_ESCAPE, '\\$&')}"`
          : (JSON.stringify(v) ?? 'NULL');
    out += i === 0 ? item : `,${item}`;
  }
  return `{${out}}`;
}

/**
 * The batch as one array literal per column. PostgreSQL reads such a literal with the column
 * type's own input function, element by element: a fraction of what `json_to_recordset` costs
 * the server (it lexes the JSON twice and builds a hash of keys for every row), and the client
 * side is one native `JSON.stringify` per column.
 */
function columnArrays(events: readonly ActivityEventRecord[]): string[] {
  const values = new Array<string | number | Date | null>(events.length);
  return COLUMNS.map((column) => {
    for (let i = 0; i < events.length; i++) values[i] = column(events[i] as ActivityEventRecord);
    return arrayLiteral(values);
  });
}

/**
 * The daily rollup of the rows a statement inserted: a CTE `rolled` reading the CTE `ins`
 * (`returning school_id, at, category, action, group_slug` of the insert). Only rows actually
 * inserted are counted, so a replay never counts an event twice.
 */
export const rollupOfInserted = sql`rolled as (
      insert into activity_daily as d (school_id, day, category, action, group_slug, events)
      select i.school_id, (i.at at time zone coalesce(s.time_zone, ${FALLBACK_TIME_ZONE}))::date,
             i.category, i.action, i.group_slug, count(*)
      from ins i left join schools s on s.id = i.school_id
      group by 1, 2, 3, 4, 5
      order by 1, 2, 3, 4, 5
      on conflict (school_id, day, category, action, group_slug)
      do update set events = d.events + excluded.events
    )`;

/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code: unknown }).code === UNIQUE_VIOLATION
  );
}

export interface InsertActivityOptions {
  /**
   * The events were just made (the live path: ids minted by `newEventId`), so none of them can
   * be in the database yet — unless a batch whose answer was lost is sent again. The insert
   * then goes without `on conflict` (which costs the server a probe of the primary key and a
   * speculative insertion for every row), and only if the database does find one of the ids
   * already there (a unique violation: the statement changed nothing) is it sent again with
   * `on conflict do nothing`. Never set it inside a transaction: the failed first try would
   * abort it.
   */
  readonly fresh?: boolean;
}

/**
 * Insert events that are not there yet (idempotent on the event's `(id, at)`) and add what was
 * inserted to the daily rollup, in one statement — so a replay never counts an event twice: the
 * rollup reads only the rows the insert `returning` gives back, i.e. the ones actually new.
 * Returns how many rows were new. Rollup day = the school's local day.
 *
 * The batch travels as one array parameter per column, read by `unnest` (see `columnArrays`);
 * the same statement on PostgreSQL and on PGlite.
 */
export async function insertActivityEvents(
  db: Kysely<Database>,
  events: readonly ActivityEventRecord[],
  options: InsertActivityOptions = {},
): Promise<number> {
  if (events.length === 0) return 0;
  let clean: readonly ActivityEventRecord[] = events;
  for (let i = 0; i < events.length; i++) {
    if (!isClean(events[i] as ActivityEventRecord)) {
      clean = events.map(cleanRecord);
      break;
    }
  }
  const columns = columnArrays(clean);
  if (options.fresh) {
    try {
      return await insertColumns(db, columns, false);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return insertColumns(db, columns, true);
}

async function insertColumns(
  db: Kysely<Database>,
  columns: readonly string[],
  onConflict: boolean,
): Promise<number> {
  const [
    id,
    at,
    source,
    schoolId,
    userId,
    username,
    group,
    deviceClass,
    clientIp,
    method,
    host,
    url,
    action,
    category,
    ruleId,
    status,
    bytesIn,
    bytesOut,
    durationMs,
    searchTerms,
    title,
    riskScore,
    riskCategories,
    riskPhrases,
  ] = columns;
  const { rows } = await sql<{ inserted: number }>`
    with ins as (
      insert into activity_events (
        id, at, source, school_id, user_id, username, group_slug, device_class, client_ip,
        method, host, url, action, category, rule_id, status, bytes_in, bytes_out, duration_ms,
        search_terms, page_title, risk_score, risk_categories, risk_phrases
      )
      select id, at, source, school_id, user_id, username, group_slug, device_class, client_ip,
             method, host, url, action, category, rule_id, status, bytes_in, bytes_out,
             duration_ms, search_terms, page_title, risk_score, rc::text[], rp::text[]
      from unnest(
        ${id}::uuid[], ${at}::timestamptz[], ${source}::text[], ${schoolId}::uuid[],
        ${userId}::uuid[], ${username}::text[], ${group}::text[], ${deviceClass}::text[],
        ${clientIp}::text[], ${method}::text[], ${host}::text[], ${url}::text[],
        ${action}::text[], ${category}::text[], ${ruleId}::text[], ${status}::int4[],
        ${bytesIn}::int8[], ${bytesOut}::int8[], ${durationMs}::int4[], ${searchTerms}::text[],
        ${title}::text[], ${riskScore}::numeric[], ${riskCategories}::text[], ${riskPhrases}::text[]
      ) as u(
        id, at, source, school_id, user_id, username, group_slug, device_class, client_ip,
        method, host, url, action, category, rule_id, status, bytes_in, bytes_out, duration_ms,
        search_terms, page_title, risk_score, rc, rp
      )
      ${onConflict ? sql`on conflict do nothing` : sql``}
      returning school_id, at, category, action, group_slug
    ), ${rollupOfInserted}
    select count(*)::int as inserted from ins
  `.execute(db);
  return num(rows[0]?.inserted);
}

/**
 * Write a batch in one transaction (chunked into statements of `chunk` events): either all of it
 * is stored or none. Returns how many rows were new.
 */
export async function writeActivityBatch(
  db: Kysely<Database>,
  events: readonly ActivityEventRecord[],
  chunk = 5000,
): Promise<number> {
  if (events.length <= chunk) return insertActivityEvents(db, events);
  return db.transaction().execute(async (trx) => {
    let inserted = 0;
    for (let i = 0; i < events.length; i += chunk)
      inserted += await insertActivityEvents(trx, events.slice(i, i + chunk));
    return inserted;
  });
}

// ---------------------------------------------------------------------------------------------
// Day partitions

/** A UTC day as a number of days since 1970-01-01. */
export function dayNumber(at: Date | number): number {
  return Math.floor((typeof at === 'number' ? at : at.getTime()) / DAY_MS);
}

function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

export function partitionName(day: number): string {
  return `${PARTITION_PREFIX}${dayName(day)}`;
}

/** The day of a partition named by `partitionName`, or null for any other table. */
export function partitionDay(name: string): number | null {
  const match = /^activity_events_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isFinite(ms) ? dayNumber(ms) : null;
}

export interface ActivityPartition {
  readonly name: string;
  /** UTC day number (see `dayNumber`). */
  readonly day: number;
  readonly from: Date;
  readonly to: Date;
}

/** The day partitions that exist, oldest first (the default partition is not listed). */
export async function listActivityPartitions(db: Kysely<Database>): Promise<ActivityPartition[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${PARENT}::regclass
  `.execute(db);
  const out: ActivityPartition[] = [];
  for (const { name } of rows) {
    const day = partitionDay(name);
    if (day === null) continue;
    out.push({ name, day, from: new Date(day * DAY_MS), to: new Date((day + 1) * DAY_MS) });
  }
  return out.sort((a, b) => a.day - b.day);
}

/**
 * Create the day partitions that do not exist yet (UTC days). Rows already in the default
 * partition for such a day are moved into it, in the same transaction. Safe to call from several
 * processes at once (an advisory lock serialises them). Returns the days created.
 */
export async function ensureActivityPartitions(
  db: Kysely<Database>,
  days: Iterable<number>,
): Promise<number[]> {
  const wanted = [...new Set(days)].sort((a, b) => a - b);
  if (wanted.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('haven.activity_partitions'))`.execute(trx);
    const existing = new Set((await listActivityPartitions(trx)).map((p) => p.day));
    const created: number[] = [];
    for (const day of wanted) {
      if (existing.has(day)) continue;
      const name = partitionName(day);
      const from = new Date(day * DAY_MS).toISOString();
      const to = new Date((day + 1) * DAY_MS).toISOString();
      await sql`create table ${sql.id(name)} (like activity_events including defaults including constraints)`.execute(
        trx,
      );
      await sql`
        with moved as (
          delete from ${sql.id(DEFAULT_PARTITION)}
          where at >= ${from}::timestamptz and at < ${to}::timestamptz
          returning *
        )
        insert into ${sql.id(name)} select * from moved
      `.execute(trx);
      await sql`alter table activity_events attach partition ${sql.id(name)} for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(
        trx,
      );
      created.push(day);
    }
    return created;
  });
}

/** Rows per school in one partition. */
export async function countPartitionRowsBySchool(
  db: Kysely<Database>,
  partition: string,
): Promise<{ schoolId: string; rows: number }[]> {
  const { rows } = await sql<{ school_id: string; rows: number }>`
    select school_id, count(*)::int8::text as rows from ${sql.id(partition)} group by school_id
  `.execute(db);
  return rows.map((r) => ({ schoolId: r.school_id, rows: num(r.rows) }));
}

/**
 * Drop a whole day partition, unless it holds events of someone under an active legal hold.
 * Returns the rows it held per school, or null when a hold keeps it (nothing is dropped).
 */
export async function dropActivityPartition(
  db: Kysely<Database>,
  partition: string,
): Promise<{ schoolId: string; rows: number }[] | null> {
  if (partitionDay(partition) === null) throw new Error(`not an activity partition: ${partition}`);
  return db.transaction().execute(async (trx) => {
    await sql`lock table ${sql.id(partition)} in access exclusive mode`.execute(trx);
    const { rows: held } = await sql<{ held: boolean }>`
      select exists (
        select 1 from ${sql.id(partition)} e
        join legal_holds h on h.school_id = e.school_id and h.user_id = e.user_id
        where h.lifted_at is null
      ) as held
    `.execute(trx);
    if (held[0]?.held) return null;
    const counts = await countPartitionRowsBySchool(trx, partition);
    await sql`drop table ${sql.id(partition)}`.execute(trx);
    return counts;
  });
}

// ---------------------------------------------------------------------------------------------
// Purges

/** True when an active legal hold covers the event row aliased `e`. */
const heldRow = sql`exists (
  select 1 from legal_holds h
  where h.lifted_at is null and h.school_id = e.school_id and h.user_id = e.user_id
)`;

/** Which events a purge pass covers: one school, or every school Haven does not know. */
export type PurgeScope = { readonly schoolId: string } | { readonly unknownSchools: true };

function scopeFilter(scope: PurgeScope) {
  return 'schoolId' in scope
    ? sql`e.school_id = ${scope.schoolId}::uuid`
    : sql`not exists (select 1 from schools s where s.id = e.school_id)`;
}

/**
 * Delete up to `limit` events older than `before` in `scope` that no active legal hold covers.
 * Returns how many were deleted (call again until it returns less than `limit`).
 */
export async function deleteExpiredEvents(
  db: Kysely<Database>,
  scope: PurgeScope,
  before: Date,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from activity_events
    where (id, at) in (
      select e.id, e.at from activity_events e
      where ${scopeFilter(scope)} and e.at < ${before} and not ${heldRow}
      limit ${limit}
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Set `search_terms` null on up to `limit` events older than `before` not under a legal hold. */
export async function clearExpiredSearchTerms(
  db: Kysely<Database>,
  scope: PurgeScope,
  before: Date,
  limit: number,
): Promise<number> {
  const result = await sql`
    update activity_events set search_terms = null
    where (id, at) in (
      select e.id, e.at from activity_events e
      where ${scopeFilter(scope)} and e.at < ${before} and e.search_terms is not null
        and not ${heldRow}
      limit ${limit}
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** A school's events older than `before` that an active legal hold keeps (with search terms only, if asked). */
export async function countHeldEvents(
  db: Kysely<Database>,
  schoolId: string,
  before: Date,
  withSearchTerms = false,
): Promise<number> {
  const { rows } = await sql<{ held: string }>`
    select count(*)::int8::text as held
    from (
      select distinct school_id, user_id from legal_holds
      where lifted_at is null and school_id = ${schoolId}::uuid
    ) h
    join activity_events e on e.school_id = h.school_id and e.user_id = h.user_id and e.at < ${before}
    ${withSearchTerms ? sql`where e.search_terms is not null` : sql``}
  `.execute(db);
  return num(rows[0]?.held);
}

export interface ActivityPurgeInput {
  readonly at: Date;
  readonly schoolId: string | null;
  readonly kind: 'events' | 'search-terms' | 'alerts';
  readonly method: 'drop-partition' | 'delete' | 'clear';
  /** The rule applied, e.g. `activity_days=365`. */
  readonly rule: string;
  readonly cutoff: Date;
  readonly rows: number;
  readonly heldRows: number;
  readonly detail?: Record<string, unknown>;
}

export async function recordActivityPurge(
  db: Kysely<Database>,
  purge: ActivityPurgeInput,
): Promise<void> {
  await db
    .insertInto('activity_purges')
    .values({
      at: purge.at,
      school_id: purge.schoolId,
      kind: purge.kind,
      method: purge.method,
      rule: purge.rule,
      cutoff: purge.cutoff,
      rows: purge.rows,
      held_rows: purge.heldRows,
      detail: JSON.stringify(purge.detail ?? {}),
    })
    .execute();
}

/** Purges of a school's events (and those of unknown schools when `schoolId` is null), newest first. */
export async function listActivityPurges(
  db: Kysely<Database>,
  schoolId: string | null,
  limit: number,
): Promise<ActivityPurge[]> {
  let q = db
    .selectFrom('activity_purges')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (schoolId !== null) q = q.where('school_id', '=', schoolId);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, rows: num(r.rows), held_rows: num(r.held_rows) }));
}

// ---------------------------------------------------------------------------------------------
// Retention settings and legal holds

export interface EffectiveRetention {
  readonly schoolId: string;
  readonly activityDays: number;
  readonly searchTermsDays: number;
  /** Days resolved alerts are kept (MON-5). */
  readonly alertsDays: number;
  /** False when the school has no row and the defaults apply. */
  readonly custom: boolean;
  /** False when the school has not set `alertsDays` and the default applies. */
  readonly customAlerts: boolean;
}

/** Every school's retention periods, the defaults filling in for schools without settings. */
export async function listEffectiveRetention(
  db: Kysely<Database>,
  defaults: { activityDays: number; searchTermsDays: number; alertsDays: number },
): Promise<EffectiveRetention[]> {
  const rows = await db
    .selectFrom('schools as s')
    .leftJoin('retention_settings as r', 'r.school_id', 's.id')
    .select(['s.id', 'r.activity_days', 'r.search_terms_days', 'r.alerts_days'])
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({
    schoolId: r.id,
    activityDays: r.activity_days ?? defaults.activityDays,
    searchTermsDays: r.search_terms_days ?? defaults.searchTermsDays,
    alertsDays: r.alerts_days ?? defaults.alertsDays,
    custom: r.activity_days !== null,
    customAlerts: r.alerts_days !== null && r.alerts_days !== undefined,
  }));
}

export async function findRetentionSettings(
  db: Kysely<Database>,
  schoolId: string,
): Promise<RetentionSettingRow | undefined> {
  return db
    .selectFrom('retention_settings')
    .selectAll()
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
}

export async function upsertRetentionSettings(
  db: Kysely<Database>,
  settings: {
    schoolId: string;
    activityDays: number;
    searchTermsDays: number;
    /** Undefined: keep what is set (null: the default). */
    alertsDays?: number | null | undefined;
    updatedBy: string | null;
  },
  now: Date,
): Promise<RetentionSettingRow> {
  const alerts = settings.alertsDays === undefined ? {} : { alerts_days: settings.alertsDays };
  return db
    .insertInto('retention_settings')
    .values({
      school_id: settings.schoolId,
      activity_days: settings.activityDays,
      search_terms_days: settings.searchTermsDays,
      updated_at: now,
      updated_by: settings.updatedBy,
      ...alerts,
    })
    .onConflict((oc) =>
      oc.column('school_id').doUpdateSet({
        activity_days: settings.activityDays,
        search_terms_days: settings.searchTermsDays,
        updated_at: now,
        updated_by: settings.updatedBy,
        ...alerts,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertLegalHold(
  db: Kysely<Database>,
  hold: { schoolId: string; userId: string; reason: string; placedBy: string | null },
  now: Date,
): Promise<LegalHold> {
  return db
    .insertInto('legal_holds')
    .values({
      school_id: hold.schoolId,
      user_id: hold.userId,
      reason: hold.reason,
      placed_by: hold.placedBy,
      placed_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findLegalHold(
  db: Kysely<Database>,
  id: string,
): Promise<LegalHold | undefined> {
  return db.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Lift an active hold; undefined when there is no such active hold. */
export async function markLegalHoldLifted(
  db: Kysely<Database>,
  lift: { id: string; liftedBy: string | null; reason: string },
  now: Date,
): Promise<LegalHold | undefined> {
  return db
    .updateTable('legal_holds')
    .set({ lifted_at: now, lifted_by: lift.liftedBy, lift_reason: lift.reason })
    .where('id', '=', lift.id)
    .where('lifted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** A school's legal holds, active first then newest first. */
export async function listLegalHolds(
  db: Kysely<Database>,
  schoolId: string,
  options: { activeOnly?: boolean } = {},
): Promise<LegalHold[]> {
  let q = db
    .selectFrom('legal_holds')
    .selectAll()
    .where('school_id', '=', schoolId)
    .orderBy(sql`lifted_at is null`, 'desc')
    .orderBy('placed_at', 'desc');
  if (options.activeOnly) q = q.where('lifted_at', 'is', null);
  return q.execute();
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The daily rollup for a school between two local days (inclusive, `YYYY-MM-DD`). */
export async function listActivityDaily(
  db: Kysely<Database>,
  schoolId: string,
  fromDay: string,
  toDay: string,
): Promise<ActivityDailyRow[]> {
  const rows = await db
    .selectFrom('activity_daily')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day')
    .orderBy('action')
    .orderBy('category')
    .orderBy('group_slug')
    .execute();
  return rows.map((r) => ({ ...r, events: num(r.events) }));
}

/** Rows and distinct ids of a school's events (the ingest bench's loss/duplicate count). */
export async function countSchoolEvents(
  db: Kysely<Database>,
  schoolId: string,
): Promise<{ rows: number; distinctIds: number }> {
  const { rows } = await sql<{ rows: string; ids: string }>`
    select count(*)::int8::text as rows, count(distinct id)::int8::text as ids
    from activity_events where school_id = ${schoolId}::uuid
  `.execute(db);
  return { rows: num(rows[0]?.rows), distinctIds: num(rows[0]?.ids) };
}

/** A school's usernames (lower case) → user ids, to tie imported log lines to people. */
export async function listSchoolUsernames(
  db: Kysely<Database>,
  schoolId: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('school_id', '=', schoolId)
    .execute();
  return new Map(rows.map((r) => [r.username.toLowerCase(), r.id]));
}

// ---------------------------------------------------------------------------------------------
// Searching (the Activity page, its CSV export and its dashboard)

/**
 * What a search asks for: always one school and a time range (`from` inclusive, `to`
 * exclusive), so the planner keeps to the day partitions of the range. A person is matched by id
 * when Haven knows them (the `(school_id, user_id, at)` index), else by username.
 */
export interface ActivitySearch {
  readonly schoolId: string;
  readonly from: Date;
  readonly to: Date;
  readonly userId?: string | undefined;
  readonly username?: string | undefined;
  readonly group?: string | undefined;
  readonly deviceClass?: string | undefined;
  readonly clientIp?: string | undefined;
  /** The host or any name under it (`example.com` matches `www.example.com`). */
  readonly host?: string | undefined;
  readonly category?: string | undefined;
  readonly action?: string | undefined;
}

/** Where the previous page ended (newest first: the next page is older than this). */
export interface ActivityCursor {
  readonly at: Date;
  readonly id: string;
}

/** One event as the Activity page and the export show it. */
export interface ActivityListItem {
  readonly id: string;
  readonly at: Date;
  readonly source: string;
  readonly userId: string | null;
  readonly username: string | null;
  readonly displayName: string | null;
  readonly group: string | null;
  readonly deviceClass: string | null;
  readonly clientIp: string;
  readonly method: string;
  readonly host: string;
  readonly url: string | null;
  readonly action: string;
  readonly category: string | null;
  readonly ruleId: string;
  readonly status: number | null;
  readonly searchTerms: string | null;
  readonly title: string | null;
  /** Page content scoring: the top score, its categories and the phrases matched. */
  readonly riskScore: number | null;
  readonly riskCategories: readonly string[];
  readonly riskPhrases: readonly string[];
}

function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function searchConditions(search: ActivitySearch) {
  const conditions = [
    sql`e.school_id = ${search.schoolId}::uuid`,
    sql`e.at >= ${search.from}`,
    sql`e.at < ${search.to}`,
  ];
  if (search.userId !== undefined) conditions.push(sql`e.user_id = ${search.userId}::uuid`);
  else if (search.username !== undefined)
    conditions.push(sql`lower(e.username) = ${search.username.toLowerCase()}`);
  if (search.group !== undefined) conditions.push(sql`e.group_slug = ${search.group}`);
  if (search.deviceClass !== undefined)
    conditions.push(sql`e.device_class = ${search.deviceClass}`);
  if (search.clientIp !== undefined) conditions.push(sql`e.client_ip = ${search.clientIp}`);
  if (search.host !== undefined) {
    // The host or a name under it: its reversed name is `reversed` or starts with `reversed.`,
    // i.e. lies in [reversed, reversed + '/') in byte order ('/' follows '.'), which the index
    // on `reverse(host) collate "C"` reads as one range (migration 0014); the exact test keeps
    // out the few other names in that range (`moc.elpmaxe-foo`).
    const host = search.host.toLowerCase();
    const reversed = [...host].reverse().join('');
    conditions.push(
      sql`reverse(e.host) collate "C" >= ${reversed} and reverse(e.host) collate "C" < ${`${reversed}/`}`,
    );
    conditions.push(sql`(e.host = ${host} or e.host like ${`%.${likeEscape(host)}`})`);
  }
  if (search.category !== undefined) conditions.push(sql`e.category = ${search.category}`);
  if (search.action !== undefined) conditions.push(sql`e.action = ${search.action}`);
  return conditions;
}

interface ActivityListRow {
  id: string;
  at: Date | string;
  source: string;
  user_id: string | null;
  username: string | null;
  display_name: string | null;
  group_slug: string | null;
  device_class: string | null;
  client_ip: string;
  method: string;
  host: string;
  url: string | null;
  action: string;
  category: string | null;
  rule_id: string;
  status: number | null;
  search_terms: string | null;
  page_title: string | null;
  risk_score: string | number | null;
  risk_categories: string[] | null;
  risk_phrases: string[] | null;
}

function toListItem(r: ActivityListRow): ActivityListItem {
  return {
    id: r.id,
    at: r.at instanceof Date ? r.at : new Date(r.at),
    source: r.source,
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    group: r.group_slug,
    deviceClass: r.device_class,
    clientIp: r.client_ip,
    method: r.method,
    host: r.host,
    url: r.url,
    action: r.action,
    category: r.category,
    ruleId: r.rule_id,
    status: r.status,
    searchTerms: r.search_terms,
    title: r.page_title,
    riskScore: r.risk_score === null ? null : Number(r.risk_score),
    riskCategories: r.risk_categories ?? [],
    riskPhrases: r.risk_phrases ?? [],
  };
}

/** The search statement: newest first, keyset on `(at, id)`. */
function searchStatement(search: ActivitySearch, after: ActivityCursor | null, limit: number) {
  const conditions = searchConditions(search);
  if (after !== null) conditions.push(sql`(e.at, e.id) < (${after.at}, ${after.id}::uuid)`);
  return sql<ActivityListRow>`
    select e.id, e.at, e.source, e.user_id, e.username, u.display_name, e.group_slug,
           e.device_class, e.client_ip, e.method, e.host, e.url, e.action, e.category, e.rule_id,
           e.status, e.search_terms, e.page_title, e.risk_score, e.risk_categories, e.risk_phrases
    from activity_events e
    left join users u on u.id = e.user_id
    where ${sql.join(conditions, sql` and `)}
    order by e.at desc, e.id desc
    limit ${limit}
  `;
}

/** The first time window a page reads; each next one is four times as long. */
const FIRST_WINDOW_MS = 15 * 60_000;

/**
 * One page of a school's events, newest first, after `after` (the previous page's last).
 *
 * The page is read in time windows going back from the newest end — 15 minutes, then an hour,
 * four hours, … — until it is full or the range is read: each window's statement touches only
 * its day partition(s) and, without a person or category filter, reads the window through the
 * BRIN index on `at` rather than sorting every event of the range. With a person or category
 * the `(school_id, user_id | category, at)` indexes do the work in each window.
 */
export async function searchActivityEvents(
  db: Kysely<Database>,
  search: ActivitySearch,
  after: ActivityCursor | null,
  limit: number,
): Promise<ActivityListItem[]> {
  const out: ActivityListItem[] = [];
  const from = search.from.getTime();
  // The cursor's own instant is still to be read (other events may share it).
  let hi = Math.min(search.to.getTime(), after === null ? Infinity : after.at.getTime() + 1);
  let window = FIRST_WINDOW_MS;
  while (out.length < limit && hi > from) {
    const lo = Math.max(from, hi - window);
    const part = { ...search, from: new Date(lo), to: new Date(hi) };
    const { rows } = await searchStatement(part, after, limit - out.length).execute(db);
    for (const row of rows) out.push(toListItem(row));
    hi = lo;
    window *= 4;
  }
  return out;
}

/** The query plan of a search (EXPLAIN), to check which indexes it uses. */
export async function explainActivitySearch(
  db: Kysely<Database>,
  search: ActivitySearch,
  after: ActivityCursor | null,
  limit: number,
): Promise<string> {
  const statement = searchStatement(search, after, limit);
  const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${statement}`.execute(db);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** Every event of a search, newest first, read in pages of `pageSize` (for the CSV export). */
export async function* streamActivityEvents(
  db: Kysely<Database>,
  search: ActivitySearch,
  pageSize = 2000,
): AsyncGenerator<ActivityListItem> {
  let after: ActivityCursor | null = null;
  for (;;) {
    const page = await searchActivityEvents(db, search, after, pageSize);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < pageSize || !last) return;
    after = { at: last.at, id: last.id };
  }
}

export interface ActivityDailyTotal {
  readonly key: string | null;
  readonly events: number;
}

/**
 * A school's rollup between two local days (inclusive, `YYYY-MM-DD`), summed by action, by
 * category for one action, or by day for one action: reads `activity_daily` only, so it costs
 * the same whatever the number of events.
 */
export async function sumActivityDaily(
  db: Kysely<Database>,
  query: {
    schoolId: string;
    fromDay: string;
    toDay: string;
    by: 'action' | 'category' | 'day';
    action?: string;
  },
): Promise<ActivityDailyTotal[]> {
  const column =
    query.by === 'action'
      ? sql`action`
      : query.by === 'category'
        ? sql`category`
        : sql`to_char(day, 'YYYY-MM-DD')`;
  const { rows } = await sql<{ key: string | null; events: string }>`
    select ${column} as key, sum(events)::int8::text as events
    from activity_daily
    where school_id = ${query.schoolId}::uuid and day >= ${query.fromDay}::date
      and day <= ${query.toDay}::date
      ${query.action === undefined ? sql`` : sql`and action = ${query.action}`}
    group by 1
    order by 2 desc, 1
  `.execute(db);
  return rows.map((r) => ({ key: r.key, events: num(r.events) }));
}

/** The hosts most often blocked for a school in a time range (reads the range's partitions). */
export async function topBlockedHosts(
  db: Kysely<Database>,
  query: { schoolId: string; from: Date; to: Date; limit: number },
): Promise<{ host: string; events: number }[]> {
  const { rows } = await sql<{ host: string; events: string }>`
    select host, count(*)::int8::text as events
    from activity_events
    where school_id = ${query.schoolId}::uuid and at >= ${query.from} and at < ${query.to}
      and action = 'block'
    group by host
    order by count(*) desc, host
    limit ${query.limit}
  `.execute(db);
  return rows.map((r) => ({ host: r.host, events: num(r.events) }));
}
