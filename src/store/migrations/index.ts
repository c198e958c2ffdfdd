import type { Migration, MigrationProvider } from 'kysely/migration';
import * as foundation from './0001-foundation.ts';
import * as filtering from './0002-filtering.ts';
import * as filterNodes from './0003-filter-nodes.ts';
import * as activity from './0004-activity.ts';
import * as alerts from './0005-alerts.ts';
import * as ingestTokens from './0006-ingest-tokens.ts';
import * as phraseLists from './0007-phrase-lists.ts';
// Activity performance (h-perf)
import * as activityPerformance from './0014-activity-performance.ts';

/**
 * Every migration Haven has ever shipped, in order. Append-only: a migration that has been
 * released is never edited or removed (`migrations.test.ts` pins each file's checksum); a schema
 * change is a new file at the end of this list.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0002-filtering': filtering,
  '0003-filter-nodes': filterNodes,
  '0004-activity': activity,
  '0005-alerts': alerts,
  '0006-ingest-tokens': ingestTokens,
  '0007-phrase-lists': phraseLists,
  // Activity performance (h-perf)
  '0014-activity-performance': activityPerformance,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
