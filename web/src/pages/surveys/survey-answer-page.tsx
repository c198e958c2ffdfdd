import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDate } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { SurveyQuestionView, SurveyView } from './surveys-api.ts';
import '../aua/aua.css';

function Question({
  q,
  value,
  onChange,
}: {
  q: SurveyQuestionView;
  value: string | number | undefined;
  onChange: (v: string | number) => void;
}) {
  const name = `q-${q.id}`;
  if (q.kind === 'text') {
    return (
      <div className="survey-question">
        <label htmlFor={name}>{q.prompt}</label>
        <textarea
          id={name}
          rows={4}
          maxLength={2000}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
    );
  }
  const options =
    q.kind === 'scale'
      ? [1, 2, 3, 4, 5].map((n) => ({ value: n, label: String(n) }))
      : q.choices.map((c) => ({ value: c, label: c }));
  return (
    <fieldset className="survey-question">
      <legend>{q.prompt}</legend>
      {q.kind === 'scale' && !/1\s*=/.test(q.prompt) ? (
        <p className="hint">1 = not at all, 5 = very much</p>
      ) : null}
      <div className={q.kind === 'scale' ? 'scale-options' : 'choice-options'}>
        {options.map((o) => (
          <label key={String(o.value)}>
            <input
              type="radio"
              name={name}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Answer one survey (anonymous); reached from the home page. */
export function SurveyAnswerPage() {
  const id = new URLSearchParams(window.location.search).get('id') ?? '';
  const { data, error } = useLoad(
    () => api.get<SurveyView>(`/api/surveys/${encodeURIComponent(id)}/form`),
    `survey-${id}`,
  );
  const [answers, setAnswers] = useState<Record<string, string | number>>({});
  const [sent, setSent] = useState(false);
  const { run, error: sendError, busy } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post(`/api/surveys/${id}/responses`, { answers });
    }).then((ok) => setSent(ok));
  };
  if (sent) {
    return (
      <>
        <h1>Thank you</h1>
        <p className="status ok" role="status">
          Your answers have been saved, without your name.
        </p>
        <p>
          <Link to="/">Back to the home page</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{data?.title ?? 'Survey'}</h1>
      {error ? <ProblemMessage error={error} /> : null}
      {data ? (
        <form className="card narrow" onSubmit={submit} aria-label={data.title}>
          {data.introduction ? <p>{data.introduction}</p> : null}
          <p className="hint">
            Anonymous: your answers are stored without your name and only with the day. Open until{' '}
            {formatDate(data.closesAt)}. You can leave out any question.
          </p>
          {sendError ? <ProblemMessage error={sendError} /> : null}
          {data.questions.map((q) => (
            <Question
              key={q.id}
              q={q}
              value={answers[q.key]}
              onChange={(v) => setAnswers({ ...answers, [q.key]: v })}
            />
          ))}
          <div className="actions">
            <button className="button" type="submit" disabled={busy}>
              Send my answers
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
