import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { columnGroups, nominatedGroups, type PolicyDocument } from '../policy/types.ts';
import { DecisionResult, VERDICTS } from './decision-result.tsx';
import { schoolTimeToIso } from './school-time.ts';
import type { Decision } from './types.ts';

/** "Test a URL": how the filter decides a destination for a group at a time, and why. */
export function TestUrlForm({
  document,
  timeZone,
}: {
  document: PolicyDocument | null;
  timeZone: string;
}) {
  const groups = document ? columnGroups(document) : [];
  const nominated = document ? nominatedGroups(document) : [];
  const [destination, setDestination] = useState('');
  const [group, setGroup] = useState('');
  const [at, setAt] = useState('');
  const [result, setResult] = useState<{ decision: Decision; group: string } | null>(null);
  const { run, error, busy } = useAction();
  const chosenGroup = group || groups[0]?.id || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const when = at ? schoolTimeToIso(at, timeZone) : null;
    await run(async () => {
      const decision = await api.post<Decision>('/api/filter/test', {
        destination,
        group: chosenGroup,
        ...(when ? { at: when } : {}),
      });
      setResult({ decision, group: chosenGroup });
    });
  };

  return (
    <div className="test-url">
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="test-title">
        <h2 id="test-title">Test a URL</h2>
        <p className="hint">
          See what the filter would do for a group of users, and why. Nothing is recorded as
          browsing.
        </p>
        {error ? <ProblemMessage error={error} /> : null}
        <div className="field-row test-fields">
          <div className="wide">
            <label htmlFor="test-destination">Web address or site name</label>
            <input
              id="test-destination"
              required
              autoComplete="off"
              spellCheck={false}
              inputMode="url"
              aria-describedby="test-destination-hint"
              value={destination}
              onChange={(e) => setDestination(e.target.value)}
            />
            <p className="hint small" id="test-destination-hint">
              For example https://www.example.com/page or example.com
            </p>
          </div>
          <div>
            <label htmlFor="test-group">Group</label>
            <select id="test-group" value={chosenGroup} onChange={(e) => setGroup(e.target.value)}>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.label}
                </option>
              ))}
              {nominated.length > 0 ? (
                <optgroup label="Nominated users">
                  {nominated.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.label}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          </div>
          <div>
            <label htmlFor="test-at">Date and time (optional)</label>
            <input
              id="test-at"
              type="datetime-local"
              aria-describedby="test-at-hint"
              value={at}
              onChange={(e) => setAt(e.target.value)}
            />
            <p className="hint small" id="test-at-hint">
              School time ({timeZone}). Leave empty for now.
            </p>
          </div>
        </div>
        <button className="button" type="submit" disabled={busy || !chosenGroup}>
          Test
        </button>
      </form>
      <p className="visually-hidden" aria-live="polite">
        {result ? `${VERDICTS[result.decision.action].title}. ${result.decision.reason}` : ''}
      </p>
      {result ? (
        <DecisionResult
          decision={result.decision}
          document={document}
          groupId={result.group}
          timeZone={timeZone}
        />
      ) : null}
    </div>
  );
}
