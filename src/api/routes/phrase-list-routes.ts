import { z } from 'zod';
import type { Actor } from '../../access/actor.ts';
import {
  activePhraseLists,
  changeSummary,
  countsPerCategory,
  saveVersion,
} from '../../activity/phrase-lists.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  formatPhraseProblems,
  parsePhraseYaml,
  PHRASE_LIST_CATEGORIES,
  phraseDocumentSchema,
  stringifyPhraseYaml,
} from '../../policy/phrases/phrase-list.ts';
import { listPhraseListVersions } from '../../store/phrase-list-repository.ts';
import { findUserById } from '../../store/user-repository.ts';
import { actorInSchool } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const counts = z.partialRecord(z.enum(PHRASE_LIST_CATEGORIES), z.number());

const activeResponse = z.object({
  /** null while the school uses Haven's starter lists. */
  id: z.string().nullable(),
  number: z.number().describe('0 for the starter lists'),
  starter: z.boolean(),
  changeNote: z.string().nullable(),
  createdAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  counts,
  document: phraseDocumentSchema,
});

const versionSummary = z.object({
  id: z.string(),
  number: z.number(),
  active: z.boolean(),
  changeNote: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});

const changeNote = z.string().trim().min(1, 'say what changed and why').max(1000);
const jsonBody = z.object({ document: z.unknown(), changeNote });

const schoolOf = (actor: Actor | null): string => actorInSchool(actor, 'Phrase lists').schoolId;

export function phraseListRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  async function nameOf(userId: string | null): Promise<string | null> {
    if (!userId) return null;
    const user = await findUserById(db(), userId);
    return user ? user.display_name : null;
  }
  async function presentActive(schoolId: string): Promise<z.input<typeof activeResponse>> {
    const active = await activePhraseLists(db(), schoolId);
    const v = active.version;
    return {
      id: v?.id ?? null,
      number: active.number,
      starter: v === null,
      changeNote: v?.change_note ?? null,
      createdAt: v ? new Date(v.created_at).toISOString() : null,
      createdBy: v ? await nameOf(v.created_by) : null,
      counts: countsPerCategory(active.document),
      document: active.document,
    };
  }
  return [
    defineRoute({
      method: 'GET',
      url: '/api/phrase-lists',
      ability: 'phrases.read',
      tag: 'phrases',
      summary:
        "The school's active safeguarding phrase lists (the starter lists until one is saved)",
      response: activeResponse,
      handler: async ({ actor }) => presentActive(schoolOf(actor)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/phrase-lists/versions',
      ability: 'phrases.read',
      tag: 'phrases',
      summary: 'Every saved version of the phrase lists, newest first, with its change note',
      response: z.object({ versions: z.array(versionSummary) }),
      handler: async ({ actor }) => {
        const versions = await listPhraseListVersions(db(), schoolOf(actor));
        const names = new Map<string, string | null>();
        for (const v of versions)
          if (v.created_by && !names.has(v.created_by))
            names.set(v.created_by, await nameOf(v.created_by));
        return {
          versions: versions.map((v) => ({
            id: v.id,
            number: v.number,
            active: v.active,
            changeNote: v.change_note,
            createdAt: new Date(v.created_at).toISOString(),
            createdBy: v.created_by ? (names.get(v.created_by) ?? null) : null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/phrase-lists',
      ability: 'phrases.edit',
      tag: 'phrases',
      summary:
        'Save a new version of the phrase lists and make it active: JSON `{ document, changeNote }`, or the YAML file (`text/yaml`, change note in `?changeNote=`)',
      body: z.union([jsonBody, z.string()]),
      yamlBody: true,
      query: z.object({ changeNote: changeNote.optional() }),
      response: activeResponse.extend({ summary: z.string() }),
      handler: async ({ actor, body, query }) => {
        const schoolId = schoolOf(actor);
        let document: unknown;
        let note: string;
        if (typeof body === 'string') {
          if (query.changeNote === undefined) {
            throw new HavenError('HAVEN_VALIDATION', 'Say what changed and why.', {
              errors: [{ path: 'query.changeNote', message: 'say what changed and why' }],
            });
          }
          const parsed = parsePhraseYaml(body, 'phrase-lists.yaml');
          if (!parsed.ok) {
            throw new HavenError(
              'HAVEN_VALIDATION',
              `The phrase lists have ${parsed.problems.length} problem(s); nothing was saved.\n${formatPhraseProblems(parsed.problems)}`,
              {
                errors: parsed.problems.map((p) => ({
                  path: `line ${p.line}, column ${p.column}${p.path ? ` (${p.path})` : ''}`,
                  message: p.message,
                })),
              },
            );
          }
          document = parsed.document;
          note = query.changeNote;
        } else {
          document = body.document;
          note = body.changeNote;
        }
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const saved = await saveVersion(
          db(),
          { schoolId, document, changeNote: note },
          { actor, now: deps.clock() },
        );
        return { ...(await presentActive(schoolId)), summary: changeSummary(saved.changes) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/phrase-lists/export.yaml',
      ability: 'phrases.read',
      tag: 'phrases',
      summary: 'The active phrase lists as the YAML file (edit it and send it back with PUT)',
      response: z.undefined(),
      produces: 'text/yaml',
      handler: async ({ actor, reply }) => {
        const active = await activePhraseLists(db(), schoolOf(actor));
        reply
          .type('text/yaml; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="phrase-lists-v${String(active.number)}.yaml"`,
          )
          .send(stringifyPhraseYaml(active.document));
        return undefined;
      },
    }),
  ];
}
