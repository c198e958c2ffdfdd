import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { auaAudienceLabels, auaAudiences } from '../../filtering/aua-safe-list.ts';
import {
  agreementsFor,
  auaCompletion,
  MAX_SAFE_HOSTS,
  percentSigned,
  publishAuaVersion,
  remindAua,
  signAua,
  updateAuaSettings,
} from '../../governance/aua.ts';
import { findAuaSettings, listAuaVersions } from '../../store/aua-repository.ts';
import { findSchoolById } from '../../store/school-repository.ts';
import type { AuaVersion } from '../../store/schema.ts';
import { actorInSchool, requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const audience = z.enum(['pupil-younger', 'pupil-older', 'staff', 'parent', 'visitor']);

const versionDto = z.object({
  id: z.string(),
  audience: z.string(),
  audienceLabel: z.string(),
  number: z.number(),
  title: z.string(),
  body: z.string().describe('Markdown-ish text: headings (#), lists (-), paragraphs; never HTML'),
  effectiveFrom: z.string(),
  changeNote: z.string(),
  publishedAt: z.string(),
  inForce: z.boolean().describe('The version people sign now (false: replaced, or for later)'),
});

function presentVersion(v: AuaVersion, inForce: boolean): z.input<typeof versionDto> {
  return {
    id: v.id,
    audience: v.audience,
    audienceLabel: auaAudienceLabels[v.audience],
    number: v.number,
    title: v.title,
    body: v.body,
    effectiveFrom: new Date(v.effective_from).toISOString(),
    changeNote: v.change_note,
    publishedAt: new Date(v.published_at).toISOString(),
    inForce,
  };
}

const settingsDto = z.object({
  safeListEnabled: z.boolean(),
  safeHosts: z.array(z.string()),
  appHost: z.string().nullable().describe("Haven's own address, always on the safe list"),
  updatedAt: z.string().nullable(),
});

const completionRow = z.object({
  audience: z.string(),
  label: z.string(),
  version: z
    .object({ id: z.string(), number: z.number(), title: z.string(), effectiveFrom: z.string() })
    .nullable(),
  signed: z.number(),
  due: z.number(),
  percent: z.number().nullable(),
});

const schoolOf = (actor: Actor | null): string =>
  actorInSchool(actor, 'Acceptable use agreements').schoolId;

const idParams = z.object({ id: z.uuid() });

export function auaRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/aua/versions',
      ability: 'aua.read',
      tag: 'aua',
      summary: "Every version of the school's acceptable use agreements, newest first per audience",
      response: z.object({ versions: z.array(versionDto) }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor);
        const now = deps.clock();
        const versions = await listAuaVersions(db(), schoolId);
        const inForce = new Set<string>();
        for (const a of auaAudiences) {
          const current = versions
            .filter((v) => v.audience === a && new Date(v.effective_from) <= now)
            .sort((x, y) => y.number - x.number)[0];
          if (current) inForce.add(current.id);
        }
        return { versions: versions.map((v) => presentVersion(v, inForce.has(v.id))) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/aua/versions',
      ability: 'aua.publish',
      tag: 'aua',
      summary: 'Publish a new version for one audience: everyone in it must sign again',
      status: 201,
      body: z.object({
        audience,
        title: z.string().trim().min(3, 'give the agreement a title').max(200),
        body: z.string().trim().min(20, 'write the agreement (at least a few lines)').max(50_000),
        effectiveFrom: z.iso
          .datetime({ offset: true, error: 'give a date and time such as 2026-09-01T00:00:00Z' })
          .optional()
          .describe('When it takes effect (default: now)'),
        changeNote: z.string().trim().min(3, 'say what changed and why').max(1000),
      }),
      response: versionDto,
      handler: async ({ actor, body }) => {
        const a = requireActor(actor);
        const schoolId = schoolOf(a);
        const now = deps.clock();
        const version = await publishAuaVersion(
          db(),
          {
            schoolId,
            audience: body.audience,
            title: body.title,
            body: body.body,
            effectiveFrom: body.effectiveFrom ? new Date(body.effectiveFrom) : now,
            changeNote: body.changeNote,
          },
          { actor: a, now },
        );
        deps.snapshots.invalidateSchool(schoolId);
        return presentVersion(version, new Date(version.effective_from) <= now);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/aua/mine',
      ability: 'aua.sign',
      tag: 'aua',
      summary:
        'The agreements you must sign (in force, and any published for later) and when you signed',
      response: z.object({
        agreements: z.array(
          z.object({
            version: versionDto,
            signedAt: z.string().nullable(),
          }),
        ),
        waiting: z.number().describe('Agreements in force that you have not signed'),
      }),
      handler: async ({ actor }) => {
        const a = requireActor(actor);
        const mine = await agreementsFor(db(), a, deps.clock());
        return {
          agreements: mine.map((m) => ({
            version: presentVersion(m.version, m.inForce),
            signedAt: m.signedAt ? m.signedAt.toISOString() : null,
          })),
          waiting: mine.filter((m) => m.inForce && m.signedAt === null).length,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/aua/versions/:id/sign',
      ability: 'aua.sign',
      tag: 'aua',
      summary: 'Sign an agreement: type your name and tick that you agree (recorded with the time)',
      status: 201,
      params: idParams,
      body: z.object({
        typedName: z.string().trim().min(2, 'type your name').max(200),
        agree: z.literal(true, { error: 'tick the box to say you agree' }),
      }),
      response: z.object({ versionId: z.string(), signedAt: z.string() }),
      handler: async ({ actor, params, body }) => {
        const a = requireActor(actor);
        const signature = await signAua(db(), a, params.id, body.typedName, deps.clock());
        deps.snapshots.invalidateSchool(signature.school_id);
        return {
          versionId: signature.version_id,
          signedAt: new Date(signature.signed_at).toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/aua/completion',
      ability: 'aua.completion.read',
      tag: 'aua',
      summary: 'Signed and due per audience and per group, and who has still to sign',
      response: z.object({
        byAudience: z.array(completionRow),
        byGroup: z.array(
          z.object({
            slug: z.string(),
            name: z.string(),
            signed: z.number(),
            due: z.number(),
            percent: z.number().nullable(),
          }),
        ),
        outstanding: z.array(
          z.object({
            userId: z.string(),
            name: z.string(),
            audience: z.string(),
            hasEmail: z.boolean(),
          }),
        ),
      }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor);
        const c = await auaCompletion(db(), schoolId, deps.clock());
        return {
          byAudience: c.byAudience.map((r) => ({
            ...r,
            version: r.version
              ? { ...r.version, effectiveFrom: r.version.effectiveFrom.toISOString() }
              : null,
            percent: percentSigned(r.signed, r.due),
          })),
          byGroup: c.byGroup.map((g) => ({ ...g, percent: percentSigned(g.signed, g.due) })),
          outstanding: c.outstanding.map((o) => ({
            userId: o.userId,
            name: o.name,
            audience: o.audience,
            hasEmail: o.email !== null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/aua/remind',
      ability: 'aua.remind',
      tag: 'aua',
      summary: 'Email everyone who has not signed the version in force (one audience, or all)',
      body: z.object({ audience: audience.optional() }),
      response: z.object({
        outstanding: z.number(),
        emailed: z.number(),
        withoutEmail: z.number(),
        failed: z.number(),
        error: z.string().nullable(),
      }),
      handler: async ({ actor, body, request }) => {
        const a = requireActor(actor);
        const schoolId = schoolOf(a);
        const school = await findSchoolById(db(), schoolId);
        const publicUrl = deps.publicUrl ?? `${request.protocol}://${request.host}`;
        return remindAua(
          db(),
          deps.mailer ?? null,
          {
            schoolId,
            schoolName: school?.name ?? 'Your school',
            audience: body.audience ?? null,
            publicUrl,
          },
          { actor: a, now: deps.clock() },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/aua/settings',
      ability: 'aua.completion.read',
      tag: 'aua',
      summary: 'Whether people who have not signed are kept on a safe list, and that list',
      response: settingsDto.extend({ canManage: z.boolean(), maxHosts: z.number() }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor);
        const s = await findAuaSettings(db(), schoolId);
        return {
          safeListEnabled: s?.safe_list_enabled ?? false,
          safeHosts: s?.safe_hosts ?? [],
          appHost: s?.app_host ?? null,
          updatedAt: s ? new Date(s.updated_at).toISOString() : null,
          canManage: can(actor, 'aua.settings.manage', { schoolId }),
          maxHosts: MAX_SAFE_HOSTS,
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/aua/settings',
      ability: 'aua.settings.manage',
      tag: 'aua',
      summary:
        'Turn the safe list for people who have not signed on or off, and edit it (Haven and help services are always allowed)',
      body: z.object({
        safeListEnabled: z.boolean(),
        safeHosts: z.array(z.string().trim().min(1).max(300)).max(100),
      }),
      response: settingsDto,
      handler: async ({ actor, body, request }) => {
        const a = requireActor(actor);
        const schoolId = schoolOf(a);
        const appHost = deps.publicUrl ? new URL(deps.publicUrl).hostname : request.hostname;
        const s = await updateAuaSettings(
          db(),
          { schoolId, ...body, appHost },
          { actor: a, now: deps.clock() },
        );
        deps.snapshots.invalidateSchool(schoolId);
        return {
          safeListEnabled: s.safe_list_enabled,
          safeHosts: s.safe_hosts,
          appHost: s.app_host,
          updatedAt: new Date(s.updated_at).toISOString(),
        };
      },
    }),
  ];
}
