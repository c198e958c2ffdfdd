import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { LoginThrottle } from '../../src/access/login-throttle.ts';
import { buildApp } from '../../src/api/app.ts';
import type { ApiDeps } from '../../src/api/deps.ts';
import { SnapshotCache } from '../../src/filtering/snapshot-loader.ts';
import type { Store } from '../../src/store/database.ts';

/** Encrypts incident evidence in tests (a fresh key per process). */
const testSecretKey = randomBytes(32);

export interface SignedInClient {
  cookie: string;
  csrfToken: string;
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
}

/** The API on a test store, with responses checked against their schemas. */
export async function testApp(
  store: Store,
  overrides: Partial<ApiDeps> = {},
): Promise<FastifyInstance> {
  const clock = overrides.clock ?? (() => new Date());
  return buildApp({
    store,
    clock,
    snapshots: new SnapshotCache(store.db, clock),
    sessions: { sessionHours: 12, maxFailures: 5, lockoutMinutes: 15 },
    throttle: new LoginThrottle(1000),
    secureCookies: false,
    webRoot: null,
    components: () => Promise.resolve({}),
    checkResponses: true,
    logger: false,
    secretKey: () => testSecretKey,
    ...overrides,
  });
}

export async function signIn(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<SignedInClient> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password },
  });
  if (response.statusCode !== 200) {
    throw new Error(`sign-in as ${username} failed: ${response.statusCode} ${response.body}`);
  }
  const setCookie = response.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = (raw ?? '').split(';')[0] ?? '';
  const csrfToken = (response.json() as { csrfToken: string }).csrfToken;
  return {
    cookie,
    csrfToken,
    request: (method, url, body) =>
      app.inject({
        method,
        url,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(typeof body === 'string' ? { 'content-type': 'text/csv' } : {}),
        },
        ...(body === undefined ? {} : { payload: body as string | object }),
      }),
  };
}
