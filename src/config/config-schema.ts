import { z } from 'zod';

/**
 * Every setting Haven reads, with its environment variable and its default.
 * The schema is the single source of truth: `loadConfig` validates the whole of it at once,
 * and `docs/configuration.md` is generated from the descriptions.
 */
const port = (label: string) =>
  z.coerce
    .number({ error: `${label} must be a whole number between 1 and 65535` })
    .int(`${label} must be a whole number between 1 and 65535`)
    .min(0, `${label} must be between 0 and 65535`)
    .max(65535, `${label} must be between 0 and 65535`);

export const configSchema = z
  .object({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the web UI and API listen on (HAVEN_HOST).'),
    port: port('port').default(8080).describe('Web UI and API port (HAVEN_PORT).'),
    proxyPort: port('proxyPort').default(3128).describe('Forward proxy port (HAVEN_PROXY_PORT).'),
    dnsPort: port('dnsPort').default(5353).describe('DNS filter port (HAVEN_DNS_PORT).'),
    dataDir: z
      .string()
      .min(1)
      .default('./data')
      .describe('Folder for the embedded database and local state (HAVEN_DATA).'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'databaseUrl must start with postgres:// or postgresql://')
      .optional()
      .describe('PostgreSQL server URL; when unset Haven uses embedded PGlite (DATABASE_URL).'),
    publicUrl: z
      .url({ error: 'publicUrl must be an absolute URL such as https://haven.school.example' })
      .optional()
      .describe('The URL people use to reach Haven; https here turns on Secure cookies.'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Log level (HAVEN_LOG_LEVEL).'),
    sessionHours: z.coerce
      .number()
      .positive('sessionHours must be greater than 0')
      .max(24 * 30, 'sessionHours must be at most 720 (30 days)')
      .default(12)
      .describe('How long a sign-in lasts without activity, in hours (HAVEN_SESSION_HOURS).'),
    login: z
      .object({
        maxFailures: z.coerce
          .number()
          .int()
          .min(1, 'login.maxFailures must be at least 1')
          .default(5)
          .describe('Failed sign-ins in a row before an account is locked.'),
        lockoutMinutes: z.coerce
          .number()
          .int()
          .min(1, 'login.lockoutMinutes must be at least 1')
          .default(15)
          .describe('How long a locked account stays locked, in minutes.'),
        perAddressPerMinute: z.coerce
          .number()
          .int()
          .min(1, 'login.perAddressPerMinute must be at least 1')
          .default(20)
          .describe('Sign-in attempts allowed from one address per minute.'),
      })
      .strict()
      .prefault({}),
    proxyHost: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'Address the forward proxy listens on; 0.0.0.0 to serve the school network (HAVEN_PROXY_HOST).',
      ),
    dnsHost: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'Address the DNS filter listens on; 0.0.0.0 to serve the school network (HAVEN_DNS_HOST).',
      ),
    filter: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Run the proxy and DNS filter inside `haven start`.'),
        clients: z
          .array(
            z
              .object({
                cidr: z
                  .string()
                  .regex(
                    /^[0-9a-fA-F.:]+\/\d{1,3}$/,
                    'write an address range such as 10.0.20.0/24',
                  ),
                school: z
                  .string()
                  .min(1)
                  .optional()
                  .describe('School id (slug); default: the only school.'),
                deviceClass: z
                  .string()
                  .min(1)
                  .optional()
                  .describe('A device class of the mobile technologies table, e.g. pupil-owned.'),
                group: z
                  .string()
                  .min(1)
                  .optional()
                  .describe(
                    'Group for unidentified devices in this range, e.g. ks2 for a Year 5 class set.',
                  ),
              })
              .strict(),
          )
          .default([])
          .describe(
            'Client address ranges: which school, device class and group a device belongs to.',
          ),
        authCacheSeconds: z.coerce
          .number()
          .int()
          .min(0)
          .max(3600)
          .default(300)
          .describe('How long a proxy sign-in (Proxy-Authorization) is remembered.'),
        signInHours: z.coerce
          .number()
          .positive()
          .max(24)
          .default(8)
          .describe('How long a captive sign-in ties a device address to a person.'),
        dnsUpstreams: z
          .array(
            z
              .string()
              .regex(
                /^[0-9a-fA-F.:[\]]+(:\d+)?$/,
                'write an address such as 192.0.2.53 or 192.0.2.53:53',
              ),
          )
          .default([])
          .describe(
            'Upstream resolvers for the DNS filter (default: the nameservers of /etc/resolv.conf).',
          ),
        dnsBlockAnswer: z
          .enum(['nxdomain', 'block-page'])
          .default('nxdomain')
          .describe(
            'How the DNS filter answers a blocked name: NXDOMAIN, or the block page address.',
          ),
        blockPageAddress: z
          .string()
          .regex(/^[0-9.]+$/, 'write an IPv4 address')
          .optional()
          .describe('IPv4 address of the block page server, for dnsBlockAnswer: block-page.'),
        inspection: z
          .object({
            enabled: z
              .boolean()
              .default(false)
              .describe('HTTPS inspection with the school CA (docs/https-inspection.md).'),
            deviceClasses: z
              .array(z.string().min(1))
              .default(['school-single-user', 'school-multi-user'])
              .describe('Device classes whose HTTPS is inspected (managed devices).'),
            bypassHosts: z
              .array(z.string().min(1))
              .default([])
              .describe("Hosts never inspected, on top of Haven's defaults (subdomains too)."),
            extraRoots: z
              .array(z.string().min(1))
              .default([])
              .describe('PEM files of extra CAs trusted for sites, on top of the system store.'),
            leafCacheSize: z.coerce
              .number()
              .int()
              .min(1)
              .max(1_000_000)
              .default(1000)
              .describe('Leaf certificates kept ready (LRU).'),
            contentThresholds: z
              .record(z.string().min(1), z.number().positive())
              .default({})
              .describe(
                'Group → phrase score above which an inspected HTML page is blocked (e.g. ks2: 100); groups not listed are not scored.',
              ),
            contentMaxBytes: z.coerce
              .number()
              .int()
              .min(1024)
              .max(64 * 1024 * 1024)
              .default(2 * 1024 * 1024)
              .describe(
                'Largest HTML page held and scored (as received and decompressed); larger pages pass unscored.',
              ),
          })
          .strict()
          .prefault({})
          .describe(
            'HTTPS inspection for managed devices with the school CA: enabled, deviceClasses, bypassHosts, extraRoots, leafCacheSize, contentThresholds, contentMaxBytes (docs/https-inspection.md).',
          ),
        // Monitoring: the activity spool's cap (the technician is told at 80 %)
        spoolCapMiB: z.coerce
          .number()
          .int()
          .min(1)
          .max(1_048_576)
          .default(2048)
          .describe(
            'Largest size of the activity spool kept while the database is unreachable (MiB); technicians are told at 80 %.',
          ),
      })
      .strict()
      .prefault({}),
    lists: z
      .object({
        sources: z
          .array(
            z
              .object({
                name: z
                  .string()
                  .regex(
                    /^[a-z0-9][a-z0-9._-]*$/,
                    'use lower-case letters, digits, dots and dashes, e.g. ut1',
                  ),
                url: z.url({
                  error: 'write the full download address, e.g. https://…/blacklists.tar.gz',
                }),
                kind: z
                  .enum(['squidguard-tarball', 'file'])
                  .describe('A tar(.gz) of a squidGuard/UT1 tree, or one list file.'),
                format: z.enum(['domains', 'urls', 'hosts', 'adblock']).optional(),
                category: z
                  .string()
                  .min(1)
                  .optional()
                  .describe('Haven category of a single-file list.'),
                sha256: z
                  .string()
                  .regex(/^[0-9a-f]{64}$/i, 'a sha256 is 64 hex digits')
                  .optional()
                  .describe('Expected checksum of the download (pins one version).'),
                checksumUrl: z
                  .url()
                  .optional()
                  .describe('Where the publisher puts the checksum (md5, sha256 or sha512 hex).'),
                licence: z
                  .string()
                  .optional()
                  .describe('Licence and attribution to keep with the list.'),
              })
              .strict(),
          )
          .default([])
          .describe('Block lists that `haven lists update` downloads.'),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        smtp: z
          .object({
            host: z.string().min(1).describe('SMTP server that alert emails are sent through.'),
            port: port('alerts.smtp.port').default(25).describe('SMTP port.'),
            secure: z
              .boolean()
              .default(false)
              .describe(
                'Connect with TLS from the start (port 465); otherwise STARTTLS if offered.',
              ),
            from: z
              .string()
              .min(3)
              .default('Haven <haven@localhost>')
              .describe('Sender of alert emails.'),
          })
          .strict()
          .optional()
          .describe(
            'Email for alerts (unset: alerts are shown in the app and sent by webhook only).',
          ),
        webhookUrl: z
          .url({ error: 'alerts.webhookUrl must be an absolute URL' })
          .optional()
          .describe('Every critical alert and each digest is POSTed here as JSON (with retries).'),
        digestTime: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'alerts.digestTime is a time such as 16:00')
          .default('16:00')
          .describe(
            "Time of day (the school's time zone) when the digest of other alerts is sent.",
          ),
        escalationMinutes: z.coerce
          .number()
          .int()
          .min(1, 'alerts.escalationMinutes must be at least 1')
          .max(24 * 60)
          .default(15)
          .describe(
            'A critical alert not acknowledged in this many minutes goes to the deputy DSLs, then to the head.',
          ),
      })
      .strict()
      .prefault({}),
    demo: z
      .boolean()
      .default(true)
      .describe('Set up the demo school on an empty database (false with --no-demo).'),
  })
  .strict();

export type HavenConfig = z.infer<typeof configSchema>;

/** Settings whose values must never be printed. */
export const secretKeys: ReadonlySet<string> = new Set(['databaseUrl']);

/** Environment variable → config path. */
export const environmentKeys: Readonly<Record<string, string>> = {
  HAVEN_HOST: 'host',
  HAVEN_PORT: 'port',
  HAVEN_PROXY_PORT: 'proxyPort',
  HAVEN_DNS_PORT: 'dnsPort',
  HAVEN_PROXY_HOST: 'proxyHost',
  HAVEN_DNS_HOST: 'dnsHost',
  HAVEN_DATA: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  HAVEN_PUBLIC_URL: 'publicUrl',
  HAVEN_LOG_LEVEL: 'logLevel',
  HAVEN_SESSION_HOURS: 'sessionHours',
  HAVEN_LOGIN_MAX_FAILURES: 'login.maxFailures',
  HAVEN_LOGIN_LOCKOUT_MINUTES: 'login.lockoutMinutes',
  HAVEN_LOGIN_PER_ADDRESS_PER_MINUTE: 'login.perAddressPerMinute',
};
