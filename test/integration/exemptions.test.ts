import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { applyDueChanges } from '../../src/casework/change-requests.ts';
import {
  exemptionsForGroups,
  summariseChangeRequests,
  summariseExemptions,
} from '../../src/casework/exemption-summary.ts';
import { logEndedExemptions } from '../../src/casework/exemptions.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { demoPassword } from '../../src/access/passwords.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFilterCache, saveFilterCache } from '../../src/filter/node/disk-cache.ts';
import {
  buildListIndex,
  compileSchool,
  readDatabaseInputs,
  schoolFingerprint,
} from '../../src/filter/node/snapshot-inputs.ts';
import { evaluate } from '../../src/policy/engine/evaluate.ts';
import { listFilterChanges } from '../../src/store/filter-change-repository.ts';
import { listLocalEntries } from '../../src/store/local-entry-repository.ts';
import { listPolicyVersions } from '../../src/store/policy-version-repository.ts';
import { findUserByUsername } from '../../src/store/user-repository.ts';
import type { School } from '../../src/store/schema.ts';
import { importLines } from '../support/blocklists.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, frozenClock } from '../support/factories.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

// Monday 23 November 2026, 10:00 in London (GMT).
const clock = frozenClock('2026-11-23T10:00:00.000Z');
const at = (minutes: number) => new Date(Date.parse('2026-11-23T10:00:00Z') + minutes * 60_000);

