import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDate, isoDateFromToday } from '../../format.ts';
import { useSession } from '../../session.tsx';
import {
  surveyAudienceLabels,
  type Count,
  type SurveyResults,
  type SurveyView,
  type Trend,
} from './surveys-api.ts';
import '../aua/aua.css';

interface DraftQuestion {
  kind: 'scale' | 'choice' | 'text';
  prompt: string;
  key: string;
  choices: string;
}

const emptyQuestion = (): DraftQuestion => ({ kind: 'scale', prompt: '', key: '', choices: '' });

function SurveyBuilder({ onCreated }: { onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [introduction, setIntroduction] = useState('');
  const [audience, setAudience] = useState<SurveyView['audience']>('pupils');
  const [opens, setOpens] = useState(isoDateFromToday(0));
  const [closes, setCloses] = useState(isoDateFromToday(28));
  const [questions, setQuestions] = useState<DraftQuestion[]>([emptyQuestion()]);
  const { run, error, busy } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const change = (i: number, patch: Partial<DraftQuestion>) =>
    setQuestions(questions.map((q, j) => (j === i ? { ...q, ...patch } : q)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    void run(async () => {
      const s = await api.post<SurveyView>('/api/surveys', {
        title,
        introduction,
        audience,
        opensAt: new Date(`${opens}T00:00:00`).toISOString(),
        closesAt: new Date(`${closes}T23:59:59`).toISOString(),
        questions: questions.map((q) => ({
          kind: q.kind,
          prompt: q.prompt,
          ...(q.key.trim() ? { key: q.key.trim() } : {}),
          choices:
            q.kind === 'choice'
              ? q.choices
                  .split('\n')
                  .map((c) => c.trim())
                  .filter((c) => c.length > 0)
              : [],
        })),
      });
      setDone(`Saved “${s.title}”.`);
      setTitle('');
      setIntroduction('');
      setQuestions([emptyQuestion()]);
    }).then((ok) => {
      if (ok) onCreated();
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="builder-title">
      <h2 id="builder-title">Build a survey</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {done ? (
        <p className="status ok" role="status">
          {done}
        </p>
      ) : null}
      <label htmlFor="survey-title">Title</label>
      <input id="survey-title" value={title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor="survey-intro">Introduction (optional)</label>
      <textarea
        id="survey-intro"
        rows={2}
        value={introduction}
        onChange={(e) => setIntroduction(e.target.value)}
      />
      <label htmlFor="survey-audience">Who answers</label>
      <select
        id="survey-audience"
        value={audience}
        onChange={(e) => setAudience(e.target.value as SurveyView['audience'])}
      >
        {Object.entries(surveyAudienceLabels).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <div className="field-row">
        <div>
          <label htmlFor="survey-opens">Opens</label>
          <input
            id="survey-opens"
            type="date"
            value={opens}
            onChange={(e) => setOpens(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="survey-closes">Closes (end of the day)</label>
          <input
            id="survey-closes"
            type="date"
            value={closes}
            onChange={(e) => setCloses(e.target.value)}
          />
        </div>
      </div>
      {questions.map((q, i) => (
        <fieldset key={i} className="survey-question card">
          <legend>Question {i + 1}</legend>
          <label htmlFor={`q${i}-kind`}>Kind</label>
          <select
            id={`q${i}-kind`}
            value={q.kind}
            onChange={(e) => change(i, { kind: e.target.value as DraftQuestion['kind'] })}
          >
            <option value="scale">Scale 1–5</option>
            <option value="choice">Single choice</option>
            <option value="text">Free text</option>
          </select>
          <label htmlFor={`q${i}-prompt`}>Question</label>
          <input
            id={`q${i}-prompt`}
            value={q.prompt}
            onChange={(e) => change(i, { prompt: e.target.value })}
          />
          {q.kind === 'choice' ? (
            <>
              <label htmlFor={`q${i}-choices`}>Choices (one per line)</label>
              <textarea
                id={`q${i}-choices`}
                rows={4}
                value={q.choices}
                onChange={(e) => change(i, { choices: e.target.value })}
              />
            </>
          ) : null}
          <label htmlFor={`q${i}-key`}>Key (optional)</label>
          <p className="hint" id={`q${i}-key-hint`}>
            Use the same key in next year’s survey to compare the answers over time.
          </p>
          <input
            id={`q${i}-key`}
            aria-describedby={`q${i}-key-hint`}
            value={q.key}
            onChange={(e) => change(i, { key: e.target.value })}
          />
          {questions.length > 1 ? (
            <button
              type="button"
              className="button secondary small"
              onClick={() => setQuestions(questions.filter((_, j) => j !== i))}
            >
              Remove question {i + 1}
            </button>
          ) : null}
        </fieldset>
      ))}
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => setQuestions([...questions, emptyQuestion()])}
        >
          Add a question
        </button>
        <button className="button" type="submit" disabled={busy}>
          Save the survey
        </button>
      </div>
    </form>
  );
}

const countText = (c: Count) => (typeof c === 'number' ? String(c) : c);

function TrendView({ keyName }: { keyName: string }) {
  const { data, error } = useLoad(
    () => api.get<Trend>(`/api/surveys/trend?key=${encodeURIComponent(keyName)}`),
    `trend-${keyName}`,
  );
  if (error) return <ProblemMessage error={error} />;
  if (!data) return null;
  return (
    <div className="table-wrap">
      <table>
        <caption>Over time: {data.prompt ?? keyName}</caption>
        <thead>
          <tr>
            <th scope="col">Survey</th>
            <th scope="col">Opened</th>
            <th scope="col" className="number">
              Responses
            </th>
            <th scope="col" className="number">
              Average
            </th>
          </tr>
        </thead>
        <tbody>
          {data.points.map((p) => (
            <tr key={p.surveyId}>
              <th scope="row">{p.title}</th>
              <td>{formatDate(p.opensAt)}</td>
              <td className="number">{countText(p.responses)}</td>
              <td className="number">{p.mean ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResultsView({ surveyId }: { surveyId: string }) {
  const { data, error } = useLoad(
    () => api.get<SurveyResults>(`/api/surveys/${surveyId}/results`),
    `results-${surveyId}`,
  );
  const [trendKey, setTrendKey] = useState<string | null>(null);
  if (error) return <ProblemMessage error={error} />;
  if (!data) return null;
  return (
    <section className="card" aria-labelledby="results-title">
      <h2 id="results-title">Results: {data.survey.title}</h2>
      <p>
        Responses: {countText(data.responses)}. Counts of 1 to 4 are shown as “fewer than 5”, and
        averages and comments only from 5 answers, so nobody can be picked out.
      </p>
      {data.questions.map((q) => (
        <div key={q.key} className="survey-result">
          <h3>{q.prompt}</h3>
          <p className="muted">
            Answered: {countText(q.answered)}
            {q.mean !== null ? ` · average ${q.mean} out of 5` : ''}
          </p>
          {q.kind === 'text' ? (
            q.texts === null ? (
              <p className="muted">Comments are shown once 5 people or more have answered.</p>
            ) : (
              <ul>
                {q.texts.map((t, i) => (
                  <li key={i}>{t}</li>
                ))}
              </ul>
            )
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Answer</th>
                    <th scope="col" className="number">
                      Count
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {q.counts.map((c) => (
                    <tr key={c.label}>
                      <th scope="row">{c.label}</th>
                      <td className="number">{countText(c.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {q.kind !== 'text' ? (
            <button type="button" className="link-button" onClick={() => setTrendKey(q.key)}>
              Compare “{q.key}” with earlier surveys
            </button>
          ) : null}
          {trendKey === q.key ? <TrendView keyName={q.key} /> : null}
        </div>
      ))}
    </section>
  );
}

/** Surveys of pupils, parents and staff: build, open and close, results. */
export function SurveysPage() {
  const { can } = useSession();
  const [changed, setChanged] = useState(0);
  const { data, error, reload } = useLoad(
    () => api.get<{ surveys: SurveyView[] }>('/api/surveys'),
    `surveys-${changed}`,
  );
  const [selected, setSelected] = useState<string | null>(null);
  const dates = useAction();
  const setDates = (s: SurveyView, open: boolean) =>
    void dates
      .run(async () => {
        const now = new Date();
        await api.patch(`/api/surveys/${s.id}`, {
          opensAt: open ? now.toISOString() : s.opensAt,
          closesAt: open
            ? new Date(Math.max(Date.parse(s.closesAt), now.getTime() + 86_400_000)).toISOString()
            : new Date(Math.max(now.getTime(), Date.parse(s.opensAt) + 1000)).toISOString(),
        });
      })
      .then(() => reload());
  return (
    <>
      <h1>Surveys</h1>
      <p className="lede">
        Ask pupils, parents and staff how safe they feel online and how the policy works for them.
        Answers are anonymous.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      {dates.error ? <ProblemMessage error={dates.error} /> : null}
      <section className="card" aria-labelledby="surveys-title">
        <h2 id="surveys-title">All surveys</h2>
        {data && data.surveys.length === 0 ? <p>No surveys yet.</p> : null}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Survey</th>
                <th scope="col">Who</th>
                <th scope="col">Open</th>
                <th scope="col" className="number">
                  Responses
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data?.surveys.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.title}</th>
                  <td>{surveyAudienceLabels[s.audience]}</td>
                  <td>
                    {formatDate(s.opensAt)} – {formatDate(s.closesAt)}
                    {s.open ? ' (open now)' : ''}
                  </td>
                  <td className="number">{countText(s.responses ?? 0)}</td>
                  <td>
                    <button
                      type="button"
                      className="button small secondary"
                      onClick={() => setSelected(s.id)}
                    >
                      Results
                    </button>{' '}
                    {can('surveys.manage') ? (
                      <button
                        type="button"
                        className="button small secondary"
                        onClick={() => setDates(s, !s.open)}
                        disabled={dates.busy}
                      >
                        {s.open ? 'Close now' : 'Open now'}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {selected ? <ResultsView surveyId={selected} /> : null}
      {can('surveys.manage') ? <SurveyBuilder onCreated={() => setChanged((n) => n + 1)} /> : null}
    </>
  );
}
