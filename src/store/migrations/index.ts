import type { Migration, MigrationProvider } from 'kysely/migration';
import * as foundation from './0001-foundation.ts';
import * as filtering from './0002-filtering.ts';
import * as filterNodes from './0003-filter-nodes.ts';
import * as activity from './0004-activity.ts';
import * as alerts from './0005-alerts.ts';
import * as ingestTokens from './0006-ingest-tokens.ts';
import * as phraseLists from './0007-phrase-lists.ts';
// Governance registers
import * as registers from './0010-registers.ts';
// Temporary exemptions and filter change control
import * as exemptions from './0009-exemptions.ts';
// Acceptable use agreements, training, surveys
import * as auaTrainingSurveys from './0011-aua-training-surveys.ts';
// Governance reports (issue 8)
import * as governorReports from './0013-governor-reports.ts';
// Casework: incidents
import * as incidents from './0008-incidents.ts';

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
  // Governance registers
  '0010-registers': registers,
  // Temporary exemptions and filter change control
  '0009-exemptions': exemptions,
  // Acceptable use agreements, training, surveys
  '0011-aua-training-surveys': auaTrainingSurveys,
  // Governance reports (issue 8)
  '0013-governor-reports': governorReports,
  // Casework: incidents
  '0008-incidents': incidents,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
