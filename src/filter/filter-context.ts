import type { SchoolSnapshot } from '../filtering/snapshot-loader.ts';

/**
 * The contract every network adapter (proxy, DNS filter, Squid helper, ICAP) works against. An
 * adapter is a chain of small named stages, as in Blocky:
 *
 *   identify    who is asking: a signed-in person (Proxy-Authorization or a captive sign-in), else
 *               the device's address range (school, device class, group), else the guest group
 *   exemptions  approved lesson exemptions are part of the snapshot (the engine applies them)
 *   safe search rewrite search engines to their safe versions (DNS names, URL parameters, headers)
 *   decide      evaluate(snapshot, request, now): pure, in memory, synchronous
 *   log         one activity event per decision, never blocking the request
 *
 * The composition root (`server.ts`, `haven filter`) wires concrete implementations in.
 */

/** Who is behind a request, as far as the network can tell. */
export interface ClientIdentity {
  /** The school whose policy applies. */
  readonly schoolId: string;
  /** Haven user id and username when the person is known. */
  readonly userId: string | null;
  readonly username: string | null;
  /** Group slugs: a column group (ks2, staff, guests…) and any nominated groups. */
  readonly groups: readonly string[];
  /** Device class from the mobile technologies table, when the address range says. */
  readonly deviceClass: string | null;
  /** How the identity was found. */
  readonly via: 'proxy-auth' | 'sign-in' | 'address-range' | 'guest';
}

export interface IdentifyRequest {
  /** The client's address as the adapter sees it (IPv4, or IPv6 without brackets). */
  readonly clientIp: string;
  /** The raw `Proxy-Authorization` header, when the client sent one (proxy only). */
  readonly proxyAuthorization?: string | undefined;
}

export type IdentifyResult =
  | { readonly ok: true; readonly identity: ClientIdentity }
  /** Credentials were given and are wrong, or the account is locked: answer 407. */
  | { readonly ok: false; readonly reason: string };

export interface Identifier {
  identify(request: IdentifyRequest): Promise<IdentifyResult>;
}

/** The current snapshot of each school, readable synchronously on the hot path. */
export interface SnapshotSource {
  /** Undefined only before the first snapshot has loaded (adapters then refuse to serve). */
  current(schoolId: string): SchoolSnapshot | undefined;
}

/**
 * One decision, as the activity log keeps it (MON-1), and where events go (`emit` never throws
 * or waits: logging never blocks a request). The activity module owns the type; adapters emit
 * with their own `source` ('proxy', 'dns', 'squid-helper', 'icap').
 */
export type { ActivityEvent, ActivitySink } from '../activity/activity-event.ts';
