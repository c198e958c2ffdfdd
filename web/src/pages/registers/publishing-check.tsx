import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import type { Choice } from './types.ts';

interface CheckResult {
  ok: boolean;
  problems: { pupilId: string; pupil: string; kind: string; message: string }[];
}

const purposes = [
  { value: 'website', label: 'School website' },
  { value: 'socialMedia', label: 'School social media' },
  { value: 'press', label: 'Press and local media' },
];

/** Before a photo goes out: the text beside it and the pupils in it, checked against consent. */
export function PublishingCheck({ pupils }: { pupils: Choice[] }) {
  const [text, setText] = useState('');
  const [purpose, setPurpose] = useState('website');
  const [chosen, setChosen] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const [result, setResult] = useState<CheckResult | null>(null);
  const check = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    await check.run(async () => {
      setResult(
        await api.post<CheckResult>('/api/registers/photo-consent/check', {
          text,
          purpose,
          pupils: chosen,
        }),
      );
    });
  };
  const shown = pupils.filter(
    (p) => chosen.includes(p.value) || p.label.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  return (
    <section className="card publishing-check" aria-labelledby="publishing-check-heading">
      <h2 id="publishing-check-heading">Publishing check</h2>
      <p className="hint">
        Paste the caption or page text and pick the pupils in the photo. Haven flags full names
        beside the photo, pupils without written consent for the purpose, and pupils whose image
        must not be published.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="check-text">Caption or page text</label>
        <textarea id="check-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        <label htmlFor="check-purpose">Where it will be published</label>
        <select id="check-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
          {purposes.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <fieldset className="people-picker">
          <legend>Pupils in the photo</legend>
          <label htmlFor="check-filter" className="small">
            Find a pupil
          </label>
          <input id="check-filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <div className="people-options">
            {shown.map((p) => (
              <div className="check" key={p.value}>
                <input
                  type="checkbox"
                  id={`check-pupil-${p.value}`}
                  checked={chosen.includes(p.value)}
                  onChange={(e) =>
                    setChosen((c) =>
                      e.target.checked ? [...c, p.value] : c.filter((v) => v !== p.value),
                    )
                  }
                />
                <label htmlFor={`check-pupil-${p.value}`}>{p.label}</label>
              </div>
            ))}
          </div>
        </fieldset>
        {check.error ? <ProblemMessage error={check.error} /> : null}
        <button type="submit" className="button" disabled={check.busy}>
          Check before publishing
        </button>
      </form>
      <div role="status" aria-live="polite">
        {result ? (
          result.ok ? (
            <p className="status ok">
              No problems found: no full names, and consent is recorded for every pupil chosen.
            </p>
          ) : (
            <div className="status bad">
              <p>
                <strong>Do not publish yet:</strong>
              </p>
              <ul>
                {result.problems.map((p, i) => (
                  <li key={i}>{p.message}</li>
                ))}
              </ul>
            </div>
          )
        ) : null}
      </div>
    </section>
  );
}
