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
  HAVEN_DATA: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  HAVEN_PUBLIC_URL: 'publicUrl',
  HAVEN_LOG_LEVEL: 'logLevel',
  HAVEN_SESSION_HOURS: 'sessionHours',
  HAVEN_LOGIN_MAX_FAILURES: 'login.maxFailures',
  HAVEN_LOGIN_LOCKOUT_MINUTES: 'login.lockoutMinutes',
  HAVEN_LOGIN_PER_ADDRESS_PER_MINUTE: 'login.perAddressPerMinute',
};
