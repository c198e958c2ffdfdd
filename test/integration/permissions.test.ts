import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { can, isAbility } from '../../src/access/abilities.ts';
import { actorOf } from '../../src/access/sessions.ts';
import { roles, type Role } from '../../src/access/roles.ts';
import { apiRoutes } from '../../src/api/app.ts';
import { abilities } from '../../src/api/plugins/abilities.ts';
import type { AnyRoute } from '../../src/api/route.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import type { User } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool } from '../support/factories.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

const password = 'permission test password';

function sampleBody(route: AnyRoute): unknown {
  if (route.bodyType === 'text/csv') return 'name,username\n';
  return route.body ? {} : undefined;
}

eachDatabase('every route with every role', (ctx) => {
  let app: FastifyInstance;
  const clients = new Map<Role, SignedInClient>();
  const users = new Map<Role, User>();
  let routes: AnyRoute[];

  before(async () => {
    const { school } = await setupDemoSchool(ctx.store.db, new Date());
    for (const role of roles) {
      const user = await buildPerson(ctx.store.db, role === 'trust-admin' ? null : school, {
        username: `as-${role}`,
        roles: [role],
        password,
      });
      users.set(role, user);
    }
    app = await testApp(ctx.store);
    for (const role of roles) clients.set(role, await signIn(app, `as-${role}`, password));
    routes = apiRoutes({ store: ctx.store } as never);
    // Sign-out last: it ends the session the other requests use.
    routes.sort(
      (a, b) => Number(a.ability === 'session.delete') - Number(b.ability === 'session.delete'),
    );
  });
  after(() => app.close());

  test('every route declares an ability from the one list', () => {
    assert.ok(routes.length >= 10);
    for (const route of routes) assert.ok(isAbility(route.ability), `${route.method} ${route.url}`);
  });

  test('a route without an ability cannot be registered', async () => {
    const bare = Fastify();
    await bare.register(cookie);
    await bare.register(abilities, { store: ctx.store } as never);
    assert.throws(
      () => bare.get('/api/forgotten', async () => ({ ok: true })),
      /declares no ability/,
    );
    await bare.close();
  });

  test('each role gets exactly what its abilities allow, and anonymous only public routes', async () => {
    const pupil = users.get('pupil');
    assert.ok(pupil);
    const failures: string[] = [];
    for (const route of routes) {
      const url = route.url.replace(':id', pupil.id);
      const anonymous = await app.inject({
        method: route.method,
        url,
        ...(sampleBody(route) === undefined ? {} : { payload: sampleBody(route) as string }),
      });
      const publicRoute = can(null, route.ability);
      if (publicRoute === [401, 403].includes(anonymous.statusCode)) {
        failures.push(`anonymous ${route.method} ${route.url} → ${anonymous.statusCode}`);
      }
      for (const role of roles) {
        const client = clients.get(role);
        const user = users.get(role);
        if (!client || !user) throw new Error(role);
        const response = await client.request(route.method, url, sampleBody(route));
        const allowed = can(actorOf(user), route.ability);
        const refused = response.statusCode === 403 && response.json().code === 'HAVEN_FORBIDDEN';
        if (allowed === refused || response.statusCode === 401) {
          failures.push(
            `${role} ${route.method} ${route.url} → ${response.statusCode} (ability ${route.ability} ${allowed ? 'granted' : 'refused'})`,
          );
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test('record rules: a school cannot see or change another school’s people', async () => {
    const other = await buildSchool(ctx.store.db);
    const stranger = await buildPerson(ctx.store.db, other, { username: 'stranger' });
    const fresh = await signIn(app, 'as-head', password);
    assert.equal((await fresh.request('GET', `/api/users/${stranger.id}`)).statusCode, 404);
    assert.equal(
      (await fresh.request('PATCH', `/api/users/${stranger.id}`, { displayName: 'x' })).statusCode,
      404,
    );
    assert.equal((await fresh.request('GET', `/api/users?schoolId=${other.id}`)).statusCode, 403);
    const trust = await signIn(app, 'as-trust-admin', password);
    assert.equal((await trust.request('GET', `/api/users/${stranger.id}`)).statusCode, 200);
    assert.equal((await trust.request('GET', `/api/users?schoolId=${other.id}`)).json().total, 1);
  });
});
