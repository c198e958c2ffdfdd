import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { HavenConfig } from '../../config/config-schema.ts';
import type { Store } from '../../store/database.ts';
import { createDnsFilter, type DnsFilter } from '../dns/dns-filter.ts';
import { resolveUpstreams } from '../dns/resolv-conf.ts';
import { resolverLookup } from '../proxy/upstream.ts';
import { createIcapServer, type IcapService } from '../icap/icap-server.ts';
import {
  deviceAccessFromPolicy,
  type DeviceAccess,
  type DeviceAccessLookup,
} from '../proxy/device-access.ts';
import { createProxyServer, type ProxyServer } from '../proxy/proxy-server.ts';
import { createActivityBuffer, type ActivityBuffer } from './activity-buffer.ts';
import { NetworkIdentifier } from './identifier.ts';
import { SnapshotStore, type SnapshotStoreOptions } from './snapshot-store.ts';
import {
  createEventWriter,
  type ActivityBatchWriter,
  type EventWriter,
} from '../../activity/event-writer.ts';
import { startAlerting } from '../../activity/alerts/alerting.ts';
import { CaptureHalt } from '../../activity/capture-halt.ts';
import { SpoolWatch, TechnicalNotices } from '../../activity/technical-notices.ts';
import { loadHttpsInspection } from '../tls/inspection-setup.ts';

/**
 * A filter node: the snapshot store, the identifier and the activity sink, with whichever
 * network adapters are asked for (forward proxy, DNS filter, ICAP service for Squid) plugged in.
 * `haven filter` runs one without the web UI; `haven start` runs one inside the server process.
 * Stateless (ENF-6): everything it needs comes from the database, and the last good inputs are
 * kept in `HAVEN_DATA/filter-cache` for a start while the database is down.
 */

export interface FilterNodeOutput {
  info(message: string): void;
  warn(message: string): void;
}

export interface FilterNodeOptions {
  config: HavenConfig;
  store: Store;
  enable: { proxy: boolean; dns: boolean; icap: boolean };
  /** Ports to listen on (0: any free port); default `proxyPort`, `dnsPort`, and 1344 for ICAP. */
  ports?: { proxy?: number; dns?: number; icap?: number };
  output?: FilterNodeOutput;
  clock?: () => Date;
  /** Snapshot store timings (tests shorten them). */
  snapshotTimings?: Pick<
    SnapshotStoreOptions,
    'checkIntervalMs' | 'fullCheckIntervalMs' | 'startWaitMs' | 'queryTimeoutMs'
  >;
}

export interface FilterComponentHealth {
  ready: boolean;
  detail?: string;
}

export interface FilterNode {
  readonly snapshots: SnapshotStore;
  /** Where every decision is stored (batched; spooled to disk while the database is away). */
  readonly events: EventWriter;
  readonly identifier: NetworkIdentifier;
  readonly activity: ActivityBuffer;
  /**
   * Where the ingest API writes events from other sources (MON-6): through the writer, then
   * scored by the alert pipeline like the adapters' events (cut down first for isolated people).
   */
  readonly ingest: ActivityBatchWriter;
  /** Technical notices for the technician (the activity spool nearing its cap). */
  readonly notices: TechnicalNotices;
  /** MON-4: people and devices whose capture is halted (marked for isolation). */
  readonly captureHalt: CaptureHalt;
  /** Where each running adapter listens. */
  readonly listening: {
    readonly proxy?: { host: string; port: number };
    readonly dns?: { host: string; port: number };
    readonly icap?: { host: string; port: number };
  };
  /** For `/api/health`: each running adapter, and the snapshot (policy version, list entries). */
  filterComponents(): Record<string, FilterComponentHealth>;
  close(): Promise<void>;
}

/** The standard ICAP port (RFC 3507). */
export const defaultIcapPort = 1344;

