import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { verifyPassword } from '../../access/passwords.ts';
import { checkCredentials } from '../../access/sessions.ts';
import type { HavenConfig } from '../../config/config-schema.ts';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import {
  deviceAddress,
  deviceSessionStamp,
  listActiveDeviceSessions,
} from '../../store/device-session-repository.ts';
import type { Database } from '../../store/schema.ts';
import { groupSlugsOf } from '../../store/user-repository.ts';
import type {
  ClientIdentity,
  Identifier,
  IdentifyRequest,
  IdentifyResult,
} from '../filter-context.ts';
import { CidrTable, parseAddress } from './cidr.ts';
import type { SchoolInfo } from './snapshot-inputs.ts';

/**
 * Who is behind a request (ENF-4), in this order:
 *
 * 1. `Proxy-Authorization: Basic` — checked against Haven accounts (argon2id), with the same
 *    lockout as the sign-in page: failures count, a locked or disabled account is refused. A good
 *    answer is remembered for `filter.authCacheSeconds`, keyed by a keyed hash of the header (the
 *    password itself is never kept), so a page of fifty requests costs one verification.
 * 2. A captive sign-in: the device address signed in through `POST /api/network/sign-in`
 *    (the sign-ins are kept in memory and compared with `device_sessions` every 2 s).
 * 3. The address range (`filter.clients`, most specific range first): school, device class and
 *    group of an unidentified device.
 * 4. Otherwise the guest group (the active policy's fallback group) of the only or first school.
 *
 * The device class of the address range is kept whoever signs in on the device.
 */
export interface IdentifierSchools {
  schools(): readonly SchoolInfo[];
  current(schoolId: string): SchoolSnapshot | undefined;
}

export type ClientRange = HavenConfig['filter']['clients'][number];

export interface IdentifierOptions {
  db: Kysely<Database>;
  /** The snapshot store: the schools and their policies (for the guest group). */
  schools: IdentifierSchools;
  clients: readonly ClientRange[];
  /** How long a good proxy sign-in is remembered (`filter.authCacheSeconds`; 0: never). */
  authCacheSeconds: number;
  /** The sign-in lockout (`login.maxFailures`, `login.lockoutMinutes`). */
  lockout: { maxFailures: number; lockoutMinutes: number };
  clock?: () => Date;
  /** Password check (argon2id); injectable so tests can count verifications. */
  verify?: (storedHash: string | null, password: string) => Promise<boolean>;
  /** How often the captive sign-ins kept in memory are compared with the database (default 2 s). */
  signInRefreshMs?: number;
  log?: { warn(message: string): void };
}

interface Person {
  userId: string;
  username: string;
  schoolId: string | null;
  groups: string[];
}

type AuthOutcome =
  | { ok: true; person: Person }
  | { ok: false; reason: string }
  /** The database could not be asked (and nothing good is remembered). */
  | { ok: 'unknown' };

interface Cached<T> {
  value: T;
  expiresAt: number;
}

const maxCacheEntries = 10_000;
/** Wrong credentials are remembered briefly, so a browser retrying them cannot lock the account in seconds. */
const failureCacheMs = 30_000;

function remember<K, V>(cache: Map<K, Cached<V>>, key: K, value: V, ttlMs: number): void {
  if (ttlMs <= 0) return;
  cache.delete(key);
  cache.set(key, { value, expiresAt: Date.now() + ttlMs });
  if (cache.size > maxCacheEntries) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
}

/** The entry, expired or not: an expired one still serves while the database is unreachable. */
function recall<K, V>(cache: Map<K, Cached<V>>, key: K): Cached<V> | undefined {
  return cache.get(key);
}

const isFresh = (entry: { expiresAt: number } | undefined): boolean =>
  entry !== undefined && entry.expiresAt > Date.now();

