import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { exemptionContext } from '../../casework/exemption-context.ts';
import {
  exemptionState,
  lessonPeriods,
  mayDecide,
  NEVER_EXEMPTED,
} from '../../casework/exemption-rules.ts';
import {
  decideExemption,
  requestExemption,
  revokeExemption,
  withdrawExemption,
} from '../../casework/exemptions.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { compileBand } from '../../policy/engine/time-bands.ts';
import { findExemption, listExemptions } from '../../store/exemption-repository.ts';
import type { ExemptionRow } from '../../store/schema.ts';
import { actorInSchool } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const schoolOf = (actor: Actor | null): { actor: Actor; schoolId: string } =>
  actorInSchool(actor, 'Exemptions');

const state = z.enum([
  'requested',
  'declined',
  'withdrawn',
  'revoked',
  'scheduled',
  'active',
  'expired',
  'lapsed',
]);

const exemptionDto = z.object({
  id: z.string(),
  targetKind: z.enum(['host', 'url', 'category']),
  target: z.string(),
  groups: z.array(z.string()),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string(),
  status: z.enum(['requested', 'approved', 'declined', 'revoked', 'withdrawn']),
  state: state.describe('The status with time applied: active, scheduled, expired, lapsed, …'),
  requestedBy: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  revokedBy: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokeNote: z.string().nullable(),
  mine: z.boolean().describe('The signed-in user asked for it'),
  canDecide: z.boolean(),
  canRevoke: z.boolean(),
});

const iso = (value: Date | null): string | null => (value ? new Date(value).toISOString() : null);

function present(row: ExemptionRow, actor: Actor, now: Date): z.input<typeof exemptionDto> {
  const s = exemptionState(row, now);
  const decider = can(actor, 'exemptions.decide', { schoolId: row.school_id });
  return {
    id: row.id,
    targetKind: row.target_kind,
    target: row.target,
    groups: row.groups,
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ends_at).toISOString(),
    reason: row.reason,
    status: row.status,
    state: s,
    requestedBy: row.requested_by_label,
    requestedAt: new Date(row.requested_at).toISOString(),
    decidedBy: row.decided_by_label,
    decidedAt: iso(row.decided_at),
    decisionNote: row.decision_note,
    revokedBy: row.revoked_by_label,
    revokedAt: iso(row.revoked_at),
    revokeNote: row.revoke_note,
    mine: row.requested_by === actor.userId,
    canDecide: decider && s === 'requested' && mayDecide(row, actor.userId),
    canRevoke: decider && (s === 'active' || s === 'scheduled'),
  };
}

const siteOrCategory = z.union([
  z.strictObject({ site: z.string().trim().min(1, 'give a host or URL').max(2000) }),
  z.strictObject({ category: z.string().trim().min(1).max(60) }),
]);

const instant = z.iso.datetime({
  offset: true,
  error: 'use an ISO time such as 2026-11-23T13:00:00Z',
});

