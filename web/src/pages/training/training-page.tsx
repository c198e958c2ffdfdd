import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDate, isoDateFromToday } from '../../format.ts';
import { roleLabel } from '../../labels.ts';
import { useSession } from '../../session.tsx';
import { stateLabels, type AuditPerson, type Course } from './training-api.ts';
import '../aua/aua.css';

const roleChoices = [
  'staff',
  'technician',
  'dsl',
  'deputy-dsl',
  'online-safety-lead',
  'head',
  'governor',
  'chair-of-governors',
];

function RecordForm({
  people,
  courses,
  onSaved,
}: {
  people: AuditPerson[];
  courses: Course[];
  onSaved: () => void;
}) {
  const [userId, setUserId] = useState('');
  const [courseId, setCourseId] = useState('');
  const [completedOn, setCompletedOn] = useState(isoDateFromToday(0));
  const [provider, setProvider] = useState('');
  const [evidence, setEvidence] = useState('');
  const { run, error, busy } = useAction();
  const [done, setDone] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    void run(async () => {
      await api.post('/api/training/records', {
        userId,
        courseId,
        completedOn,
        provider,
        evidence,
      });
      setProvider('');
      setEvidence('');
    }).then((ok) => {
      setDone(ok);
      if (ok) onSaved();
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="record-title">
      <h2 id="record-title">Record completed training</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {done ? (
        <p className="status ok" role="status">
          Recorded.
        </p>
      ) : null}
      <label htmlFor="record-person">Person</label>
      <select id="record-person" value={userId} onChange={(e) => setUserId(e.target.value)}>
        <option value="">Choose…</option>
        {people.map((p) => (
          <option key={p.userId} value={p.userId}>
            {p.name}
          </option>
        ))}
      </select>
      <label htmlFor="record-course">Course</label>
      <select id="record-course" value={courseId} onChange={(e) => setCourseId(e.target.value)}>
        <option value="">Choose…</option>
        {courses.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor="record-date">Completed on</label>
      <input
        id="record-date"
        type="date"
        value={completedOn}
        onChange={(e) => setCompletedOn(e.target.value)}
      />
      <label htmlFor="record-provider">Provider</label>
      <input id="record-provider" value={provider} onChange={(e) => setProvider(e.target.value)} />
      <label htmlFor="record-evidence">Evidence (certificate, where it is kept)</label>
      <input id="record-evidence" value={evidence} onChange={(e) => setEvidence(e.target.value)} />
      <div className="actions">
        <button className="button" type="submit" disabled={busy}>
          Record
        </button>
      </div>
    </form>
  );
}

function CourseForm({ onSaved }: { onSaved: () => void }) {
  const [name, setName] = useState('');
  const [months, setMonths] = useState('12');
  const [roles, setRoles] = useState<string[]>(['staff']);
  const { run, error, busy } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post('/api/training/courses', {
        name,
        validityMonths: months.trim() === '' ? null : Number(months),
        requiredRoles: roles,
      });
      setName('');
    }).then((ok) => {
      if (ok) onSaved();
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="course-title">
      <h2 id="course-title">Add a course</h2>
      {error ? <ProblemMessage error={error} /> : null}
      <label htmlFor="course-name">Name</label>
      <input id="course-name" value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="course-months">Valid for (months; empty: does not expire)</label>
      <input
        id="course-months"
        inputMode="numeric"
        value={months}
        onChange={(e) => setMonths(e.target.value)}
      />
      <fieldset className="survey-question">
        <legend>Who must hold it</legend>
        {roleChoices.map((r) => (
          <div className="check" key={r}>
            <input
              id={`course-role-${r}`}
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) =>
                setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))
              }
            />
            <label htmlFor={`course-role-${r}`}>{roleLabel(r)}</label>
          </div>
        ))}
      </fieldset>
      <div className="actions">
        <button className="button" type="submit" disabled={busy}>
          Add the course
        </button>
      </div>
    </form>
  );
}

/** Training records and the training-needs audit of staff and governors. */
export function TrainingPage() {
  const { can } = useSession();
  const [changed, setChanged] = useState(0);
  const audit = useLoad(
    () => api.get<{ people: AuditPerson[] }>('/api/training/needs-audit'),
    `audit-${changed}`,
  );
  const courses = useLoad(
    () => api.get<{ courses: Course[] }>('/api/training/courses'),
    `courses-${changed}`,
  );
  const [onlyGaps, setOnlyGaps] = useState(false);
  const bump = () => setChanged((n) => n + 1);
  const people = audit.data?.people ?? [];
  const shown = onlyGaps ? people.filter((p) => p.gaps > 0 || p.needs.length > 0) : people;
  return (
    <>
      <h1>Training</h1>
      <p className="lede">
        Online safety training of staff and governors: what each person holds, what has run out or
        runs out within 60 days, and the needs they have told the school about.
      </p>
      {audit.error ? <ProblemMessage error={audit.error} /> : null}
      <section className="card" aria-labelledby="audit-title">
        <h2 id="audit-title">Training-needs audit</h2>
        <div className="check">
          <input
            id="only-gaps"
            type="checkbox"
            checked={onlyGaps}
            onChange={(e) => setOnlyGaps(e.target.checked)}
          />
          <label htmlFor="only-gaps">Only people with something to do</label>
        </div>
        <p>
          <a href="/api/training/export.csv" download>
            Download as CSV
          </a>
        </p>
        {shown.map((p) => (
          <div key={p.userId} className="training-person">
            <h3>
              {p.name}{' '}
              <span className="muted">
                — {p.roles.map(roleLabel).join(', ')}
                {p.gaps > 0 ? ` · ${p.gaps} to do` : ' · up to date'}
              </span>
            </h3>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Course</th>
                    <th scope="col">State</th>
                    <th scope="col">Completed</th>
                    <th scope="col">Renew by</th>
                  </tr>
                </thead>
                <tbody>
                  {p.courses.map((c) => (
                    <tr key={c.courseId}>
                      <th scope="row">
                        {c.course}
                        {c.required ? null : <span className="muted"> (optional)</span>}
                      </th>
                      <td className={`state-${c.state}`}>{stateLabels[c.state]}</td>
                      <td>{formatDate(c.completedOn)}</td>
                      <td>{c.expiresOn ? formatDate(c.expiresOn) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {p.needs.length > 0 ? (
              <p>
                <strong>Needs reported:</strong> {p.needs.map((n) => n.need).join('; ')}
              </p>
            ) : null}
          </div>
        ))}
      </section>
      {can('training.manage') && courses.data ? (
        <div className="cards">
          <RecordForm people={people} courses={courses.data.courses} onSaved={bump} />
          <CourseForm onSaved={bump} />
        </div>
      ) : null}
      <section className="card" aria-labelledby="courses-title">
        <h2 id="courses-title">Courses</h2>
        <ul className="plain">
          {courses.data?.courses.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong>{' '}
              <span className="muted">
                —{' '}
                {c.validityMonths === null
                  ? 'does not expire'
                  : `renew every ${c.validityMonths} months`}
                ; required of {c.requiredRoles.map(roleLabel).join(', ') || 'nobody (optional)'}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
