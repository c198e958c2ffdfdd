import assert from 'node:assert/strict';
import { before, after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { runCalendarReminders } from '../../src/reports/compliance-calendar.ts';
import { summariseTraining } from '../../src/governance/training-summary.ts';
import { governorReport } from '../../src/reports/governor-report.ts';
import { insertAlert } from '../../src/store/alert-repository.ts';
import { insertIncident } from '../../src/store/incident-repository.ts';
import { insertRegisterRow } from '../../src/store/register-repository.ts';
import { insertTrainingRecord, listTrainingCourses } from '../../src/store/training-repository.ts';
import { recordFilterChange } from '../../src/store/filter-change-repository.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import type { AlertSeverity, Database, School } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson } from '../support/factories.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

const now = new Date('2026-11-23T10:00:00Z');
const clock = () => new Date(now);

async function seedAlerts(
  db: Kysely<Database>,
  school: School,
  pupilId: string,
  category: string,
  count: number,
  options: { severity?: AlertSeverity; respondAfterSeconds?: number; status?: 'dismissed' } = {},
): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const created = new Date(Date.UTC(2026, 9, 1 + i, 9, 0, 0));
    const responded = options.respondAfterSeconds
      ? new Date(created.getTime() + options.respondAfterSeconds * 1000)
      : null;
    await insertAlert(db, {
      school_id: school.id,
      user_id: pupilId,
      username: 'pupil',
      group_slug: 'ks2',
      client_ip: '10.0.0.5',
      kind: 'phrases',
      category,
      severity: options.severity ?? 'high',
      score: 80,
      summary: `Pip Adeyemi searched for something (${category})`,
      created_at: created,
      last_seen_at: created,
      dedupe_key: `${category}:${i}`,
      ...(responded
        ? options.status === 'dismissed'
          ? { status: 'dismissed', dismissed_at: responded, dismissed_reason: 'checked' }
          : { status: 'acknowledged', acknowledged_at: responded }
        : {}),
    });
  }
}

