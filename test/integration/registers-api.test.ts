import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { checkCredentials } from '../../src/access/sessions.ts';
import { governanceDueDates } from '../../src/governance/governance-due-dates.ts';
import { registers } from '../../src/governance/registers/index.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import type { School, User } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool, frozenClock } from '../support/factories.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

const password = 'registers test password';

/**
 * The register framework through the API on both databases: every register takes a valid row,
 * an edit and a CSV export, and answers bad input with a 400 naming the field; then what makes
 * each register real (guest expiry, ICO clock, publishing check, retention, due dates).
 */
eachDatabase('governance registers API', (ctx) => {
  let app: FastifyInstance;
  let school: School;
  let head: SignedInClient;
  let osl: User;
  let tech: User;
  let teacher: User;
  let pupil: User;
  let otherPupil: User;
  const clock = frozenClock('2026-11-23T10:00:00.000Z');

  before(async () => {
    school = await buildSchool(ctx.store.db);
    await buildPerson(ctx.store.db, school, {
      username: 'reg-head',
      roles: ['staff', 'head', 'online-safety-lead', 'technician'],
      password,
    });
    osl = await buildPerson(ctx.store.db, school, {
      username: 'reg-osl',
      roles: ['staff', 'online-safety-lead'],
      displayName: 'Olive Sharp',
      password,
    });
    tech = await buildPerson(ctx.store.db, school, {
      username: 'reg-tech',
      roles: ['staff', 'technician'],
      displayName: 'Tariq Hall',
      password,
    });
    teacher = await buildPerson(ctx.store.db, school, {
      username: 'reg-teacher',
      roles: ['staff'],
      displayName: 'Tess Lane',
      password,
    });
    pupil = await buildPerson(ctx.store.db, school, {
      username: 'reg-pupil',
      roles: ['pupil'],
      displayName: 'Pip Adeyemi',
      password,
    });
    otherPupil = await buildPerson(ctx.store.db, school, {
      username: 'reg-pupil2',
      roles: ['pupil'],
      displayName: 'Sam Kowalski',
      password,
    });
    app = await testApp(ctx.store, { clock: clock.now });
    head = await signIn(app, 'reg-head', password);
  });
  after(() => app.close());

  /** A valid new row for each register, given the people of the school. */
  const samples = (): Record<string, Record<string, unknown>> => ({
    roles: { responsibility: 'online-safety-lead', person: osl.id, since: '2025-09-01' },
    'osg-members': { person: osl.id, represents: 'slt', chair: true },
    'osg-meetings': {
      date: '2026-11-10',
      title: 'Autumn meeting',
      attendees: [osl.id, tech.id],
      minutes: 'Reviewed filtering.',
    },
    'osg-actions': {
      action: 'Run the 360 degree safe review',
      owner: osl.id,
      due: '2026-12-01',
      status: 'open',
      source: '360-degree-safe',
      aspect: 'Filtering',
    },
    devices: {
      assetTag: 'RW-LAP-001',
      type: 'laptop',
      holder: teacher.id,
      ownership: 'school-single-user',
      mdm: 'enrolled',
      status: 'in-use',
    },
    licences: {
      product: 'Office suite',
      seatsBought: 30,
      seatsInstalled: 28,
      renewal: '2027-08-31',
    },
    'guest-accounts': {
      name: 'Visiting Author',
      username: 'guest.author',
      purpose: 'Book week talk',
      sponsor: teacher.id,
      expires: '2026-11-24T16:00:00Z',
    },
    'guest-policy': {
      title: 'Guest access',
      effectiveFrom: '2026-09-01',
      text: 'Guests use the visitors network only.',
    },
    'photo-consent': {
      pupil: pupil.id,
      website: 'given',
      socialMedia: 'refused',
      press: 'not-asked',
      givenBy: 'Pat Adeyemi',
      date: '2026-09-05',
    },
    'processing-activities': {
      activity: 'Web filtering and monitoring',
      purpose: 'Keeping children safe online',
      lawfulBasis: 'legal-obligation',
      retention: '1 year',
    },
    'information-assets': {
      asset: 'Haven activity log',
      owner: osl.id,
      lawfulBasis: 'legal-obligation',
      specialCategory: 'substantial-public-interest',
      retention: '365 days',
    },
    'retention-schedule': {
      record: 'Online safety incident records',
      period: 'Date of birth + 25 years',
      action: 'review',
    },
    dpias: {
      title: 'Monitoring software',
      owner: osl.id,
      risk: 'medium',
      nextReview: '2027-09-01',
    },
    breaches: {
      title: 'Report emailed to the wrong parent',
      discoveredAt: '2026-11-23T09:00:00Z',
      risk: 'risk',
      icoDecision: 'undecided',
    },
    'subject-access-requests': { requester: 'A parent', received: '2026-11-02' },
    'foi-requests': {
      requester: 'Local paper',
      request: 'Spending on filtering',
      received: '2026-11-02',
    },
    'social-media': {
      platform: 'x',
      handle: '@roundwood',
      approvedBy: osl.id,
      approvedOn: '2026-09-01',
      admins: [osl.id, teacher.id],
    },
  });

  test('every register: create, read, edit, list and export as CSV', async () => {
    const rows = samples();
    rows['device-loans'] = {}; // filled below, once a device exists
    for (const definition of registers) {
      if (definition.key === 'device-loans') continue;
      const body = rows[definition.key];
      assert.ok(body, `a sample row for ${definition.key}`);
      const created = await head.request('POST', `/api/registers/${definition.key}`, body);
      assert.equal(created.statusCode, 201, `${definition.key}: ${created.body}`);
      const { row } = created.json() as { row: { id: string; title: string } };
      const read = await head.request('GET', `/api/registers/${definition.key}/${row.id}`);
      assert.equal(read.statusCode, 200, definition.key);
      const textField = definition.fields.find(
        (f) =>
          f.type === 'text' &&
          !f.createOnly &&
          !f.system &&
          !f.unique &&
          f.key !== definition.titleField,
      );
      if (textField) {
        const edited = await head.request('PATCH', `/api/registers/${definition.key}/${row.id}`, {
          [textField.key]: 'Changed by the test',
        });
        assert.equal(edited.statusCode, 200, `${definition.key}: ${edited.body}`);
        assert.equal(
          (edited.json() as { row: { data: Record<string, unknown> } }).row.data[textField.key],
          'Changed by the test',
        );
      }
      const list = await head.request('GET', `/api/registers/${definition.key}`);
      assert.equal(list.statusCode, 200);
      assert.equal((list.json() as { rows: unknown[] }).rows.length, 1, definition.key);
      const csv = await head.request('GET', `/api/registers/${definition.key}/export.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      const lines = csv.body
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      assert.equal(lines.length, 2, `${definition.key}: header and one row`);
      assert.ok(lines[0]?.endsWith('Flags'));
      if (textField && definition.csvColumns.includes(textField.key))
        assert.match(lines[1] ?? '', /Changed by the test/);
    }
    const devices = (await head.request('GET', '/api/registers/devices')).json() as {
      rows: { id: string }[];
    };
    const loan = await head.request('POST', '/api/registers/device-loans', {
      device: devices.rows[0]?.id,
      borrower: teacher.id,
      purpose: 'trip',
      out: '2026-11-16',
      dueBack: '2026-11-20',
    });
    assert.equal(loan.statusCode, 201, loan.body);
    const loanRow = (
      loan.json() as { row: { display: Record<string, string>; flags: { code: string }[] } }
    ).row;
    assert.equal(loanRow.display.device, 'RW-LAP-001');
    assert.deepEqual(
      loanRow.flags.map((f) => f.code),
      ['not-back'],
    );
  });

  test('bad input: 400 problem+json naming the field', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'devices',
        {
          assetTag: 'X',
          type: 'toaster',
          ownership: 'school-single-user',
          mdm: 'enrolled',
          status: 'in-use',
        },
        'body.type',
      ],
      [
        'breaches',
        { title: 'x', discoveredAt: 'last tuesday', risk: 'risk', icoDecision: 'undecided' },
        'body.discoveredAt',
      ],
      [
        'breaches',
        {
          title: 'x',
          discoveredAt: '2026-11-23T09:00:00Z',
          risk: 'risk',
          icoDecision: 'not-reportable',
        },
        'body.notReportedReason',
      ],
      ['licences', { product: 'x', seatsBought: -1, seatsInstalled: 0 }, 'body.seatsBought'],
      [
        'social-media',
        {
          platform: 'x',
          handle: '@a',
          approvedBy: osl.id,
          approvedOn: '2026-02-30',
          admins: [osl.id],
        },
        'body.approvedOn',
      ],
      ['osg-actions', { action: 'x', due: '2026-12-01', status: 'open' }, 'body.owner'],
      [
        'photo-consent',
        {
          pupil: teacher.id,
          website: 'given',
          socialMedia: 'given',
          press: 'given',
          givenBy: 'x',
          date: '2026-09-01',
        },
        'body.pupil',
      ],
      ['roles', { responsibility: 'dsl', surprise: 1 }, 'body'],
    ];
    for (const [key, body, path] of cases) {
      const response = await head.request('POST', `/api/registers/${key}`, body);
      assert.equal(response.statusCode, 400, `${key}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      const problem = response.json() as { code: string; errors: { path: string }[] };
      assert.equal(problem.code, 'HAVEN_VALIDATION');
      assert.ok(
        problem.errors.some((e) => e.path === path),
        `${key}: ${JSON.stringify(problem.errors)}`,
      );
    }
    const dup = await head.request('POST', '/api/registers/devices', {
      assetTag: 'rw-lap-001',
      type: 'laptop',
      ownership: 'school-multi-user',
      mdm: 'enrolled',
      status: 'in-store',
    });
    assert.equal(dup.statusCode, 409);
    assert.equal((dup.json() as { errors: { path: string }[] }).errors[0]?.path, 'body.assetTag');
  });

  test('archive: the row leaves the list, is kept, and cannot be edited', async () => {
    const created = await head.request('POST', '/api/registers/retention-schedule', {
      record: 'Visitor book',
      period: '6 years',
      action: 'destroy',
    });
    const id = (created.json() as { row: { id: string } }).row.id;
    assert.equal(
      (await head.request('DELETE', `/api/registers/retention-schedule/${id}`)).statusCode,
      200,
    );
    const live = (await head.request('GET', '/api/registers/retention-schedule')).json() as {
      rows: { id: string }[];
    };
    assert.ok(!live.rows.some((r) => r.id === id));
    const all = (
      await head.request('GET', '/api/registers/retention-schedule?archived=true')
    ).json() as { rows: { id: string; archived: boolean }[] };
    assert.ok(all.rows.some((r) => r.id === id && r.archived));
    assert.equal(
      (
        await head.request('PATCH', `/api/registers/retention-schedule/${id}`, {
          period: '7 years',
        })
      ).statusCode,
      409,
    );
  });

  test('filters: text search and flagged rows', async () => {
    await head.request('POST', '/api/registers/licences', {
      product: 'Typing tutor',
      seatsBought: 10,
      seatsInstalled: 12,
    });
    const flagged = (await head.request('GET', '/api/registers/licences?flagged=true')).json() as {
      rows: { title: string }[];
    };
    assert.deepEqual(
      flagged.rows.map((r) => r.title),
      ['Typing tutor'],
    );
    const search = (await head.request('GET', '/api/registers/licences?q=typing')).json() as {
      rows: unknown[];
    };
    assert.equal(search.rows.length, 1);
  });

  test('guest accounts: sign-in works until the expiry, then is refused', async () => {
    const created = await head.request('POST', '/api/registers/guest-accounts', {
      name: 'Supply Teacher',
      username: 'guest.supply',
      purpose: 'Covering Year 5',
      sponsor: teacher.id,
      expires: '2026-11-23T15:00:00Z',
    });
    assert.equal(created.statusCode, 201, created.body);
    const { notice, row } = created.json() as { notice: string; row: { id: string } };
    const guestPassword = /: ([a-z0-9-]{14})$/.exec(notice)?.[1];
    assert.ok(guestPassword, notice);
    const lockout = { maxFailures: 5, lockoutMinutes: 15 };
    const before = await checkCredentials(
      ctx.store.db,
      { username: 'guest.supply', password: guestPassword },
      { now: clock.now(), lockout, via: 'test' },
    );
    assert.equal(before.ok, true);
    const session = await signIn(app, 'guest.supply', guestPassword);
    assert.equal((await session.request('GET', '/api/me')).statusCode, 200);
    clock.advance(6 * 3_600_000); // 16:00, after the expiry
    const afterExpiry = await checkCredentials(
      ctx.store.db,
      { username: 'guest.supply', password: guestPassword },
      { now: clock.now(), lockout, via: 'test' },
    );
    assert.deepEqual(afterExpiry, { ok: false, problem: 'expired' });
    const refused = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'guest.supply', password: guestPassword },
    });
    assert.equal(refused.statusCode, 403);
    assert.match((refused.json() as { detail: string }).detail, /guest account has expired/);
    assert.equal(
      (await session.request('GET', '/api/me')).statusCode,
      401,
      'the open session ends',
    );
    // Extending the expiry lets the guest in again; archiving switches the account off.
    const extended = await head.request('PATCH', `/api/registers/guest-accounts/${row.id}`, {
      expires: '2026-11-24T15:00:00Z',
    });
    assert.equal(extended.statusCode, 200, extended.body);
    assert.equal(
      (
        await checkCredentials(
          ctx.store.db,
          { username: 'guest.supply', password: guestPassword },
          { now: clock.now(), lockout, via: 'test' },
        )
      ).ok,
      true,
    );
    assert.equal(
      (await head.request('DELETE', `/api/registers/guest-accounts/${row.id}`)).statusCode,
      200,
    );
    const archived = await checkCredentials(
      ctx.store.db,
      { username: 'guest.supply', password: guestPassword },
      { now: clock.now(), lockout, via: 'test' },
    );
    assert.deepEqual(archived, { ok: false, problem: 'disabled' });
    const tooLong = await head.request('POST', '/api/registers/guest-accounts', {
      name: 'x',
      username: 'guest.long',
      purpose: 'x',
      sponsor: teacher.id,
      expires: '2027-11-23T15:00:00Z',
    });
    assert.equal(tooLong.statusCode, 400);
    assert.equal(
      (tooLong.json() as { errors: { path: string }[] }).errors[0]?.path,
      'body.expires',
    );
    clock.advance(-6 * 3_600_000);
  });

  test('breach log: the ICO clock from discovery, stopped by the decision', async () => {
    const created = await head.request('POST', '/api/registers/breaches', {
      title: 'Laptop left on the bus',
      discoveredAt: '2026-11-23T10:00:00Z',
      risk: 'high-risk',
      icoDecision: 'undecided',
    });
    const row = (
      created.json() as {
        row: { id: string; display: Record<string, string>; flags: { code: string }[] };
      }
    ).row;
    assert.equal(row.display.ico, '72 h left to report to the ICO (by 2026-11-26 10:00 UTC)');
    assert.deepEqual(
      row.flags.map((f) => f.code),
      ['ico-clock', 'tell-individuals'],
    );
    const reported = await head.request('PATCH', `/api/registers/breaches/${row.id}`, {
      icoDecision: 'reported',
      reportedAt: '2026-11-23T12:00:00Z',
      individualsInformed: '2026-11-23',
    });
    assert.equal(reported.statusCode, 200, reported.body);
    const after = (
      reported.json() as { row: { display: Record<string, string>; flags: unknown[] } }
    ).row;
    assert.equal(after.display.ico, 'Reported to the ICO 2026-11-23 12:00 UTC');
    assert.deepEqual(after.flags, []);
    const badEdit = await head.request('PATCH', `/api/registers/breaches/${row.id}`, {
      reportedAt: '2026-11-22T12:00:00Z',
    });
    assert.equal(badEdit.statusCode, 400);
    assert.equal(
      (badEdit.json() as { errors: { path: string }[] }).errors[0]?.path,
      'body.reportedAt',
    );
  });

  test('social media: an administrator who leaves is flagged', async () => {
    const list = async () =>
      (
        (await head.request('GET', '/api/registers/social-media')).json() as {
          rows: { flags: { code: string }[] }[];
        }
      ).rows[0];
    assert.deepEqual((await list())?.flags, []);
    await ctx.store.db
      .updateTable('users')
      .set({ disabled: true })
      .where('id', '=', teacher.id)
      .execute();
    assert.deepEqual(
      (await list())?.flags.map((f) => f.code),
      ['admin-left', 'too-few-admins'],
    );
    await ctx.store.db
      .updateTable('users')
      .set({ disabled: false })
      .where('id', '=', teacher.id)
      .execute();
  });

  test('photo consent publishing check', async () => {
    const check = await head.request('POST', '/api/registers/photo-consent/check', {
      text: 'Pip Adeyemi and Sam at sports day',
      purpose: 'socialMedia',
      pupils: [pupil.id, otherPupil.id],
    });
    assert.equal(check.statusCode, 200, check.body);
    const result = check.json() as { ok: boolean; problems: { pupil: string; kind: string }[] };
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.pupil, p.kind]),
      [
        ['Pip Adeyemi', 'consent-refused'],
        ['Sam Kowalski', 'no-consent'],
        ['Pip Adeyemi', 'full-name'],
      ],
    );
    const website = (
      await head.request('POST', '/api/registers/photo-consent/check', {
        text: 'Pip at sports day',
        purpose: 'website',
        pupils: [pupil.id],
      })
    ).json() as { ok: boolean };
    assert.equal(website.ok, true);
    const bad = await head.request('POST', '/api/registers/photo-consent/check', {
      text: '',
      purpose: 'billboard',
      pupils: [teacher.id],
    });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { errors: { path: string }[] }).errors[0]?.path, 'body.purpose');
  });

  test('retention schedule: the activity retention that drives purges, edited from here; legal holds listed', async () => {
    const before = (
      await head.request('GET', '/api/registers/retention-schedule/activity')
    ).json() as { activityDays: number; custom: boolean; legalHolds: unknown[] };
    assert.deepEqual([before.activityDays, before.custom], [365, false]);
    const saved = await head.request('PUT', '/api/registers/retention-schedule/activity', {
      activityDays: 200,
      searchTermsDays: 30,
    });
    assert.equal(saved.statusCode, 200, saved.body);
    const retention = await ctx.store.db
      .selectFrom('retention_settings')
      .selectAll()
      .where('school_id', '=', school.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([retention.activity_days, retention.search_terms_days], [200, 30]);
    // Alert retention is on the same schedule; left out, it stays as it was.
    const withAlerts = await head.request('PUT', '/api/registers/retention-schedule/activity', {
      activityDays: 200,
      searchTermsDays: 30,
      alertsDays: 400,
    });
    assert.equal(withAlerts.statusCode, 200, withAlerts.body);
    const shown = (
      await head.request('GET', '/api/registers/retention-schedule/activity')
    ).json() as { alertsDays: number };
    assert.equal(shown.alertsDays, 400);
    const bad = await head.request('PUT', '/api/registers/retention-schedule/activity', {
      activityDays: 20,
      searchTermsDays: 30,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(
      (bad.json() as { errors: { path: string }[] }).errors[0]?.path,
      'body.searchTermsDays',
    );
    await ctx.store.db
      .insertInto('legal_holds')
      .values({
        school_id: school.id,
        user_id: pupil.id,
        reason: 'Police investigation',
        placed_by: null,
        placed_at: clock.now(),
      })
      .execute();
    const after = (
      await head.request('GET', '/api/registers/retention-schedule/activity')
    ).json() as { legalHolds: { person: string; reason: string }[] };
    assert.deepEqual(
      after.legalHolds.map((h) => [h.person, h.reason]),
      [['Pip Adeyemi', 'Police investigation']],
    );
  });

  test('governanceDueDates: every clock and review, sorted, overdue marked', async () => {
    const items = await governanceDueDates(ctx.store.db, school.id, clock.now());
    const kinds = new Set(items.map((i) => i.kind));
    for (const kind of [
      'osg-action',
      'dpia-review',
      'breach-ico',
      'sar',
      'foi',
      'licence-renewal',
      'guest-expiry',
      'device-loan',
    ])
      assert.ok(kinds.has(kind), `${kind} in ${[...kinds].join(', ')}`);
    const sorted = [...items].sort((a, b) => a.due.getTime() - b.due.getTime());
    assert.deepEqual(
      items.map((i) => i.title),
      sorted.map((i) => i.title),
    );
    const loan = items.find((i) => i.kind === 'device-loan');
    assert.equal(loan?.overdue, true);
    assert.match(loan?.href ?? '', /^\/registers\/device-loans\?row=/);
    const breach = items.find((i) => i.kind === 'breach-ico');
    assert.equal(breach?.due.toISOString(), '2026-11-26T09:00:00.000Z');
    assert.equal(breach?.overdue, false);
    const api = (await head.request('GET', '/api/registers/due-dates')).json() as {
      dueDates: { kind: string }[];
    };
    assert.equal(api.dueDates.length, items.length);
  });

  test('the registers overview lists what the user may read, with counts and flags', async () => {
    const overview = (await head.request('GET', '/api/registers')).json() as {
      registers: { key: string; rows: number; registerFlags: { code: string }[] }[];
    };
    assert.equal(overview.registers.length, registers.length);
    const roles = overview.registers.find((r) => r.key === 'roles');
    assert.ok(roles?.registerFlags.some((f) => f.code === 'missing-governor-filtering-monitoring'));
  });

  test('the demo school has rows in every register but the guest accounts, with live clocks and flags', async () => {
    const { school: demo } = await setupDemoSchool(ctx.store.db, clock.now());
    const counts = await ctx.store.db
      .selectFrom('register_rows')
      .select(['register', (eb) => eb.fn.countAll<string>().as('n')])
      .where('school_id', '=', demo.id)
      .groupBy('register')
      .execute();
    const have = new Set(counts.map((c) => c.register));
    const missing = registers.map((r) => r.key).filter((k) => !have.has(k));
    assert.deepEqual(missing, ['guest-accounts']);
    const due = await governanceDueDates(ctx.store.db, demo.id, clock.now());
    const breach = due.find((d) => d.kind === 'breach-ico');
    assert.equal(breach?.due.toISOString(), '2026-11-25T14:00:00.000Z');
    assert.ok(due.some((d) => d.kind === 'osg-action' && d.overdue));
  });
});
