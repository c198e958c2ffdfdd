import type { Kysely } from 'kysely';
import { isSystemActor, type AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError, type ProblemField } from '../errors/haven-error.ts';
import {
  diffPhraseDocuments,
  formatPhrasePath,
  validatePhraseDocument,
  type PhraseChange,
  type PhraseDocument,
  type PhraseIssue,
  type PhraseListCategory,
} from '../policy/phrases/phrase-list.ts';
import { STARTER_PHRASE_DOCUMENT } from '../policy/phrases/starter-lists.ts';
import {
  findActivePhraseListVersion,
  insertActivePhraseListVersion,
  lockPhraseLists,
  nextPhraseListNumber,
} from '../store/phrase-list-repository.ts';
import type { Database, PhraseListVersion } from '../store/schema.ts';

/**
 * A school's safeguarding phrase lists (MON-2) as versioned data: every save is a new numbered
 * version with a change note, made active in the same transaction as its audit entry. A school
 * that has never saved one scores with Haven's starter lists.
 */

export interface ActivePhraseLists {
  /** The stored version, or null for the starter lists. */
  readonly version: PhraseListVersion | null;
  /** 0 for the starter lists. */
  readonly number: number;
  readonly document: PhraseDocument;
}

/** Problems as the API shows them: `document.lists[0].entries[3].weight: must not be 0`. */
export function phraseProblems(
  issues: readonly PhraseIssue[],
  prefix = 'document',
): ProblemField[] {
  return issues.map((issue) => ({
    path: issue.path.length === 0 ? prefix : `${prefix}.${formatPhrasePath(issue.path)}`,
    message: issue.message,
  }));
}

/** The document stored in a version (validated when it was saved). */
export function documentOfVersion(version: PhraseListVersion): PhraseDocument {
  const result = validatePhraseDocument(version.document);
  if (!result.ok) {
    throw new HavenError(
      'HAVEN_INTERNAL',
      `Phrase list version ${version.number} no longer validates.`,
    );
  }
  return result.document;
}

export async function activePhraseLists(
  db: Kysely<Database>,
  schoolId: string,
): Promise<ActivePhraseLists> {
  const version = await findActivePhraseListVersion(db, schoolId);
  if (!version) return { version: null, number: 0, document: STARTER_PHRASE_DOCUMENT };
  return { version, number: version.number, document: documentOfVersion(version) };
}

/** How many entries each category has. */
export function countsPerCategory(
  document: PhraseDocument,
): Partial<Record<PhraseListCategory, number>> {
  const counts: Partial<Record<PhraseListCategory, number>> = {};
  for (const list of document.lists)
    counts[list.category] = (counts[list.category] ?? 0) + list.entries.length;
  return counts;
}

/** The change log line: `3 added, 1 removed, 2 changed`, or `no entries changed`. */
export function changeSummary(changes: readonly PhraseChange[]): string {
  const n = (kind: PhraseChange['change']) => changes.filter((c) => c.change === kind).length;
  const parts = [
    [n('added'), 'added'],
    [n('removed'), 'removed'],
    [n('changed'), 'changed'],
  ]
    .filter(([count]) => Number(count) > 0)
    .map(([count, word]) => `${String(count)} ${String(word)}`);
  return parts.length === 0 ? 'no entries changed' : parts.join(', ');
}

export interface SavePhraseLists {
  schoolId: string;
  document: unknown;
  changeNote: string;
}

/** Checks the document, then stores it as the school's new active version (audited). */
export async function saveVersion(
  db: Kysely<Database>,
  input: SavePhraseLists,
  context: { actor: AuditActor; now: Date },
): Promise<{ version: PhraseListVersion; changes: PhraseChange[] }> {
  const changeNote = input.changeNote.trim();
  if (changeNote === '') {
    throw new HavenError('HAVEN_VALIDATION', 'Say what changed and why.', {
      errors: [{ path: 'changeNote', message: 'must not be empty' }],
    });
  }
  const result = validatePhraseDocument(input.document);
  if (!result.ok) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      `The phrase lists have ${result.errors.length} problem(s); nothing was saved.`,
      { errors: phraseProblems(result.errors) },
    );
  }
  return db.transaction().execute(async (trx) => {
    await lockPhraseLists(trx, input.schoolId);
    const before = await activePhraseLists(trx, input.schoolId);
    const changes = diffPhraseDocuments(before.document, result.document);
    const number = await nextPhraseListNumber(trx, input.schoolId);
    // Saving raises the document's own `version` by one (docs/phrase-scoring.md).
    const document: PhraseDocument = { ...result.document, version: before.document.version + 1 };
    const version = await insertActivePhraseListVersion(trx, {
      schoolId: input.schoolId,
      number,
      document,
      changeNote,
      createdBy: isSystemActor(context.actor) ? null : context.actor.userId,
      now: context.now,
    });
    await audit(
      trx,
      context.actor,
      {
        action: 'phrases.save',
        subjectType: 'phrase-list-version',
        subjectId: version.id,
        schoolId: input.schoolId,
        detail: {
          number,
          previous: before.number,
          changeNote,
          summary: changeSummary(changes),
          changes: changes.slice(0, 200).map((c) => ({
            category: c.category,
            key: c.key,
            change: c.change,
            ...(c.before ? { weightBefore: c.before.weight } : {}),
            ...(c.after ? { weightAfter: c.after.weight } : {}),
          })),
        },
      },
      context.now,
    );
    return { version, changes };
  });
}
