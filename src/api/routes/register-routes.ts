import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import { retentionOf, setRetention, MAX_RETENTION_DAYS } from '../../activity/retention.ts';
import { governanceDueDates } from '../../governance/governance-due-dates.ts';
import { checkPublication } from '../../governance/photo-consent-check.ts';
import {
  columnLabel,
  createSchema,
  personFits,
  updateSchema,
  type RegisterDefinition,
} from '../../governance/register-definition.ts';
import {
  archiveRegisterRowFor,
  createRegisterRow,
  exportRegisterCsv,
  listRegister,
  readRegisterRow,
  registerContext,
  registerSchool,
  toView,
  updateRegisterRowData,
} from '../../governance/register-workflow.ts';
import {
  photoPurposes,
  type PhotoPurpose,
} from '../../governance/registers/photo-consent-register.ts';
import { findRegister, registers } from '../../governance/registers/index.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { listLegalHolds } from '../../store/activity-repository.ts';
import { listRegisterRows, listSchoolPeople } from '../../store/register-repository.ts';
import { requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

/**
 * The governance registers' API (GOV-1, GOV-6 to GOV-9): the same six routes for every register
 * — list (with filters), read, create, edit, archive, CSV export — generated from its definition
 * and guarded by its read and edit abilities; the Registers overview and due dates; and what
 * some registers add (the photo publishing check, the activity retention beside the retention
 * schedule, legal holds).
 */

const flagDto = z.object({
  code: z.string(),
  severity: z.enum(['overdue', 'warning', 'info']),
  message: z.string(),
});

const rowDto = z.object({
  id: z.string(),
  title: z.string(),
  data: z.record(z.string(), z.unknown()).describe('The fields as stored (people and rows by id)'),
  display: z.record(z.string(), z.string()).describe('Every field and computed column as text'),
  flags: z.array(flagDto),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const choiceDto = z.object({ value: z.string(), label: z.string() });

const listDto = z.object({
  rows: z.array(rowDto),
  registerFlags: z.array(flagDto),
  canEdit: z.boolean(),
  choices: z
    .record(z.string(), z.array(choiceDto))
    .describe(
      'For person, people and row fields: what may be chosen (given to those who may edit)',
    ),
});

const savedDto = z.object({
  row: rowDto,
  notice: z.string().nullable().describe('Shown once, e.g. a new guest account’s password'),
});

const fieldDto = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum([
    'text',
    'longtext',
    'date',
    'datetime',
    'number',
    'boolean',
    'choice',
    'person',
    'people',
    'row',
  ]),
  required: z.boolean(),
  hint: z.string().nullable(),
  options: z.array(choiceDto),
  min: z.number().nullable(),
  max: z.number().nullable(),
  createOnly: z.boolean(),
  system: z.boolean(),
});

const registerDto = z.object({
  key: z.string(),
  title: z.string(),
  noun: z.string(),
  area: z.string(),
  description: z.string(),
  source: z.string(),
  canEdit: z.boolean(),
  fields: z.array(fieldDto),
  columns: z.array(z.object({ key: z.string(), label: z.string(), type: z.string() })),
  rows: z.number(),
  flagged: z.number(),
  registerFlags: z.array(flagDto),
});

const dueDto = z.object({
  kind: z.string(),
  title: z.string(),
  due: z.string(),
  href: z.string(),
  overdue: z.boolean(),
});

const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  flagged: z.enum(['true', 'false']).optional(),
  archived: z.enum(['true', 'false']).optional(),
  schoolId: z.uuid().optional(),
});

const schoolQuery = z.object({ schoolId: z.uuid().optional() });
const idParams = z.object({ id: z.uuid('not a register row id') });

function presentDefinition(definition: RegisterDefinition) {
  return {
    fields: definition.fields.map((f) => ({
      key: f.key,
      label: f.label,
      type: f.type,
      required: f.required === true,
      hint: f.hint ?? null,
      options: [...(f.options ?? [])],
      min: f.min ?? null,
      max: f.max ?? null,
      createOnly: f.createOnly === true,
      system: f.system === true,
    })),
    columns: definition.columns.map((key) => ({
      key,
      label: columnLabel(definition, key),
      type: definition.fields.find((f) => f.key === key)?.type ?? 'computed',
    })),
  };
}

