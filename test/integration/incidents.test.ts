import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { systemActor } from '../../src/access/actor.ts';
import { exportIncidents, exportToCsv } from '../../src/casework/casework-export.ts';
import { summariseIncidents } from '../../src/casework/incident-summary.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { CaptureHalt } from '../../src/activity/capture-halt.ts';
import { insertAlert, listIncidentIsolations } from '../../src/store/alert-repository.ts';
import type { School, User } from '../../src/store/schema.ts';
import { insertRegisterRow } from '../../src/store/register-repository.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import { eachDatabase } from '../support/each-database.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

const demo = 'haven-demo';

interface IncidentJson {
  id: string;
  status: string;
  next: { step: string; title: string; quote: { text: string; source: string } };
  people: { id: string; userId: string | null; name: string; role: string; kind: string }[];
  suggestions: {
    personId: string;
    suggestion: { actions: { id: string; suggested: boolean }[] } | null;
  }[];
  sanctions: { actionId: string; suggested: boolean }[];
  evidence: { id: string; fileName: string }[];
  evidenceAllowed: boolean;
  investigators: { userId: string; signedOffAt: string | null }[];
  outcome: string;
  reportedBy: unknown;
}

eachDatabase('incidents', (ctx) => {
  let app: FastifyInstance;
  let school: School;
  const as: Record<string, SignedInClient> = {};
  const users: Record<string, User> = {};

  before(async () => {
    school = (await setupDemoSchool(ctx.store.db, new Date())).school;
    app = await testApp(ctx.store);
    for (const name of ['dsl', 'head', 'teacher', 'pupil', 'governor', 'chair', 'parent']) {
      as[name] = await signIn(app, name, demo);
      const user = await findUserByUsername(ctx.store.db, name);
      assert.ok(user, name);
      users[name] = user;
    }
  });
  after(() => app.close());

  const client = (name: string): SignedInClient => {
    const c = as[name];
    if (!c) throw new Error(`not signed in: ${name}`);
    return c;
  };
  const user = (name: string): User => {
    const u = users[name];
    if (!u) throw new Error(`no demo account: ${name}`);
    return u;
  };

  const get = async (who: string, url: string) => client(who).request('GET', url);
  const post = async (who: string, url: string, body: unknown = {}) =>
    client(who).request('POST', url, body);

  async function auditCount(action: string, subjectId?: string): Promise<number> {
    let q = ctx.store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', action);
    if (subjectId) q = q.where('subject_id', '=', subjectId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  test('an anonymous worry from the block page becomes an incident that keeps nothing about who sent it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/block-page/requests',
      headers: { cookie: client('pupil').cookie, 'x-csrf-token': client('pupil').csrfToken },
      payload: {
        kind: 'worry',
        host: 'chat.example',
        message: 'Someone keeps sending me nasty messages',
        anonymous: true,
      },
    });
    assert.equal(response.statusCode, 201, response.body);
    const incident = await ctx.store.db
      .selectFrom('incidents')
      .selectAll()
      .where('source', '=', 'block-page')
      .executeTakeFirstOrThrow();
    assert.equal(incident.reported_by, null);
    assert.equal(incident.reporter_kind, 'anonymous');
    assert.equal(incident.summary, 'Someone keeps sending me nasty messages');
    const request = await ctx.store.db
      .selectFrom('block_page_requests')
      .selectAll()
      .where('id', '=', incident.block_page_request_id)
      .executeTakeFirstOrThrow();
    assert.equal(request.user_id, null);
    assert.equal(request.client_ip, null);
    const people = await ctx.store.db
      .selectFrom('incident_people')
      .selectAll()
      .where('incident_id', '=', incident.id)
      .execute();
    assert.deepEqual(people, []);
    const entries = await ctx.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_id', '=', incident.id)
      .execute();
    assert.ok(entries.length > 0);
    for (const entry of entries) {
      assert.equal(entry.actor_id, null);
      assert.doesNotMatch(JSON.stringify(entry), new RegExp(user('pupil').id));
    }
  });

  test('the DSL runs the flowchart: classify, two-person investigation, sign-offs, a suggested sanction, outcome, close', async () => {
    const listed = await get('dsl', '/api/incidents');
    assert.equal(listed.statusCode, 200);
    const first = (listed.json() as { incidents: IncidentJson[] }).incidents.find(
      (i) => i.next.step === 'classify',
    );
    assert.ok(first);
    const id = first.id;
    let r = await post('dsl', `/api/incidents/${id}/classify`, {
      category: 'harassment-stalking',
      fourCs: ['contact', 'conduct'],
      suspectedIllegal: false,
    });
    assert.equal(r.statusCode, 200, r.body);
    r = await post('dsl', `/api/incidents/${id}/people`, {
      userId: user('pupil').id,
      role: 'instigator',
    });
    assert.equal(r.statusCode, 200, r.body);
    let incident = r.json() as IncidentJson;
    assert.equal(incident.next.step, 'investigators');
    assert.match(incident.next.quote.text, /more than one senior member of staff/);
    // the teacher is not senior staff
    r = await post('dsl', `/api/incidents/${id}/investigators`, { userId: user('teacher').id });
    assert.equal(r.statusCode, 400);
    for (const who of ['dsl', 'head']) {
      r = await post('dsl', `/api/incidents/${id}/investigators`, { userId: user(who).id });
      assert.equal(r.statusCode, 200, r.body);
    }
    // judging before the investigation is recorded is refused
    r = await post('dsl', `/api/incidents/${id}/judgement`, { judgement: 'substance' });
    assert.equal(r.statusCode, 409);
    r = await post('dsl', `/api/incidents/${id}/investigation`, {
      designatedDevice: 'DSL laptop (asset 0042)',
      urls: ['https://chat.example/thread/1'],
      contentNature: 'Repeated unkind messages',
    });
    assert.equal(r.statusCode, 200, r.body);
    r = await post('dsl', `/api/incidents/${id}/evidence`, {
      fileName: 'messages.txt',
      mediaType: 'text/plain',
      contentBase64: Buffer.from('SECRET SCREENSHOT TEXT').toString('base64'),
    });
    assert.equal(r.statusCode, 200, r.body);
    incident = r.json() as IncidentJson;
    const evidence = incident.evidence[0];
    assert.ok(evidence);
    const stored = await ctx.store.db
      .selectFrom('incident_evidence')
      .select('ciphertext')
      .where('id', '=', evidence.id)
      .executeTakeFirstOrThrow();
    assert.doesNotMatch(Buffer.from(stored.ciphertext).toString('latin1'), /SECRET SCREENSHOT/);
    const download = await get('head', `/api/incidents/${id}/evidence/${evidence.id}`);
    assert.equal(download.statusCode, 200);
    assert.equal(download.body, 'SECRET SCREENSHOT TEXT');

    r = await post('dsl', `/api/incidents/${id}/judgement`, {
      judgement: 'substance',
      note: 'Upheld',
    });
    assert.equal((r.json() as IncidentJson).next.step, 'sign-off');
    r = await post('teacher', `/api/incidents/${id}/sign-off`);
    assert.equal(r.statusCode, 403);
    r = await post('dsl', `/api/incidents/${id}/sign-off`);
    assert.equal((r.json() as IncidentJson).next.step, 'sign-off');
    r = await post('dsl', `/api/incidents/${id}/sign-off`);
    assert.equal(r.statusCode, 409, 'no second signature by the same person');
    r = await post('head', `/api/incidents/${id}/sign-off`);
    incident = r.json() as IncidentJson;
    assert.equal(incident.next.step, 'actions');

    const pupilLink = incident.people.find((p) => p.userId === user('pupil').id);
    assert.ok(pupilLink);
    const suggestion = incident.suggestions.find((s) => s.personId === pupilLink.id)?.suggestion;
    assert.ok(suggestion);
    const suggested = suggestion.actions.find((a) => a.suggested);
    assert.ok(suggested);
    r = await post('dsl', `/api/incidents/${id}/sanctions`, {
      personId: pupilLink.id,
      actionId: suggested.id,
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      (r.json() as IncidentJson).sanctions.map((s) => [s.actionId, s.suggested]),
      [[suggested.id, true]],
    );
    r = await post('dsl', `/api/incidents/${id}/close`);
    assert.equal(r.statusCode, 409, 'not before the actions, feedback and support');
    r = await post('dsl', `/api/incidents/${id}/outcome`, {
      actionsTaken: ['internal-response'],
      feedback: 'Both pupils told the outcome',
      support: 'Peer mentor offered',
    });
    assert.equal((r.json() as IncidentJson).next.step, 'close');
    r = await post('dsl', `/api/incidents/${id}/learning`, {
      text: 'Year 5 lesson on reporting unkind messages',
    });
    assert.equal(r.statusCode, 200);
    r = await post('dsl', `/api/incidents/${id}/close`);
    assert.equal((r.json() as IncidentJson).status, 'closed');
    const learning = await get('dsl', '/api/incidents/learning');
    assert.match(learning.body, /Year 5 lesson/);

    // chronology and export
    const chronology = await get('dsl', `/api/people/${user('pupil').id}/chronology`);
    assert.equal(chronology.statusCode, 200);
    const kinds = (chronology.json() as { entries: { kind: string }[] }).entries.map((e) => e.kind);
    assert.ok(kinds.includes('incident') && kinds.includes('sanction'));
    const before = await auditCount('incident.export');
    const csv = await get('dsl', '/api/incidents/export?pupil=pupil&format=csv');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.body.split('\r\n')[0] ?? '', /^incident_id,reported_at/);
    assert.match(csv.body, /Pip Adeyemi/);
    assert.equal(await auditCount('incident.export'), before + 1);
  });

  test('CSAM: referred, no evidence of any kind (the API refuses)', async () => {
    let r = await post('teacher', '/api/incidents/report', {
      summary: 'A pupil showed me an image that may be child abuse',
      concernAbout: 'pupils',
    });
    assert.equal(r.statusCode, 201, r.body);
    const id = (r.json() as { id: string }).id;
    r = await post('dsl', `/api/incidents/${id}/classify`, {
      category: 'csam',
      fourCs: ['content'],
      suspectedIllegal: false,
    });
    const incident = r.json() as IncidentJson;
    assert.equal(incident.evidenceAllowed, false);
    assert.equal(incident.next.step, 'refer-police');
    r = await post('dsl', `/api/incidents/${id}/evidence`, {
      fileName: 'x.png',
      contentBase64: Buffer.from('x').toString('base64'),
    });
    assert.equal(r.statusCode, 422);
    assert.equal((r.json() as { code: string }).code, 'HAVEN_EVIDENCE_REFUSED');
    r = await post('dsl', `/api/incidents/${id}/investigators`, { userId: user('head').id });
    assert.equal(r.statusCode, 409, 'no investigation on the illegal side');
    r = await post('dsl', `/api/incidents/${id}/referrals`, { agency: 'ceop' });
    assert.equal(r.statusCode, 400, 'the reference is required');
    r = await post('dsl', `/api/incidents/${id}/referrals`, {
      agency: 'ceop',
      reference: 'CEOP-1',
    });
    assert.equal((r.json() as IncidentJson).next.step, 'isolate-device');
  });

  test('a teacher sees only their own reports, and only their status', async () => {
    assert.equal((await get('teacher', '/api/incidents')).statusCode, 403);
    const mine = await get('teacher', '/api/incidents/mine');
    assert.equal(mine.statusCode, 200);
    const reports = (mine.json() as { reports: { id: string; status: string }[] }).reports;
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.status, 'being-dealt-with');
    assert.equal((await get('teacher', `/api/incidents/${reports[0]?.id}`)).statusCode, 403);
    assert.equal((await get('pupil', '/api/incidents/mine')).json().reports.length, 0);
  });

  test('a concern about staff goes to the head; the DSL sees it only where the school says so', async () => {
    const r = await post('teacher', '/api/incidents/report', {
      summary: 'A colleague messages pupils on a personal account',
      concernAbout: 'staff',
    });
    const id = (r.json() as { id: string }).id;
    assert.equal((await get('dsl', `/api/incidents/${id}`)).statusCode, 403);
    assert.ok(!(await get('dsl', '/api/incidents')).body.includes(id));
    assert.equal((await get('head', `/api/incidents/${id}`)).statusCode, 200);
    assert.equal((await get('chair', `/api/incidents/${id}`)).statusCode, 403);
    assert.equal(
      (
        await client('dsl').request('PUT', '/api/incidents/settings', {
          dslSeesStaffConcerns: true,
        })
      ).statusCode,
      403,
    );
    const set = await client('head').request('PUT', '/api/incidents/settings', {
      dslSeesStaffConcerns: true,
    });
    assert.equal(set.statusCode, 200);
    assert.equal((await get('dsl', `/api/incidents/${id}`)).statusCode, 200);
    await client('head').request('PUT', '/api/incidents/settings', { dslSeesStaffConcerns: false });
    assert.equal((await get('dsl', `/api/incidents/${id}`)).statusCode, 403);
  });

  test('a concern about the head is seen by the chair of governors only', async () => {
    const r = await post('teacher', '/api/incidents/report', {
      summary: 'The head shared pupil data on a personal drive',
      concernAbout: 'head',
    });
    const id = (r.json() as { id: string }).id;
    for (const who of ['dsl', 'head', 'governor']) {
      assert.equal((await get(who, `/api/incidents/${id}`)).statusCode, 403, who);
    }
    const chair = await get('chair', `/api/incidents/${id}`);
    assert.equal(chair.statusCode, 200);
    const listed = (await get('chair', '/api/incidents')).json() as { incidents: IncidentJson[] };
    assert.deepEqual(
      listed.incidents.map((i) => i.id),
      [id],
    );
    // the chair is offered staff to link and to investigate, never the pupils' names
    const options = (await get('chair', '/api/incidents/options')).json() as {
      people: { name: string }[];
      seniorStaff: { name: string }[];
    };
    assert.ok(options.people.some((p) => p.name === 'Tom Ellis'));
    assert.ok(!options.people.some((p) => p.name === 'Pip Adeyemi'));
    const lado = await post('chair', `/api/incidents/${id}/referrals`, {
      agency: 'lado',
      note: 'LADO advised on 23 November',
    });
    assert.equal(lado.statusCode, 200);
  });

  test('every read of an incident is audited', async () => {
    const { incidents } = (await get('dsl', '/api/incidents')).json() as {
      incidents: IncidentJson[];
    };
    const id = incidents[0]?.id ?? '';
    assert.ok(id);
    const before = await auditCount('incident.read', id);
    await get('dsl', `/api/incidents/${id}`);
    await get('dsl', `/api/incidents/${id}`);
    assert.equal(await auditCount('incident.read', id), before + 2);
    const lists = await auditCount('incident.read');
    await get('dsl', '/api/incidents');
    assert.equal(await auditCount('incident.read'), lists + 1);
  });

  test('governors see counts, never names', async () => {
    const response = await get('governor', '/api/incidents/summary');
    assert.equal(response.statusCode, 200);
    const summary = response.json() as { total: number; byCategory: { label: string }[] };
    assert.ok(summary.total >= 4);
    for (const name of ['Pip', 'Adeyemi', 'Tom Ellis', 'Dana', 'nasty', 'colleague']) {
      assert.ok(!response.body.includes(name), name);
    }
    const direct = await summariseIncidents(ctx.store.db, school.id, {
      from: new Date('2000-01-01'),
      to: new Date('2100-01-01'),
    });
    assert.equal(direct.total, summary.total);
    assert.ok(direct.byCategory.some((c) => c.label === 'Harassment / stalking'));
    assert.equal((await get('governor', '/api/incidents')).statusCode, 403);
  });

  test('escalating an alert creates an incident linked to the alert and its pupil', async () => {
    const alert = await insertAlert(ctx.store.db, {
      school_id: school.id,
      user_id: user('pupil').id,
      username: 'pupil',
      client_ip: '10.0.0.5',
      kind: 'phrases',
      category: 'bullying',
      severity: 'high',
      score: 60,
      summary: 'Searches about being bullied',
      created_at: new Date(),
      last_seen_at: new Date(),
      dedupe_key: 'pupil|bullying',
    });
    const r = await post('dsl', `/api/alerts/${alert.id}/escalate`, {
      note: 'Talked to class teacher',
    });
    assert.equal(r.statusCode, 200, r.body);
    const incidentId = (r.json() as { incidentId: string }).incidentId;
    const incident = (await get('dsl', `/api/incidents/${incidentId}`)).json() as IncidentJson & {
      alertId: string;
    };
    assert.equal(incident.alertId, alert.id);
    assert.ok(incident.people.some((p) => p.userId === user('pupil').id && p.role === 'victim'));
    assert.equal((await post('dsl', `/api/alerts/${alert.id}/escalate`)).statusCode, 409);
  });

  test('isolating the device halts capture for the alert’s person and device until the DSL lifts it', async () => {
    // A long refresh: only the announcement after the commit can make the halt see it at once.
    const halt = new CaptureHalt({ db: ctx.store.db, refreshMs: 3_600_000 });
    await halt.start();
    try {
      const alert = await insertAlert(ctx.store.db, {
        school_id: school.id,
        user_id: user('pupil').id,
        username: 'pupil',
        client_ip: '10.0.9.41',
        kind: 'phrases',
        category: 'sexual-content',
        severity: 'critical',
        score: 95,
        summary: 'An image shared in a chat',
        created_at: new Date(),
        last_seen_at: new Date(),
        dedupe_key: 'pupil|isolate-test',
      });
      let r = await post('dsl', `/api/alerts/${alert.id}/escalate`, { note: 'Seen by the DSL' });
      assert.equal(r.statusCode, 200, r.body);
      const id = (r.json() as { incidentId: string }).incidentId;
      assert.equal(halt.halted(school.id, null, '10.0.9.41'), false);
      r = await post('dsl', `/api/incidents/${id}/isolate-device`, {
        description: 'Year 9 laptop 14, locked in the DSL office',
      });
      assert.equal(r.statusCode, 200, r.body);
      const rows = await listIncidentIsolations(ctx.store.db, id);
      assert.ok(rows.some((i) => i.client_ip === '10.0.9.41' && i.user_id === user('pupil').id));
      assert.ok(rows.every((i) => i.alert_id === null && i.lifted_at === null));
      for (let i = 0; i < 50 && !halt.halted(school.id, null, '10.0.9.41'); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(halt.halted(school.id, null, '10.0.9.41'), true, 'the device is halted');
      assert.equal(halt.halted(school.id, user('pupil').id, '10.9.9.9'), true, 'and the person');
      // Isolating again adds nobody twice.
      r = await post('dsl', `/api/incidents/${id}/isolate-device`, { description: 'Same laptop' });
      assert.equal((await listIncidentIsolations(ctx.store.db, id)).length, rows.length);
      // Only the DSL lifts it, with a reason.
      r = await post('teacher', `/api/incidents/${id}/isolation/lift`, { reason: 'back in use' });
      assert.equal(r.statusCode, 403, r.body);
      r = await post('dsl', `/api/incidents/${id}/isolation/lift`, { reason: 'x' });
      assert.equal(r.statusCode, 400, r.body);
      r = await post('dsl', `/api/incidents/${id}/isolation/lift`, {
        reason: 'The police have returned the laptop',
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.ok((await listIncidentIsolations(ctx.store.db, id)).every((i) => i.lifted_at));
      for (let i = 0; i < 50 && halt.halted(school.id, null, '10.0.9.41'); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(halt.halted(school.id, null, '10.0.9.41'), false, 'capture resumes');
      r = await post('dsl', `/api/incidents/${id}/isolation/lift`, { reason: 'again please' });
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(await auditCount('incident.isolation.lifted', id), 1);
    } finally {
      await halt.stop();
    }
  });

  test('open learning points are the Online Safety Group’s agenda until taken to a meeting', async () => {
    let r = await post('teacher', '/api/incidents/report', {
      summary: 'Pupils shared a quiz link that asked for their home address',
      concernAbout: 'pupils',
    });
    assert.equal(r.statusCode, 201, r.body);
    const id = (r.json() as { id: string }).id;
    r = await post('dsl', `/api/incidents/${id}/learning`, {
      text: 'Teach Year 6 about quizzes that collect personal data',
    });
    assert.equal(r.statusCode, 200, r.body);
    type Agenda = { learning: { id: string; incidentId: string; text: string }[] };
    const agenda = async () =>
      ((await get('dsl', '/api/incidents/learning')).json() as Agenda).learning;
    const point = (await agenda()).find((l) => l.incidentId === id);
    assert.ok(point, 'the learning point is on the agenda');
    const meeting = await insertRegisterRow(
      ctx.store.db,
      {
        schoolId: school.id,
        register: 'osg-meetings',
        data: { date: '2026-11-30', title: 'Autumn term meeting' },
        by: user('dsl').id,
      },
      new Date(),
    );
    const take = (who: string, meetingId: string) =>
      post(who, `/api/incidents/learning/${point.id}/meeting`, { meetingId });
    assert.equal((await take('teacher', meeting.id)).statusCode, 403);
    const other = await insertRegisterRow(
      ctx.store.db,
      { schoolId: school.id, register: 'osg-actions', data: {}, by: null },
      new Date(),
    );
    r = await take('dsl', other.id);
    assert.equal(r.statusCode, 400, 'an action is not a meeting');
    r = await take('dsl', meeting.id);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((r.json() as { meetingId: string }).meetingId, meeting.id);
    assert.ok(!(await agenda()).some((l) => l.id === point.id), 'it leaves the agenda');
    const row = await ctx.store.db
      .selectFrom('incident_learning')
      .selectAll()
      .where('id', '=', point.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.meeting_id, meeting.id);
    assert.equal(row.taken_by, user('dsl').id);
    assert.equal((await take('dsl', meeting.id)).statusCode, 409);
    assert.equal(await auditCount('incident.learning.taken-to-meeting', id), 1);
  });

  test('the command-line export includes every incident, and is audited', async () => {
    const data = await exportIncidents(
      ctx.store.db,
      systemActor('cli'),
      { schoolId: school.id },
      new Date(),
    );
    assert.equal(data.format, 'haven-incidents');
    assert.ok(data.incidents.some((i) => i.concernAbout === 'head'));
    const csv = exportToCsv(data);
    assert.ok(csv.startsWith('incident_id,'));
    await assert.rejects(
      exportIncidents(
        ctx.store.db,
        systemActor('cli'),
        { schoolId: school.id, pupil: 'nobody' },
        new Date(),
      ),
      /no person "nobody"/,
    );
  });
});
