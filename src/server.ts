import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { LoginThrottle } from './access/login-throttle.ts';
import { loadSecretKey } from './access/secret-box.ts';
import { SnapshotCache } from './filtering/snapshot-loader.ts';
import { startFilterNode, type FilterNode } from './filter/node/filter-node.ts';
import { startActivityMaintenance } from './activity/activity-maintenance.ts';
import { buildApp } from './api/app.ts';
import { createAlertDelivery } from './activity/alerts/alert-delivery.ts';
import type { ApiDeps, ComponentHealth } from './api/deps.ts';
import type { HavenConfig } from './config/config-schema.ts';
import { maskConfig } from './config/load-config.ts';
import { demoAccounts, setupDemoSchool } from './demo/demo-school.ts';
import { demoPassword } from './access/passwords.ts';
import {
  DataFolderBusyError,
  readDataLock,
  removeDataLock,
  writeDataLock,
} from './store/data-lock.ts';
import { migrateToLatest, openStore, type Store } from './store/database.ts';
import { countSchools } from './store/school-repository.ts';
import { startChangeControlJobs } from './casework/change-request-jobs.ts';
// Governance reports (issue 8)
import { createMailer } from './activity/alerts/alert-delivery.ts';
import { startCalendarReminders } from './reports/compliance-calendar.ts';

/**
 * The composition root: the only module that wires concrete pieces together.
 * Order of start: open the store → migrate → demo school (on an empty database) → HTTP.
 */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const webRoot = join(projectRoot, 'dist', 'web');

