import type { Migration, MigrationProvider } from 'kysely/migration';
import * as foundation from './0001-foundation.ts';
import * as filtering from './0002-filtering.ts';
import * as filterNodes from './0003-filter-nodes.ts';
import * as activity from './0004-activity.ts';
import * as alerts from './0005-alerts.ts';
import * as ingestTokens from './0006-ingest-tokens.ts';
import * as phraseLists from './0007-phrase-lists.ts';
import * as incidents from './0008-incidents.ts';
import * as exemptions from './0009-exemptions.ts';
import * as registers from './0010-registers.ts';
import * as auaTrainingSurveys from './0011-aua-training-surveys.ts';
import * as monitoring from './0012-monitoring.ts';
import * as governorReports from './0013-governor-reports.ts';
import * as activityPerformance from './0014-activity-performance.ts';
import * as caseworkGovernanceWiring from './0015-casework-governance-wiring.ts';

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
  '0008-incidents': incidents,
  '0009-exemptions': exemptions,
  '0010-registers': registers,
  '0011-aua-training-surveys': auaTrainingSurveys,
  '0012-monitoring': monitoring,
  '0013-governor-reports': governorReports,
  '0014-activity-performance': activityPerformance,
  '0015-casework-governance-wiring': caseworkGovernanceWiring,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
