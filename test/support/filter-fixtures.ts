import { randomUUID } from 'node:crypto';
import type { SchoolSnapshot } from '../../src/filtering/snapshot-loader.ts';
import type {
  ActivityEvent,
  ActivitySink,
  ClientIdentity,
  Identifier,
  IdentifyRequest,
  IdentifyResult,
  SnapshotSource,
} from '../../src/filter/filter-context.ts';
import { toRules } from '../../src/policy/document/to-rules.ts';
import { compile } from '../../src/policy/engine/compile.ts';
import { ListIndexBuilder } from '../../src/policy/engine/list-index.ts';
import { demoSchoolPolicy } from '../../src/policy/templates/index.ts';

/**
 * Filter fixtures for adapter tests that need no database: the demo school's real policy
 * compiled with a few list entries, a fixed identity per client address, and a sink that keeps
 * events in memory. Integration tests use the real store-backed implementations instead.
 */
export const fixtureSchoolId = 'demo-school';

export interface FixtureLists {
  /** category → hosts (a host covers its subdomains). */
  hosts?: Record<string, string[]>;
  /** category → host/path URL prefixes. */
  urls?: Record<string, string[]>;
}

export const defaultFixtureLists: FixtureLists = {
  hosts: {
    gambling: ['bet365.com', 'casino.test'],
    pornography: ['porn.test'],
    'child-abuse': ['iwf-listed.test'],
    circumvention: ['proxy-site.test', 'dns.google', 'cloudflare-dns.com'],
    'online-gaming': ['games.test'],
  },
  urls: { 'child-abuse': ['allowed.test/listed/page'] },
};

export function fixtureSnapshot(
  lists: FixtureLists = defaultFixtureLists,
  now = new Date(),
): SchoolSnapshot {
  const builder = new ListIndexBuilder(1024);
  for (const [category, hosts] of Object.entries(lists.hosts ?? {}))
    for (const h of hosts) builder.addHost(h, category, `test/${category}`);
  for (const [category, urls] of Object.entries(lists.urls ?? {}))
    for (const u of urls) builder.addUrl(u, category, `test/${category}`);
  const rules = toRules(demoSchoolPolicy(), { schoolId: fixtureSchoolId });
  const snapshot = compile(
    { ...rules, school: { ...rules.school, id: fixtureSchoolId, timeZone: 'Europe/London' } },
    builder.build(),
  );
  return {
    schoolId: fixtureSchoolId,
    snapshot,
    policyVersion: { id: 'v1', number: 1 },
    builtAt: now,
  };
}

export function fixedSnapshotSource(snapshot: SchoolSnapshot = fixtureSnapshot()): SnapshotSource {
  return { current: (schoolId) => (schoolId === snapshot.schoolId ? snapshot : undefined) };
}

export function identity(groups: string[], extra: Partial<ClientIdentity> = {}): ClientIdentity {
  return {
    schoolId: fixtureSchoolId,
    userId: null,
    username: null,
    groups,
    deviceClass: null,
    via: 'address-range',
    ...extra,
  };
}

/** Identifies by client address from a table; anyone else is a guest. */
export function staticIdentifier(byAddress: Record<string, ClientIdentity> = {}): Identifier {
  return {
    identify: (request: IdentifyRequest): Promise<IdentifyResult> =>
      Promise.resolve({
        ok: true,
        identity: byAddress[request.clientIp] ?? identity(['guests'], { via: 'guest' }),
      }),
  };
}

export class MemorySink implements ActivitySink {
  readonly events: ActivityEvent[] = [];
  emit(event: ActivityEvent): void {
    this.events.push(event);
  }
}

export function newEventId(): string {
  return randomUUID();
}
