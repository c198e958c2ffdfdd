import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { decideForGroups } from '../../filtering/decide.ts';
import { addLocalEntry, deleteLocalEntry } from '../../filtering/local-entries.ts';
import { BUILT_IN_CATEGORIES } from '../../policy/engine/categories.ts';
import { listActiveBlockLists } from '../../store/block-list-repository.ts';
import { listFilterChanges } from '../../store/filter-change-repository.ts';
import { findLocalEntry, listLocalEntries } from '../../store/local-entry-repository.ts';
import type { LocalEntryRow } from '../../store/schema.ts';
import { actorInSchool } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const schoolOf = (actor: Actor | null): { actor: Actor; schoolId: string } =>
  actorInSchool(actor, 'Filtering settings');

const localEntryDto = z.object({
  id: z.string(),
  action: z.enum(['allow', 'block']),
  target: z.string(),
  groups: z.array(z.string()),
  category: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
});

function presentEntry(row: LocalEntryRow): z.input<typeof localEntryDto> {
  return {
    id: row.id,
    action: row.action,
    target: row.target,
    groups: row.groups,
    category: row.category,
    reason: row.reason,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const decisionDto = z.object({
  action: z.enum(['allow', 'block', 'allow-with-alert']),
  ruleId: z.string(),
  category: z.string().nullable(),
  categories: z.array(z.string()),
  list: z.object({ kind: z.string(), name: z.string(), entry: z.string() }).nullable(),
  confidence: z.number(),
  level: z.string().nullable(),
  group: z.string().nullable(),
  band: z
    .object({
      id: z.string(),
      label: z.string(),
      hours: z.string(),
      active: z.boolean(),
      next: z.object({ date: z.string(), weekday: z.string(), time: z.string() }).nullable(),
    })
    .nullable(),
  reason: z.string(),
  host: z.string(),
  policyVersion: z.number(),
  decidedAt: z.string(),
});

export function filteringRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/filter/categories',
      ability: 'lists.read',
      tag: 'filtering',
      summary: "Haven's filtering categories with their legal status",
      response: z.object({
        categories: z.array(
          z.object({
            id: z.string(),
            label: z.string(),
            legal: z.string(),
            description: z.string(),
          }),
        ),
      }),
      handler: async () => ({ categories: BUILT_IN_CATEGORIES.map((c) => ({ ...c })) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/filter/lists',
      ability: 'lists.read',
      tag: 'filtering',
      summary: 'The active block lists: category, entry counts, source and last update',
      response: z.object({
        lists: z.array(
          z.object({
            name: z.string(),
            category: z.string(),
            source: z.string(),
            hostEntries: z.number(),
            urlEntries: z.number(),
            allowEntries: z.number(),
            badLines: z.number(),
            importedAt: z.string(),
            importedBy: z.string(),
            checksum: z.string(),
            licence: z.string().nullable(),
          }),
        ),
      }),
      handler: async () => {
        const rows = await listActiveBlockLists(db());
        return {
          lists: rows.map((r) => ({
            name: r.name,
            category: r.category,
            source: r.source,
            hostEntries: r.host_entries,
            urlEntries: r.url_entries,
            allowEntries: r.allow_entries,
            badLines: r.bad_lines,
            importedAt: new Date(r.imported_at).toISOString(),
            importedBy: r.imported_by,
            checksum: r.checksum,
            licence: r.licence,
          })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/filter/changes',
      ability: 'lists.read',
      tag: 'filtering',
      summary:
        'The filter change log (FIL-7): every change to what the filter enforces, newest first',
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: z.object({
        changes: z.array(
          z.object({ at: z.string(), actor: z.string(), kind: z.string(), summary: z.string() }),
        ),
      }),
      handler: async ({ actor, query }) => {
        const { schoolId } = schoolOf(actor);
        const rows = await listFilterChanges(db(), schoolId, query.limit);
        return {
          changes: rows.map((r) => ({
            at: new Date(r.at).toISOString(),
            actor: r.actor_label,
            kind: r.kind,
            summary: r.summary,
          })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/filter/local-entries',
      ability: 'lists.read',
      tag: 'filtering',
      summary: "The school's local allow and block entries",
      response: z.object({ entries: z.array(localEntryDto) }),
      handler: async ({ actor }) => {
        const { schoolId } = schoolOf(actor);
        return { entries: (await listLocalEntries(db(), schoolId)).map(presentEntry) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/filter/local-entries',
      ability: 'lists.manage',
      tag: 'filtering',
      summary: 'Allow or block a host or URL prefix for the school (or some groups), with a reason',
      body: z
        .object({
          action: z.enum(['allow', 'block']),
          target: z.string().trim().min(1, 'give a host or URL').max(2000),
          groups: z.array(z.string()).default([]),
          category: z.string().max(60).nullable().default(null),
          reason: z.string().trim().min(3, 'say why').max(1000),
        })
        .strict(),
      response: localEntryDto,
      status: 201,
      handler: async ({ actor, body }) => {
        const { actor: a, schoolId } = schoolOf(actor);
        const row = await addLocalEntry(
          db(),
          { schoolId, ...body },
          { actor: a, now: deps.clock() },
        );
        deps.snapshots.invalidateSchool(schoolId);
        return presentEntry(row);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/filter/local-entries/:id',
      ability: 'lists.manage',
      tag: 'filtering',
      summary: 'Remove a local entry (it stays in the change log)',
      params: z.object({ id: z.uuid('not a valid id') }),
      query: z.object({ reason: z.string().trim().min(3, 'say why').max(1000) }),
      response: z.undefined(),
      status: 204,
      handler: async ({ actor, params, query }) => {
        const { actor: a } = schoolOf(actor);
        const entry = await findLocalEntry(db(), params.id);
        if (!entry || !can(a, 'lists.manage', { schoolId: entry.school_id })) {
          throw new HavenError('HAVEN_NOT_FOUND', 'No such local entry in your school.');
        }
        await deleteLocalEntry(db(), entry, query.reason, { actor: a, now: deps.clock() });
        deps.snapshots.invalidateSchool(entry.school_id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/filter/test',
      ability: 'decisions.test',
      tag: 'filtering',
      summary:
        'How the filter decides a URL or host for a group at a time, and why (nothing is logged as browsing)',
      body: z
        .object({
          destination: z.string().trim().min(1, 'give a URL or host name').max(4000),
          group: z.string().min(1).max(64),
          at: z.iso
            .datetime({ offset: true, error: 'use an ISO time such as 2026-11-23T12:30:00Z' })
            .optional(),
        })
        .strict(),
      response: decisionDto,
      handler: async ({ actor, body }) => {
        const { schoolId } = schoolOf(actor);
        const school = await deps.snapshots.school(schoolId);
        const groups = school.snapshot.rules.groups;
        const group = groups.find((g) => g.id === body.group);
        if (!group) {
          throw new HavenError('HAVEN_VALIDATION', `The policy has no group "${body.group}".`, {
            errors: [
              { path: 'body.group', message: `one of ${groups.map((g) => g.id).join(', ')}` },
            ],
          });
        }
        const at = body.at ? new Date(body.at) : deps.clock();
        const decision = decideForGroups(
          school,
          group.kind === 'nominated' ? ['staff', group.id] : [group.id],
          body.destination,
          at,
        );
        return {
          ...decision,
          categories: [...decision.categories],
          list: decision.list ? { ...decision.list } : null,
          band: decision.band ? { ...decision.band } : null,
          policyVersion: school.policyVersion.number,
          decidedAt: at.toISOString(),
        };
      },
    }),
  ];
}
