import { sql, type Kysely } from 'kysely';
import type {
  Database,
  Survey,
  SurveyAnswers,
  SurveyAudience,
  SurveyQuestion,
  SurveyQuestionKind,
} from './schema.ts';

/**
 * Surveys (GOV-10). Answers and "has answered" live in two tables that share nothing but the
 * survey: a response has a random id, the day and the answers; a respondent row has the survey
 * and the person, with no time. Nothing here ever reads them together.
 */

export async function listSurveys(db: Kysely<Database>, schoolId: string): Promise<Survey[]> {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('school_id', '=', schoolId)
    .orderBy('opens_at', 'desc')
    .execute();
}

export async function findSurvey(db: Kysely<Database>, id: string): Promise<Survey | undefined> {
  return db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSurvey(
  db: Kysely<Database>,
  survey: {
    schoolId: string;
    title: string;
    introduction: string;
    audience: SurveyAudience;
    opensAt: Date;
    closesAt: Date;
    createdBy: string | null;
    now: Date;
    questions: { key: string; kind: SurveyQuestionKind; prompt: string; choices: string[] }[];
  },
): Promise<Survey> {
  const row = await db
    .insertInto('surveys')
    .values({
      school_id: survey.schoolId,
      title: survey.title,
      introduction: survey.introduction,
      audience: survey.audience,
      opens_at: survey.opensAt,
      closes_at: survey.closesAt,
      created_by: survey.createdBy,
      created_at: survey.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (survey.questions.length > 0) {
    await db
      .insertInto('survey_questions')
      .values(
        survey.questions.map((q, position) => ({
          survey_id: row.id,
          position,
          key: q.key,
          kind: q.kind,
          prompt: q.prompt,
          choices: q.choices,
        })),
      )
      .execute();
  }
  return row;
}

export async function setSurveyDates(
  db: Kysely<Database>,
  id: string,
  dates: { opensAt: Date; closesAt: Date },
): Promise<Survey> {
  return db
    .updateTable('surveys')
    .set({ opens_at: dates.opensAt, closes_at: dates.closesAt })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listSurveyQuestions(
  db: Kysely<Database>,
  surveyIds: readonly string[],
): Promise<SurveyQuestion[]> {
  if (surveyIds.length === 0) return [];
  return db
    .selectFrom('survey_questions')
    .selectAll()
    .where('survey_id', 'in', surveyIds)
    .orderBy('survey_id')
    .orderBy('position')
    .execute();
}

/** Has this person answered? (The respondent list only: never the answers.) */
export async function hasResponded(
  db: Kysely<Database>,
  surveyId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('survey_respondents')
    .select('user_id')
    .where('survey_id', '=', surveyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function surveysAnsweredBy(
  db: Kysely<Database>,
  userId: string,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('survey_respondents')
    .select('survey_id')
    .where('user_id', '=', userId)
    .execute();
  return new Set(rows.map((r) => r.survey_id));
}

/** Marks the person as having answered; false when they already had. */
export async function markResponded(
  db: Kysely<Database>,
  surveyId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .insertInto('survey_respondents')
    .values({ survey_id: surveyId, user_id: userId })
    .onConflict((oc) => oc.columns(['survey_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Takes the mark back (the answers could not be stored). */
export async function unmarkResponded(
  db: Kysely<Database>,
  surveyId: string,
  userId: string,
): Promise<void> {
  await db
    .deleteFrom('survey_respondents')
    .where('survey_id', '=', surveyId)
    .where('user_id', '=', userId)
    .execute();
}

export async function insertSurveyResponse(
  db: Kysely<Database>,
  response: { surveyId: string; answeredOn: string; answers: SurveyAnswers },
): Promise<void> {
  await db
    .insertInto('survey_responses')
    .values({
      survey_id: response.surveyId,
      answered_on: response.answeredOn,
      answers: JSON.stringify(response.answers),
    })
    .execute();
}

export async function listSurveyAnswers(
  db: Kysely<Database>,
  surveyIds: readonly string[],
): Promise<{ survey_id: string; answers: SurveyAnswers }[]> {
  if (surveyIds.length === 0) return [];
  // Random order: the order rows were written in says nothing to the reader.
  return db
    .selectFrom('survey_responses')
    .select(['survey_id', 'answers'])
    .where('survey_id', 'in', surveyIds)
    .orderBy(sql`random()`)
    .execute();
}

export async function countRespondents(
  db: Kysely<Database>,
  surveyIds: readonly string[],
): Promise<Map<string, number>> {
  if (surveyIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('survey_responses')
    .select(['survey_id', sql<string>`count(*)`.as('n')])
    .where('survey_id', 'in', surveyIds)
    .groupBy('survey_id')
    .execute();
  return new Map(rows.map((r) => [r.survey_id, Number(r.n)]));
}
