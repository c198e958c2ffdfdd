import { z } from 'zod';
import type { Actor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  answerSurvey,
  changeSurveyDates,
  createSurvey,
  FEWER_THAN_5,
  isOpen,
  openSurveysFor,
  questionTrend,
  shownCount,
  surveyResults,
  surveyToAnswer,
} from '../../governance/survey.ts';
import type { Survey, SurveyQuestion } from '../../store/schema.ts';
import {
  countRespondents,
  findSurvey,
  listSurveyQuestions,
  listSurveys,
} from '../../store/survey-repository.ts';
import { actorInSchool, requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const audience = z.enum(['pupils', 'parents', 'staff']);
const kind = z.enum(['scale', 'choice', 'text']);
const count = z
  .union([z.number(), z.literal(FEWER_THAN_5)])
  .describe('A count, or "fewer than 5" for 1 to 4');

const questionDto = z.object({
  id: z.string(),
  key: z.string(),
  kind,
  prompt: z.string(),
  choices: z.array(z.string()),
});

const surveyDto = z.object({
  id: z.string(),
  title: z.string(),
  introduction: z.string(),
  audience,
  opensAt: z.string(),
  closesAt: z.string(),
  open: z.boolean(),
  questions: z.array(questionDto),
});

function presentSurvey(
  s: Survey,
  questions: readonly SurveyQuestion[],
  now: Date,
): z.input<typeof surveyDto> {
  return {
    id: s.id,
    title: s.title,
    introduction: s.introduction,
    audience: s.audience,
    opensAt: new Date(s.opens_at).toISOString(),
    closesAt: new Date(s.closes_at).toISOString(),
    open: isOpen(s, now),
    questions: questions
      .filter((q) => q.survey_id === s.id)
      .map((q) => ({ id: q.id, key: q.key, kind: q.kind, prompt: q.prompt, choices: q.choices })),
  };
}

const schoolOf = (actor: Actor | null): string => actorInSchool(actor, 'Surveys').schoolId;

const idParams = z.object({ id: z.uuid() });
const instant = z.iso.datetime({
  offset: true,
  error: 'give a date and time such as 2026-12-01T09:00:00Z',
});

export function surveyRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  async function surveyOfSchool(actor: Actor | null, id: string): Promise<Survey> {
    const survey = await findSurvey(db(), id);
    if (!survey || survey.school_id !== schoolOf(actor)) {
      throw new HavenError('HAVEN_NOT_FOUND', 'No such survey.');
    }
    return survey;
  }
  return [
    defineRoute({
      method: 'GET',
      url: '/api/surveys',
      ability: 'surveys.results.read',
      tag: 'surveys',
      summary: 'Every survey of the school with its questions and how many answered',
      response: z.object({
        surveys: z.array(surveyDto.extend({ responses: count })),
      }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor);
        const now = deps.clock();
        const surveys = await listSurveys(db(), schoolId);
        const ids = surveys.map((s) => s.id);
        const [questions, counts] = await Promise.all([
          listSurveyQuestions(db(), ids),
          countRespondents(db(), ids),
        ]);
        return {
          surveys: surveys.map((s) => ({
            ...presentSurvey(s, questions, now),
            responses: shownCount(counts.get(s.id) ?? 0),
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/surveys',
      ability: 'surveys.manage',
      tag: 'surveys',
      summary:
        'Build a survey: audience, open and close dates, questions (scale 1–5, single choice, free text)',
      status: 201,
      body: z.object({
        title: z.string().trim().min(3, 'give the survey a title').max(200),
        introduction: z.string().trim().max(2000).default(''),
        audience,
        opensAt: instant,
        closesAt: instant,
        questions: z
          .array(
            z.object({
              key: z
                .string()
                .trim()
                .max(60)
                .optional()
                .describe(
                  'Same key in a later survey = the same question over time (default: from the prompt)',
                ),
              kind,
              prompt: z.string().trim().min(3, 'write the question').max(500),
              choices: z.array(z.string().max(200)).max(12).default([]),
            }),
          )
          .min(1, 'add at least one question')
          .max(40),
      }),
      response: surveyDto,
      handler: async ({ actor, body }) => {
        const a = requireActor(actor);
        const now = deps.clock();
        const survey = await createSurvey(
          db(),
          {
            ...body,
            schoolId: schoolOf(a),
            opensAt: new Date(body.opensAt),
            closesAt: new Date(body.closesAt),
          },
          { actor: a, createdBy: a.userId, now },
        );
        return presentSurvey(survey, await listSurveyQuestions(db(), [survey.id]), now);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/surveys/:id',
      ability: 'surveys.manage',
      tag: 'surveys',
      summary: 'Change when a survey opens and closes (open it now, close it now)',
      params: idParams,
      body: z.object({ opensAt: instant, closesAt: instant }),
      response: surveyDto,
      handler: async ({ actor, params, body }) => {
        const a = requireActor(actor);
        const survey = await surveyOfSchool(a, params.id);
        const now = deps.clock();
        const saved = await changeSurveyDates(
          db(),
          survey,
          { opensAt: new Date(body.opensAt), closesAt: new Date(body.closesAt) },
          { actor: a, now },
        );
        return presentSurvey(saved, await listSurveyQuestions(db(), [saved.id]), now);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/surveys/open',
      ability: 'surveys.answer',
      tag: 'surveys',
      summary: 'Surveys open for you that you have not answered',
      response: z.object({ surveys: z.array(surveyDto) }),
      handler: async ({ actor }) => {
        const now = deps.clock();
        const surveys = await openSurveysFor(db(), requireActor(actor), now);
        const questions = await listSurveyQuestions(
          db(),
          surveys.map((s) => s.id),
        );
        return { surveys: surveys.map((s) => presentSurvey(s, questions, now)) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/surveys/:id/form',
      ability: 'surveys.answer',
      tag: 'surveys',
      summary: 'A survey open for you, with its questions, to answer',
      params: idParams,
      response: surveyDto,
      handler: async ({ actor, params }) => {
        const now = deps.clock();
        const { survey, questions } = await surveyToAnswer(
          db(),
          requireActor(actor),
          params.id,
          now,
        );
        return presentSurvey(survey, questions, now);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/surveys/:id/responses',
      ability: 'surveys.answer',
      tag: 'surveys',
      summary:
        'Answer a survey once. Anonymous: the answers are stored with the day only and no link to you',
      status: 204,
      params: idParams,
      body: z.object({
        answers: z
          .record(z.string(), z.union([z.number(), z.string(), z.null()]))
          .describe('By question key: 1–5 for a scale, a choice, or text'),
      }),
      response: z.undefined(),
      handler: async ({ actor, params, body }) => {
        await answerSurvey(db(), requireActor(actor), params.id, body.answers, deps.clock());
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/surveys/:id/results',
      ability: 'surveys.results.read',
      tag: 'surveys',
      summary: 'Results per question (counts under 5 shown as "fewer than 5")',
      params: idParams,
      response: z.object({
        survey: surveyDto,
        responses: count,
        questions: z.array(
          z.object({
            key: z.string(),
            kind,
            prompt: z.string(),
            answered: count,
            counts: z.array(z.object({ label: z.string(), count })),
            mean: z.number().nullable().describe('Scale questions with 5 answers or more'),
            texts: z
              .array(z.string())
              .nullable()
              .describe('Free text, only when 5 people or more answered'),
          }),
        ),
      }),
      handler: async ({ actor, params }) => {
        const survey = await surveyOfSchool(actor, params.id);
        const now = deps.clock();
        const [results, questions] = await Promise.all([
          surveyResults(db(), survey),
          listSurveyQuestions(db(), [survey.id]),
        ]);
        return { survey: presentSurvey(survey, questions, now), ...results };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/surveys/trend',
      ability: 'surveys.results.read',
      tag: 'surveys',
      summary: 'One question (by key) across every survey that asked it, oldest first',
      query: z.object({ key: z.string().trim().min(1, 'give a question key').max(60) }),
      response: z.object({
        key: z.string(),
        prompt: z.string().nullable(),
        points: z.array(
          z.object({
            surveyId: z.string(),
            title: z.string(),
            opensAt: z.string(),
            responses: count,
            mean: z.number().nullable(),
            counts: z.array(z.object({ label: z.string(), count })),
          }),
        ),
      }),
      handler: async ({ actor, query }) => {
        const trend = await questionTrend(db(), schoolOf(actor), query.key);
        return {
          ...trend,
          points: trend.points.map((p) => ({ ...p, opensAt: p.opensAt.toISOString() })),
        };
      },
    }),
  ];
}
