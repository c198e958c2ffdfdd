import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { newEventId, type ActivityEvent } from '../../src/activity/activity-event.ts';
import { createAlertDelivery } from '../../src/activity/alerts/alert-delivery.ts';
import { createAlertPipeline } from '../../src/activity/alerts/alert-pipeline.ts';
import {
  verifyWebhook,
  webhookSecretFor,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../../src/activity/alerts/webhook-signing.ts';
import { createEventWriter } from '../../src/activity/event-writer.ts';
import { runRetention } from '../../src/activity/retention.ts';
import { reviveSpooledEvent, spoolLines } from '../../src/activity/spool.ts';
import { SpoolWatch, TechnicalNotices } from '../../src/activity/technical-notices.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { startFilterNode, type FilterNode } from '../../src/filter/node/filter-node.ts';
import { listAudit } from '../../src/store/audit-repository.ts';
import { insertActivityEvents, listActivityPurges } from '../../src/store/activity-repository.ts';
import {
  insertAlert,
  insertIsolation,
  listAlerts,
  type AlertRecipient,
} from '../../src/store/alert-repository.ts';
import type { Alert, Database, School, User } from '../../src/store/schema.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import { eachDatabase } from '../support/each-database.ts';
import { signIn, testApp } from '../support/test-app.ts';

const PASSWORD = 'haven-demo';
/** The demo password is accepted only in the demo school. */
const OTHER_PASSWORD = 'correct horse battery staple';
const basic = (username: string): string =>
  `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString('base64')}`;

/** A GET through the proxy (absolute URI); resolves with the status and body. */
function viaProxy(
  port: number,
  url: string,
  auth: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: url,
        headers: { host: new URL(url).host, 'proxy-authorization': auth },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() - started < ms, `${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** A database handle that fails like an unreachable server while `down` is set. */
function switchable(db: Kysely<Database>): { db: Kysely<Database>; down: boolean } {
  const state = { db, down: false };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (state.down)
        throw Object.assign(new Error('connect ECONNREFUSED (simulated)'), {
          code: 'ECONNREFUSED',
        });
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  state.db = db.withPlugin(plugin);
  return state;
}

function event(school: School, overrides: Partial<ActivityEvent> = {}): ActivityEvent {
  const at = overrides.at ?? new Date();
  return {
    id: newEventId(at.getTime()),
    at,
    source: 'proxy',
    schoolId: school.id,
    userId: null,
    username: null,
    group: 'ks2',
    deviceClass: 'school-single-user',
    clientIp: '10.20.5.9',
    method: 'GET',
    host: 'example.org',
    url: 'https://example.org/page',
    action: 'allow',
    category: null,
    ruleId: 'default:allow',
    status: 200,
    bytesIn: 1,
    bytesOut: 1,
    durationMs: 1,
    searchTerms: null,
    ...overrides,
  };
}

interface EventRow {
  url: string | null;
  search_terms: string | null;
  page_title: string | null;
  host: string;
  user_id: string | null;
}

eachDatabase('monitoring: titles, content scores, isolation, retention, webhooks, spool', (ctx) => {
  let school: School;
  let pupil: User;
  let dataDir: string;
  let node: FilterNode;
  let origin: Server;
  let originUrl: string;
  const folders: string[] = [];

  before(async () => {
    ({ school } = await setupDemoSchool(ctx.store.db, new Date()));
    const found = await findUserByUsername(ctx.store.db, 'pupil');
    assert.ok(found);
    pupil = found;
    // A site on 127.0.0.1: HTML pages with titles (one gzip-compressed), and a plain one.
    origin = createServer((req, res) => {
      if (req.url === '/worry') {
        const body = gzipSync(
          '<html><head><title>How to kill myself - a forum</title></head><body>…</body></html>',
        );
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-encoding': 'gzip',
        });
        res.end(body);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<html><head><title>Volcanoes for Key Stage 2</title></head><body>Lava</body></html>',
      );
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'haven-monitoring-'));
    folders.push(dataDir);
    node = await startFilterNode({
      config: configSchema.parse({
        dataDir,
        filter: { dnsUpstreams: ['127.0.0.1:9'] },
        ...(ctx.store.url ? { databaseUrl: ctx.store.url } : {}),
      }),
      store: ctx.store,
      enable: { proxy: true, dns: false, icap: false },
      ports: { proxy: 0 },
    });
  });

  after(async () => {
    await node.close();
    await new Promise<void>((r) => origin.close(() => r()));
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  const proxyPort = (): number => node.listening.proxy?.port ?? 0;

  const eventsOf = async (path: string): Promise<EventRow[]> => {
    const { rows } = await sql<EventRow>`
      select url, search_terms, page_title, host, user_id from activity_events
      where school_id = ${school.id}::uuid and user_id = ${pupil.id}::uuid
        and (url like ${`%${path}`} or (url is null and host = '127.0.0.1'))
      order by at desc
    `.execute(ctx.store.db);
    return rows;
  };

  test('a content score and a title are stored on the event, shown to the DSL, in the CSV', async () => {
    const scored = event(school, {
      userId: pupil.id,
      username: 'pupil',
      url: 'https://news.example.org/story',
      host: 'news.example.org',
      title: 'Knife crime in the news',
      riskScore: 120,
      riskCategories: ['violence-weapons'],
      riskPhrases: ['knife crime', 'stabbing'],
    });
    // the spool keeps the fields too
    const back = reviveSpooledEvent(spoolLines([scored]).trimEnd());
    assert.ok(typeof back !== 'string');
    assert.deepEqual(
      [back.title, back.riskScore, back.riskPhrases],
      ['Knife crime in the news', 120, ['knife crime', 'stabbing']],
    );
    assert.equal(await insertActivityEvents(ctx.store.db, [scored]), 1);
    const app = await testApp(ctx.store);
    try {
      const dsl = await signIn(app, 'dsl', PASSWORD);
      const found = await dsl.request('GET', '/api/activity?host=news.example.org');
      assert.equal(found.statusCode, 200, found.body);
      const [shown] = (found.json() as { events: Record<string, unknown>[] }).events;
      assert.equal(shown?.title, 'Knife crime in the news');
      assert.equal(shown?.riskScore, 120);
      assert.deepEqual(shown?.riskCategories, ['violence-weapons']);
      assert.deepEqual(shown?.riskPhrases, ['knife crime', 'stabbing']);
      const csv = await dsl.request('GET', '/api/activity/export.csv?host=news.example.org');
      const [header, line] = csv.body.trimEnd().split('\r\n');
      assert.match(header ?? '', /,title,risk_score,risk_categories,risk_phrases$/);
      assert.match(
        line ?? '',
        /,Knife crime in the news,120,violence-weapons,knife crime; stabbing$/,
      );
      // technicians see technical logs: no title, no score
      const tech = await signIn(app, 'tech', PASSWORD);
      const [techView] = (
        (await tech.request('GET', '/api/activity?host=news.example.org')).json() as {
          events: Record<string, unknown>[];
        }
      ).events;
      assert.equal(techView?.title, null);
      assert.equal(techView?.riskScore, null);
      assert.deepEqual(techView?.riskPhrases, []);
    } finally {
      await app.close();
    }
  });

  test('through the proxy a page’s title is logged (gzip too) and scored: an alert-worthy title raises an alert', async () => {
    const plain = await viaProxy(proxyPort(), `${originUrl}/volcanoes`, basic('pupil'));
    assert.equal(plain.status, 200);
    assert.match(plain.body, /Lava/);
    const worry = await viaProxy(proxyPort(), `${originUrl}/worry`, basic('pupil'));
    assert.equal(worry.status, 200);
    await node.events.flush();
    const [volcanoes] = await until('the volcanoes event', async () => {
      const rows = await eventsOf('/volcanoes');
      return rows.length > 0 ? rows : undefined;
    });
    assert.equal(volcanoes?.page_title, 'Volcanoes for Key Stage 2');
    const [worried] = await eventsOf('/worry');
    assert.equal(worried?.page_title, 'How to kill myself - a forum');
    // the health check's spool component: ready while far from its cap
    const spool = node.filterComponents().spool;
    assert.equal(spool?.ready, true);
    assert.match(spool?.detail ?? '', /^0 % of its cap/);
    const alert = await until('the title alert', async () =>
      (await listAlerts(ctx.store.db, { schoolId: school.id, limit: 50 })).find(
        (a) => a.category === 'self-harm' && a.summary.includes('titled'),
      ),
    );
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.username, 'pupil');
    assert.ok(alert.matched_phrases.includes('how to kill myself'));
  });

  test('ingest: a browser extension’s title and search terms raise alerts; the same batch again raises nothing more', async () => {
    const { buildPerson } = await import('../support/factories.ts');
    const chromebookPupil = await buildPerson(ctx.store.db, school, {
      roles: ['pupil'],
      username: 'chromebook-pupil',
    });
    const app = await testApp(ctx.store, { activityWriter: node.ingest });
    try {
      const tech = await signIn(app, 'tech', PASSWORD);
      const created = await tech.request('POST', '/api/activity/tokens', {
        name: 'Chromebooks',
        sourceKind: 'extension',
      });
      assert.equal(created.statusCode, 201, created.body);
      const token = (created.json() as { token: string }).token;
      const at = new Date().toISOString();
      const line = (extra: Record<string, string>) =>
        JSON.stringify({
          at,
          username: 'chromebook-pupil',
          group: 'ks3',
          clientIp: '10.30.0.4',
          ...extra,
        });
      const body = [
        line({ url: 'https://forum.example.net/t/1', title: 'How to kill myself - a forum' }),
        line({ url: 'https://www.google.com/search?q=x', searchTerms: 'how to kill myself' }),
      ].join('\n');
      const send = () =>
        app.inject({
          method: 'POST',
          url: '/api/activity/ingest',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          payload: body,
        });
      const first = await send();
      assert.equal(first.statusCode, 200, first.body);
      const alertsOf = async () =>
        (await listAlerts(ctx.store.db, { schoolId: school.id, limit: 100 })).filter(
          (a) => a.user_id === chromebookPupil.id,
        );
      const raised = await until('the alert from the extension', async () => {
        const [alert] = await alertsOf();
        return alert && alert.repeats === 2 ? alert : undefined;
      });
      assert.equal(raised.category, 'self-harm');
      assert.equal(raised.severity, 'critical');
      assert.match(raised.summary, /titled “How to kill myself - a forum”|searched for/);
      const again = await send();
      assert.equal((again.json() as { duplicates: number }).duplicates, 2);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(
        (await alertsOf()).map((a) => [a.id, a.repeats]),
        [[raised.id, 2]],
        'the batch sent again counted no repeat',
      );
    } finally {
      await app.close();
    }
  });

  test('MON-4: suspected CSAM halts capture for the pupil and device until the DSL lifts it (audited)', async () => {
    const ip = '127.0.0.1';
    // The filter's CSAM decision, as the pipeline sees it (the IWF list itself is not in tests).
    node.activity.emit(
      event(school, {
        userId: pupil.id,
        username: 'pupil',
        clientIp: ip,
        host: 'csam.example.invalid',
        url: 'csam.example.invalid',
        action: 'block',
        category: 'child-abuse',
        ruleId: 'list:iwf',
      }),
    );
    const alert = await until('the CSAM alert', async () =>
      (await listAlerts(ctx.store.db, { schoolId: school.id, limit: 100 })).find(
        (a) => a.category === 'child-abuse',
      ),
    );
    assert.equal(alert.isolate_device, true);
    await until('capture halted', async () =>
      node.captureHalt.halted(school.id, pupil.id, '10.99.0.1') ? true : undefined,
    );
    // The pupil's pages: only time, person, host, decision and category are kept
    await viaProxy(proxyPort(), `${originUrl}/halted?q=private`, basic('pupil'));
    await node.events.flush();
    const { rows: halted } = await sql<EventRow>`
      select url, search_terms, page_title, host, user_id from activity_events
      where school_id = ${school.id}::uuid and user_id = ${pupil.id}::uuid and at > ${alert.created_at}
        and host = '127.0.0.1'
    `.execute(ctx.store.db);
    assert.equal(halted.length, 1);
    assert.equal(halted[0]?.url, null);
    assert.equal(halted[0]?.page_title, null);
    assert.equal(halted[0]?.search_terms, null);
    const { rows: leaked } = await sql<{ n: number }>`
      select count(*)::int as n from activity_events where url like '%/halted%'
    `.execute(ctx.store.db);
    assert.equal(Number(leaked[0]?.n), 0);

    const app = await testApp(ctx.store);
    try {
      const dsl = await signIn(app, 'dsl', PASSWORD);
      const head = await signIn(app, 'head', PASSWORD);
      const listed = await dsl.request('GET', `/api/alerts/${alert.id}/isolations`);
      assert.equal(listed.statusCode, 200, listed.body);
      assert.equal(
        (listed.json() as { isolations: { inForce: boolean }[] }).isolations[0]?.inForce,
        true,
      );
      const refused = await head.request('POST', `/api/alerts/${alert.id}/isolations/lift`, {
        reason: 'Police have the device',
      });
      assert.equal(refused.statusCode, 403);
      const noReason = await dsl.request('POST', `/api/alerts/${alert.id}/isolations/lift`, {
        reason: '',
      });
      assert.equal(noReason.statusCode, 400);
      const lifted = await dsl.request('POST', `/api/alerts/${alert.id}/isolations/lift`, {
        reason: 'Police advice received; device returned wiped',
      });
      assert.equal(lifted.statusCode, 200, lifted.body);
      assert.equal(
        (lifted.json() as { isolations: { inForce: boolean }[] }).isolations[0]?.inForce,
        false,
      );
      const twice = await dsl.request('POST', `/api/alerts/${alert.id}/isolations/lift`, {
        reason: 'again',
      });
      assert.equal(twice.statusCode, 409);
      const [entry] = await listAudit(ctx.store.db, { action: 'alert.isolation.lifted', limit: 1 });
      assert.equal(entry?.actor_label, 'dsl');
      assert.equal(entry?.subject_id, alert.id);
    } finally {
      await app.close();
    }
    await until('capture resumed', async () =>
      node.captureHalt.halted(school.id, pupil.id, ip) ? undefined : true,
    );
    await viaProxy(proxyPort(), `${originUrl}/resumed`, basic('pupil'));
    await node.events.flush();
    const [resumed] = await eventsOf('/resumed');
    assert.equal(resumed?.page_title, 'Volcanoes for Key Stage 2');
  });

  test('MON-5: resolved alerts are purged after the period, in batches; escalated, open, held and isolating ones stay; recorded', async () => {
    const local = await setupOtherSchool(ctx.store.db);
    const now = new Date('2030-06-01T00:00:00Z');
    const old = new Date('2027-01-01T00:00:00Z');
    const recent = new Date('2030-05-01T00:00:00Z');
    const make = async (
      status: Alert['status'],
      seen: Date,
      userId: string | null = null,
    ): Promise<Alert> =>
      insertAlert(ctx.store.db, {
        school_id: local.school.id,
        user_id: userId,
        username: null,
        group_slug: 'ks2',
        client_ip: '10.1.1.1',
        device_class: null,
        kind: 'phrases',
        category: 'bullying',
        severity: 'medium',
        score: 100,
        summary: 'test',
        host: 'example.org',
        created_at: seen,
        last_seen_at: seen,
        dedupe_key: `k-${Math.random()}`,
        status,
      });
    const dismissed = await Promise.all([1, 2, 3].map(() => make('dismissed', old)));
    const acknowledged = await make('acknowledged', old);
    const escalated = await make('escalated-to-incident', old);
    const open = await make('new', old);
    const fresh = await make('dismissed', recent);
    const held = await make('dismissed', old, local.pupil.id);
    const isolating = await make('acknowledged', old);
    await insertIsolation(ctx.store.db, {
      schoolId: local.school.id,
      alertId: isolating.id,
      clientIp: '10.1.1.1',
      userId: null,
      deviceClass: null,
      at: old,
    });
    await sql`insert into legal_holds (school_id, user_id, reason, placed_at)
      values (${local.school.id}::uuid, ${local.pupil.id}::uuid, 'police', ${old})`.execute(
      ctx.store.db,
    );
    const report = await runRetention(ctx.store.db, { now, batchSize: 2 });
    const left = new Set(
      (await listAlerts(ctx.store.db, { schoolId: local.school.id, limit: 100 })).map((a) => a.id),
    );
    for (const gone of [...dismissed, acknowledged]) assert.ok(!left.has(gone.id));
    for (const kept of [escalated, open, fresh, held, isolating]) assert.ok(left.has(kept.id));
    assert.ok(report.purgedAlerts >= 4);
    const purge = (await listActivityPurges(ctx.store.db, local.school.id, 20)).find(
      (p) => p.kind === 'alerts',
    );
    assert.ok(purge);
    assert.equal(Number(purge.rows), 4);
    assert.equal(Number(purge.held_rows), 1);
    assert.equal(purge.rule, 'alerts_days=730 (default)');
    assert.equal(purge.method, 'delete');
  });

  test('webhooks are signed with the school’s secret: shown once, rotated, verified by a receiver', async () => {
    const local = await setupOtherSchool(ctx.store.db);
    const received: {
      body: string;
      signature: string | undefined;
      timestamp: string | undefined;
    }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({
          body,
          signature: req.headers[SIGNATURE_HEADER] as string | undefined,
          timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const delivery = createAlertDelivery({
      webhookUrl: url,
      publicUrl: 'http://haven.test',
      webhookRetryMs: 1,
      webhookSecret: (schoolId) => webhookSecretFor(ctx.store.db, schoolId, new Date()),
    });
    const pipeline = createAlertPipeline({ db: ctx.store.db, delivery });
    const app = await testApp(ctx.store);
    try {
      const dsl = await signIn(app, local.dslUsername, OTHER_PASSWORD);
      const before = await dsl.request('GET', '/api/alerts/webhook-secret');
      assert.deepEqual(before.json(), {
        configured: false,
        exists: false,
        createdAt: null,
        shown: false,
      });
      const shown = await dsl.request('POST', '/api/alerts/webhook-secret/reveal');
      assert.equal(shown.statusCode, 200, shown.body);
      const secret = (shown.json() as { secret: string }).secret;
      assert.equal(
        (await dsl.request('POST', '/api/alerts/webhook-secret/reveal')).statusCode,
        409,
      );
      const tech = await signIn(app, local.techUsername, OTHER_PASSWORD);
      assert.equal((await tech.request('GET', '/api/alerts/webhook-secret')).statusCode, 403);

      pipeline.emit(
        event(local.school, { userId: local.pupil.id, searchTerms: 'how to kill myself' }),
      );
      await pipeline.flush();
      assert.equal(received.length, 1);
      const [first] = received;
      assert.ok(first);
      const nowSeconds = Math.floor(Date.now() / 1000);
      assert.equal(verifyWebhook(secret, first, first.body, nowSeconds), null);
      assert.match(first.signature ?? '', /^sha256=[0-9a-f]{64}$/);
      assert.match(verifyWebhook(secret, first, `${first.body} `, nowSeconds) ?? '', /not match/);
      assert.match(verifyWebhook(secret, first, first.body, nowSeconds + 600) ?? '', /too old/);

      const rotated = await dsl.request('POST', '/api/alerts/webhook-secret/rotate');
      assert.equal(rotated.statusCode, 200, rotated.body);
      const next = (rotated.json() as { secret: string }).secret;
      assert.notEqual(next, secret);
      pipeline.emit(
        event(local.school, { userId: local.other.id, searchTerms: 'how to kill myself' }),
      );
      await pipeline.flush();
      const second = received[1];
      assert.ok(second);
      assert.equal(verifyWebhook(next, second, second.body, nowSeconds), null);
      assert.match(verifyWebhook(secret, second, second.body, nowSeconds) ?? '', /not match/);
      const actions = (await listAudit(ctx.store.db, { limit: 50 })).map((e) => e.action);
      assert.ok(actions.includes('alert-webhook-secret.shown'));
      assert.ok(actions.includes('alert-webhook-secret.rotated'));
      assert.ok(!JSON.stringify(await listAudit(ctx.store.db, { limit: 50 })).includes(next));
    } finally {
      await pipeline.close();
      delivery.close();
      await app.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  test('spool pressure: a technical notice for the technician and one email per episode, cleared when it drains', async () => {
    const handle = switchable(ctx.store.db);
    const notices = new TechnicalNotices();
    const emails: { to: string[]; subject: string }[] = [];
    const spoolDir = join(mkdtempSync(join(tmpdir(), 'haven-spool-notice-')), 'spool');
    folders.push(join(spoolDir, '..'));
    const watch = new SpoolWatch({
      db: handle.db,
      notices,
      spoolDir,
      send: (recipients: readonly AlertRecipient[], subject: string) => {
        emails.push({ to: recipients.flatMap((r) => (r.email ? [r.email] : [])), subject });
        return Promise.resolve({ emailed: [], emailError: null });
      },
    });
    await watch.start();
    const writer = await createEventWriter({
      db: handle.db,
      kind: ctx.kind,
      spoolDir,
      batchSize: 5,
      flushIntervalMs: 10,
      retryMinMs: 10,
      retryMaxMs: 50,
      spoolCapBytes: 16 * 1024,
      onSpoolPressure: (p) => watch.pressure(p),
      onSpoolPressureCleared: () => watch.cleared(),
    });
    const app = await testApp(ctx.store, { technicalNotices: () => notices.list() });
    try {
      handle.down = true;
      const fill = async (): Promise<void> => {
        const dropped = writer.stats().dropped;
        while (writer.stats().dropped === dropped) {
          for (let i = 0; i < 5; i++) writer.emit(event(school));
          await writer.flush();
        }
      };
      await fill();
      await watch.settled();
      assert.equal(emails.length, 1, 'one email for the episode, although the spool then filled');
      assert.match(emails[0]?.subject ?? '', /^Haven: /);
      assert.ok((emails[0]?.to ?? []).length > 0, 'sent to the technicians');
      const tech = await signIn(app, 'tech', PASSWORD);
      const seen = await tech.request('GET', '/api/notices/technical');
      assert.equal(seen.statusCode, 200, seen.body);
      const [notice] = (seen.json() as { notices: { id: string; level: string; title: string }[] })
        .notices;
      assert.equal(notice?.id, 'activity-spool');
      assert.equal(notice?.level, 'error');
      const dsl = await signIn(app, 'dsl', PASSWORD);
      assert.equal((await dsl.request('GET', '/api/notices/technical')).statusCode, 403);

      handle.down = false;
      await writer.flush();
      assert.equal(writer.stats().spoolBytes, 0);
      assert.deepEqual(
        ((await tech.request('GET', '/api/notices/technical')).json() as { notices: unknown[] })
          .notices,
        [],
      );
      // a new episode: a new email
      handle.down = true;
      await fill();
      await watch.settled();
      assert.equal(emails.length, 2);
      handle.down = false;
      await writer.flush();
    } finally {
      await writer.close();
      watch.stop();
      await app.close();
    }
  });
});

/** A second school (its own people) for tests that need a clean slate. */
async function setupOtherSchool(db: Kysely<Database>): Promise<{
  school: School;
  pupil: User;
  other: User;
  dslUsername: string;
  techUsername: string;
}> {
  const { buildPerson, buildSchool } = await import('../support/factories.ts');
  const school = await buildSchool(db);
  const pupil = await buildPerson(db, school, { roles: ['pupil'] });
  const other = await buildPerson(db, school, { roles: ['pupil'] });
  const dsl = await buildPerson(db, school, { roles: ['dsl'], password: OTHER_PASSWORD });
  const tech = await buildPerson(db, school, { roles: ['technician'], password: OTHER_PASSWORD });
  return { school, pupil, other, dslUsername: dsl.username, techUsername: tech.username };
}
