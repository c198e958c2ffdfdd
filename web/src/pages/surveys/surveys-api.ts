/** What the survey API answers (see src/api/routes/survey-routes.ts). */
export type Count = number | 'fewer than 5';

export interface SurveyQuestionView {
  id: string;
  key: string;
  kind: 'scale' | 'choice' | 'text';
  prompt: string;
  choices: string[];
}

export interface SurveyView {
  id: string;
  title: string;
  introduction: string;
  audience: 'pupils' | 'parents' | 'staff';
  opensAt: string;
  closesAt: string;
  open: boolean;
  questions: SurveyQuestionView[];
  responses?: Count;
}

export interface SurveyResults {
  survey: SurveyView;
  responses: Count;
  questions: {
    key: string;
    kind: 'scale' | 'choice' | 'text';
    prompt: string;
    answered: Count;
    counts: { label: string; count: Count }[];
    mean: number | null;
    texts: string[] | null;
  }[];
}

export interface Trend {
  key: string;
  prompt: string | null;
  points: {
    surveyId: string;
    title: string;
    opensAt: string;
    responses: Count;
    mean: number | null;
    counts: { label: string; count: Count }[];
  }[];
}

export const surveyAudienceLabels: Readonly<Record<SurveyView['audience'], string>> = {
  pupils: 'Pupils',
  parents: 'Parents and carers',
  staff: 'Staff',
};
