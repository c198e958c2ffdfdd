import { after, before, describe } from 'node:test';
import type { DatabaseKind } from '../../src/store/database.ts';
import { freshStore, testDatabases, type TestStore } from './test-databases.ts';

/**
 * Run a suite once per database (PGlite and PostgreSQL), each on a fresh migrated copy:
 *
 *   eachDatabase('people import', (ctx) => { test('…', async () => { ctx.store.db … }) })
 */
export function eachDatabase(
  name: string,
  suite: (ctx: { readonly store: TestStore; readonly kind: DatabaseKind }) => void,
): void {
  for (const kind of testDatabases()) {
    describe(`${name} [${kind}]`, () => {
      let store: TestStore | undefined;
      const ctx = {
        kind,
        get store(): TestStore {
          if (!store) throw new Error('the test store is not open yet (use it inside a test)');
          return store;
        },
      };
      before(async () => {
        store = await freshStore(kind);
      });
      after(async () => {
        await store?.dispose();
      });
      suite(ctx);
    });
  }
}