const silent: FilterNodeOutput = { info: () => undefined, warn: () => undefined };

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function portInUse(error: unknown, what: string, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new Error(`${what}: port ${port} on ${host} is already in use`, { cause: error });
  }
  if (code === 'EACCES') {
    return new Error(
      `${what}: not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges)`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** `(school, device class)` → network access, from each school's policy in force. */
function deviceAccessOf(snapshots: SnapshotStore): DeviceAccessLookup {
  let generation = -1;
  const tables = new Map<string, ReadonlyMap<string, DeviceAccess>>();
  return (schoolId, deviceClass) => {
    if (generation !== snapshots.generation) {
      generation = snapshots.generation;
      tables.clear();
    }
    let table = tables.get(schoolId);
    if (!table) {
      const policy = snapshots.policy(schoolId);
      if (!policy) return undefined;
      table = deviceAccessFromPolicy(policy);
      tables.set(schoolId, table);
    }
    return table.get(deviceClass);
  };
}

export async function startFilterNode(options: FilterNodeOptions): Promise<FilterNode> {
  const { config, store, enable } = options;
  const output = options.output ?? silent;
  const clock = options.clock ?? (() => new Date());
  const dataDir = resolve(config.dataDir);
  const publicUrl = config.publicUrl ?? `http://${hostPort(config.host, config.port)}`;

  const snapshots = new SnapshotStore({
    db: store.db,
    cacheDir: join(dataDir, 'filter-cache'),
    listenUrl: store.kind === 'postgres' ? config.databaseUrl : undefined,
    clock,
    log: { info: (m) => output.info(`filter: ${m}`), warn: (m) => output.warn(`filter: ${m}`) },
    ...options.snapshotTimings,
  });
  // Scores each event and raises alerts for the DSL, off the hot path (MON-2, MON-3).
  const alerting = startAlerting({
    db: store.db,
    config,
    publicUrl,
    clock,
    log: (level, message) => (level === 'info' ? output.info : output.warn)(message),
  });
  // Near the spool's cap the technician is told: a notice in the app and one email (issue 6).
  const notices = new TechnicalNotices();
  const spoolDir = join(dataDir, 'spool');
  const spoolWatch = new SpoolWatch({
    db: store.db,
    notices,
    spoolDir,
    clock,
    send: (recipients, subject, text) => alerting.delivery.sendNotice(recipients, subject, text),
    log: (m) => output.warn(`activity: ${m}`),
  });
  await spoolWatch.start();
  // Every decision: kept in the database (MON-1), in the recent-events ring and the access log.
  const events = await createEventWriter({
    db: store.db,
    kind: store.kind,
    spoolDir,
    spoolCapBytes: config.filter.spoolCapMiB * 1_048_576,
    onSpoolPressure: (pressure) => {
      output.warn(
        `activity: the spool holds ${Math.round(pressure.bytes / 1_048_576)} MiB of its ${Math.round(pressure.cap / 1_048_576)} MiB: the database has been unreachable for a while`,
      );
      spoolWatch.pressure(pressure);
    },
    onSpoolPressureCleared: () => spoolWatch.cleared(),
    log: (level, message) => (level === 'info' ? output.info : output.warn)(`activity: ${message}`),
  });
  // MON-4: isolated people and devices are recorded without paths, terms, titles or content.
  const captureHalt = new CaptureHalt({
    db: store.db,
    log: (m) => output.warn(`activity: ${m}`),
  });
  await captureHalt.start();
  const activity = createActivityBuffer({
    accessLog: {
      path: join(dataDir, 'logs', 'access.log'),
      onError: (m) => output.warn(`filter: ${m}`),
    },
    sinks: [events, alerting.pipeline],
  });
  // What the adapters emit into: cut down for isolated people and devices first (MON-4).
  const sink = captureHalt.sink(activity);
  const ingest: ActivityBatchWriter = {
    async writeBatch(batch) {
      const reduced = batch.map((e) => captureHalt.reduce(e));
      const result = await events.writeBatch(reduced);
      // Scored like the adapters' events: a browser extension's events raise alerts too.
      for (const event of reduced) alerting.pipeline.emit(event);
      return result;
    },
  };
  const identifier = new NetworkIdentifier({
    db: store.db,
    schools: snapshots,
    clients: config.filter.clients,
    authCacheSeconds: config.filter.authCacheSeconds,
    lockout: { maxFailures: config.login.maxFailures, lockoutMinutes: config.login.lockoutMinutes },
    clock,
    log: { warn: (m) => output.warn(`filter: ${m}`) },
  });

  const listening: {
    proxy?: { host: string; port: number };
    dns?: { host: string; port: number };
    icap?: { host: string; port: number };
  } = {};
  let proxy: ProxyServer | null = null;
  let dns: DnsFilter | null = null;
  let icap: IcapService | null = null;
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const stops: Promise<void>[] = [];
    if (proxy) stops.push(proxy.close());
    if (dns) stops.push(dns.close());
    if (icap) stops.push(icap.close());
    await Promise.allSettled(stops);
    await snapshots.close();
    await activity.close();
    await alerting.close();
    await events.close();
    await captureHalt.stop();
    spoolWatch.stop();
  };

  try {
    await snapshots.start();
    const status = snapshots.status();
    (status.ready ? output.info : output.warn)(`filter: ${status.detail}`);

    if (enable.proxy) {
      const host = config.proxyHost;
      const port = options.ports?.proxy ?? config.proxyPort;
      // HTTPS inspection for managed devices, when the school has turned it on (issue 5).
      const inspection = await loadHttpsInspection({
        dataDir: config.dataDir,
        settings: config.filter.inspection,
        env: process.env,
        clock,
      });
      if (inspection)
        output.info('  HTTPS inspection: on for managed devices (see docs/https-inspection.md)');
      proxy = createProxyServer({
        ...(inspection === null ? {} : { inspection }),
        identifier,
        snapshots,
        events: sink,
        captureHalted: (schoolId, userId, clientIp) =>
          captureHalt.halted(schoolId, userId, clientIp),
        clock,
        blockPage: { publicUrl },
        deviceAccess: deviceAccessOf(snapshots),
        // With upstream resolvers configured, the proxy asks them too (else the system resolver).
        ...(config.filter.dnsUpstreams.length > 0
          ? { upstream: { lookup: resolverLookup(resolveUpstreams(config.filter.dnsUpstreams)) } }
          : {}),
      });
      try {
        listening.proxy = { host, port: await proxy.listen(port, host) };
      } catch (error) {
        throw portInUse(error, 'the proxy', host, port);
      }
      output.info(`  Proxy:   ${hostPort(host, listening.proxy.port)}  (HTTP and HTTPS CONNECT)`);
    }
    if (enable.dns) {
      const host = config.dnsHost;
      const port = options.ports?.dns ?? config.dnsPort;
      const blockAnswer =
        config.filter.dnsBlockAnswer === 'block-page'
          ? { address: config.filter.blockPageAddress ?? '' }
          : ('nxdomain' as const);
      if (blockAnswer !== 'nxdomain' && blockAnswer.address === '') {
        throw new Error(
          'filter.dnsBlockAnswer is block-page, but filter.blockPageAddress is not set: give the IPv4 address of the block page server',
        );
      }
      dns = createDnsFilter({
        identifier,
        snapshots,
        events: sink,
        clock,
        upstreams: resolveUpstreams(config.filter.dnsUpstreams),
        blockAnswer,
      });
      try {
        const ports = await dns.listen(port, host);
        listening.dns = { host, port: ports.udpPort };
      } catch (error) {
        throw portInUse(error, 'the DNS filter', host, port);
      }
      output.info(`  DNS:     ${hostPort(host, listening.dns.port)}  (UDP and TCP)`);
    }
    if (enable.icap) {
      const host = config.proxyHost;
      const port = options.ports?.icap ?? defaultIcapPort;
      icap = createIcapServer({
        identifier,
        snapshots,
        sink,
        now: clock,
        publicUrl,
        onError: (error) =>
          output.warn(
            `filter: ICAP could not identify a client (${error instanceof Error ? error.message : String(error)}): blocked`,
          ),
      });
      const server = icap.server;
      try {
        await new Promise<void>((resolveListen, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => {
            server.off('error', reject);
            resolveListen();
          });
        });
      } catch (error) {
        throw portInUse(error, 'the ICAP service', host, port);
      }
      const address = server.address() as AddressInfo | null;
      listening.icap = { host, port: address?.port ?? port };
      output.info(
        `  ICAP:    icap://${hostPort(host, listening.icap.port)}/reqmod  (Squid: icap_service … reqmod_precache)`,
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  output.info(`  Access log: ${join(dataDir, 'logs', 'access.log')}`);

  return {
    snapshots,
    events,
    identifier,
    activity,
    ingest,
    notices,
    captureHalt,
    listening,
    filterComponents: () => {
      const components: Record<string, FilterComponentHealth> = {};
      if (enable.proxy) {
        components.proxy = proxy?.server.listening
          ? {
              ready: true,
              detail: hostPort(listening.proxy?.host ?? '', listening.proxy?.port ?? 0),
            }
          : { ready: false, detail: 'not listening' };
      }
      if (enable.dns) {
        components.dns = listening.dns
          ? { ready: !closed, detail: hostPort(listening.dns.host, listening.dns.port) }
          : { ready: false, detail: 'not listening' };
      }
      if (enable.icap) {
        components.icap = icap?.server.listening
          ? { ready: true, detail: hostPort(listening.icap?.host ?? '', listening.icap?.port ?? 0) }
          : { ready: false, detail: 'not listening' };
      }
      const status = snapshots.status();
      components.snapshot = { ready: status.ready, detail: status.detail };
      const written = events.stats();
      components.activity = {
        ready: written.dropped === 0,
        detail: `${written.written} events stored, ${written.queued} queued, ${written.spooled} spooled${written.dropped ? `, ${written.dropped} DROPPED (spool full)` : ''}`,
      };
      // The spool: not ready from the share of its cap at which the technician is told.
      const spoolRatio = written.spoolBytes / written.spoolCapBytes;
      const spoolNotice = notices.get('activity-spool');
      components.spool = {
        ready: spoolRatio < written.spoolAlertRatio,
        detail:
          spoolNotice === undefined
            ? `${Math.round(spoolRatio * 100)} % of its cap (${written.spoolFiles} file(s))`
            : `${spoolNotice.title} (since ${spoolNotice.since.toISOString()}): ${spoolNotice.detail}`,
      };
      return components;
    },
    close,
  };
}
