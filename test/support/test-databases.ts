import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  migrateToLatest,
  openStore,
  type DatabaseKind,
  type Store,
} from '../../src/store/database.ts';

/**
 * Test databases. Creating a PGlite database costs seconds, so each run migrates one template
 * (a data folder for PGlite, a template database on the PostgreSQL server) and every test file
 * gets a fresh copy of it.
 */
export const projectRoot = resolve(import.meta.dirname, '..', '..');
const migrationsDir = join(projectRoot, 'src', 'store', 'migrations');

export const postgresAdminUrl =
  process.env.HAVEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Databases the store tests run on: set by `npm test` (scripts/test.ts) from what is available. */
export function testDatabases(): DatabaseKind[] {
  const list = (process.env.HAVEN_TEST_DATABASES ?? 'pglite,postgres')
    .split(',')
    .map((s) => s.trim());
  return list.filter((k): k is DatabaseKind => k === 'pglite' || k === 'postgres');
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsDir).sort())
    hash.update(file).update(readFileSync(join(migrationsDir, file)));
  return hash.digest('hex').slice(0, 12);
}

const workDir = join(projectRoot, '.haven-test');

async function pgliteTemplate(): Promise<string> {
  const folder = join(workDir, `pglite-template-${migrationsHash()}`);
  if (existsSync(join(folder, 'pglite', 'PG_VERSION'))) return folder;
  mkdirSync(workDir, { recursive: true });
  const building = `${folder}.building-${process.pid}`;
  const store = await openStore({ dataDir: building });
  await migrateToLatest(store.db);
  await store.close();
  try {
    renameSync(building, folder);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process won the race
  }
  return folder;
}

function templateDatabaseName(): string {
  return `haven_template_${migrationsHash()}`;
}

function urlFor(database: string): string {
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function postgresTemplate(): Promise<string> {
  const name = templateDatabaseName();
  const exists = await withAdmin(
    async (c) =>
      (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1,
  );
  if (exists) return name;
  const building = `${name}_b${process.pid}`;
  await withAdmin((c) => c.query(`create database ${building}`));
  const store = await openStore({ databaseUrl: urlFor(building), dataDir: '' });
  await migrateToLatest(store.db);
  await store.close();
  await withAdmin(async (c) => {
    try {
      await c.query(`alter database ${building} rename to ${name}`);
    } catch {
      await c.query(`drop database if exists ${building}`); // another process won the race
    }
  });
  return name;
}

/** Prepare the templates once per run (called by scripts/test.ts before the legs start). */
export async function prepareTemplates(kinds: readonly DatabaseKind[]): Promise<void> {
  for (const kind of kinds) {
    if (kind === 'pglite') await pgliteTemplate();
    else await postgresTemplate();
  }
}

export interface TestStore extends Store {
  /** The folder (PGlite) or database name (PostgreSQL), for tests that reopen it. */
  readonly where: string;
  /** Open a second connection/handle to the same database (PostgreSQL only). */
  readonly url: string | undefined;
  dispose(): Promise<void>;
}

/** A fresh, migrated, empty database of this kind. */
export async function freshStore(kind: DatabaseKind): Promise<TestStore> {
  if (kind === 'pglite') {
    const template = await pgliteTemplate();
    const folder = join(
      tmpdir(),
      `haven-test-${process.pid}-${Math.random().toString(36).slice(2)}`,
    );
    cpSync(template, folder, { recursive: true });
    const store = await openStore({ dataDir: folder });
    return {
      ...store,
      where: folder,
      url: undefined,
      close: () => store.close(),
      dispose: async () => {
        await store.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const template = await postgresTemplate();
  const name = `haven_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin((c) => c.query(`create database ${name} template ${template}`));
  const url = urlFor(name);
  const store = await openStore({ databaseUrl: url, dataDir: '' });
  return {
    ...store,
    where: name,
    url,
    close: () => store.close(),
    dispose: async () => {
      await store.close();
      await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Can the PostgreSQL server be reached? */
export async function postgresAvailable(): Promise<boolean> {
  try {
    await withAdmin((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}