eachDatabase('governor report, annual review and calendar', (ctx) => {
  let app: FastifyInstance;
  let school: School;
  const clients = new Map<string, SignedInClient>();

  before(async () => {
    const db = ctx.store.db;
    ({ school } = await setupDemoSchool(db, new Date('2026-03-01T08:00:00Z')));
    // The school came to Haven in March: its spring and summer reports are due too.
    await sql`update schools set created_at = '2026-03-01T08:00:00Z' where id = ${school.id}`.execute(
      db,
    );
    const pupil = await findUserByUsername(db, 'pupil');
    assert.ok(pupil);
    // Autumn 2026: 3 bullying alerts (a small count), 12 self-harm, 20 gambling.
    await seedAlerts(db, school, pupil.id, 'bullying', 3, { respondAfterSeconds: 600 });
    await seedAlerts(db, school, pupil.id, 'self-harm', 12, {
      severity: 'critical',
      respondAfterSeconds: 120,
    });
    await seedAlerts(db, school, pupil.id, 'gambling', 20, {
      severity: 'low',
      respondAfterSeconds: 3600,
      status: 'dismissed',
    });
    await db
      .insertInto('activity_daily')
      .values([
        {
          school_id: school.id,
          day: '2026-10-05',
          category: 'gambling',
          action: 'block',
          group_slug: 'ks2',
          events: 40,
        },
        {
          school_id: school.id,
          day: '2026-10-05',
          category: 'pornography',
          action: 'block',
          group_slug: 'ks4',
          events: 2,
        },
        {
          school_id: school.id,
          day: '2026-10-05',
          category: null,
          action: 'allow',
          group_slug: 'ks2',
          events: 900,
        },
      ])
      .execute();
    await recordFilterChange(
      db,
      {
        schoolId: school.id,
        actorId: null,
        actorLabel: 'tech',
        kind: 'local-block.added',
        summary: 'Blocked example-games.test for ks2: distracting in lessons',
      },
      new Date('2026-10-10T12:00:00Z'),
    );
    // Two incidents of one category in the autumn term: a small count.
    for (const day of [12, 14]) {
      const at = new Date(Date.UTC(2026, 9, day, 10, 0, 0));
      await insertIncident(db, {
        school_id: school.id,
        source: 'app',
        reporter_kind: 'staff',
        reported_by: null,
        block_page_request_id: null,
        alert_id: null,
        summary: 'Pip Adeyemi shared a game link in class',
        host: null,
        category: 'inappropriate-use',
        incident_type: null,
        four_cs: ['conduct'],
        suspected_illegal: false,
        device_isolated_at: null,
        device_description: null,
        designated_device: null,
        content_nature: null,
        judgement: null,
        judgement_note: null,
        feedback: null,
        support: null,
        closed_at: null,
        closed_by: null,
        created_at: at,
        updated_at: at,
      });
    }
    for (const [username, roles] of [
      ['gov-chair', ['chair-of-governors']],
      ['os-lead', ['online-safety-lead']],
    ] as const) {
      await buildPerson(db, school, {
        username,
        roles: [...roles],
        password: 'correct horse battery',
      });
    }
    app = await testApp(ctx.store, { clock });
    for (const username of ['governor', 'head', 'dsl', 'tech', 'teacher', 'pupil', 'parent']) {
      clients.set(username, await signIn(app, username, 'haven-demo'));
    }
    clients.set('os-lead', await signIn(app, 'os-lead', 'correct horse battery'));
  });
  after(() => app.close());

  const as = (username: string): SignedInClient => {
    const client = clients.get(username);
    if (!client) throw new Error(username);
    return client;
  };

  test('the sections count the seeded term, anonymised', async () => {
    const report = await governorReport(ctx.store.db, school.id, 'autumn-2026', now);
    const section = (id: string) => report.sections.find((s) => s.id === id);
    const alerts = section('alerts');
    assert.ok(alerts);
    assert.deepEqual(
      alerts.figures.map((f) => [f.label, f.text]),
      [
        ['Alerts raised', '35'],
        ['Median time to first response', '1 h'],
        ['90th percentile time to first response', '1 h'],
      ],
    );
    const byCategory = alerts.tables.find((t) => t.id === 'alerts-by-category');
    assert.deepEqual(
      byCategory?.rows.map((r) => [r.label, r.text]),
      [
        ['Gambling', '20'],
        ['Self-harm and suicide', 'withheld'],
        ['Bullying', 'fewer than 5'],
      ],
    );
    assert.equal(byCategory?.total?.text, '35');
    const outcomes = alerts.tables.find((t) => t.id === 'alerts-by-outcome');
    assert.deepEqual(
      outcomes?.rows.map((r) => r.text),
      ['0', '20', '15', '0'],
    );
    const blocks = section('blocks');
    assert.deepEqual(
      blocks?.figures.map((f) => f.text),
      ['942', '42'],
    );
    assert.deepEqual(
      blocks?.tables.find((t) => t.id === 'blocks-by-group')?.rows.map((r) => [r.label, r.text]),
      [
        ['Key Stage 2', 'withheld'],
        ['Key Stage 4', 'fewer than 5'],
      ],
    );
    const changes = section('filter-changes');
    assert.deepEqual(
      changes?.tables[0]?.rows.map((r) => [r.label, r.text]),
      [['Local block entry added', '1']],
    );
    // Incidents come first, counted by category and anonymised.
    assert.equal(report.sections[0]?.id, 'incidents');
    const incidents = section('incidents');
    assert.deepEqual(
      incidents?.tables
        .find((t) => t.id === 'incidents-by-category')
        ?.rows.map((r) => [r.label, r.text]),
      [['Inappropriate use (not illegal): see the sanctions tables', 'fewer than 5']],
    );
    assert.equal(incidents?.figures[0]?.text, 'fewer than 5');
    for (const id of ['exemptions', 'aua-completion', 'training', 'osg-actions']) {
      assert.ok(section(id), `the report has the ${id} section`);
    }
    // No names anywhere: not the pupil, not the alerts' summaries.
    const text = JSON.stringify(report);
    assert.ok(!text.includes('Pip'), 'a pupil name leaked into the report');
    assert.ok(!text.includes('Adeyemi'));
  });

  test('governors and the head, DSL and online safety lead read it; pupils, staff, parents and technicians may not', async () => {
    for (const username of ['governor', 'head', 'dsl', 'os-lead']) {
      const response = await as(username).request(
        'GET',
        '/api/reports/governor?period=autumn-2026',
      );
      assert.equal(response.statusCode, 200, username);
      const body = response.json() as { bodyHtml: string; canSign: boolean };
      assert.match(body.bodyHtml, /fewer than 5/);
      assert.match(body.bodyHtml, /<svg[^>]*role="img"/);
      assert.ok(!body.bodyHtml.includes('Pip Adeyemi'));
      assert.equal(body.canSign, username === 'governor');
    }
    for (const username of ['pupil', 'teacher', 'parent', 'tech']) {
      for (const url of [
        '/api/reports/governor?period=autumn-2026',
        '/api/reports/governor/document.html?period=autumn-2026',
      ]) {
        assert.equal(
          (await as(username).request('GET', url)).statusCode,
          403,
          `${username} ${url}`,
        );
      }
      assert.equal(
        (
          await as(username).request('POST', '/api/reports/governor/sign', {
            period: 'autumn-2026',
          })
        ).statusCode,
        403,
      );
    }
    assert.equal(
      (await as('head').request('POST', '/api/reports/governor/sign', { period: 'autumn-2026' }))
        .statusCode,
      403,
    );
    const bad = await as('governor').request('GET', '/api/reports/governor?period=winter-2026');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().detail, /use autumn-2026/);
  });

  test('the governor signs it off: name, date and comment kept with the figures as signed, and audited', async () => {
    const signed = await as('governor').request('POST', '/api/reports/governor/sign', {
      period: 'autumn-2026',
      comment: 'Discussed at the safeguarding committee.',
    });
    assert.equal(signed.statusCode, 201, signed.body);
    const report = signed.json() as {
      id: string;
      signOff: { name: string; role: string; comment: string };
    };
    assert.equal(report.signOff.name, 'George Whitfield');
    assert.equal(report.signOff.role, 'Online safety governor');
    assert.equal(report.signOff.comment, 'Discussed at the safeguarding committee.');

    // New alerts after signing do not change the signed report.
    const pupil = await findUserByUsername(ctx.store.db, 'pupil');
    assert.ok(pupil);
    await seedAlerts(ctx.store.db, school, pupil.id, 'drugs', 7);
    const again = (
      await as('dsl').request('GET', '/api/reports/governor?period=autumn-2026')
    ).json() as {
      report: { sections: { id: string; figures: { text: string }[] }[]; signOff: unknown };
      signed: { periodKey: string }[];
      canSign: boolean;
    };
    assert.equal(again.report.sections.find((s) => s.id === 'alerts')?.figures[0]?.text, '35');
    assert.ok(again.report.signOff);
    assert.deepEqual(
      again.signed.map((s) => s.periodKey),
      ['autumn-2026'],
    );
    assert.equal(again.canSign, false);
    const live = await as('dsl').request(
      'GET',
      '/api/reports/governor?period=2026-09-01..2026-12-31',
    );
    assert.equal(
      (live.json() as typeof again).report.sections.find((s) => s.id === 'alerts')?.figures[0]
        ?.text,
      '42',
    );

    const twice = await as('governor').request('POST', '/api/reports/governor/sign', {
      period: 'autumn-2026',
    });
    assert.equal(twice.statusCode, 409);
    const future = await as('governor').request('POST', '/api/reports/governor/sign', {
      period: 'summer-2027',
    });
    assert.equal(future.statusCode, 400);
    const audit = await ctx.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'governor-report.signed')
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.subject_id, report.id);
  });

  test('the annual review: evidence without retyping, standard checks, sign-off by the four named roles', async () => {
    assert.equal((await as('governor').request('POST', '/api/reviews/filtering')).statusCode, 403);
    const started = await as('head').request('POST', '/api/reviews/filtering');
    assert.equal(started.statusCode, 201, started.body);
    const review = started.json() as {
      id: string;
      title: string;
      nextReview: string;
      evidence: { id: string; standard: string; tables: { id: string; rows: string[][] }[] }[];
    };
    assert.equal(review.title, 'Filtering and monitoring review 2026 to 2027');
    assert.equal(review.nextReview, '2027-11-23');
    assert.equal((await as('dsl').request('POST', '/api/reviews/filtering')).statusCode, 409);

    const changeLog = review.evidence.find((e) => e.id === 'filter-change-log');
    assert.equal(changeLog?.standard, 'filtering');
    assert.ok(
      changeLog?.tables[0]?.rows.some((row) =>
        row.includes('Blocked example-games.test for ks2: distracting in lessons'),
      ),
    );
    const roles = review.evidence.find((e) => e.id === 'roles-held');
    assert.ok(
      roles?.tables[0]?.rows.some(
        (row) => row[0] === 'Designated Safeguarding Lead' && row[2] === 'Dana Shah',
      ),
    );

    // Training completion comes from the training records: nobody retypes it.
    const training = review.evidence.find((e) => e.id === 'training-completion') as
      | {
          standard: string;
          facts: { label: string; value: string; warning?: boolean }[];
          tables: { id: string; rows: string[][] }[];
        }
      | undefined;
    assert.equal(training?.standard, 'roles');
    const expected = (await summariseTraining(ctx.store.db, school.id, now)).find(
      (c) => c.course === 'Filtering and monitoring',
    );
    assert.ok(expected, 'the demo school requires the filtering and monitoring course');
    assert.deepEqual(training.tables[0]?.rows[0], [
      'Filtering and monitoring',
      String(expected.current),
      String(expected.expired),
      String(expected.missing),
    ]);
    const needed = expected.current + expected.expired + expected.missing;
    assert.ok(
      training.facts.some(
        (f) =>
          f.label === 'Filtering and monitoring training current' &&
          f.value.startsWith(`${expected.current} of ${needed} `),
      ),
      JSON.stringify(training.facts),
    );
    // The roles register: the demo names the SLT member but no governor for filtering and monitoring.
    const register = review.evidence.find((e) => e.id === 'roles-register') as
      | { standard: string; facts: { label: string; value: string; warning?: boolean }[] }
      | undefined;
    assert.equal(register?.standard, 'roles');
    const slt = register.facts.find(
      (f) =>
        f.label === 'Named senior leadership team member responsible for filtering and monitoring',
    );
    assert.ok(slt && !slt.warning, JSON.stringify(register.facts));
    assert.ok(
      register.facts.some(
        (f) =>
          f.label === 'No governor responsible for filtering and monitoring is named' &&
          f.warning === true,
      ),
    );

    const run = await as('tech').request('POST', '/api/filtering-checks/run');
    assert.equal(run.statusCode, 201, run.body);
    const checks = (
      run.json() as {
        checks: {
          tested: string;
          group: string;
          expected: string;
          result: string;
          passed: boolean;
        }[];
      }
    ).checks;
    const help = checks.filter((c) => c.tested === 'childline.org.uk');
    assert.ok(help.length >= 8);
    assert.ok(help.every((c) => c.expected === 'allow' && c.result === 'allow' && c.passed));
    const adult = checks.find((c) => c.tested === 'pornhub.com' && c.group === 'ks2');
    assert.equal(adult?.expected, 'block');
    assert.equal(adult?.result, 'block');
    const manual = await as('tech').request('POST', '/api/filtering-checks', {
      checks: [
        {
          device: 'Year 5 classroom iPad',
          group: 'ks2',
          tested: 'https://www.bet365.com/',
          purpose: 'A gambling site',
          expected: 'block',
          result: 'block',
        },
      ],
    });
    assert.equal(manual.statusCode, 201, manual.body);
    const badCheck = await as('tech').request('POST', '/api/filtering-checks', {
      checks: [{ device: '' }],
    });
    assert.equal(badCheck.statusCode, 400);

    const notes = await as('dsl').request('PATCH', `/api/reviews/filtering/${review.id}`, {
      notes: { monitoring: 'Alerts reach the DSL within minutes; no gaps found.' },
    });
    assert.equal(notes.statusCode, 200, notes.body);

    // Each signs only for their own part.
    const wrong = await as('dsl').request('POST', `/api/reviews/filtering/${review.id}/sign-offs`, {
      slot: 'slt',
    });
    assert.equal(wrong.statusCode, 403);
    for (const [username, slot] of [
      ['head', 'slt'],
      ['dsl', 'dsl'],
      ['tech', 'it-provider'],
    ] as const) {
      const r = await as(username).request(
        'POST',
        `/api/reviews/filtering/${review.id}/sign-offs`,
        { slot },
      );
      assert.equal(r.statusCode, 201, r.body);
      assert.equal((r.json() as { status: string }).status, 'open');
    }
    const last = await as('governor').request(
      'POST',
      `/api/reviews/filtering/${review.id}/sign-offs`,
      {
        slot: 'governor',
        roleTitle: 'Online safety governor',
        comment: 'Reviewed with SLT, DSL and the IT provider.',
      },
    );
    assert.equal(last.statusCode, 201, last.body);
    const complete = last.json() as {
      status: string;
      notes: Record<string, string>;
      signoffs: { slot: string; name: string; roleTitle: string }[];
      evidence: { id: string; facts: { label: string; value: string }[] }[];
    };
    assert.equal(complete.status, 'complete');
    assert.equal(complete.notes.monitoring, 'Alerts reach the DSL within minutes; no gaps found.');
    assert.deepEqual(
      complete.signoffs.map((s) => [s.slot, s.name, s.roleTitle]),
      [
        ['slt', 'Harriet Oduya', 'Senior leadership team (SLT)'],
        ['dsl', 'Dana Shah', 'Designated Safeguarding Lead'],
        ['it-provider', 'Priya Natarajan', 'IT service provider'],
        ['governor', 'George Whitfield', 'Online safety governor'],
      ],
    );
    const checksFact = complete.evidence
      .find((e) => e.id === 'filtering-checks')
      ?.facts.find((f) => f.label === 'Checks in the last 12 months');
    assert.equal(checksFact?.value, String(checks.length + 1));
    const closed = await as('dsl').request('PATCH', `/api/reviews/filtering/${review.id}`, {
      notes: { roles: 'late note' },
    });
    assert.equal(closed.statusCode, 409);
    for (const username of ['pupil', 'teacher', 'parent']) {
      assert.equal((await as(username).request('GET', '/api/reviews/filtering')).statusCode, 403);
      assert.equal((await as(username).request('GET', '/api/calendar')).statusCode, 403);
    }
  });

  test('the calendar lists the policy review, the next annual review and unsigned governor reports', async () => {
    const response = await as('dsl').request('GET', '/api/calendar');
    assert.equal(response.statusCode, 200, response.body);
    const { groups } = response.json() as {
      groups: {
        id: string;
        label: string;
        items: { kind: string; title: string; due: string; overdue: boolean }[];
      }[];
    };
    const items = groups.flatMap((g) => g.items);
    assert.equal(groups[0]?.id, 'overdue');
    // Summer 2026 and spring 2026 reports were never signed: overdue; autumn 2026 is signed.
    assert.deepEqual(
      groups[0]?.items.filter((i) => i.kind === 'governor-report').map((i) => i.title),
      [
        'Governor report for the spring term 2026: signed off by the online safety governor',
        'Governor report for the summer term 2026: signed off by the online safety governor',
      ],
    );
    assert.ok(!items.some((i) => i.title.includes('autumn term 2026')));
    const annual = items.find((i) => i.kind === 'annual-review');
    assert.equal(annual?.due.slice(0, 10), '2027-11-23');
    assert.equal(annual?.overdue, false);
    assert.ok(items.some((i) => i.kind === 'policy-review'));
    assert.equal(groups.find((g) => g.id === '2027-11')?.label, 'November 2027');
  });

  test('the calendar lists a breach’s ICO deadline and a training expiry, only to those who may read them', async () => {
    const db = ctx.store.db;
    const dslUser = await findUserByUsername(db, 'dsl');
    assert.ok(dslUser);
    await insertRegisterRow(
      db,
      {
        schoolId: school.id,
        register: 'breaches',
        data: {
          title: 'Seating plan left on a shared drive',
          discoveredAt: '2026-11-22T09:00:00.000Z',
          risk: 'risk',
          icoDecision: 'undecided',
        },
        by: dslUser.id,
      },
      now,
    );
    const course = (await listTrainingCourses(db, school.id)).find(
      (c) => c.slug === 'filtering-monitoring',
    );
    assert.ok(course, 'the built-in filtering and monitoring course');
    await insertTrainingRecord(db, {
      schoolId: school.id,
      courseId: course.id,
      userId: dslUser.id,
      completedOn: '2025-12-10',
      provider: 'Local authority',
      evidence: 'certificate',
      recordedBy: null,
      now,
    });
    const calendarOf = async (username: string) => {
      const response = await as(username).request('GET', '/api/calendar');
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json() as {
        groups: { items: { kind: string; title: string; due: string; overdue: boolean }[] }[];
      };
      return body.groups.flatMap((g) => g.items);
    };
    const items = await calendarOf('dsl');
    const ico = items.find((i) => i.title.includes('Seating plan left on a shared drive'));
    assert.equal(ico?.kind, 'breach-ico');
    assert.equal(ico.due, '2026-11-25T09:00:00.000Z', '72 hours after the school became aware');
    assert.equal(ico.overdue, false);
    const training = items.find(
      (i) => i.kind === 'training' && i.title.startsWith('Filtering and monitoring:'),
    );
    assert.ok(training, JSON.stringify(items.map((i) => i.title)));
    assert.equal(training.due.slice(0, 10), '2026-12-10');
    // The governor has the calendar but not the breach log or the training records.
    const governor = await calendarOf('governor');
    assert.ok(!governor.some((i) => i.kind === 'breach-ico' || i.kind === 'training'));
    assert.ok(governor.some((i) => i.kind === 'governor-report'));
  });

  test('daily reminders: one email per responsible person, once a day', async () => {
    const sent: { to: readonly string[]; subject: string; text: string }[] = [];
    const mailer = {
      enabled: true,
      send: async (to: readonly string[], subject: string, text: string) => {
        sent.push({ to, subject, text });
        return { emailed: [...to], emailError: null };
      },
      close: () => undefined,
    };
    const first = await runCalendarReminders(ctx.store.db, mailer, {
      now,
      publicUrl: 'https://haven.example',
    });
    assert.equal(first.length, 1);
    const dsl = sent.find((m) => m.to.includes('dsl@roundwood-demo.invalid'));
    assert.ok(dsl, JSON.stringify(sent.map((m) => m.to)));
    assert.match(dsl.subject, /Roundwood Demo School: \d+ online safety dates due \(\d+ overdue\)/);
    assert.match(dsl.text, /Breach — report to the ICO: Seating plan left on a shared drive/);
    assert.match(
      dsl.text,
      /OVERDUE since 31 August 2026: Governor report for the summer term 2026/,
    );
    assert.match(dsl.text, /https:\/\/haven\.example\/reports\/governor\?period=summer-2026/);
    assert.ok(!sent.some((m) => m.to.includes('pupil@roundwood-demo.invalid')));
    const again = await runCalendarReminders(ctx.store.db, mailer, {
      now: new Date(now.getTime() + 3600_000),
      publicUrl: 'https://haven.example',
    });
    assert.deepEqual(again, []);
    const off = await runCalendarReminders(
      ctx.store.db,
      { ...mailer, enabled: false },
      { now: new Date(now.getTime() + 86_400_000), publicUrl: 'https://haven.example' },
    );
    assert.deepEqual(off, [], 'without SMTP nothing is sent and no day is claimed');
  });
});