eachDatabase('temporary exemptions and filter change requests', (ctx) => {
  let app: FastifyInstance;
  let school: School;
  const as: Record<string, SignedInClient> = {};

  before(async () => {
    school = (await setupDemoSchool(ctx.store.db, new Date())).school;
    await importLines(ctx.store.db, 'test-gambling', 'gambling', ['bets-for-class.test']);
    await importLines(ctx.store.db, 'test-iwf', 'child-abuse', ['iwf-listed.test']);
    await importLines(ctx.store.db, 'test-vpn', 'circumvention', ['open-proxy.test']);
    await buildPerson(ctx.store.db, school, {
      username: 'osl',
      roles: ['staff', 'online-safety-lead'],
      password: demoPassword,
    });
    app = await testApp(ctx.store, { clock: clock.now });
    for (const name of ['teacher', 'dsl', 'head', 'governor', 'pupil', 'parent', 'osl', 'tech'])
      as[name] = await signIn(app, name, demoPassword);
  });
  after(() => app.close());

  const c = (name: string): SignedInClient => {
    const client = as[name];
    if (!client) throw new Error(`no client for ${name}`);
    return client;
  };

  const ask = (who: string, body: Record<string, unknown>) =>
    c(who).request('POST', '/api/exemptions', {
      groups: ['ks2'],
      startsAt: at(0).toISOString(),
      endsAt: at(60).toISOString(),
      reason: 'Year 5 maths lesson on probability',
      ...body,
    });
  const decide = (who: string, group: string, destination: string) =>
    c(who).request('POST', '/api/filter/test', { destination, group });

  test('a teacher asks, the DSL approves, the filter lets the class through until the end', async () => {
    const options = await c('teacher').request('GET', '/api/exemptions/options');
    assert.equal(options.statusCode, 200, options.body);
    const opts = options.json() as {
      groups: { id: string }[];
      categories: { id: string }[];
      lessons: { label: string; current: boolean }[];
    };
    assert.ok(opts.groups.some((g) => g.id === 'ks2'));
    assert.ok(!opts.categories.some((c) => c.id === 'child-abuse' || c.id === 'circumvention'));
    assert.ok(opts.lessons.some((l) => l.current && l.label.includes('09:00–10:30')));

    const asked = await ask('teacher', { target: { site: 'https://Bets-For-Class.test/' } });
    assert.equal(asked.statusCode, 201, asked.body);
    const ex = asked.json() as { id: string; target: string; state: string; mine: boolean };
    assert.equal(ex.target, 'bets-for-class.test');
    assert.equal(ex.state, 'requested');
    assert.equal(ex.mine, true);
    assert.equal((await decide('dsl', 'ks2', 'bets-for-class.test')).json().action, 'block');

    const approved = await c('dsl').request('POST', `/api/exemptions/${ex.id}/decision`, {
      decision: 'approve',
      note: 'Fine for the lesson',
    });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().state, 'active');

    const allowed = (await decide('dsl', 'ks2', 'bets-for-class.test')).json();
    assert.equal(allowed.action, 'allow');
    assert.equal(allowed.ruleId, `exemption:${ex.id}`);
    assert.match(allowed.reason, /temporary exemption.*probability.*approved by Dana Shah/);
    assert.equal((await decide('dsl', 'ks1', 'bets-for-class.test')).json().action, 'block');

    // The filter node reads it too (and would after a restart).
    const inputs = await readDatabaseInputs(ctx.store.db, null, clock.now());
    const mine = inputs.schools.find((s) => s.school.id === school.id);
    assert.ok(mine?.exemptions?.some((x) => x.id === ex.id && x.target === 'bets-for-class.test'));
    assert.ok(
      mine?.exemptions?.every((x) => x.id !== asked.json().id || x.approvedBy === 'Dana Shah'),
    );

    // A filter node restarted from the database, or from its disk cache while the database is
    // away, compiles the same exemption and ends it at the same instant.
    assert.ok(mine && inputs.lists.contents);
    const lists = await buildListIndex(inputs.lists.contents);
    const folder = mkdtempSync(join(tmpdir(), 'haven-exemption-cache-'));
    try {
      await saveFilterCache(folder, {
        savedAt: clock.now(),
        stamp: inputs.stamp,
        schools: [{ inputs: mine, fingerprint: schoolFingerprint(mine) }],
        lists: inputs.lists.contents,
        written: [],
      });
      const cached = (await loadFilterCache(folder))?.schools.find(
        (s) => s.school.id === school.id,
      );
      for (const source of [mine, cached]) {
        assert.ok(source);
        const node = compileSchool(source, lists.index, clock.now()).snapshot.snapshot;
        const ask = { groups: ['ks2'], host: 'bets-for-class.test' };
        assert.equal(evaluate(node, ask, at(59)).ruleId, `exemption:${ex.id}`);
        assert.equal(evaluate(node, ask, at(60)).action, 'block');
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }

    // One millisecond before the end it still applies; at the end it does not.
    const before = await c('dsl').request('POST', '/api/filter/test', {
      destination: 'bets-for-class.test',
      group: 'ks2',
      at: new Date(at(60).getTime() - 1).toISOString(),
    });
    assert.equal(before.json().action, 'allow');
    const atEnd = await c('dsl').request('POST', '/api/filter/test', {
      destination: 'bets-for-class.test',
      group: 'ks2',
      at: at(60).toISOString(),
    });
    assert.equal(atEnd.json().action, 'block');

    const log = await listFilterChanges(ctx.store.db, school.id, 50);
    assert.ok(log.some((c) => c.kind === 'exemption.requested'));
    assert.ok(log.some((c) => c.kind === 'exemption.approved'));
    const audit = await c('dsl').request('GET', '/api/audit?limit=50');
    assert.equal(audit.statusCode, 200, audit.body);
    assert.match(audit.body, /exemption\.approved/);
  });

  test('pupils and parents can neither ask nor see; a teacher cannot approve', async () => {
    for (const who of ['pupil', 'parent']) {
      assert.equal((await c(who).request('GET', '/api/exemptions')).statusCode, 403);
      assert.equal((await ask(who, { target: { site: 'a.test' } })).statusCode, 403);
    }
    const asked = (await ask('teacher', { target: { site: 'bets-for-class.test/odds' } })).json();
    const own = await c('teacher').request('POST', `/api/exemptions/${asked.id}/decision`, {
      decision: 'approve',
    });
    assert.equal(own.statusCode, 403);
    const governor = await c('governor').request('POST', `/api/exemptions/${asked.id}/decision`, {
      decision: 'approve',
    });
    assert.equal(governor.statusCode, 403);
    assert.equal((await c('governor').request('GET', '/api/exemptions')).statusCode, 200);
  });

  test('the person who asked cannot approve their own exemption', async () => {
    const asked = await ask('dsl', { target: { category: 'online-gaming' } });
    assert.equal(asked.statusCode, 201, asked.body);
    const id = asked.json().id as string;
    const own = await c('dsl').request('POST', `/api/exemptions/${id}/decision`, {
      decision: 'approve',
    });
    assert.equal(own.statusCode, 403);
    assert.match(own.json().detail, /someone else must decide/);
    const declined = await c('osl').request('POST', `/api/exemptions/${id}/decision`, {
      decision: 'decline',
    });
    assert.equal(declined.statusCode, 400, 'a decline needs a note');
    const ok = await c('osl').request('POST', `/api/exemptions/${id}/decision`, {
      decision: 'decline',
      note: 'Use the educational games instead',
    });
    assert.equal(ok.json().state, 'declined');
    const again = await c('osl').request('POST', `/api/exemptions/${id}/decision`, {
      decision: 'approve',
    });
    assert.equal(again.statusCode, 409);
  });

  test('illegal content and circumvention can never be asked for', async () => {
    for (const target of [
      { category: 'child-abuse' },
      { category: 'terrorism' },
      { category: 'circumvention' },
      { site: 'iwf-listed.test' },
      { site: 'sub.iwf-listed.test/page' },
      { site: 'open-proxy.test' },
    ]) {
      const r = await ask('teacher', { target });
      assert.equal(r.statusCode, 422, `${JSON.stringify(target)}: ${r.body}`);
      assert.equal(r.json().code, 'HAVEN_EXEMPTION_REFUSED');
    }
    const bad = await ask('teacher', {
      target: { site: 'not a host' },
      groups: ['year-99'],
      endsAt: at(-10).toISOString(),
    });
    assert.equal(bad.statusCode, 400);
    const paths = (bad.json().errors as { path: string }[]).map((e) => e.path).sort();
    assert.deepEqual(paths, ['endsAt', 'groups', 'target.site']);
  });

  test('revoking early blocks again at once; ended exemptions are logged by the job', async () => {
    const asked = (
      await ask('teacher', { target: { site: 'revoke-me.test' }, endsAt: at(30).toISOString() })
    ).json();
    await c('osl').request('POST', `/api/exemptions/${asked.id}/decision`, { decision: 'approve' });
    await c('dsl').request('POST', '/api/filter/local-entries', {
      action: 'block',
      target: 'revoke-me.test',
      reason: 'Blocked for the test',
    });
    assert.equal((await decide('dsl', 'ks2', 'revoke-me.test')).json().action, 'allow');
    const revoked = await c('dsl').request('POST', `/api/exemptions/${asked.id}/revoke`, {
      note: 'The lesson was moved',
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json().state, 'revoked');
    assert.equal((await decide('dsl', 'ks2', 'revoke-me.test')).json().action, 'block');

    assert.ok((await logEndedExemptions(ctx.store.db, at(61))) >= 1);
    assert.equal(await logEndedExemptions(ctx.store.db, at(61)), 0, 'each end is logged once');
    const log = await listFilterChanges(ctx.store.db, school.id, 100);
    assert.ok(log.some((c) => c.kind === 'exemption.ended'));
    assert.ok(log.some((c) => c.kind === 'exemption.revoked'));
  });

  test('change requests: asked with a reason, approved by someone else, applied on time', async () => {
    const asked = await c('teacher').request('POST', '/api/change-requests', {
      change: { kind: 'local-entry.add', action: 'allow', target: 'bets-for-class.test/maths' },
      reason: 'A probability simulator we use every week',
      effectiveAt: at(120).toISOString(),
    });
    assert.equal(asked.statusCode, 201, asked.body);
    const cr = asked.json() as { id: string; status: string; summary: string };
    assert.equal(cr.status, 'requested');
    assert.match(cr.summary, /Allow bets-for-class\.test\/maths for everyone/);
    assert.equal(
      (
        await c('teacher').request('POST', `/api/change-requests/${cr.id}/decision`, {
          decision: 'approve',
        })
      ).statusCode,
      403,
    );
    const approved = await c('head').request('POST', `/api/change-requests/${cr.id}/decision`, {
      decision: 'approve',
    });
    assert.equal(approved.json().status, 'approved');
    const before = await listLocalEntries(ctx.store.db, school.id);
    assert.ok(!before.some((e) => e.target === 'bets-for-class.test/maths'));
    assert.equal((await applyDueChanges(ctx.store.db, at(119))).length, 0);
    assert.equal((await applyDueChanges(ctx.store.db, at(120))).length, 1);
    const entries = await listLocalEntries(ctx.store.db, school.id);
    assert.ok(
      entries.some((e) => e.target === 'bets-for-class.test/maths' && e.action === 'allow'),
    );

    const own = (
      await c('osl').request('POST', '/api/change-requests', {
        change: { kind: 'matrix', row: 'online-gambling', group: 'staff', level: 'unacceptable' },
        reason: 'no change',
      })
    ).json();
    assert.equal(own.code, 'HAVEN_VALIDATION', 'the row is already unacceptable for staff');

    const matrix = await c('osl').request('POST', '/api/change-requests', {
      change: { kind: 'matrix', row: 'online-shopping', group: 'eyfs', level: 'unacceptable' },
      reason: 'Nursery pupils do not need shopping sites at all',
    });
    assert.equal(matrix.statusCode, 201, matrix.body);
    const selfApproval = await c('osl').request(
      'POST',
      `/api/change-requests/${matrix.json().id}/decision`,
      { decision: 'approve' },
    );
    assert.equal(selfApproval.statusCode, 403);
    const applied = await c('dsl').request(
      'POST',
      `/api/change-requests/${matrix.json().id}/decision`,
      { decision: 'approve', note: 'Agreed' },
    );
    assert.equal(applied.json().status, 'applied', applied.body);
    assert.match(applied.json().outcome, /Draft policy version \d+/);
    const versions = await listPolicyVersions(ctx.store.db, school.id);
    assert.ok(versions.some((v) => v.status === 'draft'));

    const illegal = await c('osl').request('POST', '/api/change-requests', {
      change: {
        kind: 'matrix',
        row: 'child-sexual-abuse-images',
        group: 'staff',
        level: 'acceptable',
      },
      reason: 'never',
    });
    assert.equal(illegal.json().code, 'HAVEN_EXEMPTION_REFUSED');
    const allowIwf = await c('osl').request('POST', '/api/change-requests', {
      change: { kind: 'local-entry.add', action: 'allow', target: 'iwf-listed.test' },
      reason: 'never',
    });
    assert.equal(allowIwf.json().code, 'HAVEN_EXEMPTION_REFUSED');
  });

  test('a review asked from the block page becomes a draft that staff take up', async () => {
    const review = await app.inject({
      method: 'POST',
      url: '/api/block-page/requests',
      payload: { kind: 'review', host: 'blocked-by-mistake.test', category: 'games' },
    });
    assert.equal(review.statusCode, 201, review.body);
    const drafts = (await c('teacher').request('GET', '/api/change-requests?status=draft')).json()
      .changeRequests as { id: string; summary: string; source: string; canTakeUp: boolean }[];
    const draft = drafts.find((d) => d.summary.includes('blocked-by-mistake.test'));
    assert.ok(draft);
    assert.equal(draft.source, 'block-page');
    assert.equal(draft.canTakeUp, true);
    const decideDraft = await c('head').request(
      'POST',
      `/api/change-requests/${draft.id}/decision`,
      {
        decision: 'approve',
      },
    );
    assert.equal(decideDraft.statusCode, 409);
    const taken = await c('teacher').request('POST', `/api/change-requests/${draft.id}/take-up`, {
      change: {
        kind: 'local-entry.add',
        action: 'allow',
        target: 'blocked-by-mistake.test',
        groups: ['ks2'],
      },
      reason: 'It is a times-tables site, not a game',
    });
    assert.equal(taken.statusCode, 200, taken.body);
    assert.equal(taken.json().status, 'requested');
    assert.equal(taken.json().requestedBy, 'Tom Ellis');
  });

  test('governors read the change requests and the change log, and cannot change anything', async () => {
    const list = await c('governor').request('GET', '/api/change-requests');
    assert.equal(list.statusCode, 200);
    assert.ok((list.json().changeRequests as unknown[]).length >= 3);
    const log = await c('governor').request('GET', '/api/filter/changes');
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /exemption\.approved/);
    const create = await c('governor').request('POST', '/api/change-requests', {
      change: { kind: 'local-entry.add', action: 'block', target: 'x.test' },
      reason: 'no',
    });
    assert.equal(create.statusCode, 403);
    assert.equal((await c('pupil').request('GET', '/api/change-requests')).statusCode, 403);
  });

  test('anonymised counts for the governors and the exemptions for a chronology', async () => {
    const range = { from: at(-60), to: at(24 * 60) };
    const ex = await summariseExemptions(ctx.store.db, school.id, range);
    assert.ok(ex.total >= 4);
    assert.ok(ex.byStatus.some((s) => s.label === 'Approved'));
    assert.ok(ex.byTarget.some((s) => s.label === 'bets-for-class.test'));
    assert.doesNotMatch(JSON.stringify(ex), /Tom Ellis|Dana Shah|teacher/);
    const cr = await summariseChangeRequests(ctx.store.db, school.id, range);
    assert.ok(cr.byStatus.some((s) => s.label === 'Applied'));
    const entries = await exemptionsForGroups(ctx.store.db, school.id, ['ks2', 'staff'], range);
    assert.ok(
      entries.some((e) => e.kind === 'exemption' && e.title.includes('bets-for-class.test')),
    );
    assert.deepEqual(await exemptionsForGroups(ctx.store.db, school.id, ['eyfs'], range), []);
  });

  test('a pupil’s chronology shows the exemptions approved for their class', async () => {
    const pupil = await findUserByUsername(ctx.store.db, 'pupil');
    assert.ok(pupil);
    const response = await c('dsl').request('GET', `/api/people/${pupil.id}/chronology`);
    assert.equal(response.statusCode, 200, response.body);
    const entries = (
      response.json() as { entries: { kind: string; title: string; detail: string }[] }
    ).entries.filter((e) => e.kind === 'exemption');
    assert.ok(
      entries.some(
        (e) =>
          e.title.includes('bets-for-class.test') &&
          e.detail.includes('Year 5 maths lesson on probability'),
      ),
      JSON.stringify(entries),
    );
  });
});
