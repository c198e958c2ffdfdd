import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { changeContext } from '../../casework/exemption-context.ts';
import { isDue, mayApprove, MATRIX_CHANGE_LEVELS } from '../../casework/change-request-rules.ts';
import type { ChangeSpec } from '../../casework/change-request-rules.ts';
import {
  applyChange,
  decideChange,
  requestChange,
  takeUpDraft,
  withdrawChange,
} from '../../casework/change-requests.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { documentOf } from '../../filtering/policy-versions.ts';
import { userActionRows } from '../../policy/document/policy-schema.ts';
import { findChangeRequest, listChangeRequests } from '../../store/change-request-repository.ts';
import { listLocalEntries } from '../../store/local-entry-repository.ts';
import { findActivePolicyVersion } from '../../store/policy-version-repository.ts';
import type { ChangeRequestRow } from '../../store/schema.ts';
import { actorInSchool } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const schoolOf = (actor: Actor | null): { actor: Actor; schoolId: string } =>
  actorInSchool(actor, 'Change requests');

const statusEnum = z.enum([
  'draft',
  'requested',
  'approved',
  'declined',
  'applied',
  'failed',
  'withdrawn',
]);

const changeRequestDto = z.object({
  id: z.string(),
  kind: z.enum(['local-entry.add', 'local-entry.remove', 'matrix']),
  change: z.record(z.string(), z.unknown()),
  summary: z.string(),
  reason: z.string(),
  status: statusEnum,
  source: z.enum(['staff', 'block-page']),
  requestedBy: z.string(),
  createdAt: z.string(),
  requestedAt: z.string().nullable(),
  effectiveAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  appliedAt: z.string().nullable(),
  outcome: z.string().nullable(),
  mine: z.boolean(),
  canDecide: z.boolean(),
  canTakeUp: z.boolean(),
});

const iso = (value: Date | null): string | null => (value ? new Date(value).toISOString() : null);

function present(row: ChangeRequestRow, actor: Actor): z.input<typeof changeRequestDto> {
  const scope = { schoolId: row.school_id };
  return {
    id: row.id,
    kind: row.kind,
    change: row.change,
    summary: row.summary,
    reason: row.reason,
    status: row.status,
    source: row.source,
    requestedBy: row.requested_by_label,
    createdAt: new Date(row.created_at).toISOString(),
    requestedAt: iso(row.requested_at),
    effectiveAt: iso(row.effective_at),
    decidedBy: row.decided_by_label,
    decidedAt: iso(row.decided_at),
    decisionNote: row.decision_note,
    appliedAt: iso(row.applied_at),
    outcome: row.outcome,
    mine: row.requested_by === actor.userId,
    canDecide:
      row.status === 'requested' &&
      can(actor, 'change-requests.decide', scope) &&
      mayApprove(row, actor.userId),
    canTakeUp: row.status === 'draft' && can(actor, 'change-requests.create', scope),
  };
}

const changeSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('local-entry.add'),
    action: z.enum(['allow', 'block']),
    target: z.string().trim().min(1, 'give a host or URL').max(2000),
    groups: z.array(z.string().min(1).max(64)).max(20).default([]),
    category: z.string().max(60).nullable().default(null),
  }),
  z.strictObject({ kind: z.literal('local-entry.remove'), entryId: z.uuid('not a valid id') }),
  z.strictObject({
    kind: z.literal('matrix'),
    row: z.string().min(1).max(120),
    group: z.string().min(1).max(64),
    level: z.enum(MATRIX_CHANGE_LEVELS),
  }),
]);

const askBody = z
  .object({
    change: changeSpec,
    reason: z.string().trim().min(3, 'say why').max(2000),
    effectiveAt: z.iso
      .datetime({ offset: true, error: 'use an ISO time such as 2026-12-01T08:00:00Z' })
      .nullable()
      .default(null),
  })
  .strict();

