import { sql, type Kysely } from 'kysely';
import { rollupOfInserted } from './activity-repository.ts';
import type { Database } from './schema.ts';

/**
 * Synthetic activity for `haven bench activity`: a school day's events made by the server itself
 * (`generate_series`), inserted into the day partitions in time order — as the writer fills them
 * — with the daily rollup updated by the same CTE the writer uses (`rollupOfInserted`).
 */

export interface SyntheticPerson {
  readonly id: string;
  readonly username: string;
  readonly group: string;
}

export interface SyntheticDay {
  readonly schoolId: string;
  /** 00:00 UTC of the day; the events fall between 07:00 and 16:00 UTC, in order. */
  readonly day: Date;
  /** Events of the whole day, spread evenly between 07:00 and 16:00 UTC… */
  readonly dayEvents: number;
  /** …of which this statement inserts `events`, from the `from`-th on. */
  readonly from: number;
  readonly events: number;
  /** Who browses; person i uses the address 10.20.(i / 200).(i % 200 + 10). */
  readonly people: readonly SyntheticPerson[];
  /** Distinct sites (visited with a Zipf-like popularity: a few very often, most rarely). */
  readonly hosts: number;
  /** Varies the mix from one day to the next. */
  readonly seed: number;
}

/**
 * The site of popularity `rank`: `site<rank>.example<rank % 50>.org`; every fourth site is also
 * visited as `www.` and `cdn.` names under it (a search for the site finds those too).
 */
export function syntheticSite(rank: number): string {
  return `site${rank}.example${rank % 50}.org`;
}

/** The category of site `rank` (most sites have none). */
export const SYNTHETIC_CATEGORIES = [
  'social-media',
  'gambling',
  'online-gaming',
  'search-engines',
  'video',
  'news',
  'education',
] as const;

/** Insert one synthetic day (see `SyntheticDay`); returns the rows inserted. */
export async function insertSyntheticDay(db: Kysely<Database>, day: SyntheticDay): Promise<number> {
  const n = Math.max(0, Math.floor(day.events));
  if (n === 0) return 0;
  const ids = `{${day.people.map((p) => p.id).join(',')}}`;
  const names = `{${day.people.map((p) => `"${p.username}"`).join(',')}}`;
  const groups = `{${day.people.map((p) => `"${p.group}"`).join(',')}}`;
  const categories = `{${SYNTHETIC_CATEGORIES.map((c) => `"${c}"`).join(',')}}`;
  const people = day.people.length;
  const { rows } = await sql<{ inserted: number }>`
    with g as (
      select i,
             (i * 7919 + ${day.seed}::int8 * 104729) % ${people}::int8 as u,
             greatest(1, floor(power(${day.hosts}::float8,
               ((i * 2654435761 + ${day.seed}::int8 * 40503) % 1000003)::float8 / 1000003))::int8) as r
      from generate_series(${day.from}::int8, ${day.from + n - 1}::int8) as s(i)
    ), e as (
      select g.i, g.u, g.r,
             (${ids}::uuid[])[g.u + 1] as user_id,
             (${names}::text[])[g.u + 1] as username,
             (${groups}::text[])[g.u + 1] as group_slug,
             case when g.r % 23 = 3 then 'adult'
                  when g.r % 3 = 0 then (${categories}::text[])[(g.r / 3) % 7 + 1] end as category,
             case when g.r % 4 = 0 and g.i % 3 <> 0
                  then (case when g.i % 3 = 1 then 'www.' else 'cdn.' end) else '' end
               || 'site' || g.r || '.example' || (g.r % 50) || '.org' as host
      from g
    ), ins as (
      insert into activity_events (
        id, at, source, school_id, user_id, username, group_slug, device_class, client_ip,
        method, host, url, action, category, rule_id, status, bytes_in, bytes_out, duration_ms,
        search_terms
      )
      select gen_random_uuid(),
             ${day.day}::timestamptz + (7 * 3600 + e.i * (9 * 3600.0 / ${Math.max(n, day.dayEvents)})) * interval '1 second',
             'proxy', ${day.schoolId}::uuid, e.user_id, e.username, e.group_slug,
             case when e.u % 10 < 7 then 'school-single-user'
                  when e.u % 10 < 9 then 'school-multi-user' else 'authorised' end,
             '10.20.' || (e.u / 200) || '.' || (e.u % 200 + 10),
             case when e.i % 3 = 0 then 'CONNECT' else 'GET' end,
             e.host,
             case when e.i % 3 = 0 then null else 'https://' || e.host || '/page/' || (e.i % 1000) end,
             case when e.category in ('adult', 'gambling')
                    or (e.category = 'social-media' and e.group_slug <> 'staff') then 'block'
                  when e.i % 997 = 0 then 'allow-with-alert' else 'allow' end,
             e.category,
             case when e.category in ('adult', 'gambling')
                    or (e.category = 'social-media' and e.group_slug <> 'staff')
                  then 'matrix:' || e.category || ':' || e.group_slug else 'default' end,
             case when e.category in ('adult', 'gambling')
                    or (e.category = 'social-media' and e.group_slug <> 'staff') then 403 else 200 end,
             500 + (e.i * 37) % 90000, 300 + e.i % 500, e.i % 400,
             case when e.i % 50 = 0 then 'homework help ' || (e.i % 97) end
      from e
      order by e.i
      returning school_id, at, category, action, group_slug
    ), ${rollupOfInserted}
    select count(*)::int as inserted from ins
  `.execute(db);
  return Number(rows[0]?.inserted ?? 0);
}
