/**
 * Hosts Haven never inspects, even for managed devices: their CONNECT tunnels pass as plain byte
 * tunnels, so the device sees the site's own certificate. A host matches an entry when it is the
 * entry or a subdomain of it (`nhs.uk` covers `www.nhs.uk`). Each default says why it is here;
 * the school adds its own with `filter.inspection.bypassHosts`.
 *
 * The reasons are the DPIA's (docs/https-inspection.md): special-category and financial data the
 * school has no need to see; services that refuse or break under interception (certificate
 * pinning, client certificates); and device management and updates that must never fail.
 */

export type NoInspectionReason =
  | 'banking-and-finance'
  | 'health-and-support'
  | 'government-identity'
  | 'certificate-pinned'
  | 'school-bypass';

export interface NoInspectionEntry {
  readonly host: string;
  readonly reason: NoInspectionReason;
}

export const NO_INSPECTION_REASONS: Readonly<Record<NoInspectionReason, string>> = {
  'banking-and-finance':
    'Banking, payments and school payment services: financial data the school has no need to see.',
  'health-and-support':
    'Health and support services (NHS, counselling, helplines): special-category data, and pupils must be able to seek help privately.',
  'government-identity':
    'Government identity and tax services: personal identity data, and sign-in checks that fail when intercepted.',
  'certificate-pinned':
    'Apps and updates that pin their certificates or use device certificates (Apple, Microsoft, Google, Windows Update, device management): interception breaks them.',
  'school-bypass': "On the school's own no-inspection list (filter.inspection.bypassHosts).",
};

const DEFAULTS: Readonly<Record<Exclude<NoInspectionReason, 'school-bypass'>, readonly string[]>> =
  {
    'banking-and-finance': [
      'barclays.co.uk',
      'hsbc.co.uk',
      'lloydsbank.co.uk',
      'lloydsbank.com',
      'halifax.co.uk',
      'bankofscotland.co.uk',
      'natwest.com',
      'rbs.co.uk',
      'santander.co.uk',
      'nationwide.co.uk',
      'tsb.co.uk',
      'firstdirect.com',
      'co-operativebank.co.uk',
      'metrobankonline.co.uk',
      'monzo.com',
      'starlingbank.com',
      'revolut.com',
      'paypal.com',
      'wise.com',
      'parentpay.com',
      'schoolmoney.co.uk',
      'scopay.com',
    ],
    'health-and-support': [
      'nhs.uk',
      'nhs.net',
      'childline.org.uk',
      'samaritans.org',
      'kooth.com',
      'giveusashout.org',
      'mind.org.uk',
      'youngminds.org.uk',
    ],
    'government-identity': [
      'account.gov.uk',
      'access.service.gov.uk',
      'tax.service.gov.uk',
      'gateway.gov.uk',
      'passport.service.gov.uk',
    ],
    'certificate-pinned': [
      'push.apple.com',
      'mesu.apple.com',
      'gdmf.apple.com',
      'swscan.apple.com',
      'swdist.apple.com',
      'swcdn.apple.com',
      'updates.cdn-apple.com',
      'albert.apple.com',
      'gs.apple.com',
      'identity.apple.com',
      'deviceenrollment.apple.com',
      'mdmenrollment.apple.com',
      'iprofiles.apple.com',
      'appattest.apple.com',
      'windowsupdate.com',
      'update.microsoft.com',
      'delivery.mp.microsoft.com',
      'login.microsoftonline.com',
      'enterpriseregistration.windows.net',
      'manage.microsoft.com',
      'update.googleapis.com',
      'dl.google.com',
      'clients2.google.com',
      'm.google.com',
    ],
  };

/** The built-in entries, in a stable order (for the documentation and `haven ca status`). */
export function defaultNoInspectionEntries(): NoInspectionEntry[] {
  return Object.entries(DEFAULTS).flatMap(([reason, hosts]) =>
    hosts.map((host) => ({ host, reason: reason as NoInspectionReason })),
  );
}

/** A host as written by a person → the form it is matched in, or null when it is no host name. */
export function noInspectionHostOf(written: string): string | null {
  let host = written.trim().toLowerCase();
  if (host.startsWith('*.')) host = host.slice(2);
  else if (host.startsWith('.')) host = host.slice(1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > 253) return null;
  if (!/^[a-z0-9.:[\]_-]+$/.test(host)) return null;
  return host;
}

/** The no-inspection list: defaults plus the school's bypass hosts. */
export class NoInspectionList {
  readonly #entries = new Map<string, NoInspectionEntry>();

  constructor(bypassHosts: readonly string[] = [], options: { readonly defaults?: boolean } = {}) {
    if (options.defaults !== false) {
      for (const entry of defaultNoInspectionEntries()) this.#entries.set(entry.host, entry);
    }
    for (const written of bypassHosts) {
      const host = noInspectionHostOf(written);
      if (host !== null) this.#entries.set(host, { host, reason: 'school-bypass' });
    }
  }

  /** The entry covering `host` (normalised, lower case), or null when it may be inspected. */
  match(host: string): NoInspectionEntry | null {
    let name = host;
    for (;;) {
      const entry = this.#entries.get(name);
      if (entry !== undefined) return entry;
      const dot = name.indexOf('.');
      if (dot < 0) return null;
      name = name.slice(dot + 1);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