export interface Output {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleOutput: Output = {
  info: (message) => process.stdout.write(`${message}\n`),
  warn: (message) => process.stderr.write(`${message}\n`),
};

function newestMtime(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Build the web UI when it is missing or older than its sources, so `npm start` needs no extra step. */
export async function ensureWebBuilt(output: Output): Promise<void> {
  const sources = join(projectRoot, 'web');
  const index = join(webRoot, 'index.html');
  if (!existsSync(sources)) return;
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(sources)) return;
  output.info('Building the web UI (first start or changed sources)…');
  const { build } = await import('vite');
  await build({ configFile: join(sources, 'vite.config.ts'), logLevel: 'warn' });
}

export async function openMigratedStore(config: HavenConfig): Promise<Store> {
  if (!config.databaseUrl) {
    const lock = readDataLock(config.dataDir);
    if (lock) throw new DataFolderBusyError(config.dataDir, lock);
  }
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export interface RunningHaven {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

export function apiDeps(config: HavenConfig, store: Store, extra: Partial<ApiDeps> = {}): ApiDeps {
  const clock = (): Date => new Date();
  let secretKey: Buffer | undefined;
  return {
    store,
    clock,
    snapshots: new SnapshotCache(store.db, clock),
    sessions: {
      sessionHours: config.sessionHours,
      maxFailures: config.login.maxFailures,
      lockoutMinutes: config.login.lockoutMinutes,
    },
    throttle: new LoginThrottle(config.login.perAddressPerMinute),
    secureCookies: config.publicUrl?.startsWith('https:') ?? false,
    webRoot,
    components: async (): Promise<Record<string, ComponentHealth>> => ({
      ui: existsSync(join(webRoot, 'index.html'))
        ? { ready: true }
        : { ready: false, detail: 'the web UI has not been built (npm run build:web)' },
    }),
    logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
    // Acceptable use agreements: reminders go out through the alerts' SMTP transport
    mailer: config.alerts.smtp
      ? createAlertDelivery({ smtp: config.alerts.smtp, publicUrl: config.publicUrl ?? '' })
      : undefined,
    publicUrl: config.publicUrl,
    // Casework: incident evidence is encrypted with the same key as the school CA's private key.
    secretKey: () => (secretKey ??= loadSecretKey(config.dataDir, process.env).key),
    ...extra,
  };
}

/** `haven start`: one process with the API and UI (the proxy and DNS filter join it later). */
export async function startHaven(
  config: HavenConfig,
  output: Output = consoleOutput,
): Promise<RunningHaven> {
  output.info(`Effective configuration: ${JSON.stringify(maskConfig(config))}`);
  await ensureWebBuilt(output);
  const store = await openMigratedStore(config);
  let demoCreated = false;
  if (config.demo && (await countSchools(store.db)) === 0) {
    demoCreated = (await setupDemoSchool(store.db, new Date())).created;
  }
  let filterNode: FilterNode | null = null;
  const base = apiDeps(config, store);
  const app = await buildApp({
    ...base,
    // The API decides with the filter node's snapshots when it runs: one compiled copy.
    snapshots: {
      school: (id) => (filterNode ? filterNode.snapshots.school(id) : base.snapshots.school(id)),
      invalidateSchool: (id) => {
        filterNode?.snapshots.invalidateSchool(id);
        base.snapshots.invalidateSchool(id);
      },
    },
    // Events from other sources (the ingest API) go through the filter node's writer, which
    // starts after the API: read it when a request comes.
    get activityWriter() {
      return filterNode?.ingest;
    },
    // Technical notices (the activity spool nearing its cap) for the technician's home page.
    technicalNotices: () => filterNode?.notices.list() ?? [],
    alertWebhookConfigured: config.alerts.webhookUrl !== undefined,
    network: {
      signInHours: config.filter.signInHours,
      onDeviceChange: (ip) => filterNode?.identifier.forgetDevice(ip),
    },
    components: async () => ({
      ...(await base.components()),
      ...(filterNode?.filterComponents() ?? {}),
    }),
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await store.close();
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new Error(
        `Port ${config.port} on ${config.host} is already in use: stop what uses it or set HAVEN_PORT.`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (!config.databaseUrl) writeDataLock(config.dataDir, url);
  const maintenance = startActivityMaintenance({ db: store.db });
  // Approved filter changes are applied at their effective time; ended exemptions are logged.
  const changeControl = startChangeControlJobs({
    db: store.db,
    onChange: (schoolId) => {
      filterNode?.snapshots.invalidateSchool(schoolId);
      base.snapshots.invalidateSchool(schoolId);
    },
    onError: (error) => output.warn(`change control: ${String(error)}`),
  });
  // Governance reports (issue 8): the daily compliance calendar reminders, by email.
  const reminders = startCalendarReminders({
    db: store.db,
    mailer: createMailer(config.alerts.smtp, (_level, message) =>
      output.warn(`calendar: ${message}`),
    ),
    publicUrl: config.publicUrl ?? url,
    log: (_level, message) => output.warn(message),
  });
  if (config.filter.enabled) {
    try {
      filterNode = await startFilterNode({
        config,
        store,
        enable: { proxy: true, dns: true, icap: false },
        // Where the adapters listen goes in the banner below; warnings are shown as they come.
        output: { info: () => undefined, warn: output.warn },
      });
    } catch (error) {
      await changeControl.stop();
      await maintenance.stop();
      await reminders.stop();
      await app.close();
      await store.close();
      if (!config.databaseUrl) removeDataLock(config.dataDir);
      throw error;
    }
  }

  output.info('');
  output.info(
    `Haven is running on ${store.kind === 'pglite' ? `the embedded database in ${store.location}` : `PostgreSQL at ${store.location}`}.`,
  );
  output.info(`  Web UI:  ${url}/`);
  output.info(
    `  API:     ${url}/api  (health: ${url}/api/health, OpenAPI: ${url}/api/openapi.json)`,
  );
  const { proxy, dns } = filterNode?.listening ?? {};
  if (proxy)
    output.info(
      `  Proxy:   ${proxy.host}:${proxy.port}  (set it as the browser's HTTP and HTTPS proxy)`,
    );
  if (dns)
    output.info(`  DNS:     ${dns.host}:${dns.port}  (UDP and TCP; port 53 when run as a service)`);
  if (filterNode) output.info(`  Policy:  ${filterNode.snapshots.status().detail}`);
  if (demoCreated || config.demo) {
    const demo = await store.db
      .selectFrom('schools')
      .select('name')
      .where('is_demo', '=', true)
      .executeTakeFirst();
    if (demo) {
      output.info('');
      output.info(
        `Demo school "${demo.name}": sign in with any of these (password "${demoPassword}"):`,
      );
      for (const account of demoAccounts)
        output.info(`  ${account.username.padEnd(10)} ${account.purpose}`);
    }
  }
  output.info('');
  output.info('Press Ctrl+C to stop.');

  let closed = false;
  return {
    app,
    store,
    url,
    close: async () => {
      if (closed) return;
      closed = true;
      await changeControl.stop();
      await maintenance.stop();
      await reminders.stop();
      await filterNode?.close();
      await app.close();
      await store.close();
      if (!config.databaseUrl) removeDataLock(config.dataDir);
    },
  };
}
