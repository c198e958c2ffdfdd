import { z } from 'zod';
import { can, type Ability } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { STANDARD_CHECKS } from '../../reports/annual-review-checks.ts';
import { DFE_STANDARDS, STANDARD_IDS } from '../../reports/annual-review-evidence.ts';
import {
  loadReview,
  recordChecks,
  reviewDetail,
  runStandardChecks,
  SIGNOFF_SLOTS,
  signReview,
  startReview,
  updateReview,
  type ReviewDetail,
} from '../../reports/annual-review.ts';
import {
  collectDueItems,
  groupCalendar,
  visibleTo,
  type DueItem,
} from '../../reports/compliance-calendar.ts';
import {
  currentTerm,
  governorReport,
  listGovernorReports,
  recentTerms,
  signGovernorReport,
} from '../../reports/governor-report.ts';
import {
  renderGovernorReportBody,
  renderGovernorReportHtml,
} from '../../reports/governor-report-html.ts';
import type { GovernorReport } from '../../reports/governor-report-types.ts';
import { ChromiumUnavailableError, renderPdf } from '../../reports/pdf.ts';
import { listAnnualReviews, listFilteringChecks } from '../../store/annual-review-repository.ts';
import { findSchoolById } from '../../store/school-repository.ts';
import type { FilteringCheck } from '../../store/schema.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

/**
 * Governance reports (GOV-2, GOV-3, issue 8): the termly governor report (live until signed, a
 * snapshot after), the annual filtering and monitoring review with its checks log, and the
 * compliance calendar.
 */

const shownValue = z.object({
  value: z.number().nullable(),
  text: z.string(),
  suppressed: z.enum(['small', 'derived']).nullable(),
});

const reportDto = z.object({
  id: z.string().nullable(),
  schoolName: z.string(),
  period: z.object({
    key: z.string(),
    label: z.string(),
    fromDay: z.string(),
    toDay: z.string(),
    timeZone: z.string(),
  }),
  collectedAt: z.string(),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      summary: z.string(),
      figures: z.array(shownValue.extend({ label: z.string() })),
      tables: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          labelHeading: z.string(),
          countHeading: z.string(),
          rows: z.array(shownValue.extend({ label: z.string() })),
          total: shownValue.nullable(),
          chart: z.boolean(),
        }),
      ),
      notes: z.array(z.string()),
    }),
  ),
  signOff: z
    .object({
      name: z.string(),
      role: z.string(),
      signedAt: z.string(),
      comment: z.string().nullable(),
    })
    .nullable(),
});

const signedSummaryDto = z.object({
  id: z.string(),
  periodKey: z.string(),
  periodLabel: z.string(),
  signedByName: z.string(),
  signedRole: z.string(),
  signedAt: z.string(),
});

const periodQuery = z.object({
  period: z
    .string()
    .trim()
    .max(40)
    .optional()
    .describe(
      'A term (`autumn-2026`) or a range (`2026-09-01..2026-10-31`); default the current term',
    ),
});

const checkDto = z.object({
  id: z.string(),
  at: z.string(),
  performedBy: z.string(),
  method: z.enum(['manual', 'engine']),
  device: z.string(),
  group: z.string(),
  tested: z.string(),
  purpose: z.string(),
  expected: z.enum(['allow', 'block']),
  result: z.enum(['allow', 'block']),
  passed: z.boolean(),
  ruleId: z.string().nullable(),
  category: z.string().nullable(),
  note: z.string().nullable(),
});

const evidenceDto = z.object({
  id: z.string(),
  standard: z.enum(['roles', 'review', 'filtering', 'monitoring']),
  title: z.string(),
  source: z.string(),
  facts: z.array(
    z.object({ label: z.string(), value: z.string(), warning: z.boolean().optional() }),
  ),
  tables: z.array(
    z.object({
      id: z.string(),
      caption: z.string(),
      columns: z.array(z.string()),
      rows: z.array(z.array(z.string())),
      empty: z.string(),
    }),
  ),
});