export function changeRequestRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;

  async function load(actor: Actor, id: string): Promise<ChangeRequestRow> {
    const row = await findChangeRequest(db(), id);
    if (!row || !can(actor, 'change-requests.read', { schoolId: row.school_id })) {
      throw new HavenError('HAVEN_NOT_FOUND', 'No such change request in your school.');
    }
    return row;
  }

  async function contextFor(schoolId: string) {
    const now = deps.clock();
    const school = await deps.snapshots.school(schoolId);
    const active = await findActivePolicyVersion(db(), schoolId);
    if (!active) {
      throw new HavenError('HAVEN_NOT_READY', 'The school has no active policy version yet.');
    }
    return changeContext(school, documentOf(active), await listLocalEntries(db(), schoolId), now);
  }

  function askOf(body: z.output<typeof askBody>) {
    return {
      spec: body.change as ChangeSpec,
      reason: body.reason,
      effectiveAt: body.effectiveAt ? new Date(body.effectiveAt) : null,
    };
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/change-requests',
      ability: 'change-requests.read',
      tag: 'change control',
      summary:
        'Filter change requests, newest first: what, why, who asked, who decided, when applied',
      query: z.object({
        status: statusEnum.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(200),
      }),
      response: z.object({ changeRequests: z.array(changeRequestDto) }),
      handler: async ({ actor, query }) => {
        const { actor: a, schoolId } = schoolOf(actor);
        const rows = await listChangeRequests(db(), {
          schoolId,
          status: query.status,
          limit: query.limit,
        });
        return { changeRequests: rows.map((r) => present(r, a)) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/change-requests/options',
      ability: 'change-requests.create',
      tag: 'change control',
      summary:
        'What a change request can name: groups, categories, User Actions rows and local entries',
      response: z.object({
        groups: z.array(z.object({ id: z.string(), label: z.string() })),
        categories: z.array(z.object({ id: z.string(), label: z.string() })),
        rows: z.array(
          z.object({
            id: z.string(),
            activity: z.string(),
            levels: z.record(z.string(), z.string()),
          }),
        ),
        localEntries: z.array(
          z.object({ id: z.string(), action: z.enum(['allow', 'block']), target: z.string() }),
        ),
        levels: z.array(z.string()),
      }),
      handler: async ({ actor }) => {
        const { schoolId } = schoolOf(actor);
        const active = await findActivePolicyVersion(db(), schoolId);
        if (!active) {
          throw new HavenError('HAVEN_NOT_READY', 'The school has no active policy version yet.');
        }
        const ctx = await contextFor(schoolId);
        const entries = await listLocalEntries(db(), schoolId);
        return {
          groups: ctx.groups.map((g) => ({ ...g })),
          categories: ctx.categories
            .filter((c) => !c.illegal && c.id !== 'allow-list')
            .map((c) => ({ id: c.id, label: c.label })),
          rows: userActionRows(documentOf(active))
            .filter((r) => r.enforced)
            .map((r) => ({
              id: r.id,
              activity: r.activity,
              levels: Object.fromEntries(Object.entries(r.levels).map(([g, c]) => [g, c.level])),
            })),
          localEntries: entries.map((e) => ({ id: e.id, action: e.action, target: e.target })),
          levels: [...MATRIX_CHANGE_LEVELS],
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/change-requests',
      ability: 'change-requests.create',
      tag: 'change control',
      summary: 'Ask for a permanent filter change with a reason and an effective time',
      body: askBody,
      response: changeRequestDto,
      status: 201,
      handler: async ({ actor, body }) => {
        const { actor: a, schoolId } = schoolOf(actor);
        const row = await requestChange(db(), schoolId, askOf(body), await contextFor(schoolId), {
          actor: a,
          now: deps.clock(),
        });
        return present(row, a);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/change-requests/:id/take-up',
      ability: 'change-requests.create',
      tag: 'change control',
      summary: 'Take up a review asked from the block page: say what should change, and why',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: askBody,
      response: changeRequestDto,
      handler: async ({ actor, params, body }) => {
        const { actor: a } = schoolOf(actor);
        const row = await load(a, params.id);
        if (!can(a, 'change-requests.create', { schoolId: row.school_id })) {
          throw new HavenError('HAVEN_NOT_FOUND', 'No such change request in your school.');
        }
        const updated = await takeUpDraft(db(), row, askOf(body), await contextFor(row.school_id), {
          actor: a,
          now: deps.clock(),
        });
        return present(updated, a);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/change-requests/:id/decision',
      ability: 'change-requests.decide',
      tag: 'change control',
      summary:
        'Approve or decline a change request (online safety lead, DSL or head; not the person who asked). Approved changes apply at their effective time.',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: z
        .object({
          decision: z.enum(['approve', 'decline']),
          note: z.string().trim().max(1000).default(''),
        })
        .strict(),
      response: changeRequestDto,
      handler: async ({ actor, params, body }) => {
        const { actor: a } = schoolOf(actor);
        const row = await load(a, params.id);
        if (!can(a, 'change-requests.decide', { schoolId: row.school_id })) {
          throw new HavenError('HAVEN_NOT_FOUND', 'No such change request in your school.');
        }
        const now = deps.clock();
        let updated = await decideChange(
          db(),
          row,
          { approve: body.decision === 'approve', note: body.note },
          { actor: a, now },
        );
        if (isDue(updated, now)) {
          updated = (await applyChange(db(), updated, now)) ?? updated;
          deps.snapshots.invalidateSchool(row.school_id);
        }
        return present(updated, a);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/change-requests/:id/withdraw',
      ability: 'change-requests.create',
      tag: 'change control',
      summary: 'Withdraw your request before it is decided, or discard a block-page draft',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: z.object({ note: z.string().trim().min(3, 'say why').max(1000) }).strict(),
      response: changeRequestDto,
      handler: async ({ actor, params, body }) => {
        const { actor: a } = schoolOf(actor);
        const row = await load(a, params.id);
        const updated = await withdrawChange(db(), row, body.note, {
          actor: a,
          now: deps.clock(),
        });
        return present(updated, a);
      },
    }),
  ];
}
