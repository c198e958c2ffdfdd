import type { Kysely } from 'kysely';
import type { Actor, AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { staffRoles } from '../access/roles.ts';
import { HavenError } from '../errors/haven-error.ts';
import type {
  Database,
  Survey,
  SurveyAnswers,
  SurveyAudience,
  SurveyQuestion,
  SurveyQuestionKind,
} from '../store/schema.ts';
import {
  countRespondents,
  findSurvey,
  insertSurvey,
  insertSurveyResponse,
  listSurveyAnswers,
  listSurveyQuestions,
  listSurveys,
  markResponded,
  unmarkResponded,
  setSurveyDates,
  surveysAnsweredBy,
} from '../store/survey-repository.ts';

/**
 * Surveys of pupils, parents and staff (GOV-10; Roundwood monitors the policy's impact with
 * them). Answers are anonymous: stored with the day only and no user; a separate list says who
 * has answered so nobody answers twice, and the two share nothing that joins them. Results
 * never show a count under 5 ("fewer than 5"), nor free text or an average from fewer than 5.
 */

/** Counts below this are shown as "fewer than 5". */
export const SUPPRESS_BELOW = 5;
export const FEWER_THAN_5 = 'fewer than 5';
export type ShownCount = number | typeof FEWER_THAN_5;

export function shownCount(n: number): ShownCount {
  return n > 0 && n < SUPPRESS_BELOW ? FEWER_THAN_5 : n;
}

export function surveyAudienceOf(roles: readonly string[]): SurveyAudience[] {
  const out: SurveyAudience[] = [];
  if (roles.includes('pupil')) out.push('pupils');
  if (roles.includes('parent')) out.push('parents');
  if (roles.some((r) => (staffRoles as readonly string[]).includes(r))) out.push('staff');
  return out;
}

export function isOpen(survey: Pick<Survey, 'opens_at' | 'closes_at'>, at: Date): boolean {
  const t = at.getTime();
  return new Date(survey.opens_at).getTime() <= t && t < new Date(survey.closes_at).getTime();
}

export interface NewQuestion {
  key?: string | undefined;
  kind: SurveyQuestionKind;
  prompt: string;
  choices: string[];
}

export const questionKey = (prompt: string): string =>
  prompt
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

export async function createSurvey(
  db: Kysely<Database>,
  input: {
    schoolId: string;
    title: string;
    introduction: string;
    audience: SurveyAudience;
    opensAt: Date;
    closesAt: Date;
    questions: NewQuestion[];
  },
  deps: { actor: AuditActor; createdBy: string | null; now: Date },
): Promise<Survey> {
  const errors: { path: string; message: string }[] = [];
  if (input.closesAt.getTime() <= input.opensAt.getTime()) {
    errors.push({ path: 'closesAt', message: 'a survey must close after it opens' });
  }
  const keys = new Set<string>();
  const questions = input.questions.map((q, i) => {
    const key = q.key?.trim() || questionKey(q.prompt);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(key)) {
      errors.push({
        path: `questions.${i}.key`,
        message: 'a key is lower-case letters, digits and dashes (e.g. feel-safe-online)',
      });
    } else if (keys.has(key)) {
      errors.push({
        path: `questions.${i}.key`,
        message: `"${key}" is used by another question: give each question its own key`,
      });
    }
    keys.add(key);
    const choices = q.choices.map((c) => c.trim()).filter((c) => c.length > 0);
    if (q.kind === 'choice' && choices.length < 2) {
      errors.push({ path: `questions.${i}.choices`, message: 'give at least two choices' });
    }
    if (q.kind === 'choice' && new Set(choices).size !== choices.length) {
      errors.push({ path: `questions.${i}.choices`, message: 'each choice must be different' });
    }
    return {
      key,
      kind: q.kind,
      prompt: q.prompt.trim(),
      choices: q.kind === 'choice' ? choices : [],
    };
  });
  if (errors.length > 0) {
    throw new HavenError('HAVEN_VALIDATION', 'The survey cannot be saved as it is.', { errors });
  }
  return db.transaction().execute(async (trx) => {
    const survey = await insertSurvey(trx, {
      ...input,
      questions,
      createdBy: deps.createdBy,
      now: deps.now,
    });
    await audit(
      trx,
      deps.actor,
      {
        action: 'survey.created',
        subjectType: 'survey',
        subjectId: survey.id,
        schoolId: input.schoolId,
        detail: { title: input.title, audience: input.audience, questions: questions.length },
      },
      deps.now,
    );
    return survey;
  });
}

