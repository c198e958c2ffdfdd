import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { systemActor } from '../../src/access/actor.ts';
import { verifyPassword } from '../../src/access/passwords.ts';
import { configSchema, type HavenConfig } from '../../src/config/config-schema.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { decideForGroups } from '../../src/filtering/decide.ts';
import { addLocalEntry } from '../../src/filtering/local-entries.ts';
import {
  activateVersion,
  approveVersion,
  createDraft,
  documentOf,
} from '../../src/filtering/policy-versions.ts';
import type { SchoolSnapshot } from '../../src/filtering/snapshot-loader.ts';
import { startFilterNode } from '../../src/filter/node/filter-node.ts';
import { notifyFilterChange } from '../../src/store/filter-notify.ts';
import { NetworkIdentifier, type ClientRange } from '../../src/filter/node/identifier.ts';
import { SnapshotStore } from '../../src/filter/node/snapshot-store.ts';
import { writeDataLock } from '../../src/store/data-lock.ts';
import { findActivePolicyVersion } from '../../src/store/policy-version-repository.ts';
import type { Database, School } from '../../src/store/schema.ts';
import { findUserByUsername, updateUser } from '../../src/store/user-repository.ts';
import { importLines } from '../support/blocklists.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool } from '../support/factories.ts';
import { runCli } from '../support/run-cli.ts';
import { postgresAdminUrl } from '../support/test-databases.ts';
import { signIn, testApp } from '../support/test-app.ts';

// Monday 23 November 2026, 10:00 in London: a lesson.
const lessonTime = new Date('2026-11-23T10:00:00Z');

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

