import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import { toRules } from '../../policy/document/to-rules.ts';
import { compile } from '../../policy/engine/compile.ts';
import { ListIndexBuilder } from '../../policy/engine/list-index.ts';
import { demoSchoolPolicy } from '../../policy/templates/index.ts';
import type {
  ActivityEvent,
  ActivitySink,
  ClientIdentity,
  Identifier,
  SnapshotSource,
} from '../filter-context.ts';

/**
 * What the Squid helper and ICAP unit tests decide with: the demo school's real policy with a few
 * list entries, a fixed identity per client address, and a sink that keeps events. (The same
 * shape as `test/support/filter-fixtures.ts`, which code under `src/filter` may not import.)
 */

export const TEST_SCHOOL = 'demo-school';

let cached: SchoolSnapshot | undefined;

/** gambling: bet365.com, casino.test; child-abuse: iwf-listed.test and allowed.test/listed/page. */
export function testSnapshot(): SchoolSnapshot {
  if (cached !== undefined) return cached;
  const lists = new ListIndexBuilder(64);
  lists.addHost('bet365.com', 'gambling', 'test/gambling');
  lists.addHost('casino.test', 'gambling', 'test/gambling');
  lists.addHost('iwf-listed.test', 'child-abuse', 'test/child-abuse');
  lists.addUrl('allowed.test/listed/page', 'child-abuse', 'test/child-abuse');
  const rules = toRules(demoSchoolPolicy(), { schoolId: TEST_SCHOOL });
  cached = {
    schoolId: TEST_SCHOOL,
    snapshot: compile(
      { ...rules, school: { ...rules.school, id: TEST_SCHOOL, timeZone: 'Europe/London' } },
      lists.build(),
    ),
    policyVersion: { id: 'v1', number: 1 },
    builtAt: new Date('2026-11-23T09:00:00Z'),
  };
  return cached;
}

export function testSnapshots(): SnapshotSource {
  return { current: (schoolId) => (schoolId === TEST_SCHOOL ? testSnapshot() : undefined) };
}

export function testIdentity(
  groups: string[],
  extra: Partial<ClientIdentity> = {},
): ClientIdentity {
  return {
    schoolId: TEST_SCHOOL,
    userId: null,
    username: null,
    groups,
    deviceClass: null,
    via: 'address-range',
    ...extra,
  };
}

/** Identifies by address from a table; anyone else is a guest. */
export function testIdentifier(byAddress: Record<string, ClientIdentity> = {}): Identifier {
  return {
    identify: (request) =>
      Promise.resolve({
        ok: true,
        identity: byAddress[request.clientIp] ?? testIdentity(['guests'], { via: 'guest' }),
      }),
  };
}

export class TestSink implements ActivitySink {
  readonly events: ActivityEvent[] = [];
  emit(event: ActivityEvent): void {
    this.events.push(event);
  }
}
