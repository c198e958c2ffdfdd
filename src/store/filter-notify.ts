import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * "What the filter enforces has changed": sent where a change happens (a policy version made
 * active, a list imported or rolled back, a local entry added or removed, an exemption approved)
 * so every filter node rebuilds its snapshot at once instead of at its next periodic check.
 *
 * On PostgreSQL this is `NOTIFY haven_filter_changes` (delivered on commit to every process that
 * listens, see snapshot-store.ts); the same call also tells listeners in this process directly,
 * which is all there is on PGlite (one process). A lost notification only delays a change: the
 * snapshot store also compares the filter change log's newest id every few seconds.
 */
export const filterChangeChannel = 'haven_filter_changes';

export interface FilterChangeNotice {
  /** The school whose policy, local entries or exemptions changed; null for every school (lists). */
  readonly schoolId: string | null;
  /** `policy`, `lists`, `local-entries`, `exemptions`, … (informative: any notice triggers a check). */
  readonly kind: string;
}

const local = new EventEmitter();
local.setMaxListeners(0);

/**
 * Tell every filter node that what the filter enforces changed. Never throws: a notification
 * that cannot be sent is picked up by the nodes' periodic check within seconds. Inside a
 * transaction PostgreSQL delivers it on commit.
 */
export async function notifyFilterChange(
  db: Kysely<Database>,
  change: { schoolId?: string | null; kind: string },
): Promise<void> {
  const notice: FilterChangeNotice = { schoolId: change.schoolId ?? null, kind: change.kind };
  try {
    await sql`select pg_notify(${filterChangeChannel}, ${JSON.stringify(notice)})`.execute(db);
  } catch {
    // The database is unreachable (then the change itself did not happen either) or refused:
    // the periodic check covers it.
  } finally {
    setImmediate(() => local.emit('change', notice));
  }
}

/** Listen to changes announced in this process; returns the function that stops listening. */
export function onFilterChange(listener: (notice: FilterChangeNotice) => void): () => void {
  local.on('change', listener);
  return () => {
    local.off('change', listener);
  };
}

/** Read a NOTIFY payload; anything unreadable is a change of unknown scope. */
export function parseFilterChangeNotice(payload: string | undefined): FilterChangeNotice {
  try {
    const value = JSON.parse(payload ?? '') as { schoolId?: unknown; kind?: unknown };
    return {
      schoolId: typeof value.schoolId === 'string' ? value.schoolId : null,
      kind: typeof value.kind === 'string' ? value.kind : 'unknown',
    };
  } catch {
    return { schoolId: null, kind: 'unknown' };
  }
}
