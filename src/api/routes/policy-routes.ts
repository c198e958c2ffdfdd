import { z } from 'zod';
import { can, type Ability } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  activateVersion,
  approveVersion,
  checkedDocument,
  createDraft,
  documentOf,
  reviewStatus,
  updateDraft,
  withdrawDraft,
} from '../../filtering/policy-versions.ts';
import { diffPolicies } from '../../policy/document/policy-diff.ts';
import {
  isTemplateId,
  listTemplates,
  loadTemplate,
  TEMPLATE_IDS,
} from '../../policy/templates/index.ts';
import { ChromiumUnavailableError, renderPdf } from '../../reports/pdf.ts';
import { renderPolicyHtml } from '../../reports/policy-document.ts';
import {
  findActivePolicyVersion,
  findPolicyVersion,
  listPolicyVersions,
} from '../../store/policy-version-repository.ts';
import { findSchoolById } from '../../store/school-repository.ts';
import type { PolicyVersion } from '../../store/schema.ts';
import { findUserById } from '../../store/user-repository.ts';
import { actorInSchool, requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const versionSummary = z.object({
  id: z.string(),
  number: z.number(),
  status: z.enum(['draft', 'approved', 'active', 'superseded', 'withdrawn']),
  title: z.string(),
  changeNote: z.string().nullable(),
  basedOn: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvalNote: z.string().nullable(),
  activatedAt: z.string().nullable(),
  nextReview: z.string().nullable(),
});

const versionDetail = versionSummary.extend({ document: z.unknown() });

const idParams = z.object({ id: z.uuid('not a valid id') });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');

function localToday(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function policyRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  const names = new Map<string, string>();
  async function nameOf(userId: string | null): Promise<string | null> {
    if (!userId) return null;
    const known = names.get(userId);
    if (known) return known;
    const user = await findUserById(db(), userId);
    const name = user ? user.display_name : null;
    if (name) names.set(userId, name);
    return name;
  }
  async function present(v: PolicyVersion): Promise<z.input<typeof versionSummary>> {
    return {
      id: v.id,
      number: v.number,
      status: v.status,
      title: v.title,
      changeNote: v.change_note,
      basedOn: v.based_on,
      createdAt: new Date(v.created_at).toISOString(),
      createdBy: await nameOf(v.created_by),
      approvedAt: v.approved_at ? new Date(v.approved_at).toISOString() : null,
      approvedBy: await nameOf(v.approved_by),
      approvalNote: v.approval_note,
      activatedAt: v.activated_at ? new Date(v.activated_at).toISOString() : null,
      nextReview: v.next_review,
    };
  }
  /** Load a version and check the record rule for the ability. */
  async function loadVersion(
    actor: Actor | null,
    id: string,
    ability: Ability,
  ): Promise<PolicyVersion> {
    const a = requireActor(actor);
    const version = await findPolicyVersion(db(), id);
    if (!version || !can(a, 'policy.read', { schoolId: version.school_id })) {
      throw new HavenError('HAVEN_NOT_FOUND', 'No such policy version in your school.');
    }
    if (!can(a, ability, { schoolId: version.school_id })) throw new HavenError('HAVEN_FORBIDDEN');
    return version;
  }
  const schoolOf = (actor: Actor | null): string => actorInSchool(actor, 'Policies').schoolId;
  async function documentMeta(version: PolicyVersion) {
    const school = await findSchoolById(db(), version.school_id);
    return {
      schoolName: school?.name ?? '',
      versionNumber: version.number,
      status: version.status,
      approvedBy: await nameOf(version.approved_by),
      approvedAt: version.approved_at
        ? new Date(version.approved_at).toISOString().slice(0, 10)
        : null,
      approvalNote: version.approval_note,
      nextReview: version.next_review,
      generatedAt: deps.clock().toISOString(),
    };
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/policy/status',
      ability: 'policy.read',
      tag: 'policy',
      summary:
        'The version the filter enforces, whether governors approved it, and whether its review is overdue',
      response: z.object({
        active: versionSummary.nullable(),
        review: z.object({
          nextReview: z.string().nullable(),
          overdue: z.boolean(),
          daysLeft: z.number().nullable(),
        }),
        drafts: z.number(),
        awaitingActivation: z.number(),
      }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor);
        const school = await findSchoolById(db(), schoolId);
        const active = await findActivePolicyVersion(db(), schoolId);
        const all = await listPolicyVersions(db(), schoolId);
        return {
          active: active ? await present(active) : null,
          review: reviewStatus(
            active,
            localToday(school?.time_zone ?? 'Europe/London', deps.clock()),
          ),
          drafts: all.filter((v) => v.status === 'draft').length,
          awaitingActivation: all.filter((v) => v.status === 'approved').length,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/policy/templates',
      ability: 'policy.read',
      tag: 'policy',
      summary: 'The policy templates Haven ships (from the two seed policies)',
      response: z.object({
        templates: z.array(
          z.object({ id: z.string(), school: z.string(), description: z.string() }),
        ),
      }),
      handler: async () => ({ templates: listTemplates() }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/policy/versions',
      ability: 'policy.read',
      tag: 'policy',
      summary: 'Every policy version of your school, newest first',
      response: z.object({ versions: z.array(versionSummary) }),
      handler: async ({ actor }) => {
        const versions = await listPolicyVersions(db(), schoolOf(actor));
        return { versions: await Promise.all(versions.map(present)) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/policy/versions/:id',
      ability: 'policy.read',
      tag: 'policy',
      summary: 'One policy version with its document (the tables as data)',
      params: idParams,
      response: versionDetail,
      handler: async ({ actor, params }) => {
        const version = await loadVersion(actor, params.id, 'policy.read');
        return { ...(await present(version)), document: version.document };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/policy/versions',
      ability: 'policy.edit',
      tag: 'policy',
      summary:
        'Start a draft: from a version (default: the active one), from a template, or from a whole document',
      body: z
        .object({
          from: z.uuid().optional(),
          template: z.enum(TEMPLATE_IDS).optional(),
          document: z.unknown().optional(),
          title: z.string().trim().min(3).max(200).optional(),
          changeNote: z.string().trim().max(2000).optional(),
        })
        .strict(),
      response: versionDetail,
      status: 201,
      handler: async ({ actor, body }) => {
        const a = requireActor(actor);
        const schoolId = schoolOf(a);
        const sources = [body.from, body.template, body.document].filter(
          (x) => x !== undefined,
        ).length;
        if (sources > 1) {
          throw new HavenError(
            'HAVEN_VALIDATION',
            'Start from one thing: a version, a template or a document.',
            {
              errors: [{ path: 'body', message: 'give at most one of from, template, document' }],
            },
          );
        }
        let basedOn: PolicyVersion | null = null;
        let document;
        if (body.document !== undefined) document = checkedDocument(body.document);
        else if (body.template !== undefined && isTemplateId(body.template))
          document = loadTemplate(body.template);
        else {
          basedOn = body.from
            ? await loadVersion(a, body.from, 'policy.edit')
            : ((await findActivePolicyVersion(db(), schoolId)) ?? null);
          if (!basedOn) {
            throw new HavenError(
              'HAVEN_VALIDATION',
              'There is no active version to start from: choose a template.',
              {
                errors: [{ path: 'body.template', message: `one of ${TEMPLATE_IDS.join(', ')}` }],
              },
            );
          }
          document = documentOf(basedOn);
        }
        const version = await createDraft(
          db(),
          {
            schoolId,
            document,
            basedOn,
            ...(body.title ? { title: body.title } : {}),
            changeNote: body.changeNote ?? null,
          },
          { actor: a, now: deps.clock() },
        );
        return { ...(await present(version)), document: version.document };
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/policy/versions/:id',
      ability: 'policy.edit',
      tag: 'policy',
      summary:
        'Edit a draft: its document (every problem is reported at once), title, change note or review date',
      params: idParams,
      body: z
        .object({
          document: z.unknown(),
          title: z.string().trim().min(3).max(200),
          changeNote: z.string().trim().max(2000).nullable(),
          nextReview: date.nullable(),
        })
        .partial()
        .strict(),
      response: versionDetail,
      handler: async ({ actor, params, body }) => {
        const a = requireActor(actor);
        const version = await loadVersion(a, params.id, 'policy.edit');
        const { document: raw, ...rest } = body;
        const updated = await updateDraft(
          db(),
          version,
          { ...rest, ...(raw !== undefined ? { document: checkedDocument(raw) } : {}) },
          { actor: a, now: deps.clock() },
        );
        return { ...(await present(updated)), document: updated.document };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/policy/versions/:id/approve',
      ability: 'policy.approve',
      tag: 'policy',
      summary: 'A governor approves a draft, with a note and the next review date',
      params: idParams,
      body: z
        .object({
          note: z.string().trim().min(3, 'write a short note for the record').max(2000),
          nextReview: date,
        })
        .strict(),
      response: versionSummary,
      handler: async ({ actor, params, body }) => {
        const a = requireActor(actor);
        const version = await loadVersion(a, params.id, 'policy.approve');
        return present(await approveVersion(db(), version, body, { actor: a, now: deps.clock() }));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/policy/versions/:id/activate',
      ability: 'policy.activate',
      tag: 'policy',
      summary:
        'Make an approved version the one the filter enforces (the filter picks it up at once)',
      params: idParams,
      response: versionSummary.extend({ changes: z.array(z.string()) }),
      handler: async ({ actor, params }) => {
        const a = requireActor(actor);
        const version = await loadVersion(a, params.id, 'policy.activate');
        const result = await activateVersion(db(), version, { actor: a, now: deps.clock() });
        deps.snapshots.invalidateSchool(version.school_id);
        return {
          ...(await present(result.version)),
          changes: result.changes.map((c) => c.summary),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/policy/versions/:id/withdraw',
      ability: 'policy.edit',
      tag: 'policy',
      summary: 'Withdraw a draft or an approved version that will not go ahead',
      params: idParams,
      response: versionSummary,
      handler: async ({ actor, params }) => {
        const a = requireActor(actor);
        const version = await loadVersion(a, params.id, 'policy.edit');
        return present(await withdrawDraft(db(), version, { actor: a, now: deps.clock() }));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/policy/versions/:id/diff',
      ability: 'policy.read',
      tag: 'policy',
      summary:
        'What changed from another version (default: the version it was based on, or the active one)',
      params: idParams,
      query: z.object({ against: z.uuid().optional() }),
      response: z.object({
        from: z.number().nullable(),
        to: z.number(),
        changes: z.array(
          z.object({
            table: z.string(),
            kind: z.enum(['added', 'removed', 'changed']),
            item: z.string().optional(),
            label: z.string().optional(),
            column: z.string().optional(),
            before: z.string().optional(),
            after: z.string().optional(),
            summary: z.string(),
          }),
        ),
      }),
      handler: async ({ actor, params, query }) => {
        const version = await loadVersion(actor, params.id, 'policy.read');
        const againstId =
          query.against ??
          version.based_on ??
          (await findActivePolicyVersion(db(), version.school_id))?.id;
        if (!againstId || againstId === version.id)
          return { from: null, to: version.number, changes: [] };
        const against = await loadVersion(actor, againstId, 'policy.read');
        if (against.school_id !== version.school_id)
          throw new HavenError('HAVEN_NOT_FOUND', 'No such policy version in your school.');
        return {
          from: against.number,
          to: version.number,
          changes: diffPolicies(documentOf(against), documentOf(version)),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/policy/versions/:id/document.html',
      ability: 'policy.read',
      tag: 'policy',
      summary:
        "The version's tables as a web page for publication, from the same data the filter enforces",
      params: idParams,
      response: z.undefined(),
      produces: 'text/html',
      handler: async ({ actor, params, reply }) => {
        const version = await loadVersion(actor, params.id, 'policy.read');
        const page = renderPolicyHtml(documentOf(version), await documentMeta(version));
        reply.header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        );
        reply.type('text/html; charset=utf-8').send(page);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/policy/versions/:id/document.pdf',
      ability: 'policy.read',
      tag: 'policy',
      summary: "The version's tables as a PDF for publication (printed by Chromium)",
      params: idParams,
      response: z.undefined(),
      produces: 'application/pdf',
      handler: async ({ actor, params, reply }) => {
        const version = await loadVersion(actor, params.id, 'policy.read');
        const page = renderPolicyHtml(documentOf(version), await documentMeta(version));
        let pdf: Buffer;
        try {
          pdf = await renderPdf(page);
        } catch (error) {
          if (error instanceof ChromiumUnavailableError)
            throw new HavenError('HAVEN_NOT_READY', error.message);
          throw error;
        }
        reply
          .type('application/pdf')
          .header(
            'content-disposition',
            `attachment; filename="online-safety-policy-v${version.number}.pdf"`,
          )
          .send(pdf);
        return undefined;
      },
    }),
  ];
}
