import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../src/config/config-schema.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { startFilterNode } from '../../src/filter/node/filter-node.ts';
import { listAlerts } from '../../src/store/alert-repository.ts';
import type { Alert } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** A GET through the proxy (absolute URI); resolves with the status, whatever it is. */
function viaProxy(port: number, url: string, auth: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: url,
        headers: { host: new URL(url).host, 'proxy-authorization': auth },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * The alert pipeline wired into a filter node: a search through the real proxy becomes an alert
 * in the database, on PGlite and on PostgreSQL. The upstream resolver is 127.0.0.1:9 (discard),
 * so the forward fails harmlessly after the event is logged.
 */
eachDatabase('alerts from the filter node', (ctx) => {
  test('a pupil’s search through the proxy raises a critical alert within 5 seconds', async () => {
    const { school } = await setupDemoSchool(ctx.store.db, new Date('2026-11-23T08:00:00Z'));
    const dataDir = mkdtempSync(join(tmpdir(), 'haven-alerts-node-'));
    const node = await startFilterNode({
      config: configSchema.parse({
        dataDir,
        filter: { dnsUpstreams: ['127.0.0.1:9'] },
        ...(ctx.store.url ? { databaseUrl: ctx.store.url } : {}),
      }),
      store: ctx.store,
      enable: { proxy: true, dns: false, icap: false },
      ports: { proxy: 0 },
    });
    try {
      const port = node.listening.proxy?.port ?? 0;
      await viaProxy(
        port,
        'http://www.google.com/search?q=how+to+kill+myself',
        basic('pupil', 'haven-demo'),
      );
      const started = Date.now();
      let alert: Alert | undefined;
      while (!alert) {
        assert.ok(Date.now() - started < 5000, 'no alert within 5 s');
        await new Promise((r) => setTimeout(r, 50));
        [alert] = await listAlerts(ctx.store.db, { schoolId: school.id, limit: 1 });
      }
      assert.equal(alert.severity, 'critical');
      assert.equal(alert.category, 'self-harm');
      assert.equal(alert.username, 'pupil');
      assert.equal(alert.group_slug, 'ks2');
      assert.ok(alert.matched_phrases.includes('how to kill myself'));
    } finally {
      await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
