import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { roles, type Role } from '../../src/access/roles.ts';
import { registers } from '../../src/governance/registers/index.ts';
import type { School } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool } from '../support/factories.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

const password = 'register permissions password';

/** Who may read and edit each register, in the policy's terms (not read off abilities.ts). */
const expected: Record<string, { read: Role[]; edit: Role[] }> = {
  roles: {
    read: [
      'staff',
      'technician',
      'dsl',
      'deputy-dsl',
      'online-safety-lead',
      'head',
      'governor',
      'chair-of-governors',
    ],
    edit: ['dsl', 'online-safety-lead', 'head'],
  },
  devices: {
    read: ['technician', 'dsl', 'online-safety-lead', 'head', 'governor', 'chair-of-governors'],
    edit: ['technician', 'online-safety-lead'],
  },
  'guest-accounts': {
    read: ['technician', 'dsl', 'online-safety-lead', 'head', 'governor', 'chair-of-governors'],
    edit: ['technician', 'online-safety-lead', 'head'],
  },
  'photo-consent': {
    read: ['staff', 'technician', 'dsl', 'deputy-dsl', 'online-safety-lead', 'head'],
    edit: ['dsl', 'online-safety-lead', 'head'],
  },
  breaches: {
    read: ['dsl', 'deputy-dsl', 'online-safety-lead', 'head'],
    edit: ['dsl', 'online-safety-lead', 'head'],
  },
  'subject-access-requests': {
    read: ['dsl', 'deputy-dsl', 'online-safety-lead', 'head'],
    edit: ['dsl', 'online-safety-lead', 'head'],
  },
  'social-media': {
    read: [
      'staff',
      'technician',
      'dsl',
      'deputy-dsl',
      'online-safety-lead',
      'head',
      'governor',
      'chair-of-governors',
    ],
    edit: ['online-safety-lead', 'head'],
  },
};

eachDatabase('governance registers: who may read and edit', (ctx) => {
  let app: FastifyInstance;
  let school: School;
  let other: School;
  const clients = new Map<Role, SignedInClient>();

  before(async () => {
    school = await buildSchool(ctx.store.db);
    other = await buildSchool(ctx.store.db);
    for (const role of roles) {
      await buildPerson(ctx.store.db, role === 'trust-admin' ? null : school, {
        username: `perm-${role}`,
        roles: [role],
        password,
      });
    }
    app = await testApp(ctx.store);
    for (const role of roles) clients.set(role, await signIn(app, `perm-${role}`, password));
  });
  after(() => app.close());

  const client = (role: Role): SignedInClient => {
    const c = clients.get(role);
    if (!c) throw new Error(role);
    return c;
  };

  test('each register is read and edited by the roles the policy gives it; pupils, parents and visitors by nobody', async () => {
    const failures: string[] = [];
    for (const [key, who] of Object.entries(expected)) {
      for (const role of roles) {
        if (role === 'trust-admin') continue;
        const list = await client(role).request('GET', `/api/registers/${key}`);
        const mayRead = who.read.includes(role);
        if ((list.statusCode === 200) !== mayRead)
          failures.push(`${role} GET ${key} → ${list.statusCode}`);
        const csv = await client(role).request('GET', `/api/registers/${key}/export.csv`);
        if ((csv.statusCode === 200) !== mayRead)
          failures.push(`${role} CSV ${key} → ${csv.statusCode}`);
        // An empty body: those who may edit get 400 (validation), the rest 403.
        const create = await client(role).request('POST', `/api/registers/${key}`, {});
        const mayEdit = who.edit.includes(role);
        if (create.statusCode !== (mayEdit ? 400 : 403))
          failures.push(`${role} POST ${key} → ${create.statusCode}`);
      }
    }
    assert.deepEqual(failures, []);
    for (const role of ['pupil', 'parent', 'visitor'] as const) {
      assert.equal((await client(role).request('GET', '/api/registers')).statusCode, 403, role);
      for (const definition of registers)
        assert.equal(
          (await client(role).request('GET', `/api/registers/${definition.key}`)).statusCode,
          403,
          `${role} ${definition.key}`,
        );
    }
  });

  test('the overview lists only the registers the user may read', async () => {
    const keysFor = async (role: Role) =>
      (
        (await client(role).request('GET', '/api/registers')).json() as {
          registers: { key: string; canEdit: boolean }[];
        }
      ).registers;
    const governor = await keysFor('governor');
    assert.ok(
      governor.some((r) => r.key === 'roles' && !r.canEdit),
      'governors read the roles register',
    );
    assert.ok(!governor.some((r) => r.key === 'breaches'), 'governors do not see the breach log');
    const tech = await keysFor('technician');
    assert.ok(tech.some((r) => r.key === 'devices' && r.canEdit));
    assert.ok(!tech.some((r) => r.key === 'subject-access-requests'));
  });

  test('record rule: another school’s rows are not found, and a trust administrator names the school', async () => {
    const stranger = await buildPerson(ctx.store.db, other, {
      username: 'perm-other-head',
      roles: ['head'],
      password,
    });
    const otherHead = await signIn(app, stranger.username, password);
    const created = await otherHead.request('POST', '/api/registers/retention-schedule', {
      record: 'Their records',
      period: '1 year',
      action: 'destroy',
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = (created.json() as { row: { id: string } }).row.id;
    const head = client('head');
    assert.equal(
      (await head.request('GET', `/api/registers/retention-schedule/${id}`)).statusCode,
      404,
    );
    assert.equal(
      (
        await head.request('PATCH', `/api/registers/retention-schedule/${id}`, {
          period: '2 years',
        })
      ).statusCode,
      404,
    );
    assert.equal(
      (await head.request('DELETE', `/api/registers/retention-schedule/${id}`)).statusCode,
      404,
    );
    assert.equal(
      (await head.request('GET', `/api/registers/retention-schedule?schoolId=${other.id}`))
        .statusCode,
      403,
    );
    const trust = client('trust-admin');
    const noSchool = await trust.request('GET', '/api/registers/retention-schedule');
    assert.equal(noSchool.statusCode, 400);
    assert.equal(
      (noSchool.json() as { errors: { path: string }[] }).errors[0]?.path,
      'query.schoolId',
    );
    const theirs = (
      await trust.request('GET', `/api/registers/retention-schedule?schoolId=${other.id}`)
    ).json() as { rows: { id: string }[] };
    assert.deepEqual(
      theirs.rows.map((r) => r.id),
      [id],
    );
  });

  test('reads of personal-data registers are audited; changes always', async () => {
    const dsl = client('dsl');
    const last = await ctx.store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirstOrThrow();
    await dsl.request('POST', '/api/registers/breaches', {
      title: 'Audit check',
      discoveredAt: '2026-11-23T09:00:00Z',
      risk: 'unlikely',
      icoDecision: 'undecided',
    });
    await dsl.request('GET', '/api/registers/breaches');
    await dsl.request('GET', '/api/registers/roles');
    const actions = await ctx.store.db
      .selectFrom('audit_log')
      .select(['action', 'subject_type'])
      .where('actor_label', '=', 'perm-dsl')
      .where('action', 'like', 'register.%')
      .where('seq', '>', String(last.seq ?? 0))
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      actions.map((a) => `${a.action} ${a.subject_type}`),
      ['register.created register:breaches', 'register.read register:breaches'],
    );
  });
});
