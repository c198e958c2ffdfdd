import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** Where the data lives, for messages: a folder for PGlite, the masked URL for PostgreSQL. */
  readonly location: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL server URL; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

// bigint (int8) columns come back as strings; counts and sequence numbers fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => value);
// Calendar dates (review dates, term dates) stay `YYYY-MM-DD` strings: no time zone to shift them.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
const pgliteParsers = { 1082: (value: string) => value };

export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '*****';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export function pgliteFolder(dataDir: string): string {
  return join(resolve(dataDir), 'pglite');
}

/** Open the database: PostgreSQL when a URL is given, otherwise PGlite in the data folder. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 10_000,
    });
    pool.on('error', () => {
      // An idle client lost its connection (server restart): the pool replaces it on next use.
    });
    pool.on('connect', (client) => {
      // A client in use loses its connection when the server restarts between two statements:
      // the statement fails (and its caller spools or retries); the process must not crash.
      client.on('error', () => undefined);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      location: maskDatabaseUrl(options.databaseUrl),
      close: () => db.destroy(),
    };
  }
  const folder = pgliteFolder(options.dataDir);
  mkdirSync(folder, { recursive: true });
  const pglite = await PGlite.create(folder, { parsers: pgliteParsers });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    location: folder,
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

/** Apply every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Migration ${failed ? `"${failed.migrationName}" ` : ''}failed: ${message}. Nothing from it was kept.`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrationStatus(db: Kysely<Database>): Promise<MigrationStatus[]> {
  const list = await migrator(db).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

/** True when the server answers a trivial query. */
export async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