/** `Basic dXNlcjpwYXNz` → user and password; null when it is not Basic. */
export function parseBasicCredentials(
  header: string,
): { username: string; password: string } | null {
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class NetworkIdentifier implements Identifier {
  readonly #db: Kysely<Database>;
  readonly #schools: IdentifierSchools;
  readonly #ranges = new CidrTable<ClientRange>();
  readonly #authTtlMs: number;
  readonly #lockout: IdentifierOptions['lockout'];
  readonly #clock: () => Date;
  readonly #verify: NonNullable<IdentifierOptions['verify']>;
  readonly #signedIn: SignedInDevices;
  readonly #log: { warn(message: string): void };
  /** A per-process key: cache keys cannot be turned back into credentials, even from a heap dump. */
  readonly #cacheKey = randomBytes(32);
  readonly #auth = new Map<string, Cached<AuthOutcome>>();
  readonly #authInFlight = new Map<string, Promise<AuthOutcome>>();
  readonly #warned = new Set<string>();

  constructor(options: IdentifierOptions) {
    this.#db = options.db;
    this.#schools = options.schools;
    this.#authTtlMs = Math.max(0, options.authCacheSeconds) * 1000;
    this.#lockout = options.lockout;
    this.#clock = options.clock ?? (() => new Date());
    this.#verify = options.verify ?? verifyPassword;
    this.#signedIn = new SignedInDevices(options.db, this.#clock, options.signInRefreshMs ?? 2000);
    this.#log = options.log ?? { warn: () => undefined };
    for (const [i, range] of options.clients.entries()) {
      try {
        if (!this.#ranges.add(range.cidr, range)) {
          this.#log.warn(
            `filter.clients[${i}]: ${range.cidr} is listed twice; the first entry applies`,
          );
        }
      } catch (error) {
        throw new Error(
          `filter.clients[${i}].cidr: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
  }

  async identify(request: IdentifyRequest): Promise<IdentifyResult> {
    const address = parseAddress(request.clientIp);
    const range = address ? this.#ranges.match(address) : undefined;
    const header = request.proxyAuthorization?.trim();
    if (header) {
      const outcome = await this.#authenticate(header);
      if (outcome.ok === true) {
        return { ok: true, identity: this.#personIdentity(outcome.person, range, 'proxy-auth') };
      }
      if (outcome.ok === false) return { ok: false, reason: outcome.reason };
      // The database is unreachable: the device is filtered by its range or as a guest, which
      // never lifts a block.
    }
    const signedIn = await this.#signedIn.lookup(request.clientIp);
    if (signedIn) return { ok: true, identity: this.#personIdentity(signedIn, range, 'sign-in') };
    if (range) return { ok: true, identity: this.#rangeIdentity(range) };
    return { ok: true, identity: this.#guestIdentity() };
  }

  /**
   * A device signed in or out in this process (the API): read the sign-ins again before the
   * next request is identified, instead of at the next periodic comparison.
   */
  forgetDevice(_clientIp: string): void {
    this.#signedIn.reload();
  }

  // ---- who ----

  #defaultSchool(): SchoolInfo | undefined {
    const schools = this.#schools.schools();
    return schools.find((s) => this.#schools.current(s.id) !== undefined) ?? schools[0];
  }

  #schoolOfRange(range: ClientRange): string {
    if (!range.school) return this.#defaultSchool()?.id ?? '';
    const school = this.#schools
      .schools()
      .find((s) => s.slug === range.school || s.id === range.school);
    if (!school) {
      if (this.#schools.schools().length > 0) {
        this.#warnOnce(
          `range:${range.cidr}`,
          `filter.clients: ${range.cidr} names school "${range.school}", which does not exist: its devices are refused`,
        );
      }
      return '';
    }
    return school.id;
  }

  #fallbackGroup(schoolId: string): string[] {
    const snapshot = this.#schools.current(schoolId);
    return snapshot ? [snapshot.snapshot.rules.fallbackGroup] : [];
  }

  #personIdentity(
    person: Person,
    range: ClientRange | undefined,
    via: 'proxy-auth' | 'sign-in',
  ): ClientIdentity {
    const schoolId =
      person.schoolId ?? (range ? this.#schoolOfRange(range) : (this.#defaultSchool()?.id ?? ''));
    return {
      schoolId,
      userId: person.userId,
      username: person.username,
      groups: person.groups,
      deviceClass: range?.deviceClass ?? null,
      via,
    };
  }

  #rangeIdentity(range: ClientRange): ClientIdentity {
    const schoolId = this.#schoolOfRange(range);
    return {
      schoolId,
      userId: null,
      username: null,
      groups: range.group ? [range.group] : this.#fallbackGroup(schoolId),
      deviceClass: range.deviceClass ?? null,
      via: 'address-range',
    };
  }

  #guestIdentity(): ClientIdentity {
    // No school at all (nothing loaded yet): an empty school id has no snapshot, so the adapter
    // refuses the request rather than letting it through.
    const schoolId = this.#defaultSchool()?.id ?? '';
    return {
      schoolId,
      userId: null,
      username: null,
      groups: this.#fallbackGroup(schoolId),
      deviceClass: null,
      via: 'guest',
    };
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#log.warn(message);
  }

  // ---- proxy sign-in ----

  async #authenticate(header: string): Promise<AuthOutcome> {
    const key = createHmac('sha256', this.#cacheKey).update(header).digest('base64');
    const cached = recall(this.#auth, key);
    if (cached && isFresh(cached)) return cached.value;
    let pending = this.#authInFlight.get(key);
    if (!pending) {
      pending = this.#checkCredentials(header)
        .catch((): AuthOutcome => ({ ok: 'unknown' }))
        .finally(() => this.#authInFlight.delete(key));
      this.#authInFlight.set(key, pending);
    }
    const outcome = await pending;
    if (outcome.ok === 'unknown') {
      // Whoever signed in with these credentials a moment ago still is.
      return cached?.value.ok === true ? cached.value : outcome;
    }
    remember(
      this.#auth,
      key,
      outcome,
      outcome.ok ? this.#authTtlMs : Math.min(this.#authTtlMs, failureCacheMs),
    );
    return outcome;
  }

  async #checkCredentials(header: string): Promise<AuthOutcome> {
    const credentials = parseBasicCredentials(header);
    if (!credentials) {
      return {
        ok: false,
        reason: 'only Basic proxy authentication (username:password) is supported',
      };
    }
    const check = await checkCredentials(this.#db, credentials, {
      now: this.#clock(),
      lockout: this.#lockout,
      via: 'proxy-sign-in',
      detail: { via: 'proxy' },
      verify: this.#verify,
    });
    if (!check.ok) {
      if (check.problem === 'locked') {
        const minutes = Math.ceil(check.retryAfterSeconds / 60);
        return {
          ok: false,
          reason: `too many failed sign-ins: the account is locked for ${minutes} more minute(s)`,
        };
      }
      return {
        ok: false,
        reason:
          check.problem === 'disabled'
            ? 'this account is switched off'
            : check.problem === 'expired'
              ? 'this guest account has expired'
              : 'wrong username or password',
      };
    }
    const user = check.user;
    const groups = (await groupSlugsOf(this.#db, [user.id])).get(user.id) ?? [];
    return {
      ok: true,
      person: { userId: user.id, username: user.username, schoolId: user.school_id, groups },
    };
  }
}

interface SignedInPerson extends Person {
  expiresAt: number;
}

/**
 * The captive sign-ins, kept in memory so identifying a device is a map lookup: one cheap query
 * every `refreshMs` tells whether they changed (`deviceSessionStamp`), and only then are they read
 * again — one query for every device, however many there are. While the database is unreachable
 * the sign-ins already known stay (each until it expires).
 */
class SignedInDevices {
  readonly #db: Kysely<Database>;
  readonly #clock: () => Date;
  readonly #refreshMs: number;
  #byAddress = new Map<string, SignedInPerson>();
  #stamp: string | null = null;
  #checkedAt = 0;
  #readAt = 0;
  #loading: Promise<void> | null = null;
  /** A read started before the last `reload()` does not count: read again after it. */
  #dirty = false;
  /** Set when the next lookup must wait for fresh data (start, or a sign-in in this process). */
  #mustWait = true;

  constructor(db: Kysely<Database>, clock: () => Date, refreshMs: number) {
    this.#db = db;
    this.#clock = clock;
    this.#refreshMs = refreshMs;
  }

  reload(): void {
    this.#stamp = null;
    this.#mustWait = true;
    this.#dirty = true;
  }

  async lookup(clientIp: string): Promise<Person | null> {
    const now = Date.now();
    if (this.#mustWait) {
      // Bounded: an unreachable database must not hold requests up.
      await Promise.race([
        this.#refresh(),
        new Promise<void>((resolve) => setTimeout(resolve, 2000).unref()),
      ]);
    } else if (now - this.#checkedAt >= this.#refreshMs) {
      void this.#refresh();
    }
    const person = this.#byAddress.get(deviceAddress(clientIp));
    return person && person.expiresAt > this.#clock().getTime() ? person : null;
  }

  #refresh(): Promise<void> {
    if (this.#loading && !this.#dirty) return this.#loading;
    this.#dirty = false;
    const after = this.#loading ?? Promise.resolve();
    const loading: Promise<void> = after
      .then(() => this.#read())
      .finally(() => {
        if (this.#loading === loading) this.#loading = null;
      });
    this.#loading = loading;
    return loading;
  }

  async #read(): Promise<void> {
    this.#checkedAt = Date.now();
    try {
      const stamp = await deviceSessionStamp(this.#db);
      // Group changes do not move the stamp: read everything again once a minute anyway.
      if (stamp === this.#stamp && Date.now() - this.#readAt < 60_000) {
        this.#mustWait = false;
        return;
      }
      const rows = await listActiveDeviceSessions(this.#db, this.#clock());
      const active = rows.filter((r) => !r.disabled);
      const groups = await groupSlugsOf(this.#db, [...new Set(active.map((r) => r.user_id))]);
      const byAddress = new Map<string, SignedInPerson>();
      for (const row of active) {
        byAddress.set(row.client_ip, {
          userId: row.user_id,
          username: row.username,
          schoolId: row.school_id,
          groups: groups.get(row.user_id) ?? [],
          expiresAt: row.expires_at.getTime(),
        });
      }
      this.#byAddress = byAddress;
      this.#stamp = stamp;
      this.#readAt = Date.now();
      this.#mustWait = false;
    } catch {
      // The database is unreachable: who was signed in stays signed in (until it expires);
      // anyone else is filtered by address range or as a guest, which never lifts a block.
      this.#mustWait = false;
    }
  }
}