const slotEnum = z.enum(['slt', 'dsl', 'it-provider', 'governor']);

const reviewDto = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['open', 'complete']),
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  nextReview: z.string(),
  notes: z.record(z.string(), z.string()),
  signoffs: z.array(
    z.object({
      slot: slotEnum,
      name: z.string(),
      roleTitle: z.string(),
      signedAt: z.string(),
      comment: z.string().nullable(),
    }),
  ),
  evidence: z.array(evidenceDto),
  evidenceCollectedAt: z.string(),
});

const reviewSummaryDto = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['open', 'complete']),
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  nextReview: z.string(),
});

const dueItemDto = z.object({
  kind: z.string(),
  title: z.string(),
  due: z.string(),
  href: z.string(),
  overdue: z.boolean(),
});

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

function presentReport(report: GovernorReport): z.input<typeof reportDto> {
  return {
    ...report,
    period: { ...report.period },
    sections: report.sections.map((section) => ({
      ...section,
      figures: section.figures.map((f) => ({ ...f })),
      tables: section.tables.map((t) => ({
        ...t,
        rows: t.rows.map((r) => ({ ...r })),
        total: t.total ? { ...t.total } : null,
      })),
      notes: [...section.notes],
    })),
    signOff: report.signOff ? { ...report.signOff } : null,
  };
}

function presentCheck(c: FilteringCheck): z.input<typeof checkDto> {
  return {
    id: c.id,
    at: new Date(c.at).toISOString(),
    performedBy: c.performed_by_name,
    method: c.method,
    device: c.device,
    group: c.group_slug,
    tested: c.tested,
    purpose: c.purpose,
    expected: c.expected,
    result: c.result,
    passed: c.passed,
    ruleId: c.rule_id,
    category: c.category,
    note: c.note,
  };
}

function presentReview(detail: ReviewDetail): z.input<typeof reviewDto> {
  const r = detail.review;
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    completedAt: iso(r.completed_at),
    nextReview: r.next_review,
    notes: r.notes,
    signoffs: detail.signoffs.map((s) => ({
      slot: s.slot,
      name: s.name,
      roleTitle: s.role_title,
      signedAt: new Date(s.signed_at).toISOString(),
      comment: s.comment,
    })),
    evidence: detail.evidence.map((e) => ({
      ...e,
      facts: e.facts.map((f) => ({ ...f })),
      tables: e.tables.map((t) => ({
        ...t,
        columns: [...t.columns],
        rows: t.rows.map((row) => [...row]),
      })),
    })),
    evidenceCollectedAt: detail.evidenceCollectedAt,
  };
}

function presentItem(item: DueItem): z.input<typeof dueItemDto> {
  return {
    kind: item.kind,
    title: item.title,
    due: item.due.toISOString(),
    href: item.href,
    overdue: item.overdue,
  };
}

function actorOf(actor: Actor | null): Actor {
  if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
  return actor;
}

/** The signed-in person's school, checked against the ability's record rule. */
function schoolOf(actor: Actor | null, ability: Ability): { actor: Actor; schoolId: string } {
  const a = actorOf(actor);
  if (!a.schoolId) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      'Reports belong to a school: sign in as a member of one.',
      {
        errors: [{ path: 'school', message: 'trust administrators work through a school account' }],
      },
    );
  }
  if (!can(a, ability, { schoolId: a.schoolId })) throw new HavenError('HAVEN_FORBIDDEN');
  return { actor: a, schoolId: a.schoolId };
}

const comment = z
  .string()
  .trim()
  .max(4000, 'keep the comment under 4000 characters')
  .optional()
  .transform((v) => (v ? v : null));

