import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { LoginThrottle } from '../../src/access/login-throttle.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool, frozenClock } from '../support/factories.ts';
import { signIn, testApp } from '../support/test-app.ts';

eachDatabase('sessions and sign-in', (ctx) => {
  let app: FastifyInstance;
  const clock = frozenClock();
  before(async () => {
    await setupDemoSchool(ctx.store.db, clock.now());
    app = await testApp(ctx.store, { clock: clock.now, throttle: new LoginThrottle(15) });
  });
  after(() => app.close());

  test('health answers 200 with JSON', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'ok');
    assert.equal(response.json().database, ctx.kind);
  });

  test('the dsl signs in with the demo password and sees their abilities', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'dsl', password: 'haven-demo' },
    });
    assert.equal(response.statusCode, 200);
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /haven_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.doesNotMatch(cookie, /Secure/, 'not Secure over plain http');
    const body = response.json();
    assert.equal(body.user.username, 'dsl');
    assert.ok(body.abilities.includes('audit.read'));
    assert.equal(body.user.passwordHash, undefined);
  });

  test('the cookie is Secure when Haven is reached over https', async () => {
    const secureApp = await testApp(ctx.store, { secureCookies: true });
    const response = await secureApp.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'teacher', password: 'haven-demo' },
    });
    assert.match(String(response.headers['set-cookie']), /Secure/);
    await secureApp.close();
  });

  test('GET /api/me needs a session; wrong passwords give one problem+json answer', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/api/me' });
    assert.equal(anonymous.statusCode, 401);
    assert.match(String(anonymous.headers['content-type']), /application\/problem\+json/);
    assert.equal(anonymous.json().code, 'HAVEN_UNAUTHENTICATED');

    const unknownUser = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'nobody', password: 'x' },
    });
    const wrongPassword = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'head', password: 'nope' },
    });
    assert.equal(unknownUser.statusCode, 401);
    assert.equal(wrongPassword.statusCode, 401);
    assert.equal(
      unknownUser.json().detail,
      wrongPassword.json().detail,
      'does not reveal which usernames exist',
    );
  });

  test('a malformed sign-in body is a 400 naming the field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: '' },
    });
    assert.equal(response.statusCode, 400);
    const problem = response.json();
    assert.equal(problem.code, 'HAVEN_VALIDATION');
    const paths = problem.errors.map((e: { path: string }) => e.path);
    assert.ok(paths.includes('body.username') && paths.includes('body.password'));
    const notJson = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json' },
      payload: '{oops',
    });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().code, 'HAVEN_BAD_REQUEST');
  });

  test('state-changing requests need the CSRF token; sign-out ends the session', async () => {
    const client = await signIn(app, 'teacher', 'haven-demo');
    const withoutToken = await app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie: client.cookie },
    });
    assert.equal(withoutToken.statusCode, 403);
    assert.equal(withoutToken.json().code, 'HAVEN_CSRF');
    const out = await client.request('DELETE', '/api/session');
    assert.equal(out.statusCode, 204);
    const me = await client.request('GET', '/api/me');
    assert.equal(me.statusCode, 401);
  });

  test('a cross-site sign-in attempt is refused', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: 'https://evil.example', host: 'localhost:80' },
      payload: { username: 'dsl', password: 'haven-demo' },
    });
    assert.equal(response.statusCode, 403);
  });

  test('five failures lock the account; the lock lifts after the lockout', async () => {
    const school = await buildSchool(ctx.store.db);
    await buildPerson(ctx.store.db, school, { username: 'locky', password: 'the right password' });
    for (let i = 0; i < 5; i += 1) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'locky', password: 'wrong' },
      });
      assert.equal(r.statusCode, 401);
    }
    const locked = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'locky', password: 'the right password' },
    });
    assert.equal(locked.statusCode, 423);
    assert.equal(locked.json().code, 'HAVEN_ACCOUNT_LOCKED');
    assert.ok(Number(locked.headers['retry-after']) > 0);
    clock.advance(16 * 60_000);
    const unlocked = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'locky', password: 'the right password' },
    });
    assert.equal(unlocked.statusCode, 200);
  });

  test('sign-in attempts from one address are rate limited', async () => {
    clock.advance(61_000);
    let last = 0;
    for (let i = 0; i < 16; i += 1) {
      last = (
        await app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { username: `u${i}`, password: 'x' },
        })
      ).statusCode;
    }
    assert.equal(last, 429);
    clock.advance(61_000);
  });

  test('the demo password works only in the demo school', async () => {
    const school = await buildSchool(ctx.store.db);
    const user = await buildPerson(ctx.store.db, school, {
      username: 'realhead',
      password: 'a long real password',
    });
    // Force the demo password in directly (the API refuses to set it): sign-in must still refuse it.
    const { hashPassword } = await import('../../src/access/passwords.ts');
    await ctx.store.db
      .updateTable('users')
      .set({ password_hash: await hashPassword('haven-demo') })
      .where('id', '=', user.id)
      .execute();
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'realhead', password: 'haven-demo' },
    });
    assert.equal(response.statusCode, 401);

    const tech = await signIn(app, 'tech', 'haven-demo');
    const refused = await tech.request('POST', '/api/users', {
      schoolId: school.id,
      username: 'another',
      displayName: 'Another',
      roles: ['staff'],
      password: 'haven-demo',
    });
    assert.equal(
      refused.statusCode,
      403,
      'tech of the demo school cannot add people to another school',
    );
  });

  test('a signed-in user changes their own password; a weak one is refused', async () => {
    const school = await buildSchool(ctx.store.db, { isDemo: false });
    await buildPerson(ctx.store.db, school, { username: 'changer', password: 'first password!' });
    const client = await signIn(app, 'changer', 'first password!');
    const weak = await client.request('PUT', '/api/me/password', {
      currentPassword: 'first password!',
      newPassword: 'short',
    });
    assert.equal(weak.statusCode, 422);
    assert.equal(weak.json().code, 'HAVEN_WEAK_PASSWORD');
    const demo = await client.request('PUT', '/api/me/password', {
      currentPassword: 'first password!',
      newPassword: 'haven-demo',
    });
    assert.equal(demo.statusCode, 422);
    const ok = await client.request('PUT', '/api/me/password', {
      currentPassword: 'first password!',
      newPassword: 'second password!',
    });
    assert.equal(ok.statusCode, 204);
    await signIn(app, 'changer', 'second password!');
  });

  test('an unknown API route is a 404 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, 'HAVEN_NOT_FOUND');
  });
});
