import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { eachDatabase } from '../support/each-database.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

interface Version {
  id: string;
  number: number;
  status: string;
  document: {
    userActions: { sections: { rows: { id: string; levels: Record<string, unknown> }[] }[] };
  };
}

eachDatabase('policy versions through the API', (ctx) => {
  let app: FastifyInstance;
  let dsl: SignedInClient;
  let governor: SignedInClient;
  let head: SignedInClient;
  let teacher: SignedInClient;

  before(async () => {
    await setupDemoSchool(ctx.store.db, new Date());
    app = await testApp(ctx.store);
    dsl = await signIn(app, 'dsl', 'haven-demo');
    governor = await signIn(app, 'governor', 'haven-demo');
    head = await signIn(app, 'head', 'haven-demo');
    teacher = await signIn(app, 'teacher', 'haven-demo');
  });
  after(() => app.close());

  test('the demo school starts with version 1 active, approved by the governor, review in a year', async () => {
    const status = (await teacher.request('GET', '/api/policy/status')).json();
    assert.equal(status.active.number, 1);
    assert.equal(status.active.status, 'active');
    assert.equal(status.active.approvedBy, 'George Whitfield');
    assert.equal(status.review.overdue, false);
    assert.ok(status.review.daysLeft > 300);
  });

  test('draft → edit → governor approves → activate; the filter decides by the new version at once', async () => {
    const before = (
      await teacher.request('POST', '/api/filter/test', {
        destination: 'friv.com',
        group: 'ks2',
        at: '2026-11-23T10:00:00Z',
      })
    ).json();
    const draftResponse = await dsl.request('POST', '/api/policy/versions', {
      changeNote: 'Allow social media at lunch for ks2',
    });
    assert.equal(draftResponse.statusCode, 201);
    const draft = draftResponse.json() as Version;
    assert.equal(draft.status, 'draft');
    assert.equal(draft.number, 2);

    // Change the gambling cell for ks2 to acceptable — only so the effect is easy to see.
    const document = structuredClone(draft.document);
    const row = document.userActions.sections
      .flatMap((s) => s.rows)
      .find((r) => r.id === 'online-gambling');
    assert.ok(row);
    row.levels.ks2 = 'acceptable';
    const edited = await dsl.request('PATCH', `/api/policy/versions/${draft.id}`, { document });
    assert.equal(edited.statusCode, 200, edited.body);

    const diff = (await dsl.request('GET', `/api/policy/versions/${draft.id}/diff`)).json();
    assert.equal(diff.from, 1);
    assert.equal(diff.changes.length, 1);
    assert.match(diff.changes[0].summary, /gambling.*Key Stage 2.*Unacceptable → Acceptable/i);

    // Only a governor approves; nothing is enforced before activation.
    assert.equal(
      (
        await dsl.request('POST', `/api/policy/versions/${draft.id}/approve`, {
          note: 'x',
          nextReview: '2027-09-01',
        })
      ).statusCode,
      403,
    );
    assert.equal(
      (await head.request('POST', `/api/policy/versions/${draft.id}/activate`)).statusCode,
      409,
      'not approved yet',
    );
    const approved = await governor.request('POST', `/api/policy/versions/${draft.id}/approve`, {
      note: 'Approved at the FGB meeting',
      nextReview: '2027-09-01',
    });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().approvedBy, 'George Whitfield');
    assert.equal(
      (
        await dsl.request('PATCH', `/api/policy/versions/${draft.id}`, {
          title: 'Changed after approval',
        })
      ).statusCode,
      409,
    );

    const stillBlocked = (
      await teacher.request('POST', '/api/filter/test', { destination: 'bet365.com', group: 'ks2' })
    ).json();
    assert.equal(stillBlocked.policyVersion, 1);

    const activated = await head.request('POST', `/api/policy/versions/${draft.id}/activate`);
    assert.equal(activated.statusCode, 200, activated.body);
    assert.equal(activated.json().changes.length, 1);
    const after = (
      await teacher.request('POST', '/api/filter/test', {
        destination: 'friv.com',
        group: 'ks2',
        at: '2026-11-23T10:00:00Z',
      })
    ).json();
    assert.equal(after.policyVersion, 2);
    assert.equal(after.action, before.action, 'unchanged rows decide as before');

    const versions = (await teacher.request('GET', '/api/policy/versions')).json().versions;
    assert.deepEqual(
      versions.map((v: { number: number; status: string }) => `${v.number}:${v.status}`),
      ['2:active', '1:superseded'],
    );
    const changes = (await head.request('GET', '/api/filter/changes')).json().changes;
    assert.ok(changes.some((c: { kind: string }) => c.kind === 'policy.approved'));
    assert.ok(
      changes.some(
        (c: { kind: string; summary: string }) =>
          c.kind === 'policy.activated' && c.summary.includes('version 2'),
      ),
    );
  });

  test('a bad document is refused with every problem and its path; nothing is saved', async () => {
    const draft = (await dsl.request('POST', '/api/policy/versions', {})).json() as Version;
    const document = structuredClone(draft.document);
    const rows = document.userActions.sections.flatMap((s) => s.rows);
    const illegal = rows.find((r) => r.id === 'child-sexual-abuse-images') ?? rows[0];
    assert.ok(illegal);
    illegal.levels.ks2 = 'acceptable';
    const gambling = rows.find((r) => r.id === 'online-gambling');
    assert.ok(gambling);
    gambling.levels.ks2 = 'sometimes';
    const response = await dsl.request('PATCH', `/api/policy/versions/${draft.id}`, { document });
    assert.equal(response.statusCode, 400);
    const problem = response.json();
    assert.equal(problem.code, 'HAVEN_VALIDATION');
    const paths = problem.errors.map((e: { path: string }) => e.path).join('\n');
    assert.match(paths, /levels\.ks2/);
    assert.ok(problem.errors.length >= 2, JSON.stringify(problem.errors));
    const reloaded = (
      await dsl.request('GET', `/api/policy/versions/${draft.id}`)
    ).json() as Version;
    assert.deepEqual(reloaded.document, draft.document);
  });

  test('the published tables render as HTML from the active version', async () => {
    const status = (await teacher.request('GET', '/api/policy/status')).json();
    const page = await teacher.request(
      'GET',
      `/api/policy/versions/${status.active.id}/document.html`,
    );
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /User actions/i);
    assert.match(page.body, /Roundwood Demo School/);
  });

  test('pupils cannot read policy versions; teachers cannot draft', async () => {
    const pupil = await signIn(app, 'pupil', 'haven-demo');
    assert.equal((await pupil.request('GET', '/api/policy/versions')).statusCode, 403);
    assert.equal((await teacher.request('POST', '/api/policy/versions', {})).statusCode, 403);
  });
});