export function governanceReportRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;

  async function reportFor(schoolId: string, period: string | undefined): Promise<GovernorReport> {
    const school = await findSchoolById(db(), schoolId);
    if (!school) throw new HavenError('HAVEN_NOT_FOUND', 'No such school.');
    const key = period ?? currentTerm(deps.clock(), school.time_zone).key;
    return governorReport(db(), schoolId, key, deps.clock());
  }

  async function reviewFor(actor: Actor | null, id: string, ability: Ability) {
    const { actor: a } = schoolOf(actor, ability);
    return loadReview(db(), id, (schoolId) => can(a, ability, { schoolId }));
  }

  return [
    // -------------------------------------------------------------------------------------
    // The termly governor report (GOV-2)
    defineRoute({
      method: 'GET',
      url: '/api/reports/governor',
      ability: 'reports.governor.read',
      tag: 'reports',
      summary:
        'The governor report for a term or range: anonymised figures, and the same markup the PDF prints',
      query: periodQuery,
      response: z.object({
        report: reportDto,
        bodyHtml: z
          .string()
          .describe('The report as HTML (inline SVG charts), as the PDF prints it'),
        terms: z.array(z.object({ key: z.string(), label: z.string() })),
        signed: z.array(signedSummaryDto),
        canSign: z.boolean(),
      }),
      handler: async ({ actor, query }) => {
        const { actor: a, schoolId } = schoolOf(actor, 'reports.governor.read');
        const school = await findSchoolById(db(), schoolId);
        const report = await reportFor(schoolId, query.period);
        return {
          report: presentReport(report),
          bodyHtml: renderGovernorReportBody(report).value,
          terms: recentTerms(deps.clock(), school?.time_zone ?? 'Europe/London'),
          signed: await listGovernorReports(db(), schoolId),
          canSign: report.signOff === null && can(a, 'reports.governor.sign', { schoolId }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/reports/governor/document.html',
      ability: 'reports.governor.read',
      tag: 'reports',
      summary: 'The governor report as a standalone web page (what the PDF is printed from)',
      query: periodQuery,
      response: z.undefined(),
      produces: 'text/html',
      handler: async ({ actor, query, reply }) => {
        const { schoolId } = schoolOf(actor, 'reports.governor.read');
        const page = renderGovernorReportHtml(await reportFor(schoolId, query.period));
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
      url: '/api/reports/governor/document.pdf',
      ability: 'reports.governor.read',
      tag: 'reports',
      summary: 'The governor report as a PDF (printed by Chromium from the same page)',
      query: periodQuery,
      response: z.undefined(),
      produces: 'application/pdf',
      handler: async ({ actor, query, reply }) => {
        const { schoolId } = schoolOf(actor, 'reports.governor.read');
        const report = await reportFor(schoolId, query.period);
        let pdf: Buffer;
        try {
          pdf = await renderPdf(renderGovernorReportHtml(report));
        } catch (error) {
          if (error instanceof ChromiumUnavailableError)
            throw new HavenError('HAVEN_NOT_READY', error.message);
          throw error;
        }
        reply
          .type('application/pdf')
          .header(
            'content-disposition',
            `attachment; filename="governor-report-${report.period.key.replace(/[^a-z0-9-]+/gi, '_')}.pdf"`,
          )
          .send(pdf);
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/reports/governor/sign',
      ability: 'reports.governor.sign',
      tag: 'reports',
      summary:
        'Sign off the report for a period (name, date, comment): its figures are kept as signed, and the sign-off is audited',
      body: z
        .object({
          period: z.string().trim().min(1, 'say which term or range').max(40),
          comment,
        })
        .strict(),
      response: reportDto,
      status: 201,
      handler: async ({ actor, body }) => {
        const { actor: a, schoolId } = schoolOf(actor, 'reports.governor.sign');
        return presentReport(
          await signGovernorReport(
            db(),
            a,
            { schoolId, periodKey: body.period, comment: body.comment },
            deps.clock(),
          ),
        );
      },
    }),

    // -------------------------------------------------------------------------------------
    // The annual filtering and monitoring review (GOV-3) and the filtering checks log
    defineRoute({
      method: 'GET',
      url: '/api/reviews/filtering',
      ability: 'reviews.read',
      tag: 'reviews',
      summary:
        'The annual filtering and monitoring reviews: the four DfE standards, the sign-offs needed, and every review',
      response: z.object({
        standards: z.array(z.object({ id: z.string(), number: z.number(), title: z.string() })),
        slots: z.array(z.object({ slot: slotEnum, label: z.string(), roles: z.array(z.string()) })),
        reviews: z.array(reviewSummaryDto),
      }),
      handler: async ({ actor }) => {
        const { schoolId } = schoolOf(actor, 'reviews.read');
        const reviews = await listAnnualReviews(db(), schoolId);
        return {
          standards: DFE_STANDARDS.map((s) => ({ ...s })),
          slots: SIGNOFF_SLOTS.map((s) => ({ ...s, roles: [...s.roles] })),
          reviews: reviews.map((r) => ({
            id: r.id,
            title: r.title,
            status: r.status,
            startedAt: new Date(r.started_at).toISOString(),
            completedAt: iso(r.completed_at),
            nextReview: r.next_review,
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/reviews/filtering',
      ability: 'reviews.edit',
      tag: 'reviews',
      summary: 'Start this year’s filtering and monitoring review (one open at a time)',
      response: reviewDto,
      status: 201,
      handler: async ({ actor }) => {
        const { actor: a, schoolId } = schoolOf(actor, 'reviews.edit');
        const review = await startReview(db(), a, schoolId, deps.clock());
        return presentReview(await reviewDetail(db(), review, deps.clock()));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/reviews/filtering/:id',
      ability: 'reviews.read',
      tag: 'reviews',
      summary:
        'One review with its evidence from Haven’s records under each standard (gathered now while open, as signed once complete)',
      params: z.object({ id: z.uuid('not a valid id') }),
      response: reviewDto,
      handler: async ({ actor, params }) => {
        const review = await reviewFor(actor, params.id, 'reviews.read');
        return presentReview(await reviewDetail(db(), review, deps.clock()));
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/reviews/filtering/:id',
      ability: 'reviews.edit',
      tag: 'reviews',
      summary: 'Save the reviewers’ notes per standard and the next review date (audited)',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: z
        .object({
          notes: z
            .partialRecord(
              z.enum(STANDARD_IDS as [string, ...string[]]),
              z.string().max(20_000, 'keep each note under 20,000 characters'),
            )
            .optional(),
          nextReview: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
            .optional(),
        })
        .strict(),
      response: reviewDto,
      handler: async ({ actor, params, body }) => {
        const review = await reviewFor(actor, params.id, 'reviews.edit');
        const { actor: a } = schoolOf(actor, 'reviews.edit');
        const updated = await updateReview(
          db(),
          a,
          review.id,
          {
            ...(body.notes ? { notes: body.notes } : {}),
            ...(body.nextReview ? { nextReview: body.nextReview } : {}),
          },
          deps.clock(),
        );
        return presentReview(await reviewDetail(db(), updated, deps.clock()));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/reviews/filtering/:id/sign-offs',
      ability: 'reviews.sign',
      tag: 'reviews',
      summary:
        'Sign the review for your part (slt: head, dsl: DSL, it-provider: technician, governor: a governor); the fourth completes it',
      params: z.object({ id: z.uuid('not a valid id') }),
      body: z
        .object({
          slot: slotEnum,
          roleTitle: z
            .string()
            .trim()
            .max(200)
            .optional()
            .transform((v) => (v ? v : null))
            .describe('Your role as it should read, e.g. "Deputy Head (SLT)"'),
          comment,
        })
        .strict(),
      response: reviewDto,
      status: 201,
      handler: async ({ actor, params, body }) => {
        const review = await reviewFor(actor, params.id, 'reviews.sign');
        const { actor: a } = schoolOf(actor, 'reviews.sign');
        return presentReview(
          await signReview(
            db(),
            a,
            review.id,
            { slot: body.slot, roleTitle: body.roleTitle, comment: body.comment },
            deps.clock(),
          ),
        );
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/filtering-checks',
      ability: 'reviews.read',
      tag: 'reviews',
      summary: 'The filtering checks log, newest first, and the standard checks Haven can run',
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      response: z.object({
        checks: z.array(checkDto),
        standardChecks: z.array(
          z.object({ id: z.string(), purpose: z.string(), destination: z.string() }),
        ),
      }),
      handler: async ({ actor, query }) => {
        const { schoolId } = schoolOf(actor, 'reviews.read');
        const checks = await listFilteringChecks(db(), schoolId, {
          since: null,
          limit: query.limit,
        });
        return {
          checks: checks.map(presentCheck),
          standardChecks: STANDARD_CHECKS.map((c) => ({
            id: c.id,
            purpose: c.purpose,
            destination: c.destination,
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/filtering-checks',
      ability: 'reviews.edit',
      tag: 'reviews',
      summary:
        'Record filtering checks carried out on a device: what was tested, expected and seen',
      body: z
        .object({
          checks: z
            .array(
              z
                .object({
                  at: z.iso
                    .datetime({
                      offset: true,
                      error: 'use an ISO time such as 2026-11-23T12:30:00Z',
                    })
                    .optional(),
                  device: z.string().trim().min(1, 'say which device').max(200),
                  group: z.string().trim().min(1, 'say which group').max(64),
                  tested: z.string().trim().min(1, 'say which site or URL').max(2000),
                  purpose: z.string().trim().min(1, 'say what the check is for').max(200),
                  expected: z.enum(['allow', 'block']),
                  result: z.enum(['allow', 'block']),
                  note: z.string().trim().max(2000).optional(),
                })
                .strict(),
            )
            .min(1, 'record at least one check')
            .max(200),
        })
        .strict(),
      response: z.object({ checks: z.array(checkDto) }),
      status: 201,
      handler: async ({ actor, body }) => {
        const { actor: a, schoolId } = schoolOf(actor, 'reviews.edit');
        const now = deps.clock();
        const rows = await recordChecks(
          db(),
          a,
          schoolId,
          body.checks.map((c) => ({
            at: c.at ? new Date(c.at) : now,
            device: c.device,
            group: c.group,
            tested: c.tested,
            purpose: c.purpose,
            expected: c.expected,
            result: c.result,
            note: c.note ?? null,
          })),
          now,
        );
        return { checks: rows.map(presentCheck) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/filtering-checks/run',
      ability: 'reviews.edit',
      tag: 'reviews',
      summary:
        'Run the standard checks now: the engine decides each test site for every group of the active policy, and the results are logged',
      response: z.object({ checks: z.array(checkDto) }),
      status: 201,
      handler: async ({ actor }) => {
        const { actor: a, schoolId } = schoolOf(actor, 'reviews.edit');
        const snapshot = await deps.snapshots.school(schoolId);
        const rows = await runStandardChecks(db(), a, snapshot, deps.clock());
        return { checks: rows.map(presentCheck) };
      },
    }),

    // -------------------------------------------------------------------------------------
    // The compliance calendar
    defineRoute({
      method: 'GET',
      url: '/api/calendar',
      ability: 'calendar.read',
      tag: 'reports',
      summary:
        'Every due date of the school (policy review, annual review, governor reports…), overdue first, then by month',
      response: z.object({
        groups: z.array(
          z.object({ id: z.string(), label: z.string(), items: z.array(dueItemDto) }),
        ),
        timeZone: z.string(),
      }),
      handler: async ({ actor }) => {
        const { schoolId } = schoolOf(actor, 'calendar.read');
        const school = await findSchoolById(db(), schoolId);
        const timeZone = school?.time_zone ?? 'Europe/London';
        const items = visibleTo(
          await collectDueItems(db(), schoolId, deps.clock()),
          actorOf(actor),
          schoolId,
        );
        return {
          groups: groupCalendar(items, timeZone).map((g) => ({
            id: g.id,
            label: g.label,
            items: g.items.map(presentItem),
          })),
          timeZone,
        };
      },
    }),
  ];
}
