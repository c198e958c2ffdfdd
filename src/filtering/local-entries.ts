import type { Kysely } from 'kysely';
import { isSystemActor, type AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { normaliseHost } from '../policy/engine/host-name.ts';
import { parseUrlEntry } from '../policy/engine/list-index.ts';
import { recordFilterChange } from '../store/filter-change-repository.ts';
import { insertLocalEntry, removeLocalEntry } from '../store/local-entry-repository.ts';
import type { Database, LocalEntryRow } from '../store/schema.ts';

/**
 * A school's own allow and block entries: a host (with its subdomains) or a `host/path` URL
 * prefix. Every addition and removal is in the filter change log (FIL-7) and the audit log.
 */
export function normaliseTarget(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  const hasPath = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
    ? /:\/\/[^/]+\/./.test(text)
    : text.includes('/');
  if (hasPath) {
    const parsed = parseUrlEntry(text);
    if (!parsed) return null;
    return parsed.path === '' || parsed.path === '/' ? parsed.host : `${parsed.host}${parsed.path}`;
  }
  const host = normaliseHost(text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/$/, ''));
  return host && !host.startsWith('.') && !host.includes('..') ? host : null;
}

export interface NewLocalEntry {
  schoolId: string;
  action: 'allow' | 'block';
  target: string;
  groups: string[];
  category: string | null;
  reason: string;
}

export async function addLocalEntry(
  db: Kysely<Database>,
  input: NewLocalEntry,
  deps: { actor: AuditActor; now: Date },
): Promise<LocalEntryRow> {
  const target = normaliseTarget(input.target);
  if (!target) {
    throw new HavenError('HAVEN_VALIDATION', `"${input.target}" is not a host name or URL.`, {
      errors: [
        {
          path: 'target',
          message: 'give a host such as example.org or a URL prefix such as example.org/some/path',
        },
      ],
    });
  }
  if (input.reason.trim().length < 3) {
    throw new HavenError('HAVEN_VALIDATION', 'Say why: every filter change needs a reason.', {
      errors: [{ path: 'reason', message: 'required' }],
    });
  }
  const actorId = isSystemActor(deps.actor) ? null : deps.actor.userId;
  const actorLabel = isSystemActor(deps.actor) ? `system:${deps.actor.label}` : deps.actor.username;
  return db.transaction().execute(async (trx) => {
    const row = await insertLocalEntry(trx, {
      ...input,
      target,
      reason: input.reason.trim(),
      createdBy: actorId,
      now: deps.now,
    });
    const who = input.groups.length > 0 ? ` for ${input.groups.join(', ')}` : '';
    await recordFilterChange(
      trx,
      {
        schoolId: input.schoolId,
        actorId,
        actorLabel,
        kind: `local-${input.action}.added`,
        summary: `${input.action === 'allow' ? 'Allowed' : 'Blocked'} ${target}${who}: ${row.reason}`,
        detail: { id: row.id, target, groups: input.groups, category: input.category },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: `local-entry.added`,
        subjectType: 'local-entry',
        subjectId: row.id,
        schoolId: input.schoolId,
        detail: { action: input.action, target, groups: input.groups, reason: row.reason },
      },
      deps.now,
    );
    return row;
  });
}

export async function deleteLocalEntry(
  db: Kysely<Database>,
  entry: LocalEntryRow,
  reason: string,
  deps: { actor: AuditActor; now: Date },
): Promise<void> {
  if (entry.removed_at) throw new HavenError('HAVEN_CONFLICT', 'This entry was already removed.');
  const actorId = isSystemActor(deps.actor) ? null : deps.actor.userId;
  const actorLabel = isSystemActor(deps.actor) ? `system:${deps.actor.label}` : deps.actor.username;
  await db.transaction().execute(async (trx) => {
    await removeLocalEntry(trx, entry.id, actorId, deps.now);
    await recordFilterChange(
      trx,
      {
        schoolId: entry.school_id,
        actorId,
        actorLabel,
        kind: `local-${entry.action}.removed`,
        summary: `Removed local ${entry.action} entry ${entry.target}: ${reason}`,
        detail: { id: entry.id, target: entry.target },
      },
      deps.now,
    );
    await audit(
      trx,
      deps.actor,
      {
        action: 'local-entry.removed',
        subjectType: 'local-entry',
        subjectId: entry.id,
        schoolId: entry.school_id,
        detail: { target: entry.target, reason },
      },
      deps.now,
    );
  });
}