export function exemptionRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;

  async function load(actor: Actor, id: string): Promise<ExemptionRow> {
    const row = await findExemption(db(), id);
    if (!row || !can(actor, 'exemptions.read', { schoolId: row.school_id })) {
      throw new HavenError('HAVEN_NOT_FOUND', 'No such exemption in your school.');
    }
    return row;
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/exemptions/options',
      ability: 'exemptions.request',
      tag: 'exemptions',
      summary:
        "What an exemption may be asked for: the policy's groups, the categories that can be exempted, and the next lesson periods",
      response: z.object({
        groups: z.array(z.object({ id: z.string(), label: z.string() })),
        categories: z.array(z.object({ id: z.string(), label: z.string() })),
        lessons: z.array(
          z.object({
            label: z.string(),
            startsAt: z.string(),
            endsAt: z.string(),
            current: z.boolean(),
          }),
        ),
        timeZone: z.string(),
        now: z.string(),
      }),
      handler: async ({ actor }) => {
        const { schoolId } = schoolOf(actor);
        const now = deps.clock();
        const school = await deps.snapshots.school(schoolId);
        const ctx = exemptionContext(school, now);
        const snapshot = school.snapshot;
        const bands = snapshot.rules.bands.map(compileBand);
        return {
          groups: ctx.groups.map((g) => ({ ...g })),
          categories: ctx.categories
            .filter((c) => !c.illegal && !NEVER_EXEMPTED.includes(c.id) && c.id !== 'allow-list')
            .map((c) => ({ id: c.id, label: c.label })),
          lessons: lessonPeriods(bands, snapshot.timeZone, now),
          timeZone: snapshot.timeZone,
          now: now.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/exemptions',
      ability: 'exemptions.read',
      tag: 'exemptions',
      summary: "The school's exemptions, newest period first, with their state now",
      query: z.object({
        state: state.optional(),
        mine: z
          .enum(['true', 'false'])
          .optional()
          .transform((v) => v === 'true'),
        limit: z.coerce.number().int().min(1).max(500).default(200),
      }),
      response: z.object({ exemptions: z.array(exemptionDto), now: z.string() }),
      handler: async ({ actor, query }) => {
        const { actor: a, schoolId } = schoolOf(actor);
        const now = deps.clock();
        const rows = await listExemptions(db(), {
          schoolId,
          requestedBy: query.mine ? a.userId : undefined,
          limit: query.limit,
        });
        const shown = rows
          .map((row) => present(row, a, now))
          .filter((x) => query.state === undefined || x.state === query.state);
        return { exemptions: shown, now: now.toISOString() };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/exemptions/:id',
      ability: 'exemptions.read',
      tag: 'exemptions',
      summary: 'One exemption',
      params: z.object({ id: z.uuid('not a valid id') }),
      response: exemptionDto,
      handler: async ({ actor, params }) => {
        const { actor: a } = schoolOf(actor);
        return present(await load(a, params.id), a, deps.clock());
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/exemptions',
      ability: 'exemptions.request',
      tag: 'exemptions',
      summary:
        'Ask for a site (host or URL prefix) or a category to be unblocked for groups, for a period, with a reason',
      body: z
        .object({
          target: siteOrCategory,
          groups: z.array(z.string().min(1).max(64)).min(1, 'name at least one group').max(20),
          startsAt: instant,
          endsAt: instant,
          reason: z.string().trim().min(3, 'say why the class needs it').max(1000),
        })
        .strict(),
      response: exemptionDto,
      status: 201,
      handler: async ({ actor, body }) => {
        const { actor: a, schoolId } = schoolOf(actor);
        const now = deps.clock();
        const school = await deps.snapshots.school(schoolId);
        const row = await requestExemption(
          db(),
          schoolId,
          {
            target:
              'site' in body.target
                ? { kind: 'site', site: body.target.site }
                : { kind: 'category', category: body.target.category },
            groups: body.groups,
            startsAt: new Date(body.startsAt),
            endsAt: new Date(body.endsAt),
            reason: body.reason,
          },
          exemptionContext(school, now),
          { actor: a, now },
        );
        return present(row, a, now);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/exemptions/:id/decision',
      ability: 'exemptions.decide',
      tag: 'exemptions',
      summary:
        'Approve or decline an exemption (the DSL or the online safety lead; not the person who asked)',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: z
        .object({
          decision: z.enum(['approve', 'decline']),
          note: z.string().trim().max(1000).default(''),
        })
        .strict(),
      response: exemptionDto,
      handler: async ({ actor, params, body }) => {
        const { actor: a } = schoolOf(actor);
        const row = await load(a, params.id);
        if (!can(a, 'exemptions.decide', { schoolId: row.school_id })) {
          throw new HavenError('HAVEN_NOT_FOUND', 'No such exemption in your school.');
        }
        const now = deps.clock();
        const context =
          body.decision === 'approve'
            ? exemptionContext(await deps.snapshots.school(row.school_id), now)
            : null;
        const updated = await decideExemption(
          db(),
          row,
          { approve: body.decision === 'approve', note: body.note },
          context,
          { actor: a, now },
        );
        deps.snapshots.invalidateSchool(row.school_id);
        return present(updated, a, now);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/exemptions/:id/revoke',
      ability: 'exemptions.decide',
      tag: 'exemptions',
      summary: 'End an approved exemption early, with a reason',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: z.object({ note: z.string().trim().min(3, 'say why').max(1000) }).strict(),
      response: exemptionDto,
      handler: async ({ actor, params, body }) => {
        const { actor: a } = schoolOf(actor);
        const row = await load(a, params.id);
        if (!can(a, 'exemptions.decide', { schoolId: row.school_id })) {
          throw new HavenError('HAVEN_NOT_FOUND', 'No such exemption in your school.');
        }
        const now = deps.clock();
        const updated = await revokeExemption(db(), row, body.note, { actor: a, now });
        deps.snapshots.invalidateSchool(row.school_id);
        return present(updated, a, now);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/exemptions/:id/withdraw',
      ability: 'exemptions.request',
      tag: 'exemptions',
      summary: 'Withdraw your own request before it is decided',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: z.object({}).strict(),
      response: exemptionDto,
      handler: async ({ actor, params }) => {
        const { actor: a } = schoolOf(actor);
        const row = await load(a, params.id);
        const now = deps.clock();
        return present(await withdrawExemption(db(), row, { actor: a, now }), a, now);
      },
    }),
  ];
}
