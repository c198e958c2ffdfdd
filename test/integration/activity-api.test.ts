import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { newEventId, type ActivityEvent } from '../../src/activity/activity-event.ts';
import { createEventWriter, type EventWriter } from '../../src/activity/event-writer.ts';
import { SpoolFullError } from '../../src/activity/spool.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { explainActivitySearch } from '../../src/store/activity-repository.ts';
import { listAudit } from '../../src/store/audit-repository.ts';
import type { School, User } from '../../src/store/schema.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import { eachDatabase } from '../support/each-database.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

const MINUTE = 60_000;

interface EventRow {
  id: string;
  at: string;
  username: string | null;
  displayName: string | null;
  group: string | null;
  host: string;
  action: string;
  category: string | null;
  searchTerms: string | null;
}

interface Page {
  events: EventRow[];
  nextCursor: string | null;
}

eachDatabase('activity API', (ctx) => {
  let app: FastifyInstance;
  let writer: EventWriter;
  let spoolDir: string;
  let school: School;
  let pupil: User;
  let dsl: SignedInClient;
  let tech: SignedInClient;
  let head: SignedInClient;
  let teacher: SignedInClient;
  let pupilClient: SignedInClient;
  const now = Date.now();
  const seeded: ActivityEvent[] = [];

  function event(minutesAgo: number, overrides: Partial<ActivityEvent> = {}): ActivityEvent {
    const at = new Date(now - minutesAgo * MINUTE);
    return {
      id: newEventId(at.getTime()),
      at,
      source: 'proxy',
      schoolId: school.id,
      userId: null,
      username: null,
      group: 'staff',
      deviceClass: 'school-owned',
      clientIp: '10.20.1.7',
      method: 'GET',
      host: 'www.bbc.co.uk',
      url: 'http://www.bbc.co.uk/bitesize',
      action: 'allow',
      category: 'education',
      ruleId: 'default',
      status: 200,
      bytesIn: 100,
      bytesOut: 10,
      durationMs: 5,
      searchTerms: null,
      ...overrides,
    };
  }

  before(async () => {
    ({ school } = await setupDemoSchool(ctx.store.db, new Date()));
    const found = await findUserByUsername(ctx.store.db, 'pupil');
    assert.ok(found);
    pupil = found;
    spoolDir = mkdtempSync(join(tmpdir(), 'haven-activity-api-'));
    writer = await createEventWriter({ db: ctx.store.db, spoolDir, kind: ctx.kind });
    const asPupil = { userId: pupil.id, username: 'pupil', group: 'ks2', clientIp: '10.20.5.9' };
    seeded.push(
      event(5, { ...asPupil, host: 'www.bet365.com', action: 'block', category: 'gambling' }),
      event(10, { ...asPupil, host: 'bet365.com', action: 'block', category: 'gambling' }),
      event(15, {
        ...asPupil,
        host: 'www.google.co.uk',
        category: 'search',
        searchTerms: 'how to stay safe online',
      }),
      event(20, { ...asPupil, host: 'badbet365.com', action: 'block', category: 'gambling' }),
      event(25, { host: 'www.youtube.com', category: 'video', action: 'allow-with-alert' }),
      event(30, { host: 'porn.example', action: 'block', category: 'adult', group: 'ks2' }),
      event(35, { deviceClass: 'byod', clientIp: '10.30.0.4' }),
      event(60 * 24 * 10, { ...asPupil, host: 'old.example', action: 'block', category: 'adult' }),
    );
    await writer.writeBatch(seeded);
    app = await testApp(ctx.store, { activityWriter: writer });
    dsl = await signIn(app, 'dsl', 'haven-demo');
    tech = await signIn(app, 'tech', 'haven-demo');
    head = await signIn(app, 'head', 'haven-demo');
    teacher = await signIn(app, 'teacher', 'haven-demo');
    pupilClient = await signIn(app, 'pupil', 'haven-demo');
  });

  after(async () => {
    await app.close();
    await writer.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  async function search(client: SignedInClient, query: string): Promise<Page> {
    const response = await client.request('GET', `/api/activity${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as Page;
  }

  test('the last 7 days by default, newest first, with names', async () => {
    const page = await search(dsl, '');
    assert.equal(page.events.length, 7);
    const times = page.events.map((e) => Date.parse(e.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.equal(page.events[0]?.host, 'www.bet365.com');
    assert.equal(page.events[0]?.displayName, 'Pip Adeyemi');
    assert.equal(page.nextCursor, null);
  });

  test('filters: person, group, device class, address, host suffix, category, decision, time', async () => {
    const hosts = async (query: string) => (await search(dsl, query)).events.map((e) => e.host);
    assert.equal((await hosts('?user=pupil')).length, 4);
    assert.equal((await hosts('?user=PUPIL')).length, 4);
    assert.deepEqual(await hosts('?group=ks2&action=block'), [
      'www.bet365.com',
      'bet365.com',
      'badbet365.com',
      'porn.example',
    ]);
    assert.deepEqual(await hosts('?deviceClass=byod'), ['www.bbc.co.uk']);
    assert.equal((await hosts('?clientIp=10.20.5.9')).length, 4);
    // A host matches itself and the names under it, not names that merely end the same way.
    assert.deepEqual(await hosts('?host=bet365.com'), ['www.bet365.com', 'bet365.com']);
    assert.deepEqual(await hosts('?host=BET365.COM'), ['www.bet365.com', 'bet365.com']);
    assert.deepEqual(await hosts('?category=adult'), ['porn.example']);
    assert.deepEqual(await hosts('?action=allow-with-alert'), ['www.youtube.com']);
    const from = new Date(now - 12 * MINUTE).toISOString();
    const to = new Date(now - 4 * MINUTE).toISOString();
    assert.deepEqual(await hosts(`?from=${from}&to=${to}`), ['www.bet365.com', 'bet365.com']);
    const old = new Date(now - 11 * 24 * 60 * MINUTE).toISOString();
    assert.deepEqual(await hosts(`?from=${old}&category=adult`), ['porn.example', 'old.example']);
    const bad = await dsl.request('GET', `/api/activity?from=${to}&to=${from}`);
    assert.equal(bad.statusCode, 400);
    assert.equal((await dsl.request('GET', '/api/activity?action=maybe')).statusCode, 400);
  });

  test('keyset pagination returns every event once, newest first', async () => {
    const all = (await search(dsl, '')).events.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await search(
        dsl,
        `?limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    assert.deepEqual(seen, all);
    assert.equal(pages, 4);
  });

  test('technicians see technical logs: no search terms', async () => {
    const forDsl = await search(dsl, '?category=search');
    assert.equal(forDsl.events[0]?.searchTerms, 'how to stay safe online');
    const forTech = await search(tech, '?category=search');
    assert.equal(forTech.events.length, 1);
    assert.equal(forTech.events[0]?.searchTerms, null);
  });

  test('teachers and pupils cannot read activity', async () => {
    for (const client of [teacher, pupilClient]) {
      for (const url of [
        '/api/activity',
        '/api/activity/export.csv',
        '/api/activity/summary',
        '/api/activity/blocked-hosts',
        '/api/activity/tokens',
        '/api/activity/retention',
        '/api/activity/legal-holds',
      ]) {
        const response = await client.request('GET', url);
        assert.equal(response.statusCode, 403, url);
      }
    }
    assert.equal((await app.inject({ method: 'GET', url: '/api/activity' })).statusCode, 401);
  });

  test("reading a named person's activity is audited; an unfiltered search is not", async () => {
    const before = await listAudit(ctx.store.db, { action: 'activity.read', limit: 100 });
    await search(head, '');
    await search(head, '?user=pupil&action=block');
    const entries = await listAudit(ctx.store.db, { action: 'activity.read', limit: 100 });
    assert.equal(entries.length, before.length + 1);
    const entry = entries[0];
    assert.ok(entry);
    assert.equal(entry.actor_label, 'head');
    assert.equal(entry.subject_type, 'user');
    assert.equal(entry.subject_id, pupil.id);
    assert.equal(entry.school_id, school.id);
    const detail = entry.detail as { filters: Record<string, string> };
    assert.equal(detail.filters.user, 'pupil');
    assert.equal(detail.filters.action, 'block');
  });

  test('CSV export: the same filters, streamed, audited', async () => {
    const response = await dsl.request('GET', '/api/activity/export.csv?user=pupil');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/csv/);
    assert.match(
      String(response.headers['content-disposition']),
      /attachment; filename="activity-/,
    );
    const lines = response.body.trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'time,username,name,group,device_class,client_ip,method,host,url,decision,category,rule,status,source,search_terms,title,risk_score,risk_categories,risk_phrases',
    );
    assert.equal(lines.length, 5);
    assert.match(
      lines[1] ?? '',
      /,pupil,Pip Adeyemi,ks2,school-owned,10\.20\.5\.9,GET,www\.bet365\.com,/,
    );
    assert.ok(lines.some((l) => l.endsWith(',how to stay safe online,,,,')));
    const [exported] = await listAudit(ctx.store.db, { action: 'activity.exported', limit: 1 });
    assert.ok(exported);
    assert.equal(exported.actor_label, 'dsl');
    assert.equal(exported.subject_id, pupil.id);
    const techCsv = await tech.request('GET', '/api/activity/export.csv?category=search');
    assert.equal(techCsv.statusCode, 200);
    assert.ok(!techCsv.body.includes('how to stay safe'));
  });

  test('summary from the daily rollup, and the most blocked hosts', async () => {
    const response = await dsl.request('GET', '/api/activity/summary?days=7');
    assert.equal(response.statusCode, 200, response.body);
    const summary = response.json() as {
      totals: { allow: number; block: number; allowWithAlert: number };
      blocksByCategory: { category: string | null; events: number }[];
      topCategories: { category: string | null; events: number }[];
      blocksByDay: { day: string; events: number }[];
    };
    assert.deepEqual(summary.totals, { allow: 2, block: 4, allowWithAlert: 1 });
    assert.deepEqual(summary.topCategories.slice(0, 2), [
      { category: 'gambling', events: 3 },
      { category: 'adult', events: 1 },
    ]);
    assert.equal(
      summary.topCategories.reduce((sum, c) => sum + c.events, 0),
      7,
    );
    assert.deepEqual(summary.blocksByCategory, [
      { category: 'gambling', events: 3 },
      { category: 'adult', events: 1 },
    ]);
    assert.equal(
      summary.blocksByDay.reduce((sum, d) => sum + d.events, 0),
      4,
    );
    const longer = (await dsl.request('GET', '/api/activity/summary?days=30')).json() as {
      totals: { block: number };
    };
    assert.equal(longer.totals.block, 5);
    const hosts = await tech.request('GET', '/api/activity/blocked-hosts?days=7&limit=2');
    assert.equal(hosts.statusCode, 200);
    assert.deepEqual((hosts.json() as { hosts: unknown[] }).hosts, [
      { host: 'badbet365.com', events: 1 },
      { host: 'bet365.com', events: 1 },
    ]);
  });

  test('ingest tokens: created once, used, listed without the token, revoked', async () => {
    assert.equal(
      (await teacher.request('POST', '/api/activity/tokens', { name: 'x', sourceKind: 'ingest' }))
        .statusCode,
      403,
    );
    const created = await tech.request('POST', '/api/activity/tokens', {
      name: 'Chromebook extension',
      sourceKind: 'extension',
    });
    assert.equal(created.statusCode, 201, created.body);
    const { token, ingestToken } = created.json() as {
      token: string;
      ingestToken: { id: string; lastUsedAt: string | null };
    };
    assert.match(token, /^hvn_[A-Za-z0-9_-]{43}$/);
    assert.equal(ingestToken.lastUsedAt, null);
    const stored = await ctx.store.db
      .selectFrom('ingest_tokens')
      .selectAll()
      .where('id', '=', ingestToken.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, token);
    assert.equal(stored.token_hash.length, 64);

    const at = new Date(now - 2 * MINUTE).toISOString();
    const body = [
      JSON.stringify({
        at,
        url: 'https://www.youtube.com/results?search_query=volcano',
        username: 'pupil',
        searchTerms: 'volcano',
      }),
      '{not json',
      JSON.stringify({
        at,
        host: 'games.example',
        action: 'block',
        category: 'games',
        username: 'pupil',
      }),
      JSON.stringify({ url: 'https://no-time.example/' }),
    ].join('\n');
    // From another machine: a bearer token, no session, no Origin header, no CSRF token.
    const sent = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    assert.equal(sent.statusCode, 200, sent.body);
    const report = sent.json() as {
      events: number;
      inserted: number;
      problems: { line: number; message: string }[];
      problemCount: number;
    };
    assert.equal(report.events, 2);
    assert.equal(report.inserted, 2);
    assert.deepEqual(
      report.problems.map((p) => p.line),
      [2, 4],
    );
    const ingested = await search(dsl, '?host=games.example');
    assert.equal(ingested.events[0]?.username, 'pupil');
    // Tied to the person by username, so a search by person finds it.
    assert.equal(ingested.events[0]?.displayName, 'Pip Adeyemi');
    const byPerson = await search(dsl, '?user=pupil&host=games.example');
    assert.equal(byPerson.events.length, 1);

    // A browser extension sends its own Origin: a bearer token without a session is not refused
    // as cross-site, and a cross-site post without a token still is.
    const fromExtension = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: {
        authorization: `Bearer ${token}`,
        origin: 'chrome-extension://abcdefghijklmnop',
        'content-type': 'application/x-ndjson',
      },
      payload: body,
    });
    assert.equal(fromExtension.statusCode, 200, fromExtension.body);
    const forged = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    assert.equal(forged.statusCode, 403);

    // The same body again stores nothing twice.
    const again = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/jsonl' },
      payload: body,
    });
    assert.equal((again.json() as { duplicates: number }).duplicates, 2);

    const squidTime = ((now - 3 * MINUTE) / 1000).toFixed(3);
    const squid = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/x-squid-log' },
      payload: `${squidTime}    180 10.0.20.7 TCP_DENIED/403 0 GET http://squid-blocked.example/ pupil HIER_NONE/- -\n`,
    });
    assert.equal(squid.statusCode, 200, squid.body);
    const fromSquid = await search(dsl, '?host=squid-blocked.example');
    assert.equal(fromSquid.events[0]?.action, 'block');
    // Squid logs name people by username: tied to the school's people.
    assert.equal(fromSquid.events[0]?.displayName, 'Pip Adeyemi');

    const allBad = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      payload: 'nope\n{"also": "bad"}\n',
    });
    assert.equal(allBad.statusCode, 422);
    assert.match(String(allBad.headers['content-type']), /application\/problem\+json/);
    const problem = allBad.json() as { code: string; errors: { path: string }[] };
    assert.equal(problem.code, 'HAVEN_IMPORT_REJECTED');
    assert.deepEqual(
      problem.errors.map((e) => e.path),
      ['line 1', 'line 2'],
    );

    const wrongType = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(wrongType.statusCode, 415);

    const listed = await tech.request('GET', '/api/activity/tokens');
    assert.equal(listed.statusCode, 200);
    assert.ok(!listed.body.includes(token));
    assert.ok(!listed.body.includes(stored.token_hash));
    const shown = (listed.json() as { tokens: { id: string; lastUsedAt: string | null }[] }).tokens;
    assert.ok(shown.find((t) => t.id === ingestToken.id)?.lastUsedAt);

    const revoked = await dsl.request('DELETE', `/api/activity/tokens/${ingestToken.id}`);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(
      (await dsl.request('DELETE', `/api/activity/tokens/${ingestToken.id}`)).statusCode,
      409,
    );
    const refused = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    assert.equal(refused.statusCode, 401);
    const noToken = await app.inject({
      method: 'POST',
      url: '/api/activity/ingest',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    assert.equal(noToken.statusCode, 401);
    const [auditEntry] = await listAudit(ctx.store.db, { action: 'ingest-token.', limit: 1 });
    assert.equal(auditEntry?.action, 'ingest-token.revoked');
  });

  test('ingest answers 503 when the spool is full, and without a writer', async () => {
    const created = await dsl.request('POST', '/api/activity/tokens', {
      name: 'Monitoring service',
      sourceKind: 'ingest',
    });
    const { token } = created.json() as { token: string };
    const full = await testApp(ctx.store, {
      activityWriter: {
        writeBatch: () => Promise.reject(new SpoolFullError(10, 10)),
      },
    });
    const none = await testApp(ctx.store);
    try {
      for (const target of [full, none]) {
        const response = await target.inject({
          method: 'POST',
          url: '/api/activity/ingest',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          payload: JSON.stringify({ at: new Date().toISOString(), host: 'x.example' }),
        });
        assert.equal(response.statusCode, 503, response.body);
      }
    } finally {
      await full.close();
      await none.close();
    }
  });

  test('retention periods: DSL and head read and set them, audited', async () => {
    assert.equal((await tech.request('GET', '/api/activity/retention')).statusCode, 403);
    const first = await dsl.request('GET', '/api/activity/retention');
    assert.deepEqual(first.json(), {
      activityDays: 365,
      searchTermsDays: 90,
      alertsDays: 730,
      custom: false,
    });
    const set = await head.request('PUT', '/api/activity/retention', {
      activityDays: 180,
      searchTermsDays: 30,
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual((await dsl.request('GET', '/api/activity/retention')).json(), {
      activityDays: 180,
      searchTermsDays: 30,
      alertsDays: 730,
      custom: true,
    });
    // MON-5: resolved alerts' period, kept when left out, back to the default with null
    const alerts = await head.request('PUT', '/api/activity/retention', {
      activityDays: 180,
      searchTermsDays: 30,
      alertsDays: 400,
    });
    assert.equal(alerts.statusCode, 200, alerts.body);
    assert.equal((alerts.json() as { alertsDays: number }).alertsDays, 400);
    const kept = await head.request('PUT', '/api/activity/retention', {
      activityDays: 200,
      searchTermsDays: 30,
    });
    assert.equal((kept.json() as { alertsDays: number }).alertsDays, 400);
    const badAlerts = await head.request('PUT', '/api/activity/retention', {
      activityDays: 200,
      searchTermsDays: 30,
      alertsDays: 0,
    });
    assert.equal(badAlerts.statusCode, 400);
    assert.match(badAlerts.body, /alertsDays/);
    const reset = await head.request('PUT', '/api/activity/retention', {
      activityDays: 180,
      searchTermsDays: 30,
      alertsDays: null,
    });
    assert.equal((reset.json() as { alertsDays: number }).alertsDays, 730);
    const invalid = await head.request('PUT', '/api/activity/retention', {
      activityDays: 30,
      searchTermsDays: 60,
    });
    assert.equal(invalid.statusCode, 400);
    const [entry] = await listAudit(ctx.store.db, { action: 'retention.updated', limit: 1 });
    assert.equal(entry?.actor_label, 'head');
  });

  test('legal holds: placed, listed, lifted once', async () => {
    const missing = await dsl.request('POST', '/api/activity/legal-holds', {
      username: 'nobody-here',
      reason: 'x',
    });
    assert.equal(missing.statusCode, 404);
    const placed = await dsl.request('POST', '/api/activity/legal-holds', {
      username: 'pupil',
      reason: 'Police request ref 1234',
    });
    assert.equal(placed.statusCode, 201, placed.body);
    const hold = (placed.json() as { hold: { id: string; username: string; liftedAt: null } }).hold;
    assert.equal(hold.username, 'pupil');
    const listed = (await head.request('GET', '/api/activity/legal-holds')).json() as {
      holds: { id: string; displayName: string }[];
    };
    assert.equal(listed.holds[0]?.id, hold.id);
    assert.equal(listed.holds[0]?.displayName, 'Pip Adeyemi');
    const lifted = await head.request(
      'DELETE',
      `/api/activity/legal-holds/${hold.id}?reason=${encodeURIComponent('Case closed')}`,
    );
    assert.equal(lifted.statusCode, 200, lifted.body);
    const shown = (lifted.json() as { hold: { liftedAt: string | null; liftReason: string } }).hold;
    assert.ok(shown.liftedAt);
    assert.equal(shown.liftReason, 'Case closed');
    assert.equal(
      (await head.request('DELETE', `/api/activity/legal-holds/${hold.id}`)).statusCode,
      409,
    );
    const actions = (await listAudit(ctx.store.db, { action: 'legal-hold.', limit: 2 })).map(
      (e) => e.action,
    );
    assert.deepEqual(actions, ['legal-hold.lifted', 'legal-hold.placed']);
  });

  test('the searches can use the indexes (EXPLAIN printed)', async (t) => {
    const base = {
      schoolId: school.id,
      from: new Date(now - 7 * 24 * 60 * MINUTE),
      to: new Date(now),
    };
    const plans = await ctx.store.db.transaction().execute(async (trx) => {
      // Few rows: tell the planner a scan is dear, so it shows the index it would use at scale.
      await sql`set local enable_seqscan = off`.execute(trx);
      return {
        person: await explainActivitySearch(trx, { ...base, userId: pupil.id }, null, 100),
        host: await explainActivitySearch(trx, { ...base, host: 'bet365.com' }, null, 100),
        category: await explainActivitySearch(trx, { ...base, category: 'adult' }, null, 100),
        // A page without a person or category reads the range in windows (the first: 15 minutes).
        window: await explainActivitySearch(
          trx,
          { ...base, from: new Date(now - 15 * MINUTE) },
          { at: new Date(now), id: seeded[0]?.id ?? '' },
          100,
        ),
      };
    });
    for (const [name, plan] of Object.entries(plans))
      t.diagnostic(`--- ${ctx.kind}: activity search by ${name}\n${plan}`);
    assert.match(plans.person, /school_id_user_id_at_idx|school_user_at_idx/);
    assert.match(plans.category, /school_id_category_at_idx|school_category_at_idx/);
    for (const plan of Object.values(plans)) {
      // Partition pruning: no partition older than the range is read.
      assert.ok(
        !plan.includes(
          `activity_events_p${new Date(now - 10 * 24 * 60 * MINUTE).toISOString().slice(0, 10).replaceAll('-', '')}`,
        ),
      );
      assert.match(plan, /Index|Bitmap/);
    }
  });
});