async function waitFor(what: string, check: () => boolean, ms = 5000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) assert.fail(`${what}: not within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

function decide(snapshot: SchoolSnapshot | undefined, groups: string[], destination: string) {
  assert.ok(snapshot, 'a snapshot is in force');
  return decideForGroups(snapshot, groups, destination, lessonTime);
}

function testConfig(dataDir: string, extra: Record<string, unknown> = {}): HavenConfig {
  return configSchema.parse({
    dataDir,
    filter: { dnsUpstreams: ['127.0.0.1:9'] },
    ...extra,
  });
}

/** Make the test database refuse every connection (and drop the open ones), or let them in again. */
async function setPostgresReachable(database: string, reachable: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(
      `alter database ${database} allow_connections ${reachable ? 'true' : 'false'}`,
    );
    if (!reachable) {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
    }
  } finally {
    await admin.end();
  }
}

eachDatabase('filter nodes', (ctx) => {
  let db: Kysely<Database>;
  let school: School;
  let scratch: string;
  let store: SnapshotStore;
  const stores: SnapshotStore[] = [];
  const apps: FastifyInstance[] = [];

  const newStore = (options: Partial<ConstructorParameters<typeof SnapshotStore>[0]> = {}) => {
    const created = new SnapshotStore({
      db,
      cacheDir: join(scratch, 'filter-cache'),
      listenUrl: ctx.store.url,
      ...options,
    });
    stores.push(created);
    return created;
  };

  before(async () => {
    db = ctx.store.db;
    scratch = mkdtempSync(join(tmpdir(), 'haven-filter-node-'));
    school = (await setupDemoSchool(db, new Date())).school;
    await importLines(db, 'test/gambling', 'gambling', ['bet365.com', 'casino.test']);
    await importLines(db, 'iwf-test', 'child-abuse', ['iwf-listed.test']);
    store = newStore();
    await store.start();
  });

  after(async () => {
    for (const app of apps) await app.close();
    for (const s of stores) await s.close();
    // Normally restored by the outage test itself; the database may already be dropped here.
    if (ctx.kind === 'postgres') await setPostgresReachable(ctx.store.where, true).catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('the snapshot store', () => {
    test('loads every school at start and enforces its lists', () => {
      const status = store.status();
      assert.equal(status.ready, true);
      assert.equal(status.source, 'database');
      assert.match(status.detail, /Roundwood Demo School policy v1/);
      assert.match(status.detail, /3 list entries in 2 list\(s\)/);
      const ks2 = decide(store.current(school.id), ['ks2'], 'bet365.com');
      assert.equal(ks2.action, 'block');
      assert.equal(ks2.ruleId, 'matrix:gambling:ks2');
      assert.equal(store.schools()[0]?.slug, 'roundwood-demo');
    });

    test('a new local entry is enforced within 5 s when it is announced', async () => {
      // A store that does not poll: only the notice can bring the change in.
      const quiet = newStore({ checkIntervalMs: 60_000, fullCheckIntervalMs: 600_000 });
      await quiet.start();
      const before = quiet.current(school.id);
      await addLocalEntry(
        db,
        {
          schoolId: school.id,
          action: 'block',
          target: 'announced.test',
          groups: [],
          category: null,
          reason: 'test: announced',
        },
        { actor: systemActor('test'), now: new Date() },
      );
      if (ctx.kind === 'postgres') {
        // A bare NOTIFY from the database, as another process would send it: proves LISTEN.
        await sql`select pg_notify('haven_filter_changes', ${JSON.stringify({ schoolId: school.id, kind: 'local-entries' })})`.execute(
          db,
        );
      } else {
        await notifyFilterChange(db, { schoolId: school.id, kind: 'local-entries' });
      }
      const took = await waitFor(
        'the announced entry is blocked',
        () => decide(quiet.current(school.id), ['staff'], 'announced.test').action === 'block',
      );
      assert.ok(took < 5000);
      assert.notEqual(quiet.current(school.id), before, 'a new snapshot was swapped in');
      assert.equal(
        decide(before, ['staff'], 'announced.test').action,
        'allow',
        'the old snapshot object is untouched (readers holding it see a consistent policy)',
      );
    });

    test('a change nobody announced is still picked up within 5 s (the periodic check)', async () => {
      const generation = store.generation;
      await addLocalEntry(
        db,
        {
          schoolId: school.id,
          action: 'block',
          target: 'unannounced.test',
          groups: ['ks2'],
          category: null,
          reason: 'test: not announced',
        },
        { actor: systemActor('test'), now: new Date() },
      );
      await waitFor(
        'the unannounced entry is blocked for ks2',
        () => decide(store.current(school.id), ['ks2'], 'unannounced.test').action === 'block',
      );
      assert.ok(store.generation > generation);
      assert.equal(decide(store.current(school.id), ['staff'], 'unannounced.test').action, 'allow');
    });

    test('a change made in this process is seen by the next read at once (the API in `haven start`)', async () => {
      await addLocalEntry(
        db,
        {
          schoolId: school.id,
          action: 'block',
          target: 'same-process.test',
          groups: [],
          category: null,
          reason: 'test: same process',
        },
        { actor: systemActor('test'), now: new Date() },
      );
      store.invalidateSchool(school.id);
      assert.equal(
        decide(await store.school(school.id), ['staff'], 'same-process.test').action,
        'block',
      );
      await assert.rejects(
        store.school('00000000-0000-4000-8000-000000000000'),
        /no active policy/,
      );
    });

    test('a newly activated policy version is enforced within 5 s', async () => {
      const actor = systemActor('test');
      const active = await findActivePolicyVersion(db, school.id);
      assert.ok(active);
      const document = structuredClone(documentOf(active));
      const row = document.userActions.sections
        .flatMap((s) => s.rows)
        .find((r) => r.id === 'online-gambling');
      assert.ok(row);
      row.levels.staff = { level: 'acceptable' };
      const draft = await createDraft(
        db,
        {
          schoolId: school.id,
          document,
          basedOn: active,
          changeNote: 'staff may see gambling sites',
        },
        { actor, now: new Date() },
      );
      const approved = await approveVersion(
        db,
        draft,
        { note: 'approved for the test', nextReview: '2099-09-01' },
        { actor, now: new Date() },
      );
      await activateVersion(db, approved, { actor, now: new Date() });
      await notifyFilterChange(db, { schoolId: school.id, kind: 'policy' });
      await waitFor(
        'policy v2 is enforced',
        () => store.current(school.id)?.policyVersion.number === 2,
      );
      assert.equal(decide(store.current(school.id), ['staff'], 'bet365.com').action, 'allow');
      assert.equal(decide(store.current(school.id), ['ks2'], 'bet365.com').action, 'block');
      assert.equal(
        decide(store.current(school.id), ['ks2'], 'unannounced.test').action,
        'block',
        'local entries carry over to the new version',
      );
    });
  });

  describe('the identifier', () => {
    let identifier: NetworkIdentifier;
    let verifications = 0;
    const clients: ClientRange[] = [
      { cidr: '10.0.30.0/24', group: 'ks1', deviceClass: 'school-multi-user' },
      { cidr: '10.0.0.0/8', deviceClass: 'school-single-user' },
      { cidr: '2001:db8:40::/48', group: 'staff', deviceClass: 'staff-owned' },
    ];

    before(() => {
      identifier = new NetworkIdentifier({
        db,
        schools: store,
        clients,
        authCacheSeconds: 300,
        lockout: { maxFailures: 3, lockoutMinutes: 15 },
        verify: (hash, password) => {
          verifications += 1;
          return verifyPassword(hash, password);
        },
      });
    });

    test('Proxy-Authorization: a Haven account with its groups; the range gives the device class', async () => {
      const result = await identifier.identify({
        clientIp: '10.0.20.7',
        proxyAuthorization: basic('pupil', 'haven-demo'),
      });
      assert.equal(result.ok, true);
      assert.ok(result.ok);
      assert.equal(result.identity.via, 'proxy-auth');
      assert.equal(result.identity.username, 'pupil');
      assert.equal(result.identity.schoolId, school.id);
      assert.deepEqual(result.identity.groups, ['ks2']);
      assert.equal(result.identity.deviceClass, 'school-single-user');
      const dsl = await identifier.identify({
        clientIp: '192.0.2.1',
        proxyAuthorization: basic('dsl', 'haven-demo'),
      });
      assert.ok(dsl.ok);
      assert.deepEqual([...dsl.identity.groups].sort(), ['safeguarding-checkers', 'staff']);
      assert.equal(dsl.identity.deviceClass, null);
    });

    test('the cache answers a repeat without a second argon2 verification', async () => {
      const header = basic('teacher', 'haven-demo');
      const first = verifications;
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          identifier.identify({ clientIp: '10.0.20.8', proxyAuthorization: header }),
        ),
      );
      assert.ok(results.every((r) => r.ok));
      assert.equal(verifications, first + 1, 'twenty requests at once, one verification');
      await identifier.identify({ clientIp: '10.0.20.9', proxyAuthorization: header });
      assert.equal(verifications, first + 1);
    });

    test('a wrong password is refused and counts towards the lockout; a locked or disabled account is refused', async () => {
      const person = await buildPerson(db, school, {
        username: 'proxyuser',
        roles: ['pupil'],
        groups: ['ks2'],
        password: 'correct horse battery',
      });
      const wrong = await identifier.identify({
        clientIp: '10.0.20.10',
        proxyAuthorization: basic('proxyuser', 'wrong password'),
      });
      assert.deepEqual(wrong, { ok: false, reason: 'wrong username or password' });
      // The same wrong header again (a browser retrying) is answered from the cache: one failure.
      await identifier.identify({
        clientIp: '10.0.20.10',
        proxyAuthorization: basic('proxyuser', 'wrong password'),
      });
      assert.equal((await findUserByUsername(db, 'proxyuser'))?.failed_logins, 1);
      for (const attempt of ['wrong 2', 'wrong 3']) {
        await identifier.identify({
          clientIp: '10.0.20.10',
          proxyAuthorization: basic('proxyuser', attempt),
        });
      }
      const locked = await identifier.identify({
        clientIp: '10.0.20.10',
        proxyAuthorization: basic('proxyuser', 'correct horse battery'),
      });
      assert.equal(locked.ok, false);
      assert.match(locked.ok ? '' : locked.reason, /locked/);
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'actor_label'])
        .where('subject_id', '=', person.id)
        .where('action', '=', 'account.locked')
        .execute();
      assert.deepEqual(audit, [{ action: 'account.locked', actor_label: 'system:proxy-sign-in' }]);

      await updateUser(db, person.id, { locked_until: null, failed_logins: 0, disabled: true });
      const disabled = await identifier.identify({
        clientIp: '10.0.20.10',
        proxyAuthorization: basic('proxyuser', 'correct horse battery'),
      });
      assert.equal(disabled.ok, false);
      const unknown = await identifier.identify({
        clientIp: '10.0.20.10',
        proxyAuthorization: basic('nobody-here', 'whatever'),
      });
      assert.equal(unknown.ok, false);
      const notBasic = await identifier.identify({
        clientIp: '10.0.20.10',
        proxyAuthorization: 'Negotiate YIIabc',
      });
      assert.equal(notBasic.ok, false);
    });

    test('the demo password works only for accounts of the demo school', async () => {
      const other = await buildSchool(db, { slug: 'other-school', name: 'Zebra Other School' });
      const outsider = await buildPerson(db, other, { username: 'outsider', roles: ['staff'] });
      await db
        .updateTable('users')
        .set({ password_hash: (await findUserByUsername(db, 'pupil'))?.password_hash ?? null })
        .where('id', '=', outsider.id)
        .execute();
      const result = await identifier.identify({
        clientIp: '10.0.20.11',
        proxyAuthorization: basic('outsider', 'haven-demo'),
      });
      assert.equal(result.ok, false);
    });

    test('an unidentified device: its address range, else the guest group of the first school', async () => {
      const ks1 = await identifier.identify({ clientIp: '10.0.30.44' });
      assert.ok(ks1.ok);
      assert.deepEqual(ks1.identity, {
        schoolId: school.id,
        userId: null,
        username: null,
        groups: ['ks1'],
        deviceClass: 'school-multi-user',
        via: 'address-range',
      });
      const wide = await identifier.identify({ clientIp: '::ffff:10.9.9.9' });
      assert.ok(wide.ok);
      assert.equal(wide.identity.via, 'address-range');
      assert.deepEqual(
        wide.identity.groups,
        ['guests'],
        'a range without a group: the guest group',
      );
      assert.equal(wide.identity.deviceClass, 'school-single-user');
      const v6 = await identifier.identify({ clientIp: '2001:db8:40:1::9' });
      assert.ok(v6.ok);
      assert.deepEqual(v6.identity.groups, ['staff']);

      const guest = await identifier.identify({ clientIp: '192.0.2.77' });
      assert.ok(guest.ok);
      assert.equal(guest.identity.via, 'guest');
      assert.equal(guest.identity.schoolId, school.id, 'the first school with a policy');
      assert.deepEqual(guest.identity.groups, [
        store.current(school.id)?.snapshot.rules.fallbackGroup,
      ]);
      assert.equal(
        decide(store.current(school.id), [...guest.identity.groups], 'bet365.com').action,
        'block',
      );
    });

    test('captive sign-in through the API ties the address to the person, until signed out', async () => {
      const app = await testApp(ctx.store, {
        network: { signInHours: 8, onDeviceChange: (ip) => identifier.forgetDevice(ip) },
      });
      apps.push(app);
      const device = '10.0.30.50';
      assert.equal(
        ((await identifier.identify({ clientIp: device })) as { identity: { via: string } })
          .identity.via,
        'address-range',
      );

      const wrong = await app.inject({
        method: 'POST',
        url: '/api/network/sign-in',
        remoteAddress: device,
        payload: { username: 'pupil', password: 'not it' },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(wrong.json().code, 'HAVEN_BAD_CREDENTIALS');

      const signedIn = await app.inject({
        method: 'POST',
        url: '/api/network/sign-in',
        remoteAddress: device,
        payload: { username: 'pupil', password: 'haven-demo' },
      });
      assert.equal(signedIn.statusCode, 200, signedIn.body);
      assert.equal(signedIn.json().address, device);
      assert.equal(signedIn.json().username, 'pupil');

      const found = await identifier.identify({ clientIp: device });
      assert.ok(found.ok);
      assert.equal(found.identity.via, 'sign-in');
      assert.equal(found.identity.username, 'pupil');
      assert.deepEqual(found.identity.groups, ['ks2']);
      assert.equal(
        found.identity.deviceClass,
        'school-multi-user',
        'the range still says what the device is',
      );
      const mapped = await identifier.identify({ clientIp: `::ffff:${device}` });
      assert.ok(mapped.ok);
      assert.equal(
        mapped.identity.via,
        'sign-in',
        'the dual-stack form of the address is the same device',
      );

      const tech = await signIn(app, 'tech', 'haven-demo');
      const sessions = await tech.request('GET', '/api/network/sessions');
      assert.equal(sessions.statusCode, 200);
      assert.deepEqual(
        sessions
          .json()
          .sessions.map((s: { address: string; username: string }) => [s.address, s.username]),
        [[device, 'pupil']],
      );
      const teacher = await signIn(app, 'teacher', 'haven-demo');
      assert.equal((await teacher.request('GET', '/api/network/sessions')).statusCode, 403);

      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'actor_label'])
        .where('action', 'in', ['network.signed-in', 'network.signed-out'])
        .execute();
      assert.deepEqual(audit, [{ action: 'network.signed-in', actor_label: 'pupil' }]);

      const out = await app.inject({
        method: 'DELETE',
        url: '/api/network/sign-in',
        remoteAddress: device,
      });
      assert.equal(out.statusCode, 204);
      const after = await identifier.identify({ clientIp: device });
      assert.ok(after.ok);
      assert.equal(after.identity.via, 'address-range');
      assert.deepEqual((await tech.request('GET', '/api/network/sessions')).json().sessions, []);

      // A sign-in through another process's API (nobody tells this identifier) shows within seconds.
      const elsewhere = await testApp(ctx.store, { network: { signInHours: 8 } });
      apps.push(elsewhere);
      const again = await elsewhere.inject({
        method: 'POST',
        url: '/api/network/sign-in',
        remoteAddress: device,
        payload: { username: 'teacher', password: 'haven-demo' },
      });
      assert.equal(again.statusCode, 200, again.body);
      let seen = '';
      await waitFor('the other sign-in is seen', () => {
        void identifier.identify({ clientIp: device }).then((r) => {
          seen = r.ok ? (r.identity.username ?? '') : '';
        });
        return seen === 'teacher';
      });
    });
  });

  describe('block page requests', () => {
    let app: FastifyInstance;
    before(async () => {
      app = await testApp(ctx.store, { network: { signInHours: 8, requestsPerMinute: 100 } });
      apps.push(app);
      await app.inject({
        method: 'POST',
        url: '/api/network/sign-in',
        remoteAddress: '10.0.20.30',
        payload: { username: 'pupil', password: 'haven-demo' },
      });
    });

    test('a worry is anonymous: neither the person nor the address is kept', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/block-page/requests',
        remoteAddress: '10.0.20.30',
        payload: {
          kind: 'worry',
          host: 'bet365.com',
          category: 'gambling',
          ruleId: 'matrix:gambling:ks2',
          message: 'Someone keeps sending me this',
          school: 'roundwood-demo',
        },
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().kind, 'worry');
      const row = await db
        .selectFrom('block_page_requests')
        .selectAll()
        .where('id', '=', response.json().id)
        .executeTakeFirstOrThrow();
      assert.equal(row.user_id, null);
      assert.equal(row.client_ip, null);
      assert.equal(row.school_id, school.id);
      assert.equal(row.status, 'new');
      const audit = await db
        .selectFrom('audit_log')
        .select(['actor_label', 'detail'])
        .where('subject_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(audit.actor_label, 'system:block-page');
      assert.doesNotMatch(JSON.stringify(audit.detail), /10\.0\.20\.30|pupil/);
    });

    test('a review request posted as a form says who asked, keeps only the host, and answers a thank-you page', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/block-page/requests',
        remoteAddress: '10.0.20.30',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          kind: 'review',
          host: 'http://casino.test/some/path?q=1',
          category: 'gambling',
          ruleId: '',
          message: 'We need it for a maths lesson on probability',
          school: school.id,
        }).toString(),
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.match(String(response.headers['content-type']), /^text\/html/);
      assert.match(response.body, /Thank you — a member of staff will look at this/);
      assert.match(response.body, /casino\.test/);
      const row = await db
        .selectFrom('block_page_requests')
        .selectAll()
        .where('kind', '=', 'review')
        .executeTakeFirstOrThrow();
      assert.equal(row.host, 'casino.test');
      assert.equal(row.rule_id, null);
      assert.equal(row.client_ip, '10.0.20.30');
      assert.equal(row.user_id, (await findUserByUsername(db, 'pupil'))?.id);
    });

    test('the DSL reads them; a teacher may not; other routes refuse form posts', async () => {
      const dsl = await signIn(app, 'dsl', 'haven-demo');
      const list = await dsl.request('GET', '/api/block-page/requests');
      assert.equal(list.statusCode, 200, list.body);
      const requests = list.json().requests as {
        kind: string;
        user: { username: string } | null;
        message: string;
      }[];
      assert.deepEqual(
        requests.map((r) => [r.kind, r.user?.username ?? null]),
        [
          ['review', 'pupil'],
          ['worry', null],
        ],
      );
      assert.equal(
        (await dsl.request('GET', '/api/block-page/requests?kind=worry')).json().requests.length,
        1,
      );
      const teacher = await signIn(app, 'teacher', 'haven-demo');
      assert.equal((await teacher.request('GET', '/api/block-page/requests')).statusCode, 403);

      const form = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'username=dsl&password=haven-demo',
      });
      assert.equal(form.statusCode, 415);
      assert.equal(form.json().code, 'HAVEN_UNSUPPORTED_MEDIA_TYPE');
    });

    test('with several schools a request must say which; bad input is refused; requests are rate-limited per address', async () => {
      const unsure = await app.inject({
        method: 'POST',
        url: '/api/block-page/requests',
        remoteAddress: '192.0.2.50',
        payload: { kind: 'worry', host: 'bet365.com' },
      });
      assert.equal(unsure.statusCode, 400);
      assert.match(unsure.json().detail, /which school/);
      const bad = await app.inject({
        method: 'POST',
        url: '/api/block-page/requests',
        remoteAddress: '192.0.2.50',
        payload: { kind: 'complaint', host: 'bet365.com', school: 'roundwood-demo' },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().code, 'HAVEN_VALIDATION');

      const limited = await testApp(ctx.store, {
        network: { signInHours: 8, requestsPerMinute: 2 },
      });
      apps.push(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await limited.inject({
          method: 'POST',
          url: '/api/block-page/requests',
          remoteAddress: '192.0.2.51',
          payload: { kind: 'worry', host: 'bet365.com', school: 'roundwood-demo' },
        });
        statuses.push(r.statusCode);
      }
      assert.deepEqual(statuses, [201, 201, 429]);
    });
  });

  describe('a filter node', () => {
    test('runs the proxy, the DNS filter and the ICAP service; blocks and logs in Squid format; reports its health', async () => {
      const dataDir = join(scratch, 'node');
      const node = await startFilterNode({
        config: testConfig(dataDir, ctx.store.url ? { databaseUrl: ctx.store.url } : {}),
        store: ctx.store,
        enable: { proxy: true, dns: true, icap: true },
        ports: { proxy: 0, dns: 0, icap: 0 },
      });
      try {
        const health = node.filterComponents();
        assert.equal(health.proxy?.ready, true);
        assert.equal(health.dns?.ready, true);
        assert.equal(health.icap?.ready, true);
        assert.equal(health.snapshot?.ready, true);
        assert.match(
          health.snapshot?.detail ?? '',
          /Roundwood Demo School policy v2; .*3 list entries in 2 list\(s\)/,
        );

        const port = node.listening.proxy?.port ?? 0;
        const status = await new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: 'http://bet365.com/',
              headers: { host: 'bet365.com', 'proxy-authorization': basic('pupil', 'haven-demo') },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.end();
        });
        assert.equal(status, 403);
        await waitFor('the event is logged', () => node.activity.recent().length > 0);
        const event = node.activity.recent()[0];
        assert.equal(event?.host, 'bet365.com');
        assert.equal(event?.username, 'pupil');
        assert.equal(event?.action, 'block');
        await node.activity.accessLog?.flush();
        const log = readFileSync(join(dataDir, 'logs', 'access.log'), 'utf8');
        assert.match(
          log,
          /^\d+\.\d{3} +\d+ 127\.0\.0\.1 TCP_DENIED\/403 \d+ GET http:\/\/bet365\.com\/ pupil HIER_NONE\/- -$/m,
        );
      } finally {
        await node.close();
      }
      assert.equal(node.filterComponents().proxy?.ready, false);
    });

    if (ctx.kind === 'pglite') {
      test('`haven filter` refuses while Haven holds the embedded database', async () => {
        writeDataLock(ctx.store.where, 'http://127.0.0.1:8080');
        const result = await runCli(['filter', '--proxy-port', '0'], {
          HAVEN_DATA: ctx.store.where,
        });
        assert.equal(result.code, 1);
        assert.match(result.stderr, /Haven is running \(process \d+/);
      });
    }
  });

  describe('the database goes away', () => {
    test('the last good policy stays in force, and a restart from the disk cache alone decides the same', async () => {
      const watching = newStore({ checkIntervalMs: 200 });
      await watching.start();
      const before = watching.current(school.id);
      assert.equal(before?.policyVersion.number, 2);
      const probes: [string[], string][] = [
        [['ks2'], 'bet365.com'],
        [['staff'], 'bet365.com'],
        [['ks2'], 'unannounced.test'],
        [['staff', 'safeguarding-checkers'], 'iwf-listed.test'],
        [['guests'], 'casino.test'],
      ];
      const decisions = probes.map(([groups, host]) => decide(before, groups, host));

      if (ctx.kind === 'postgres') await setPostgresReachable(ctx.store.where, false);
      else await ctx.store.close();

      await waitFor('the outage is noticed', () => watching.status().databaseDownSince !== null);
      assert.equal(watching.current(school.id), before, 'the same snapshot stays in force');
      assert.equal(watching.status().ready, true);
      assert.match(
        watching.status().detail,
        /database unreachable since .*enforcing the last good policy/,
      );
      assert.equal(decide(watching.current(school.id), ['ks2'], 'bet365.com').action, 'block');

      // A node (re)started now has only its disk cache.
      const restarted = newStore({ startWaitMs: 2000, checkIntervalMs: 500 });
      await restarted.start();
      const status = restarted.status();
      assert.equal(status.ready, true);
      assert.equal(status.source, 'disk-cache');
      assert.match(status.detail, /from the disk cache saved/);
      const fromDisk = restarted.current(school.id);
      assert.equal(fromDisk?.policyVersion.number, 2);
      probes.forEach(([groups, host], i) => {
        const decision = decide(fromDisk, groups, host);
        assert.equal(decision.action, decisions[i]?.action, `${groups.join('+')} ${host}`);
        assert.equal(decision.ruleId, decisions[i]?.ruleId, `${groups.join('+')} ${host}`);
      });
      const bet365 = decide(fromDisk, ['ks2'], 'bet365.com');
      assert.equal(bet365.action, 'block');
      assert.equal(bet365.category, 'gambling');
      assert.equal(
        decide(fromDisk, ['staff', 'safeguarding-checkers'], 'iwf-listed.test').action,
        'block',
      );

      if (ctx.kind === 'postgres') {
        // The database comes back: the nodes reconnect and read it again.
        await setPostgresReachable(ctx.store.where, true);
        await waitFor(
          'the restarted node reads the database again',
          () => restarted.status().source === 'database',
          10_000,
        );
        await waitFor(
          'the running node sees the database again',
          () => watching.status().databaseDownSince === null,
          10_000,
        );
        assert.equal(restarted.current(school.id)?.policyVersion.number, 2);
      }
    });
  });
});
