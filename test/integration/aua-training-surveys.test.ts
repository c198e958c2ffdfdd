import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { compileSchool, readDatabaseInputs } from '../../src/filter/node/snapshot-inputs.ts';
import { SnapshotCache } from '../../src/filtering/snapshot-loader.ts';
import { summariseAuaCompletion } from '../../src/governance/aua-summary.ts';
import {
  auaAndTrainingDueDates,
  summariseTraining,
} from '../../src/governance/training-summary.ts';
import { emptyLists } from '../../src/policy/engine/compile.ts';
import { evaluate } from '../../src/policy/engine/evaluate.ts';
import { listAudit } from '../../src/store/audit-repository.ts';
import type { School } from '../../src/store/schema.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, frozenClock } from '../support/factories.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

interface Completion {
  byAudience: { audience: string; signed: number; due: number; percent: number | null }[];
  byGroup: { slug: string; signed: number; due: number }[];
  outstanding: { userId: string; name: string; audience: string }[];
}

interface Mine {
  agreements: {
    version: { id: string; audience: string; inForce: boolean };
    signedAt: string | null;
  }[];
  waiting: number;
}

eachDatabase('acceptable use agreements, training and surveys', (ctx) => {
  let app: FastifyInstance;
  let school: School;
  let head: SignedInClient;
  let parent: SignedInClient;
  const clock = frozenClock('2026-11-23T10:00:00.000Z');
  const parentRow = (c: Completion) => c.byAudience.find((r) => r.audience === 'parent');

  before(async () => {
    ({ school } = await setupDemoSchool(ctx.store.db, new Date('2026-11-23T08:00:00Z')));
    app = await testApp(ctx.store, { clock: clock.now });
    head = await signIn(app, 'head', 'haven-demo');
    parent = await signIn(app, 'parent', 'haven-demo');
  });
  after(async () => {
    await app.close();
  });

  test('the parent sees their agreement waiting, signs it with their name, and completion moves', async () => {
    const before = (await head.request('GET', '/api/aua/completion')).json<Completion>();
    assert.deepEqual(
      { signed: parentRow(before)?.signed, due: parentRow(before)?.due },
      { signed: 0, due: 1 },
    );
    const mine = (await parent.request('GET', '/api/aua/mine')).json<Mine>();
    assert.equal(mine.waiting, 1);
    assert.equal(mine.agreements.length, 1);
    const agreement = mine.agreements[0];
    assert.ok(agreement);
    assert.equal(agreement.version.audience, 'parent');
    const url = `/api/aua/versions/${agreement.version.id}/sign`;

    const noTick = await parent.request('POST', url, { typedName: 'Pat Adeyemi', agree: false });
    assert.equal(noTick.statusCode, 400);
    const wrongName = await parent.request('POST', url, { typedName: 'Someone Else', agree: true });
    assert.equal(wrongName.statusCode, 400);
    assert.equal(wrongName.json<{ errors: { path: string }[] }>().errors[0]?.path, 'typedName');

    const signed = await parent.request('POST', url, { typedName: 'pat adeyemi', agree: true });
    assert.equal(signed.statusCode, 201, signed.body);
    const again = await parent.request('POST', url, { typedName: 'Pat Adeyemi', agree: true });
    assert.equal(again.statusCode, 409);

    const after = (await head.request('GET', '/api/aua/completion')).json<Completion>();
    assert.deepEqual(
      {
        signed: parentRow(after)?.signed,
        due: parentRow(after)?.due,
        percent: parentRow(after)?.percent,
      },
      { signed: 1, due: 1, percent: 100 },
    );
    assert.ok(!after.outstanding.some((o) => o.audience === 'parent'));
    const audit = await listAudit(ctx.store.db, { schoolId: school.id, limit: 50 });
    assert.ok(audit.some((e) => e.action === 'aua.signed'));
  });

  test('a pupil cannot sign the staff agreement nor see anyone’s signatures', async () => {
    const pupil = await signIn(app, 'pupil', 'haven-demo');
    const mine = (await pupil.request('GET', '/api/aua/mine')).json<Mine>();
    assert.deepEqual(
      mine.agreements.map((a) => a.version.audience),
      ['pupil-younger'],
    );
    assert.equal((await pupil.request('GET', '/api/aua/completion')).statusCode, 403);
    const versions = (await pupil.request('GET', '/api/aua/versions')).json<{
      versions: { id: string; audience: string }[];
    }>();
    const staff = versions.versions.find((v) => v.audience === 'staff');
    assert.ok(staff);
    const sign = await pupil.request('POST', `/api/aua/versions/${staff.id}/sign`, {
      typedName: 'Pip Adeyemi',
      agree: true,
    });
    assert.equal(sign.statusCode, 409);
    assert.doesNotMatch(JSON.stringify(mine), /Pat Adeyemi|typed/i);
  });

  test('only the online safety lead or head publishes; a new version must be signed again', async () => {
    const teacher = await signIn(app, 'teacher', 'haven-demo');
    const body = {
      audience: 'parent',
      title: 'Parent and carer agreement 2027',
      body: '# Parent agreement\n\n- I will talk with my child about staying safe online.',
      changeNote: 'Added a line about talking together.',
    };
    assert.equal((await teacher.request('POST', '/api/aua/versions', body)).statusCode, 403);
    const governor = await signIn(app, 'governor', 'haven-demo');
    assert.equal((await governor.request('GET', '/api/aua/completion')).statusCode, 403);
    const osl = await buildPerson(ctx.store.db, school, {
      username: 'osl',
      roles: ['staff', 'online-safety-lead'],
      password: 'online safety lead pw',
    });
    assert.ok(osl);
    const lead = await signIn(app, 'osl', 'online safety lead pw');
    const bad = await lead.request('POST', '/api/aua/versions', { ...body, audience: 'aliens' });
    assert.equal(bad.statusCode, 400);
    const published = await lead.request('POST', '/api/aua/versions', body);
    assert.equal(published.statusCode, 201, published.body);
    assert.equal(published.json<{ number: number }>().number, 2);
    const mine = (await parent.request('GET', '/api/aua/mine')).json<Mine>();
    assert.equal(mine.waiting, 1);
    const completion = (await lead.request('GET', '/api/aua/completion')).json<Completion>();
    assert.deepEqual({ signed: parentRow(completion)?.signed, due: 1 }, { signed: 0, due: 1 });
  });

  test('safe list: a person who has not signed is blocked outside it, and allowed once signed', async () => {
    const parentUser = await findUserByUsername(ctx.store.db, 'parent');
    assert.ok(parentUser);
    const turnOn = await head.request('PUT', '/api/aua/settings', {
      safeListEnabled: true,
      safeHosts: ['bbc.co.uk', 'not a host!'],
    });
    assert.equal(turnOn.statusCode, 400);
    assert.equal(turnOn.json<{ errors: { path: string }[] }>().errors[0]?.path, 'safeHosts.1');
    const ok = await head.request('PUT', '/api/aua/settings', {
      safeListEnabled: true,
      safeHosts: ['bbc.co.uk'],
    });
    assert.equal(ok.statusCode, 200, ok.body);

    const decide = async (host: string) => {
      const cache = new SnapshotCache(ctx.store.db, clock.now);
      const fromApi = await cache.school(school.id);
      const inputs = await readDatabaseInputs(ctx.store.db, null);
      const mineInputs = inputs.schools.find((s) => s.school.id === school.id);
      assert.ok(mineInputs);
      const fromNode = compileSchool(mineInputs, emptyLists(), clock.now()).snapshot;
      const request = { user: parentUser.id, groups: ['parents'], host };
      const a = evaluate(fromApi.snapshot, request, clock.now());
      const b = evaluate(fromNode.snapshot, request, clock.now());
      assert.equal(a.ruleId, b.ruleId, 'the API and the filter node decide alike');
      return a;
    };
    const blocked = await decide('example.com');
    assert.equal(blocked.action, 'block');
    assert.equal(blocked.ruleId, 'aua:unsigned');
    assert.match(blocked.reason, /acceptable use agreement/);
    assert.notEqual((await decide('www.bbc.co.uk')).ruleId, 'aua:unsigned');
    assert.equal((await decide('www.childline.org.uk')).action, 'allow');
    assert.notEqual((await decide('localhost')).ruleId, 'aua:unsigned', 'Haven itself');
    // Someone who is up to date is not held.
    const teacher = await findUserByUsername(ctx.store.db, 'teacher');
    assert.ok(teacher);
    const cache = new SnapshotCache(ctx.store.db, clock.now);
    const snap = (await cache.school(school.id)).snapshot;
    assert.equal(
      evaluate(snap, { user: 'not-a-user', groups: ['staff'], host: 'example.com' }, clock.now())
        .ruleId === 'aua:unsigned',
      false,
    );

    const mine = (await parent.request('GET', '/api/aua/mine')).json<Mine>();
    const waiting = mine.agreements.find((a) => a.signedAt === null && a.version.inForce);
    assert.ok(waiting);
    const signed = await parent.request('POST', `/api/aua/versions/${waiting.version.id}/sign`, {
      typedName: 'Pat Adeyemi',
      agree: true,
    });
    assert.equal(signed.statusCode, 201);
    assert.notEqual((await decide('example.com')).ruleId, 'aua:unsigned');

    const changes = await ctx.store.db
      .selectFrom('filter_changes')
      .select('kind')
      .where('school_id', '=', school.id)
      .execute();
    assert.ok(changes.some((c) => c.kind === 'aua.signed'));
    assert.ok(changes.some((c) => c.kind === 'aua.safe-list'));
  });

  test('training: records, expiry, the needs audit, own training, CSV; pupils see none of it', async () => {
    const teacher = await findUserByUsername(ctx.store.db, 'teacher');
    assert.ok(teacher);
    const courses = (await head.request('GET', '/api/training/courses')).json<{
      courses: { id: string; slug: string; validityMonths: number | null }[];
    }>().courses;
    const cyber = courses.find((c) => c.slug === 'cyber-security');
    assert.ok(cyber);
    assert.equal(cyber.validityMonths, 12);
    const future = await head.request('POST', '/api/training/records', {
      userId: teacher.id,
      courseId: cyber.id,
      completedOn: '2027-01-01',
      provider: 'NCSC',
    });
    assert.equal(future.statusCode, 400);
    const recorded = await head.request('POST', '/api/training/records', {
      userId: teacher.id,
      courseId: cyber.id,
      completedOn: '2025-12-01',
      provider: 'NCSC',
      evidence: 'Certificate',
    });
    assert.equal(recorded.statusCode, 201, recorded.body);
    assert.deepEqual(
      {
        expiresOn: recorded.json<{ expiresOn: string }>().expiresOn,
        state: recorded.json<{ state: string }>().state,
      },
      { expiresOn: '2026-12-01', state: 'due-soon' },
    );
    const audit = (await head.request('GET', '/api/training/needs-audit')).json<{
      people: { name: string; courses: { course: string; state: string }[] }[];
    }>();
    const tom = audit.people.find((p) => p.name === 'Tom Ellis');
    assert.ok(tom);
    assert.equal(tom.courses.find((c) => c.course === 'Cyber security')?.state, 'due-soon');
    assert.equal(tom.courses.find((c) => c.course === 'Data protection')?.state, 'missing');
    assert.ok(!audit.people.some((p) => p.name === 'Pip Adeyemi'), 'pupils are not in the audit');

    const teacherClient = await signIn(app, 'teacher', 'haven-demo');
    const need = await teacherClient.request('POST', '/api/training/needs', {
      need: 'More on spotting radicalisation online',
    });
    assert.equal(need.statusCode, 201);
    const mine = (await teacherClient.request('GET', '/api/training/mine')).json<{
      person: { needs: { need: string }[] };
      records: { course: string }[];
    }>();
    assert.ok(mine.records.some((r) => r.course === 'Cyber security'));
    assert.equal(mine.person.needs[0]?.need, 'More on spotting radicalisation online');
    assert.equal((await teacherClient.request('GET', '/api/training/needs-audit')).statusCode, 403);
    assert.equal(
      (await teacherClient.request('POST', '/api/training/records', {})).statusCode,
      403,
    );

    const csv = await head.request('GET', '/api/training/export.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /^name,roles,course,required,state,completed_on,expires_on\n/);
    assert.match(csv.body, /Tom Ellis,staff,Cyber security,yes,due-soon,2025-12-01,2026-12-01/);

    const pupil = await signIn(app, 'pupil', 'haven-demo');
    assert.equal((await pupil.request('GET', '/api/training/mine')).statusCode, 403);
  });

  test('surveys: anonymous answers once each, results with small counts suppressed', async () => {
    const created = await head.request('POST', '/api/surveys', {
      title: 'Parents and online safety',
      audience: 'parents',
      opensAt: '2026-11-01T00:00:00Z',
      closesAt: '2026-12-31T00:00:00Z',
      questions: [
        { key: 'confidence', kind: 'scale', prompt: 'How confident are you about online safety?' },
        { kind: 'choice', prompt: 'Which worries you most?', choices: ['Gaming', 'Social media'] },
        { kind: 'text', prompt: 'Anything else?' },
      ],
    });
    assert.equal(created.statusCode, 201, created.body);
    const survey = created.json<{ id: string; questions: { key: string }[] }>();
    assert.deepEqual(
      survey.questions.map((q) => q.key),
      ['confidence', 'which-worries-you-most', 'anything-else'],
    );

    const open = (await parent.request('GET', '/api/surveys/open')).json<{
      surveys: { id: string }[];
    }>();
    assert.ok(open.surveys.some((s) => s.id === survey.id));
    const pupil = await signIn(app, 'pupil', 'haven-demo');
    assert.equal((await pupil.request('GET', `/api/surveys/${survey.id}/form`)).statusCode, 404);

    const badAnswer = await parent.request('POST', `/api/surveys/${survey.id}/responses`, {
      answers: { confidence: 9 },
    });
    assert.equal(badAnswer.statusCode, 400);
    const answered = await parent.request('POST', `/api/surveys/${survey.id}/responses`, {
      answers: { confidence: 4, 'which-worries-you-most': 'Gaming', 'anything-else': 'Thanks' },
    });
    assert.equal(answered.statusCode, 204, answered.body);
    const twice = await parent.request('POST', `/api/surveys/${survey.id}/responses`, {
      answers: { confidence: 2 },
    });
    assert.equal(twice.statusCode, 409);

    let results = (await head.request('GET', `/api/surveys/${survey.id}/results`)).json<{
      responses: number | string;
      questions: {
        key: string;
        counts: { label: string; count: number | string }[];
        mean: number | null;
        texts: string[] | null;
      }[];
    }>();
    assert.equal(results.responses, 'fewer than 5');
    assert.equal(results.questions[0]?.counts[3]?.count, 'fewer than 5');
    assert.equal(results.questions[0]?.counts[0]?.count, 0);
    assert.equal(results.questions[0]?.mean, null);
    assert.equal(results.questions[2]?.texts, null);

    // The answers and the "has answered" list share nothing that joins them.
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_name in ('survey_responses', 'survey_respondents')`.execute(ctx.store.db);
    const of = (t: string) =>
      columns.rows
        .filter((c) => c.table_name === t)
        .map((c) => c.column_name)
        .sort();
    assert.deepEqual(of('survey_responses'), ['answered_on', 'answers', 'id', 'survey_id']);
    assert.deepEqual(of('survey_respondents'), ['survey_id', 'user_id']);
    const xids = await sql<{ xid: string; t: string }>`
      select xmin::text as xid, 'response' as t from survey_responses
      union all select xmin::text as xid, 'respondent' as t from survey_respondents`.execute(
      ctx.store.db,
    );
    const responseXids = new Set(xids.rows.filter((r) => r.t === 'response').map((r) => r.xid));
    assert.ok(
      xids.rows.every((r) => r.t === 'response' || !responseXids.has(r.xid)),
      'the answers and the "has answered" mark were not written in one transaction',
    );
    const audit = await listAudit(ctx.store.db, { schoolId: school.id, limit: 200 });
    assert.ok(!audit.some((e) => e.action.startsWith('survey.answer')));

    for (let i = 0; i < 5; i += 1) {
      await buildPerson(ctx.store.db, school, {
        username: `parent-${i}`,
        roles: ['parent'],
        password: 'parent password long',
      });
      const client = await signIn(app, `parent-${i}`, 'parent password long');
      const r = await client.request('POST', `/api/surveys/${survey.id}/responses`, {
        answers: { confidence: 4, 'anything-else': `Comment ${i}` },
      });
      assert.equal(r.statusCode, 204);
    }
    results = (await head.request('GET', `/api/surveys/${survey.id}/results`)).json();
    assert.equal(results.responses, 6);
    assert.equal(results.questions[0]?.counts[3]?.count, 6);
    assert.equal(results.questions[0]?.mean, 4);
    assert.equal(results.questions[1]?.counts[0]?.count, 'fewer than 5');
    assert.equal(results.questions[2]?.texts?.length, 6);

    const trend = (await head.request('GET', '/api/surveys/trend?key=confidence')).json<{
      points: { mean: number | null }[];
    }>();
    assert.deepEqual(
      trend.points.map((p) => p.mean),
      [4],
    );
    const governor = await signIn(app, 'governor', 'haven-demo');
    assert.equal(
      (await governor.request('GET', `/api/surveys/${survey.id}/results`)).statusCode,
      200,
    );
    assert.equal((await governor.request('POST', '/api/surveys', {})).statusCode, 403);
    assert.equal(
      (await parent.request('GET', `/api/surveys/${survey.id}/results`)).statusCode,
      403,
    );
  });

  test('summaries for the governor report and the calendar', async () => {
    const at = clock.now();
    const aua = await summariseAuaCompletion(ctx.store.db, school.id, at);
    const parentSummary = aua.find((r) => r.audience === 'parent');
    assert.deepEqual(
      parentSummary,
      { audience: 'parent', signed: 1, due: 6 },
      'five more parents joined for the survey',
    );
    assert.ok(aua.every((r) => r.signed <= r.due));
    const training = await summariseTraining(ctx.store.db, school.id, at);
    const safeguarding = training.find((r) => r.course.startsWith('Annual safeguarding'));
    assert.ok(safeguarding);
    assert.equal(
      safeguarding.current + safeguarding.expired + safeguarding.missing,
      (
        await ctx.store.db
          .selectFrom('users')
          .select('id')
          .where('school_id', '=', school.id)
          .where(
            'roles',
            '&&',
            sql<
              string[]
            >`array['staff','governor','chair-of-governors','technician','dsl','deputy-dsl','online-safety-lead','head']::text[]`,
          )
          .execute()
      ).length,
    );
    const dates = await auaAndTrainingDueDates(ctx.store.db, school.id, at);
    assert.ok(
      dates.some((d) => d.kind === 'aua' && d.overdue && /Staff and governors/.test(d.title)),
    );
    const cyber = dates.find(
      (d) => d.kind === 'training' && /Cyber security: Tom Ellis/.test(d.title),
    );
    assert.ok(cyber, JSON.stringify(dates.map((d) => d.title)));
    assert.equal(cyber.due.toISOString().slice(0, 10), '2026-12-01');
    assert.equal(cyber.overdue, false);
    const sorted = [...dates].sort((a, b) => a.due.getTime() - b.due.getTime());
    assert.deepEqual(dates, sorted);
  });

  test('reminders: one email each to those who have not signed, through the mailer', async () => {
    const sent: { to: readonly string[]; subject: string; text: string }[] = [];
    const mailer = {
      sendEmail: (to: readonly string[], subject: string, text: string) => {
        sent.push({ to, subject, text });
        return Promise.resolve({ emailed: [...to], emailError: null });
      },
    };
    const withMail = await testApp(ctx.store, {
      clock: clock.now,
      mailer,
      publicUrl: 'https://haven.example',
    });
    try {
      const headClient = await signIn(withMail, 'head', 'haven-demo');
      const r = await headClient.request('POST', '/api/aua/remind', { audience: 'staff' });
      assert.equal(r.statusCode, 200, r.body);
      const result = r.json<{ outstanding: number; emailed: number; withoutEmail: number }>();
      assert.ok(result.outstanding >= 5);
      assert.equal(result.emailed + result.withoutEmail, result.outstanding);
      assert.equal(sent.length, result.emailed);
      assert.ok(
        sent.every((m) => m.to.length === 1),
        'addresses are never shared',
      );
      assert.ok(sent.some((m) => m.to[0] === 'teacher@roundwood-demo.invalid'));
      assert.match(sent[0]?.text ?? '', /https:\/\/haven\.example\/aua\/sign/);
    } finally {
      await withMail.close();
    }
    const noMail = await head.request('POST', '/api/aua/remind', {});
    assert.equal(noMail.statusCode, 503);
    assert.match(noMail.json<{ detail: string }>().detail, /alerts\.smtp/);
  });
});
