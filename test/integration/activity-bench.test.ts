import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { activityQueries, fillActivity, timeQueries } from '../../src/bench/activity-bench.ts';
import { syntheticSite } from '../../src/store/activity-bench-repository.ts';
import {
  dayNumber,
  explainActivitySearch,
  insertActivityEvents,
  listActivityDaily,
  searchActivityEvents,
} from '../../src/store/activity-repository.ts';
import { eachDatabase } from '../support/each-database.ts';

const DAY = 86_400_000;

/** `haven bench activity` with a few thousand events, so the bench cannot rot. */
eachDatabase('activity bench', (ctx) => {
  const lastDay = dayNumber(Date.now()) - 1;
  const now = new Date(lastDay * DAY + 15.5 * 3600_000);

  test('fills events with the rollup the writer keeps, and times every query behind the pages', async () => {
    const { schoolId, people } = await fillActivity(ctx.store.db, {
      events: 3000,
      days: 3,
      lastDay,
    });
    assert.equal(people.length, 1100);
    const { rows } = await sql<{ n: number; days: number }>`
      select count(*)::int as n, count(distinct (at at time zone 'UTC')::date)::int as days
      from activity_events where school_id = ${schoolId}::uuid
    `.execute(ctx.store.db);
    assert.equal(rows[0]?.n, 3000);
    assert.equal(rows[0]?.days, 3);
    // The rollup counts every event once, by the school's local day.
    const daily = await listActivityDaily(
      ctx.store.db,
      schoolId,
      new Date((lastDay - 3) * DAY).toISOString().slice(0, 10),
      new Date((lastDay + 1) * DAY).toISOString().slice(0, 10),
    );
    assert.equal(
      daily.reduce((sum, r) => sum + Number(r.events), 0),
      3000,
    );
    assert.ok(daily.some((r) => r.action === 'block'));

    const figures = await timeQueries(activityQueries(ctx.store.db, schoolId, people, now), 2);
    assert.deepEqual(Object.keys(figures), [
      'recent',
      'by_user',
      'by_username',
      'by_group',
      'by_device_class',
      'by_client_ip',
      'by_host',
      'by_category',
      'by_decision',
      'time_range',
      'drill_user_day',
      'drill_host_day',
      'dashboard',
      'export_first_page',
    ]);
    for (const [name, f] of Object.entries(figures)) {
      assert.ok(f.p50_ms > 0 && f.p99_ms >= f.p50_ms, `${name}: ${JSON.stringify(f)}`);
      assert.equal(f.runs, 2);
    }
    for (const name of ['recent', 'by_group', 'by_decision', 'dashboard', 'export_first_page'])
      assert.ok((figures[name]?.rows ?? 0) > 0, `${name} found nothing`);
  });

  test('a site search finds the site and the names under it, and nothing else', async () => {
    const { schoolId } = await fillActivity(ctx.store.db, { events: 600, days: 1, lastDay });
    const at = new Date(lastDay * DAY + 12 * 3600_000);
    const base = {
      at,
      source: 'proxy',
      schoolId,
      userId: null,
      username: null,
      group: null,
      deviceClass: null,
      clientIp: '10.0.0.1',
      method: 'GET',
      url: null,
      action: 'allow',
      category: null,
      ruleId: 'default',
      status: 200,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 0,
      searchTerms: null,
    } as const;
    const hosts = [
      'example.com',
      'www.example.com',
      'a.b.example.com',
      'badexample.com',
      'example.com.evil.net',
      'example-com.net',
    ];
    await insertActivityEvents(
      ctx.store.db,
      hosts.map((host, i) => ({ ...base, id: `00000000-0000-7000-8000-00000000000${i}`, host })),
    );
    const found = await searchActivityEvents(
      ctx.store.db,
      {
        schoolId,
        from: new Date(lastDay * DAY),
        to: new Date((lastDay + 1) * DAY),
        host: 'Example.COM',
      },
      null,
      100,
    );
    assert.deepEqual(found.map((e) => e.host).sort(), [
      'a.b.example.com',
      'example.com',
      'www.example.com',
    ]);
    // With the site index the only way in (and enough rows to matter), the plan reads its range.
    const plan = await ctx.store.db.transaction().execute(async (trx) => {
      await sql`analyze activity_events`.execute(trx);
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      return explainActivitySearch(
        trx,
        {
          schoolId,
          from: new Date(lastDay * DAY),
          to: new Date((lastDay + 1) * DAY),
          host: syntheticSite(7),
        },
        null,
        100,
      );
    });
    // Partitions name their copy of the index themselves (`…_reverse_at_idx`).
    assert.match(plan, /Index Scan using \S*(reverse_at_idx|host_reversed_at_idx)/);
  });
});