export function registerRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;

  /** What the form's person, people and row fields may choose from. */
  const choicesFor = async (definition: RegisterDefinition, schoolId: string) => {
    const fields = definition.fields.filter(
      (f) => !f.system && ['person', 'people', 'row'].includes(f.type),
    );
    if (fields.length === 0) return {};
    const people = (await listSchoolPeople(db(), schoolId)).filter(
      (p) =>
        !p.disabled && !(p.guestExpiresAt && p.guestExpiresAt.getTime() <= deps.clock().getTime()),
    );
    const ctx = await registerContext(db(), schoolId, [definition], deps.clock(), people);
    const choices: Record<string, { value: string; label: string }[]> = {};
    for (const field of fields) {
      if (field.type === 'row') {
        const rows = await listRegisterRows(db(), schoolId, field.register ?? '');
        choices[field.key] = rows.map((r) => ({
          value: r.id,
          label: ctx.rowLabel(field.register ?? '', toView(r).id) ?? r.id,
        }));
      } else {
        choices[field.key] = people
          .filter((p) => personFits(p, field.people))
          .map((p) => ({ value: p.id, label: `${p.displayName} (${p.username})` }));
      }
    }
    return choices;
  };

  const perRegister = registers.flatMap((definition): AnyRoute[] => {
    const base = `/api/registers/${definition.key}`;
    const tag = 'registers';
    return [
      defineRoute({
        method: 'GET',
        url: base,
        ability: definition.readAbility,
        tag,
        summary: `${definition.title}: the rows, with their flags (filter with q, flagged, archived)${definition.auditReads ? '; the read is audited' : ''}`,
        query: listQuery,
        response: listDto,
        handler: async ({ actor, query }) => {
          const a = requireActor(actor);
          const schoolId = registerSchool(a, query.schoolId);
          const listing = await listRegister(
            db(),
            a,
            definition,
            schoolId,
            { q: query.q, flagged: query.flagged === 'true', archived: query.archived === 'true' },
            deps.clock(),
          );
          const canEdit = can(a, definition.editAbility, { schoolId });
          const withChoices = canEdit || definition.key === 'photo-consent';
          return {
            rows: [...listing.rows],
            registerFlags: [...listing.registerFlags],
            canEdit,
            choices: withChoices ? await choicesFor(definition, schoolId) : {},
          };
        },
      }),
      defineRoute({
        method: 'GET',
        url: `${base}/export.csv`,
        ability: definition.readAbility,
        tag,
        summary: `${definition.title} as CSV (the export is audited)`,
        query: listQuery,
        response: z.undefined(),
        produces: 'text/csv',
        handler: async ({ actor, query, reply }) => {
          const a = requireActor(actor);
          const schoolId = registerSchool(a, query.schoolId);
          const csv = await exportRegisterCsv(
            db(),
            a,
            definition,
            schoolId,
            { q: query.q, flagged: query.flagged === 'true', archived: query.archived === 'true' },
            deps.clock(),
          );
          const stamp = deps.clock().toISOString().slice(0, 10);
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${definition.key}-${stamp}.csv"`)
            .header('cache-control', 'no-store')
            .send(`\ufeff${csv}`);
          return undefined;
        },
      }),
      defineRoute({
        method: 'GET',
        url: `${base}/:id`,
        ability: definition.readAbility,
        tag,
        summary: `One ${definition.noun}${definition.auditReads ? ' (the read is audited)' : ''}`,
        params: idParams,
        query: schoolQuery,
        response: rowDto,
        handler: async ({ actor, params, query }) => {
          const a = requireActor(actor);
          return readRegisterRow(
            db(),
            a,
            definition,
            registerSchool(a, query.schoolId),
            params.id,
            deps.clock(),
          );
        },
      }),
      defineRoute({
        method: 'POST',
        url: base,
        ability: definition.editAbility,
        tag,
        summary: `Add a ${definition.noun} (a 400 names each field that is not valid)`,
        body: createSchema(definition),
        query: schoolQuery,
        response: savedDto,
        status: 201,
        handler: async ({ actor, body, query }) => {
          const a = requireActor(actor);
          return createRegisterRow(
            db(),
            a,
            definition,
            registerSchool(a, query.schoolId),
            body,
            deps.clock(),
          );
        },
      }),
      defineRoute({
        method: 'PATCH',
        url: `${base}/:id`,
        ability: definition.editAbility,
        tag,
        summary: `Change a ${definition.noun}: send the fields to change`,
        params: idParams,
        body: updateSchema(definition),
        query: schoolQuery,
        response: savedDto,
        handler: async ({ actor, params, body, query }) => {
          const a = requireActor(actor);
          return updateRegisterRowData(
            db(),
            a,
            definition,
            registerSchool(a, query.schoolId),
            params.id,
            body,
            deps.clock(),
          );
        },
      }),
      defineRoute({
        method: 'DELETE',
        url: `${base}/:id`,
        ability: definition.editAbility,
        tag,
        summary: `Archive a ${definition.noun}: it leaves the register but is kept, with who archived it and when`,
        params: idParams,
        query: schoolQuery,
        response: rowDto,
        handler: async ({ actor, params, query }) => {
          const a = requireActor(actor);
          return archiveRegisterRowFor(
            db(),
            a,
            definition,
            registerSchool(a, query.schoolId),
            params.id,
            deps.clock(),
          );
        },
      }),
    ];
  });

  const photoConsent = findRegister('photo-consent');
  if (!photoConsent) throw new Error('the photo consent register is missing');

  return [
    defineRoute({
      method: 'GET',
      url: '/api/registers',
      ability: 'registers.list',
      tag: 'registers',
      summary: 'The registers you may read, with their fields, row counts and flags',
      query: schoolQuery,
      response: z.object({ registers: z.array(registerDto) }),
      handler: async ({ actor, query }) => {
        const a = requireActor(actor);
        const schoolId = registerSchool(a, query.schoolId);
        const now = deps.clock();
        const visible = registers.filter((r) => can(a, r.readAbility, { schoolId }));
        const people = await listSchoolPeople(db(), schoolId);
        const ctx = await registerContext(db(), schoolId, visible, now, people);
        const out = [];
        for (const definition of visible) {
          const views = (await listRegisterRows(db(), schoolId, definition.key)).map(toView);
          out.push({
            key: definition.key,
            title: definition.title,
            noun: definition.noun,
            area: definition.area,
            description: definition.description,
            source: definition.source,
            canEdit: can(a, definition.editAbility, { schoolId }),
            ...presentDefinition(definition),
            rows: views.length,
            flagged: views.filter((v) => (definition.flags?.(v, ctx) ?? []).length > 0).length,
            registerFlags: definition.registerFlags?.(views, ctx) ?? [],
          });
        }
        return { registers: out };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/registers/due-dates',
      ability: 'registers.list',
      tag: 'registers',
      summary:
        'Due dates across the registers you may read (actions, reviews, ICO/SAR/FOI clocks, renewals, guest expiries)',
      query: schoolQuery,
      response: z.object({ dueDates: z.array(dueDto) }),
      handler: async ({ actor, query }) => {
        const a = requireActor(actor);
        const schoolId = registerSchool(a, query.schoolId);
        const items = await governanceDueDates(db(), schoolId, deps.clock());
        return {
          dueDates: items
            .filter((i) => can(a, i.ability, { schoolId }))
            .map((i) => ({
              kind: i.kind,
              title: i.title,
              due: i.due.toISOString(),
              href: i.href,
              overdue: i.overdue,
            })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/registers/photo-consent/check',
      ability: 'registers.photo-consent.read',
      tag: 'registers',
      summary:
        'The publishing check: the caption or page text and the pupils in the photo → full names beside the photo, pupils without consent for the purpose, pupils who must not be photographed (audited)',
      query: schoolQuery,
      body: z.object({
        text: z.string().max(50_000, 'keep the text under 50,000 characters'),
        purpose: z.enum(photoPurposes.map((p) => p.value) as [PhotoPurpose, ...PhotoPurpose[]], {
          message: `one of: ${photoPurposes.map((p) => p.value).join(', ')}`,
        }),
        pupils: z.array(z.uuid('choose pupils from the list')).max(200),
      }),
      response: z.object({
        ok: z.boolean(),
        problems: z.array(
          z.object({
            pupilId: z.string(),
            pupil: z.string(),
            kind: z.enum(['full-name', 'no-consent', 'consent-refused', 'do-not-photograph']),
            message: z.string(),
          }),
        ),
      }),
      handler: async ({ actor, body, query }) => {
        const a = requireActor(actor);
        const schoolId = registerSchool(a, query.schoolId);
        const now = deps.clock();
        const listing = await listRegister(db(), a, photoConsent, schoolId, {}, now);
        const people = await listSchoolPeople(db(), schoolId);
        const pupils = people.filter((p) => p.roles.includes('pupil'));
        const byId = new Map(pupils.map((p) => [p.id, p]));
        const unknown = body.pupils.filter((id) => !byId.has(id));
        if (unknown.length > 0)
          throw new HavenError(
            'HAVEN_VALIDATION',
            'The request body is not valid: body.pupils: not pupils of this school.',
            {
              errors: [
                {
                  path: 'body.pupils',
                  message: `${unknown.length} chosen person(s) are not pupils of this school`,
                },
              ],
            },
          );
        const purposeLabel =
          photoPurposes.find((p) => p.value === body.purpose)?.label ?? body.purpose;
        return checkPublication({
          text: body.text,
          purpose: body.purpose,
          purposeLabel: purposeLabel.toLowerCase(),
          pupils: body.pupils.flatMap((id) => {
            const p = byId.get(id);
            return p ? [{ id: p.id, displayName: p.displayName }] : [];
          }),
          allPupils: pupils.map((p) => ({ id: p.id, displayName: p.displayName })),
          consents: listing.rows.map((r) => ({
            pupilId: String(r.data.pupil ?? ''),
            consent: {
              website: (r.data.website as string | null) ?? null,
              socialMedia: (r.data.socialMedia as string | null) ?? null,
              press: (r.data.press as string | null) ?? null,
            },
            doNotPhotograph: r.data.doNotPhotograph === true,
          })),
        });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/registers/retention-schedule/activity',
      ability: 'registers.data-protection.read',
      tag: 'registers',
      summary:
        'The activity, search-term and alert retention that Haven’s nightly purge applies, and the legal holds that keep a person’s records',
      query: schoolQuery,
      response: z.object({
        activityDays: z.number(),
        searchTermsDays: z.number(),
        alertsDays: z.number(),
        custom: z.boolean(),
        legalHolds: z.array(
          z.object({
            id: z.string(),
            person: z.string(),
            reason: z.string(),
            placedAt: z.string(),
            liftedAt: z.string().nullable(),
          }),
        ),
      }),
      handler: async ({ actor, query }) => {
        const a = requireActor(actor);
        const schoolId = registerSchool(a, query.schoolId);
        const retention = await retentionOf(db(), schoolId);
        if (!retention) throw new HavenError('HAVEN_NOT_FOUND', 'No such school.');
        const names = new Map(
          (await listSchoolPeople(db(), schoolId)).map((p) => [p.id, p.displayName]),
        );
        const holds = await listLegalHolds(db(), schoolId);
        return {
          activityDays: retention.activityDays,
          searchTermsDays: retention.searchTermsDays,
          alertsDays: retention.alertsDays,
          custom: retention.custom,
          legalHolds: holds.map((h) => ({
            id: h.id,
            person: names.get(h.user_id) ?? 'Unknown person',
            reason: h.reason,
            placedAt: new Date(h.placed_at).toISOString(),
            liftedAt: h.lifted_at ? new Date(h.lifted_at).toISOString() : null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/registers/retention-schedule/activity',
      ability: 'registers.data-protection.edit',
      tag: 'registers',
      summary:
        'Change how long activity, search terms and resolved alerts are kept (the nightly purge applies it; audited)',
      query: schoolQuery,
      body: z.object({
        activityDays: z.number().int().min(1).max(MAX_RETENTION_DAYS),
        searchTermsDays: z.number().int().min(1).max(MAX_RETENTION_DAYS),
        /** Left out: the alert retention stays as it is. */
        alertsDays: z.number().int().min(1).max(MAX_RETENTION_DAYS).optional(),
      }),
      response: z.object({
        activityDays: z.number(),
        searchTermsDays: z.number(),
        alertsDays: z.number().nullable(),
      }),
      handler: async ({ actor, body, query }) => {
        const a = requireActor(actor);
        const schoolId = registerSchool(a, query.schoolId);
        const row = await setRetention(db(), a, { schoolId, ...body }, deps.clock());
        return {
          activityDays: row.activity_days,
          searchTermsDays: row.search_terms_days,
          alertsDays: row.alerts_days,
        };
      },
    }),
    ...perRegister,
  ];
}