/** Open now or close it now (the dates move; nothing else changes). */
export async function changeSurveyDates(
  db: Kysely<Database>,
  survey: Survey,
  dates: { opensAt: Date; closesAt: Date },
  deps: { actor: AuditActor; now: Date },
): Promise<Survey> {
  if (dates.closesAt.getTime() <= dates.opensAt.getTime()) {
    throw new HavenError('HAVEN_VALIDATION', 'A survey must close after it opens.', {
      errors: [{ path: 'closesAt', message: 'give a closing time after the opening time' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const saved = await setSurveyDates(trx, survey.id, dates);
    await audit(
      trx,
      deps.actor,
      {
        action: 'survey.dates-changed',
        subjectType: 'survey',
        subjectId: survey.id,
        schoolId: survey.school_id,
        detail: { opensAt: dates.opensAt.toISOString(), closesAt: dates.closesAt.toISOString() },
      },
      deps.now,
    );
    return saved;
  });
}

/** Surveys open now for this person's audiences that they have not answered. */
export async function openSurveysFor(
  db: Kysely<Database>,
  actor: Actor,
  at: Date,
): Promise<Survey[]> {
  if (!actor.schoolId) return [];
  const audiences = surveyAudienceOf(actor.roles);
  const [surveys, answered] = await Promise.all([
    listSurveys(db, actor.schoolId),
    surveysAnsweredBy(db, actor.userId),
  ]);
  return surveys.filter(
    (s) => audiences.includes(s.audience) && isOpen(s, at) && !answered.has(s.id),
  );
}

/** The survey and its questions for someone answering it (404 when it is not theirs to answer). */
export async function surveyToAnswer(
  db: Kysely<Database>,
  actor: Actor,
  surveyId: string,
  at: Date,
): Promise<{ survey: Survey; questions: SurveyQuestion[] }> {
  const survey = await findSurvey(db, surveyId);
  if (
    !survey ||
    survey.school_id !== actor.schoolId ||
    !surveyAudienceOf(actor.roles).includes(survey.audience)
  ) {
    throw new HavenError('HAVEN_NOT_FOUND', 'No such survey for you.');
  }
  if (!isOpen(survey, at)) throw new HavenError('HAVEN_CONFLICT', 'This survey is not open.');
  return { survey, questions: await listSurveyQuestions(db, [survey.id]) };
}

/** Checks the answers against the questions: scale 1–5, one of the choices, text up to 2000. */
export function checkAnswers(
  questions: readonly SurveyQuestion[],
  answers: Readonly<Record<string, unknown>>,
): SurveyAnswers {
  const errors: { path: string; message: string }[] = [];
  const out: SurveyAnswers = {};
  const known = new Set(questions.map((q) => q.key));
  for (const key of Object.keys(answers)) {
    if (!known.has(key)) errors.push({ path: `answers.${key}`, message: 'no such question' });
  }
  for (const q of questions) {
    const value = answers[q.key];
    if (value === undefined || value === null || value === '') continue;
    const path = `answers.${q.key}`;
    if (q.kind === 'scale') {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5) {
        out[q.key] = value;
      } else errors.push({ path, message: 'choose a whole number from 1 to 5' });
    } else if (q.kind === 'choice') {
      if (typeof value === 'string' && q.choices.includes(value)) out[q.key] = value;
      else errors.push({ path, message: `choose one of: ${q.choices.join(', ')}` });
    } else if (typeof value === 'string' && value.trim().length <= 2000) {
      out[q.key] = value.trim();
    } else errors.push({ path, message: 'write at most 2000 characters' });
  }
  if (errors.length === 0 && Object.keys(out).length === 0) {
    errors.push({ path: 'answers', message: 'answer at least one question' });
  }
  if (errors.length > 0) {
    throw new HavenError('HAVEN_VALIDATION', 'Some answers cannot be used.', { errors });
  }
  return out;
}

/**
 * Store one anonymous response. The "has answered" mark and the answers are written in two
 * separate transactions, so they do not even share PostgreSQL's transaction id (`xmin`); if the
 * answers cannot be written the mark is taken back, so the person can try again. Not audited on
 * purpose: an audit entry names the person and the exact time, which is what would let someone
 * match them to their answers.
 */
export async function answerSurvey(
  db: Kysely<Database>,
  actor: Actor,
  surveyId: string,
  answers: Readonly<Record<string, unknown>>,
  now: Date,
): Promise<void> {
  const { survey, questions } = await surveyToAnswer(db, actor, surveyId, now);
  const checked = checkAnswers(questions, answers);
  if (!(await markResponded(db, survey.id, actor.userId))) {
    throw new HavenError('HAVEN_CONFLICT', 'You have already answered this survey: thank you.');
  }
  try {
    await insertSurveyResponse(db, {
      surveyId: survey.id,
      answeredOn: now.toISOString().slice(0, 10),
      answers: checked,
    });
  } catch (error) {
    await unmarkResponded(db, survey.id, actor.userId);
    throw error;
  }
}

export interface QuestionResult {
  key: string;
  kind: SurveyQuestionKind;
  prompt: string;
  answered: ShownCount;
  /** Scale: counts for 1..5; choice: counts per choice. */
  counts: { label: string; count: ShownCount }[];
  /** Scale only, from 5 answers or more. */
  mean: number | null;
  /** Free text, only when 5 people or more answered the question (in random order). */
  texts: string[] | null;
}

/** Results of one survey from its anonymous answers, with small counts suppressed. */
export function computeResults(
  questions: readonly SurveyQuestion[],
  answers: readonly SurveyAnswers[],
): QuestionResult[] {
  return questions.map((q) => {
    const values = answers.map((a) => a[q.key]).filter((v) => v !== undefined);
    const result: QuestionResult = {
      key: q.key,
      kind: q.kind,
      prompt: q.prompt,
      answered: shownCount(values.length),
      counts: [],
      mean: null,
      texts: null,
    };
    if (q.kind === 'scale') {
      const nums = values.filter((v): v is number => typeof v === 'number');
      result.counts = [1, 2, 3, 4, 5].map((n) => ({
        label: String(n),
        count: shownCount(nums.filter((v) => v === n).length),
      }));
      if (nums.length >= SUPPRESS_BELOW) {
        result.mean = Math.round((nums.reduce((a, b) => a + b, 0) / nums.length) * 10) / 10;
      }
    } else if (q.kind === 'choice') {
      result.counts = q.choices.map((c) => ({
        label: c,
        count: shownCount(values.filter((v) => v === c).length),
      }));
    } else if (values.length >= SUPPRESS_BELOW) {
      result.texts = values.filter((v): v is string => typeof v === 'string' && v.length > 0);
    }
    return result;
  });
}

export async function surveyResults(
  db: Kysely<Database>,
  survey: Survey,
): Promise<{ responses: ShownCount; questions: QuestionResult[] }> {
  const [questions, answers] = await Promise.all([
    listSurveyQuestions(db, [survey.id]),
    listSurveyAnswers(db, [survey.id]),
  ]);
  return {
    responses: shownCount(answers.length),
    questions: computeResults(
      questions,
      answers.map((a) => a.answers),
    ),
  };
}

export interface TrendPoint {
  surveyId: string;
  title: string;
  opensAt: Date;
  responses: ShownCount;
  mean: number | null;
  counts: { label: string; count: ShownCount }[];
}

/** The same question (by key) across every survey of the school that asked it, oldest first. */
export async function questionTrend(
  db: Kysely<Database>,
  schoolId: string,
  key: string,
): Promise<{ key: string; prompt: string | null; points: TrendPoint[] }> {
  const surveys = await listSurveys(db, schoolId);
  const questions = (
    await listSurveyQuestions(
      db,
      surveys.map((s) => s.id),
    )
  ).filter((q) => q.key === key);
  const ids = questions.map((q) => q.survey_id);
  const [answers, respondents] = await Promise.all([
    listSurveyAnswers(db, ids),
    countRespondents(db, ids),
  ]);
  const points: TrendPoint[] = [];
  for (const q of questions) {
    const survey = surveys.find((s) => s.id === q.survey_id);
    if (!survey) continue;
    const [result] = computeResults(
      [q],
      answers.filter((a) => a.survey_id === q.survey_id).map((a) => a.answers),
    );
    points.push({
      surveyId: survey.id,
      title: survey.title,
      opensAt: new Date(survey.opens_at),
      responses: shownCount(respondents.get(survey.id) ?? 0),
      mean: result?.mean ?? null,
      counts: result?.counts ?? [],
    });
  }
  points.sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime());
  return { key, prompt: questions.at(-1)?.prompt ?? null, points };
}
