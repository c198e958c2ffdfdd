import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { systemActor } from '../../src/access/actor.ts';
import { newEventId, type ActivityEvent } from '../../src/activity/activity-event.ts';
import {
  createAlertDelivery,
  type AlertDelivery,
} from '../../src/activity/alerts/alert-delivery.ts';
import {
  runDigests,
  runEscalations,
  startAlertJobs,
} from '../../src/activity/alerts/alert-jobs.ts';
import { triageAlert } from '../../src/activity/alerts/alert-triage.ts';
import {
  createAlertPipeline,
  type AlertPipeline,
} from '../../src/activity/alerts/alert-pipeline.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import type { ActivitySink as FilterActivitySink } from '../../src/filter/filter-context.ts';
import { createPerson } from '../../src/school/people.ts';
import { listAlerts, listIsolations } from '../../src/store/alert-repository.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import type { Alert, School, User } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool, frozenClock } from '../support/factories.ts';
import { signIn, testApp } from '../support/test-app.ts';

// The pipeline is a sink the filter adapters can emit into (checked by the compiler).
const asFilterSink = (p: AlertPipeline): FilterActivitySink => p;
void asFilterSink;

interface Mail {
  to: string[];
  from: string;
  body: string;
}

/** A local SMTP server on 127.0.0.1 and an ephemeral port, keeping what it receives. */
async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          // Quoted-printable: join soft line breaks and decode the escapes.
          body: body
            .replace(/=\r\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A local webhook receiver: answers `statuses` in turn, then 204. */
async function startWebhook(
  statuses: number[] = [],
): Promise<{ url: string; bodies: unknown[]; hits: () => number; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  let hits = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hits += 1;
      const status = statuses.shift() ?? 204;
      if (status < 300) bodies.push(JSON.parse(body) as unknown);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/haven-alerts`,
    bodies,
    hits: () => hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function event(
  school: School,
  who: User | null,
  overrides: Partial<ActivityEvent> = {},
): ActivityEvent {
  return {
    id: newEventId(),
    at: new Date('2026-11-23T10:00:00Z'),
    source: 'proxy',
    schoolId: school.id,
    userId: who?.id ?? null,
    username: who?.username ?? null,
    group: who ? 'ks2' : null,
    deviceClass: 'school-owned',
    clientIp: '10.0.20.15',
    method: 'GET',
    host: 'www.google.com',
    url: null,
    action: 'allow',
    category: 'search-engines',
    ruleId: 'default:allow',
    status: 200,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 1,
    searchTerms: null,
    ...overrides,
  };
}

eachDatabase('alerts', (ctx) => {
  let school: School;
  let pupil: User;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  let delivery: AlertDelivery;
  const clock = frozenClock('2026-11-23T10:00:00.000Z');

  before(async () => {
    const db = ctx.store.db;
    ({ school } = await setupDemoSchool(db, new Date('2026-11-23T08:00:00Z')));
    const found = await findUserByUsername(db, 'pupil');
    assert.ok(found);
    pupil = found;
    await createPerson(
      db,
      {
        schoolId: school.id,
        username: 'deputy',
        displayName: 'Dee Puty',
        email: 'deputy@roundwood-demo.invalid',
        roles: ['staff', 'deputy-dsl'],
        groups: ['staff'],
        password: 'correct horse battery',
      },
      { actor: systemActor('test'), now: new Date('2026-11-23T08:00:00Z') },
    );
    smtp = await startSmtp();
    hook = await startWebhook();
    delivery = createAlertDelivery({
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: 'Haven <haven@test.invalid>',
      },
      webhookUrl: hook.url,
      publicUrl: 'http://haven.test',
      webhookRetryMs: 10,
    });
  });
  after(async () => {
    delivery.close();
    await smtp.close();
    await hook.close();
  });

  const pipeline = (): AlertPipeline =>
    createAlertPipeline({ db: ctx.store.db, delivery, clock: clock.now });

  const alertsOf = async (): Promise<Alert[]> =>
    listAlerts(ctx.store.db, { schoolId: school.id, limit: 100 });

  test('a ks2 pupil searching "how to kill myself" raises a critical alert, emailed and posted at once', async () => {
    const p = pipeline();
    const mailsBefore = smtp.mails.length;
    const searched = event(school, pupil, {
      url: 'http://www.google.com/search?q=how+to+kill+myself',
      searchTerms: 'how to kill myself',
    });
    p.emit(searched);
    await p.flush();
    const alerts = (await alertsOf()).filter((a) => a.category === 'self-harm');
    assert.equal(alerts.length, 1);
    const alert = alerts[0] as Alert;
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.kind, 'phrases');
    assert.equal(alert.user_id, pupil.id);
    assert.equal(alert.group_slug, 'ks2');
    assert.ok(alert.matched_phrases.includes('how to kill myself'));
    assert.ok(alert.score >= 100);
    assert.deepEqual(alert.event_ids, [searched.id]);
    assert.ok(alert.notified_at, 'the DSL was told');

    assert.equal(smtp.mails.length, mailsBefore + 1);
    const mail = smtp.mails.at(-1) as Mail;
    assert.deepEqual(mail.to, ['dsl@roundwood-demo.invalid']);
    assert.match(mail.body, /CRITICAL/);
    assert.match(mail.body, /self-harm/);
    assert.doesNotMatch(mail.body, /kill myself/, 'the email does not carry what was typed');
    assert.doesNotMatch(mail.body, /Pip Adeyemi/, 'nor the pupil’s name');

    const posted = hook.bodies.at(-1) as { type: string; alert: { id: string; severity: string } };
    assert.equal(posted.type, 'alert.critical');
    assert.equal(posted.alert.id, alert.id);
    assert.equal(posted.alert.severity, 'critical');
  });

  test('repeats of the same concern count on the open alert instead of raising another', async () => {
    const p = pipeline();
    const mailsBefore = smtp.mails.length;
    p.emit(event(school, pupil, { searchTerms: 'how to kill myself' }));
    p.emit(event(school, pupil, { searchTerms: 'i want to kill myself tonight' }));
    await p.flush();
    const alerts = (await alertsOf()).filter((a) => a.category === 'self-harm');
    assert.equal(alerts.length, 1);
    const alert = alerts[0] as Alert;
    assert.equal(alert.repeats, 3);
    assert.equal(alert.event_ids.length, 3);
    assert.equal(smtp.mails.length, mailsBefore, 'the DSL is not emailed again for a repeat');
  });

  test('schoolwork is not an alert, and an allow-with-alert decision is a low (raised for ks2) alert', async () => {
    const p = pipeline();
    p.emit(event(school, pupil, { searchTerms: 'suicide prevention homework' }));
    p.emit(
      event(school, pupil, {
        host: 'www.youtube.com',
        url: 'http://www.youtube.com/',
        action: 'allow-with-alert',
        category: 'video-streaming',
        ruleId: 'nominated:video-streaming:ks2',
      }),
    );
    await p.flush();
    const alerts = await alertsOf();
    assert.equal(alerts.filter((a) => a.category === 'self-harm').length, 1);
    const flagged = alerts.find((a) => a.kind === 'flagged');
    assert.ok(flagged);
    assert.equal(flagged.category, 'video-streaming');
    assert.equal(flagged.severity, 'medium');
  });

  test('suspected CSAM: critical, the police steps, the device marked for isolation, no path or query kept', async () => {
    const p = pipeline();
    const mailsBefore = smtp.mails.length;
    p.emit(
      event(school, pupil, {
        host: 'bad.example',
        url: 'http://bad.example/secret-path/page?id=12345',
        action: 'block',
        category: 'child-abuse',
        ruleId: 'illegal:child-abuse',
        searchTerms: null,
      }),
    );
    await p.flush();
    const alert = (await alertsOf()).find((a) => a.category === 'child-abuse');
    assert.ok(alert);
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.kind, 'illegal');
    assert.equal(alert.isolate_device, true);
    assert.match(alert.guidance ?? '', /Do not investigate/);
    assert.match(alert.guidance ?? '', /copy/);
    assert.match(alert.guidance ?? '', /Isolate the device/);
    assert.match(alert.guidance ?? '', /police/);
    assert.match(alert.guidance ?? '', /CEOP/);
    assert.equal(alert.host, 'bad.example');
    assert.deepEqual(alert.matched_phrases, []);
    const stored = JSON.stringify(alert);
    assert.doesNotMatch(stored, /secret-path|12345/, 'nothing of the path or query is kept');
    const isolations = await listIsolations(ctx.store.db, alert.id);
    assert.equal(isolations.length, 1);
    assert.equal(isolations[0]?.client_ip, '10.0.20.15');
    const mail = smtp.mails.at(-1) as Mail;
    assert.equal(smtp.mails.length, mailsBefore + 1);
    assert.match(mail.body, /Refer to the police at once/);
    assert.match(mail.body, /CEOP/);
    assert.doesNotMatch(mail.body, /secret-path|bad\.example/);
  });

  test('five blocked circumvention attempts in ten minutes raise an alert; four do not', async () => {
    const p = pipeline();
    const device = { userId: null, username: null, group: null, clientIp: '10.0.30.7' };
    const start = new Date('2026-11-23T11:00:00Z').getTime();
    const attempt = (i: number, ip = device.clientIp) =>
      event(school, null, {
        ...device,
        clientIp: ip,
        at: new Date(start + i * 60_000),
        method: 'CONNECT',
        host: `vpn${i}.example`,
        action: 'block',
        category: 'circumvention',
        ruleId: 'blocked:circumvention',
      });
    for (let i = 0; i < 4; i += 1) p.emit(attempt(i, '10.0.30.8'));
    await p.flush();
    assert.equal((await alertsOf()).filter((a) => a.kind === 'circumvention').length, 0);
    for (let i = 0; i < 6; i += 1) p.emit(attempt(i));
    await p.flush();
    const alerts = (await alertsOf()).filter((a) => a.kind === 'circumvention');
    assert.equal(alerts.length, 1);
    const alert = alerts[0] as Alert;
    assert.equal(alert.client_ip, '10.0.30.7');
    assert.equal(alert.repeats, 2, 'the sixth attempt counts on the same alert');
    assert.match(alert.summary, /5 blocked attempts/);
  });

  test('the webhook is retried until it is accepted', async () => {
    const flaky = await startWebhook([500, 503]);
    const d = createAlertDelivery({
      webhookUrl: flaky.url,
      publicUrl: 'http://haven.test',
      webhookRetryMs: 5,
    });
    const [alert] = await alertsOf();
    assert.ok(alert);
    const result = await d.sendAlert(alert, [], 'critical');
    assert.deepEqual(result.webhook, { ok: true, attempts: 3, status: 204 });
    assert.equal(flaky.hits(), 3);
    d.close();
    await flaky.close();
  });

  test('an unacknowledged critical alert escalates to the deputy DSL, then to the head', async () => {
    const db = ctx.store.db;
    const critical = (await alertsOf()).find((a) => a.category === 'self-harm') as Alert;
    const created = new Date(critical.created_at).getTime();
    const at = (minutes: number) => new Date(created + minutes * 60_000);
    const mailsBefore = smtp.mails.length;

    const early = await runEscalations(db, delivery, { now: at(14), escalationMinutes: 15 });
    assert.equal(early.filter((e) => e.alertId === critical.id).length, 0);

    const first = await runEscalations(db, delivery, { now: at(15), escalationMinutes: 15 });
    assert.deepEqual(
      first.filter((e) => e.alertId === critical.id),
      [{ alertId: critical.id, level: 1, to: ['deputy'] }],
    );
    const again = await runEscalations(db, delivery, { now: at(20), escalationMinutes: 15 });
    assert.equal(again.filter((e) => e.alertId === critical.id).length, 0);

    const second = await runEscalations(db, delivery, { now: at(30), escalationMinutes: 15 });
    assert.deepEqual(
      second.filter((e) => e.alertId === critical.id),
      [{ alertId: critical.id, level: 2, to: ['head'] }],
    );
    const third = await runEscalations(db, delivery, { now: at(60), escalationMinutes: 15 });
    assert.equal(third.filter((e) => e.alertId === critical.id).length, 0, 'the head is last');

    const recorded = (await alertsOf()).find((a) => a.id === critical.id) as Alert;
    assert.equal(recorded.escalation_level, 2);
    assert.equal(new Date(recorded.last_escalated_at ?? 0).toISOString(), at(30).toISOString());
    const sent = smtp.mails.slice(mailsBefore);
    const toDeputy = sent.find((m) => m.to.includes('deputy@roundwood-demo.invalid'));
    const toHead = sent.find((m) => m.to.includes('head@roundwood-demo.invalid'));
    assert.ok(toDeputy);
    assert.ok(toHead);
    assert.match(toDeputy.body, /deputy DSL/);
  });

  test('the digest gathers the other alerts once a day at the chosen time', async () => {
    const db = ctx.store.db;
    const sentDays = new Map<string, string>();
    const mailsBefore = smtp.mails.length;
    const early = await runDigests(db, delivery, {
      now: new Date('2026-11-23T15:59:00Z'),
      digestTime: '16:00',
      sentDays,
    });
    assert.equal(early.length, 0);
    const due = await runDigests(db, delivery, {
      now: new Date('2026-11-23T16:00:30Z'),
      digestTime: '16:00',
      sentDays,
    });
    assert.equal(due.length, 1);
    assert.ok((due[0]?.alerts ?? 0) >= 2);
    const mail = smtp.mails.at(-1) as Mail;
    assert.equal(smtp.mails.length, mailsBefore + 1);
    assert.deepEqual(mail.to.sort(), [
      'deputy@roundwood-demo.invalid',
      'dsl@roundwood-demo.invalid',
    ]);
    assert.match(mail.body, /digest/i);
    const later = await runDigests(db, delivery, {
      now: new Date('2026-11-23T17:00:00Z'),
      digestTime: '16:00',
      sentDays,
    });
    assert.equal(later.length, 0, 'nothing new since');
  });

  test('a teacher cannot see alerts; the DSL reads (audited) and triages; the head reads only', async () => {
    const app = await testApp(ctx.store, { clock: clock.now });
    try {
      const teacher = await signIn(app, 'teacher', 'haven-demo');
      assert.equal((await teacher.request('GET', '/api/alerts')).statusCode, 403);
      assert.equal((await teacher.request('GET', '/api/alerts/summary')).statusCode, 403);

      const dsl = await signIn(app, 'dsl', 'haven-demo');
      const listed = await dsl.request('GET', '/api/alerts');
      assert.equal(listed.statusCode, 200);
      const alerts = (
        listed.json() as {
          alerts: {
            id: string;
            severity: string;
            category: string;
            pupil: { name: string | null };
          }[];
        }
      ).alerts;
      assert.ok(alerts.length >= 4);
      const critical = alerts.find((a) => a.category === 'self-harm');
      assert.ok(critical);
      assert.equal(critical.pupil.name, 'Pip Adeyemi');
      const criticalOnly = await dsl.request('GET', '/api/alerts?severity=critical&status=new');
      assert.ok(
        (criticalOnly.json() as { alerts: { severity: string }[] }).alerts.every(
          (a) => a.severity === 'critical',
        ),
      );
      const summary = (await dsl.request('GET', '/api/alerts/summary')).json() as {
        openCritical: number;
      };
      assert.equal(summary.openCritical, 2);

      const audit = await dsl.request('GET', '/api/audit?action=alert.read');
      const entries = (
        audit.json() as { entries: { actorLabel?: string; detail: { ids?: string[] } }[] }
      ).entries;
      assert.ok(entries.length >= 2);
      assert.ok(entries.some((e) => (e.detail.ids ?? []).includes(critical.id)));

      const one = await dsl.request('GET', `/api/alerts/${critical.id}`);
      assert.equal(one.statusCode, 200);

      const noReason = await dsl.request('POST', `/api/alerts/${critical.id}/dismiss`, {});
      assert.equal(noReason.statusCode, 400);
      const ack = await dsl.request('POST', `/api/alerts/${critical.id}/acknowledge`);
      assert.equal(ack.statusCode, 200);
      assert.equal((ack.json() as { status: string }).status, 'acknowledged');
      const twice = await dsl.request('POST', `/api/alerts/${critical.id}/acknowledge`);
      assert.equal(twice.statusCode, 409);

      const head = await signIn(app, 'head', 'haven-demo');
      assert.equal((await head.request('GET', '/api/alerts')).statusCode, 200);
      assert.equal(
        (await head.request('POST', `/api/alerts/${critical.id}/escalate`, {})).statusCode,
        403,
      );

      const escalated = await dsl.request('POST', `/api/alerts/${critical.id}/escalate`, {
        note: 'Spoke to the pupil; opening an incident.',
      });
      assert.equal(escalated.statusCode, 200);
      assert.equal((escalated.json() as { status: string }).status, 'escalated-to-incident');

      const flagged = alerts.find((a) => a.category === 'video-streaming');
      assert.ok(flagged);
      const dismissed = await dsl.request('POST', `/api/alerts/${flagged.id}/dismiss`, {
        reason: 'Nominated user watching a lesson video.',
      });
      assert.equal(dismissed.statusCode, 200);
      assert.equal(
        (dismissed.json() as { dismissedReason: string }).dismissedReason,
        'Nominated user watching a lesson video.',
      );
      const trail = (
        (
          await dsl.request('GET', `/api/audit?subjectType=alert&subjectId=${flagged.id}`)
        ).json() as {
          entries: { action: string }[];
        }
      ).entries.map((e) => e.action);
      assert.ok(trail.includes('alert.dismiss'));
      assert.ok(trail.includes('alert.raise'));
    } finally {
      await app.close();
    }
  });
  test('the escalation job runs on its injected clock; an acknowledged alert does not escalate', async () => {
    const db = ctx.store.db;
    const later = frozenClock('2026-11-23T12:00:00.000Z');
    const p = createAlertPipeline({ db, delivery, clock: later.now });
    const search = (ip: string) =>
      event(school, null, {
        group: 'ks3',
        clientIp: ip,
        searchTerms: 'how to kill myself',
        at: later.now(),
      });
    p.emit(search('10.0.40.1'));
    p.emit(search('10.0.40.2'));
    await p.flush();
    const fresh = (await alertsOf()).filter((a) => a.client_ip.startsWith('10.0.40.'));
    assert.equal(fresh.length, 2);
    assert.ok(fresh.every((a) => a.severity === 'critical'));
    const waiting = fresh.find((a) => a.client_ip === '10.0.40.1') as Alert;
    const seen = fresh.find((a) => a.client_ip === '10.0.40.2') as Alert;
    const dslUser = await findUserByUsername(db, 'dsl');
    assert.ok(dslUser);
    await triageAlert(
      db,
      {
        userId: dslUser.id,
        username: dslUser.username,
        displayName: dslUser.display_name,
        schoolId: school.id,
        roles: ['staff', 'dsl'],
      },
      seen.id,
      { kind: 'acknowledge' },
      later.now(),
    );

    const jobs = startAlertJobs({
      db,
      delivery,
      clock: later.now,
      escalationMinutes: 15,
      digestTime: '23:59',
      intervalMs: 3_600_000,
    });
    try {
      later.advance(14 * 60_000);
      await jobs.tick();
      let rows = await alertsOf();
      assert.equal(rows.find((a) => a.id === waiting.id)?.escalation_level, 0);
      later.advance(60_000);
      await jobs.tick();
      rows = await alertsOf();
      assert.equal(rows.find((a) => a.id === waiting.id)?.escalation_level, 1);
      assert.equal(rows.find((a) => a.id === seen.id)?.escalation_level, 0);
    } finally {
      await jobs.stop();
    }
  });
  test('in a school without deputy DSLs the first escalation goes straight to the head', async () => {
    const db = ctx.store.db;
    const other = await buildSchool(db);
    await buildPerson(db, other, { username: 'other-dsl', roles: ['staff', 'dsl'] });
    await buildPerson(db, other, { username: 'other-head', roles: ['staff', 'head'] });
    const c = frozenClock('2026-11-23T13:00:00.000Z');
    const p = createAlertPipeline({ db, delivery, clock: c.now });
    p.emit(event(other, null, { clientIp: '10.9.0.1', searchTerms: 'how to kill myself' }));
    await p.flush();
    const [alert] = await listAlerts(db, { schoolId: other.id, limit: 10 });
    assert.ok(alert);
    assert.equal(alert.severity, 'critical');
    const done = await runEscalations(db, delivery, {
      now: new Date(c.now().getTime() + 15 * 60_000),
      escalationMinutes: 15,
    });
    assert.deepEqual(
      done.filter((d) => d.alertId === alert.id),
      [{ alertId: alert.id, level: 2, to: ['other-head'] }],
    );
  });
});
