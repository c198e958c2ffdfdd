import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import {
  actionKindLabels,
  agencyLabels,
  concernAboutLabels,
  fourCLabels,
  roleLabels,
  sourceLabels,
  type IncidentOptions,
  type IncidentView,
} from './incidents-api.ts';
import './incidents.css';

type Save = (path: string, body?: unknown) => Promise<boolean>;

/** One incident: who, what, the flowchart's next step and why, and the forms for each step. */
export function IncidentPage({ id }: { id: string }) {
  const loaded = useLoad(() => api.get<IncidentView>(`/api/incidents/${id}`), id);
  const options = useLoad(() => api.get<IncidentOptions>('/api/incidents/options'), 'options');
  const [incident, setIncident] = useState<IncidentView | null>(null);
  const { run, error, busy } = useAction();
  const view = incident?.id === id ? incident : (loaded.data ?? null);

  const save: Save = (path, body) =>
    run(async () => {
      setIncident(await api.post<IncidentView>(`/api/incidents/${id}/${path}`, body ?? {}));
    });

  if (loaded.error) return <ProblemMessage error={loaded.error} />;
  if (!view) return <p role="status">Loading…</p>;
  const open = view.status === 'open' && view.canManage;
  const opts = options.data;

  return (
    <article className="incidents incident-page">
      <p>
        <Link to="/incidents">← All incidents</Link>
      </p>
      <h1>{view.categoryLabel ?? 'Incident not yet classified'}</h1>
      <p className="incident-meta">
        <span className="badge">{view.status === 'open' ? 'Open' : 'Closed'}</span>
        <span>{formatDateTime(view.createdAt)}</span>
        <span>{sourceLabels[view.source] ?? view.source}</span>
        <span>About: {concernAboutLabels[view.concernAbout]}</span>
        <span>Outcome: {view.outcome}</span>
      </p>
      <section className="card" aria-labelledby="report-h">
        <h2 id="report-h">The report</h2>
        <p className="incident-summary">{view.summary}</p>
        <dl className="incident-facts">
          <dt>Reported by</dt>
          <dd>
            {view.reportedBy
              ? view.reportedBy.name
              : 'Anonymous: nothing that identifies the reporter is kept'}
          </dd>
          {view.host ? (
            <>
              <dt>Site</dt>
              <dd>{view.host}</dd>
            </>
          ) : null}
          {view.fourCs.length > 0 ? (
            <>
              <dt>4Cs</dt>
              <dd>{view.fourCs.map((c) => fourCLabels[c] ?? c).join(', ')}</dd>
            </>
          ) : null}
          {view.alertId ? (
            <>
              <dt>From alert</dt>
              <dd>
                <Link to="/alerts">{view.alertId.slice(0, 8)}</Link>
              </dd>
            </>
          ) : null}
        </dl>
      </section>

      <section
        className={`card next-step${view.next.illegalRoute ? ' illegal' : ''}`}
        aria-labelledby="next-h"
      >
        <h2 id="next-h">Next step: {view.next.title}</h2>
        <p>{view.next.why}</p>
        <blockquote>
          <p>{view.next.quote.text}</p>
          <footer>{view.next.quote.source}</footer>
        </blockquote>
      </section>

      {error ? <ProblemMessage error={error} /> : null}

      {open && opts ? <ClassifyForm view={view} options={opts} save={save} busy={busy} /> : null}

      <PeopleSection view={view} options={opts} save={save} busy={busy} open={open} />

      {/* Keyed by the side of the flowchart: the agency offered first follows it. */}
      <ReferralsSection
        key={view.next.illegalRoute ? 'illegal' : 'investigate'}
        view={view}
        save={save}
        busy={busy}
        open={open}
      />

      {view.next.illegalRoute ? null : (
        <InvestigationSection view={view} options={opts} save={save} busy={busy} open={open} />
      )}

      <EvidenceSection view={view} save={save} busy={busy} open={open} />

      <SanctionsSection view={view} save={save} busy={busy} open={open} />

      <OutcomeSection view={view} save={save} busy={busy} open={open} />

      <LearningSection view={view} save={save} busy={busy} canManage={view.canManage} />

      {open ? (
        <section className="card" aria-labelledby="close-h">
          <h2 id="close-h">Close the incident</h2>
          <p className="hint">Closing is possible once every step of the flowchart is recorded.</p>
          <button
            type="button"
            className="button"
            disabled={busy || view.next.step !== 'close'}
            onClick={() => void save('close')}
          >
            Close the incident
          </button>
        </section>
      ) : null}
    </article>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
    </section>
  );
}

interface SectionProps {
  view: IncidentView;
  save: Save;
  busy: boolean;
  open: boolean;
}

function ClassifyForm({
  view,
  options,
  save,
  busy,
}: {
  view: IncidentView;
  options: IncidentOptions;
  save: Save;
  busy: boolean;
}) {
  const [category, setCategory] = useState(view.category ?? '');
  const [fourCs, setFourCs] = useState<string[]>(view.fourCs);
  const [illegal, setIllegal] = useState<string>(
    view.suspectedIllegal === null ? '' : view.suspectedIllegal ? 'yes' : 'no',
  );
  const [type, setType] = useState(view.incidentType ?? '');
  const [about, setAbout] = useState(view.concernAbout);
  const csam = category === 'csam';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save('classify', {
      category,
      fourCs,
      suspectedIllegal: csam || illegal === 'yes',
      incidentType: type === '' ? null : type,
      concernAbout: about,
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="classify-h">
      <h2 id="classify-h">Classification</h2>
      <div className="field-row">
        <div>
          <label htmlFor="classify-category">Category</label>
          <select
            id="classify-category"
            required
            value={category}
            onChange={(e) => {
              setCategory(e.target.value);
              const chosen = options.categories.find((c) => c.id === e.target.value);
              if (chosen && illegal === '') setIllegal(chosen.illegalByDefault ? 'yes' : 'no');
            }}
          >
            <option value="">Choose…</option>
            {options.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="classify-type">Incident type (sanctions table)</label>
          <select id="classify-type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">
              {view.suggestedIncidentType ? 'As suggested for the category' : 'None'}
            </option>
            {view.incidentTypes.map((t) => (
              <option key={`${t.table}-${t.id}`} value={t.id}>
                {t.incident}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="classify-about">Who is it about?</label>
          <select
            id="classify-about"
            value={about}
            onChange={(e) => setAbout(e.target.value as IncidentView['concernAbout'])}
          >
            {Object.entries(concernAboutLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset>
        <legend>The 4Cs</legend>
        <div className="choices-inline">
          {options.fourCs.map((c) => (
            <div className="choice" key={c}>
              <input
                type="checkbox"
                id={`fourc-${c}`}
                checked={fourCs.includes(c)}
                onChange={(e) =>
                  setFourCs(e.target.checked ? [...fourCs, c] : fourCs.filter((x) => x !== c))
                }
              />
              <label htmlFor={`fourc-${c}`}>{fourCLabels[c] ?? c}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Is illegal activity suspected?</legend>
        {csam ? (
          <p className="hint">
            Yes: child sexual abuse material is always referred to the police and CEOP.
          </p>
        ) : (
          <div className="choices-inline">
            {[
              ['yes', 'Yes: refer to the police'],
              ['no', 'No: the school investigates'],
            ].map(([value, label]) => (
              <div className="choice" key={value}>
                <input
                  type="radio"
                  id={`illegal-${value}`}
                  name="illegal"
                  required
                  checked={illegal === value}
                  onChange={() => setIllegal(value ?? '')}
                />
                <label htmlFor={`illegal-${value}`}>{label}</label>
              </div>
            ))}
          </div>
        )}
      </fieldset>
      <button className="button" type="submit" disabled={busy || category === ''}>
        Save the classification
      </button>
    </form>
  );
}

function PeopleSection({
  view,
  options,
  save,
  busy,
  open,
}: SectionProps & { options: IncidentOptions | undefined }) {
  const { can } = useSession();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState('victim');
  return (
    <Section id="people" title="People involved">
      {view.people.length === 0 ? <p className="hint">Nobody is linked yet.</p> : null}
      <ul className="plain people-list">
        {view.people.map((p) => (
          <li key={p.id}>
            <strong>{p.name}</strong> — {roleLabels[p.role] ?? p.role} ({p.kind})
            {p.userId && p.kind === 'pupil' && can('chronology.read') ? (
              <>
                {' '}
                <Link to={`/people/${p.userId}/chronology`}>Chronology</Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {open && options ? (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            void save('people', { userId, role }).then((ok) => ok && setUserId(''));
          }}
        >
          <div>
            <label htmlFor="person-user">Person</label>
            <select
              id="person-user"
              required
              value={userId}
              onChange={(e) => setUserId(e.target.value)}
            >
              <option value="">Choose…</option>
              {options.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.username})
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="person-role">Role in the incident</label>
            <select id="person-role" value={role} onChange={(e) => setRole(e.target.value)}>
              {Object.entries(roleLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div className="form-end">
            <button className="button secondary" type="submit" disabled={busy || userId === ''}>
              Link the person
            </button>
          </div>
        </form>
      ) : null}
    </Section>
  );
}

function ReferralsSection({ view, save, busy, open }: SectionProps) {
  const [agency, setAgency] = useState(view.next.illegalRoute ? 'police' : 'lado');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [device, setDevice] = useState('');
  return (
    <Section id="referrals" title="Referrals">
      {view.referrals.length === 0 ? <p className="hint">No referral recorded.</p> : null}
      <ul className="plain">
        {view.referrals.map((r) => (
          <li key={r.id}>
            <strong>{agencyLabels[r.agency] ?? r.agency}</strong>
            {r.reference ? ` — reference ${r.reference}` : ''} · {formatDateTime(r.at)}
            {r.by ? ` · ${r.by}` : ''}
            {r.note ? <p className="hint">{r.note}</p> : null}
          </li>
        ))}
      </ul>
      {open ? (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            void save('referrals', { agency, reference, note }).then((ok) => {
              if (ok) {
                setReference('');
                setNote('');
              }
            });
          }}
        >
          <div>
            <label htmlFor="ref-agency">Referred to</label>
            <select id="ref-agency" value={agency} onChange={(e) => setAgency(e.target.value)}>
              {Object.entries(agencyLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="ref-reference">Reference</label>
            <input
              id="ref-reference"
              value={reference}
              required={agency === 'police' || agency === 'ceop'}
              onChange={(e) => setReference(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="ref-note">Note</label>
            <input id="ref-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="form-end">
            <button className="button secondary" type="submit" disabled={busy}>
              Record the referral
            </button>
          </div>
        </form>
      ) : null}
      {view.next.illegalRoute ? (
        view.deviceIsolatedAt ? (
          <p className="status ok">
            Device isolated {formatDateTime(view.deviceIsolatedAt)}: {view.deviceDescription}
          </p>
        ) : open ? (
          <form
            className="field-row"
            onSubmit={(e) => {
              e.preventDefault();
              void save('isolate-device', { description: device });
            }}
          >
            <div className="wide">
              <label htmlFor="isolate-device">Which device, and where is it kept?</label>
              <input
                id="isolate-device"
                required
                value={device}
                onChange={(e) => setDevice(e.target.value)}
              />
            </div>
            <div className="form-end">
              <button className="button secondary" type="submit" disabled={busy}>
                Record that the device is isolated
              </button>
            </div>
          </form>
        ) : null
      ) : null}
    </Section>
  );
}

function InvestigationSection({
  view,
  options,
  save,
  busy,
  open,
}: SectionProps & { options: IncidentOptions | undefined }) {
  const { me } = useSession();
  const [investigator, setInvestigator] = useState('');
  const [device, setDevice] = useState(view.designatedDevice ?? '');
  const [urls, setUrls] = useState(view.urls.join('\n'));
  const [nature, setNature] = useState(view.contentNature ?? '');
  const [judgement, setJudgement] = useState(view.judgement ?? '');
  const [note, setNote] = useState(view.judgementNote ?? '');
  const mine = view.investigators.find((i) => i.userId === me.user.id);
  return (
    <Section id="investigation" title="Investigation (at least two senior staff)">
      <ul className="plain">
        {view.investigators.map((i) => (
          <li key={i.userId}>
            <strong>{i.name}</strong> —{' '}
            {i.signedOffAt
              ? `signed off the judgement ${formatDateTime(i.signedOffAt)}`
              : 'not signed off'}
          </li>
        ))}
      </ul>
      {open && options ? (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            void save('investigators', { userId: investigator }).then(
              (ok) => ok && setInvestigator(''),
            );
          }}
        >
          <div>
            <label htmlFor="investigator">Senior member of staff</label>
            <select
              id="investigator"
              value={investigator}
              onChange={(e) => setInvestigator(e.target.value)}
            >
              <option value="">Choose…</option>
              {options.seniorStaff
                .filter((s) => mayInvestigate(s.roles, view.concernAbout))
                .filter((s) => !view.investigators.some((i) => i.userId === s.id))
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
            </select>
          </div>
          <div className="form-end">
            <button className="button secondary" type="submit" disabled={busy || !investigator}>
              Name as investigator
            </button>
          </div>
        </form>
      ) : null}
      {open ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save('investigation', {
              designatedDevice: device,
              urls: urls
                .split('\n')
                .map((u) => u.trim())
                .filter((u) => u !== ''),
              contentNature: nature,
            });
          }}
        >
          <label htmlFor="inv-device">Designated device used for the investigation</label>
          <input
            id="inv-device"
            required
            value={device}
            onChange={(e) => setDevice(e.target.value)}
          />
          <label htmlFor="inv-urls">
            URLs of the sites containing the alleged misuse (one a line)
          </label>
          <textarea
            id="inv-urls"
            rows={3}
            required
            value={urls}
            onChange={(e) => setUrls(e.target.value)}
          />
          <label htmlFor="inv-nature">Nature of the content causing concern</label>
          <textarea
            id="inv-nature"
            rows={3}
            required
            value={nature}
            onChange={(e) => setNature(e.target.value)}
          />
          <button className="button secondary" type="submit" disabled={busy}>
            Save the investigation record
          </button>
        </form>
      ) : (
        <dl className="incident-facts">
          <dt>Designated device</dt>
          <dd>{view.designatedDevice ?? '—'}</dd>
          <dt>URLs</dt>
          <dd>{view.urls.join(', ') || '—'}</dd>
          <dt>Nature of the content</dt>
          <dd>{view.contentNature ?? '—'}</dd>
        </dl>
      )}
      <h3>Judgement</h3>
      {view.judgement ? (
        <p>
          <strong>
            {view.judgement === 'substance'
              ? 'The concern has substance'
              : 'The concern has no substance'}
          </strong>
          {view.judgementNote ? ` — ${view.judgementNote}` : ''}
        </p>
      ) : null}
      {open ? (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            void save('judgement', { judgement, note });
          }}
        >
          <div>
            <label htmlFor="judgement">Does the concern have substance?</label>
            <select
              id="judgement"
              required
              value={judgement}
              onChange={(e) => setJudgement(e.target.value)}
            >
              <option value="">Choose…</option>
              <option value="substance">Yes: it has substance</option>
              <option value="no-substance">No substance</option>
            </select>
          </div>
          <div>
            <label htmlFor="judgement-note">Reasons</label>
            <input id="judgement-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="form-end">
            <button className="button secondary" type="submit" disabled={busy || !judgement}>
              Record the judgement
            </button>
          </div>
        </form>
      ) : null}
      {open && view.judgement && mine && !mine.signedOffAt ? (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void save('sign-off')}
        >
          Sign off the judgement as {mine.name}
        </button>
      ) : null}
    </Section>
  );
}

/** Senior staff investigate; for a concern about the head, the chair takes the head's place. */
function mayInvestigate(roles: string[], about: IncidentView['concernAbout']): boolean {
  const senior = ['dsl', 'deputy-dsl', 'online-safety-lead', 'head'];
  if (about === 'head') {
    return (
      !roles.includes('head') && [...senior, 'chair-of-governors'].some((r) => roles.includes(r))
    );
  }
  return senior.some((r) => roles.includes(r));
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

function EvidenceSection({ view, save, busy, open }: SectionProps) {
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  return (
    <Section id="evidence" title="Evidence">
      {view.evidence.length > 0 ? (
        <ul className="plain">
          {view.evidence.map((e) => (
            <li key={e.id}>
              <a href={`/api/incidents/${view.id}/evidence/${e.id}`}>{e.fileName}</a> (
              {Math.ceil(e.size / 1024)} KB, {formatDateTime(e.uploadedAt)})
              {e.description ? ` — ${e.description}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {!view.evidenceAllowed ? (
        <p className="status bad" role="note">
          {view.evidenceRefusal}
        </p>
      ) : open ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!file) return;
            void readAsBase64(file).then((contentBase64) =>
              save('evidence', {
                fileName: file.name,
                mediaType: file.type || 'application/octet-stream',
                contentBase64,
                description,
              }).then((ok) => {
                if (ok) {
                  setFile(null);
                  setDescription('');
                }
              }),
            );
          }}
        >
          <p className="hint">Files are encrypted before they are stored (at most 5 MB each).</p>
          <label htmlFor="evidence-file">
            File (e.g. a screenshot taken on the designated device)
          </label>
          <input
            id="evidence-file"
            type="file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <label htmlFor="evidence-description">Description</label>
          <input
            id="evidence-description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
          <button className="button secondary" type="submit" disabled={busy || !file}>
            Attach the evidence
          </button>
        </form>
      ) : (
        <p className="hint">No evidence attached.</p>
      )}
    </Section>
  );
}

function SanctionsSection({ view, save, busy, open }: SectionProps) {
  const candidates = view.suggestions.filter((s) => s.suggestion !== null);
  return (
    <Section id="sanctions" title="Actions and sanctions from the policy">
      {view.sanctions.length > 0 ? (
        <ul className="plain">
          {view.sanctions.map((s) => (
            <li key={s.id}>
              <strong>{view.people.find((p) => p.id === s.personId)?.name ?? 'Someone'}</strong>:{' '}
              {s.actionLabel}{' '}
              {s.suggested ? '(suggested by the policy)' : '(not in the table’s suggestion)'} ·{' '}
              {formatDateTime(s.at)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No action recorded yet.</p>
      )}
      {candidates.length === 0 ? (
        <p className="hint">
          Link the pupils or staff involved (as victim or instigator) and choose the incident type:
          the policy’s sanctions table then suggests actions for each.
        </p>
      ) : null}
      {open
        ? candidates.map(({ personId, suggestion }) => {
            const person = view.people.find((p) => p.id === personId);
            if (!suggestion || !person) return null;
            return (
              <div key={personId} className="sanction-suggestions">
                <h3>
                  {person.name} ({suggestion.table === 'pupils' ? 'pupil' : 'staff'} table)
                </h3>
                <p className="hint">“{suggestion.incident}”</p>
                <ul className="plain sanction-actions">
                  {suggestion.actions.map((a) => {
                    const done = view.sanctions.some(
                      (s) => s.personId === personId && s.actionId === a.id,
                    );
                    return (
                      <li key={a.id} className={a.suggested ? 'suggested' : undefined}>
                        <span>
                          {a.label}
                          {a.suggested ? <strong> — suggested</strong> : null}
                        </span>
                        <button
                          type="button"
                          className="button small secondary"
                          disabled={busy || done}
                          onClick={() => void save('sanctions', { personId, actionId: a.id })}
                        >
                          {done ? 'Recorded' : 'Record'}
                          <span className="visually-hidden">
                            {' '}
                            {a.label} for {person.name}
                          </span>
                        </button>
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })
        : null}
    </Section>
  );
}

function OutcomeSection({ view, save, busy, open }: SectionProps) {
  const [actions, setActions] = useState<string[]>(view.actionsTaken);
  const [feedback, setFeedback] = useState(view.feedback ?? '');
  const [support, setSupport] = useState(view.support ?? '');
  if (!open) {
    return (
      <Section id="outcome" title="Outcome">
        <dl className="incident-facts">
          <dt>Actions</dt>
          <dd>{view.actionsTaken.map((a) => actionKindLabels[a] ?? a).join(', ') || '—'}</dd>
          <dt>Feedback to those involved</dt>
          <dd>{view.feedback ?? '—'}</dd>
          <dt>Support offered</dt>
          <dd>{view.support ?? '—'}</dd>
        </dl>
      </Section>
    );
  }
  return (
    <form
      className="card"
      aria-labelledby="outcome-h"
      onSubmit={(e) => {
        e.preventDefault();
        void save('outcome', { actionsTaken: actions, feedback, support });
      }}
    >
      <h2 id="outcome-h">Outcome</h2>
      {view.next.illegalRoute ? null : (
        <fieldset>
          <legend>Actions taken</legend>
          {Object.entries(actionKindLabels).map(([value, label]) => (
            <div className="choice" key={value}>
              <input
                type="checkbox"
                id={`action-${value}`}
                checked={actions.includes(value)}
                onChange={(e) =>
                  setActions(
                    e.target.checked ? [...actions, value] : actions.filter((a) => a !== value),
                  )
                }
              />
              <label htmlFor={`action-${value}`}>{label}</label>
            </div>
          ))}
        </fieldset>
      )}
      <label htmlFor="outcome-feedback">Feedback given to those involved</label>
      <textarea
        id="outcome-feedback"
        rows={2}
        value={feedback}
        onChange={(e) => setFeedback(e.target.value)}
      />
      <label htmlFor="outcome-support">Support offered</label>
      <textarea
        id="outcome-support"
        rows={2}
        value={support}
        onChange={(e) => setSupport(e.target.value)}
      />
      <button className="button secondary" type="submit" disabled={busy}>
        Save the outcome
      </button>
    </form>
  );
}

function LearningSection({
  view,
  save,
  busy,
  canManage,
}: Omit<SectionProps, 'open'> & { canManage: boolean }) {
  const [text, setText] = useState('');
  return (
    <Section id="learning" title="Learning for the Online Safety Group">
      <ul className="plain">
        {view.learning.map((l) => (
          <li key={l.id}>{l.text}</li>
        ))}
      </ul>
      {canManage ? (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            void save('learning', { text }).then((ok) => ok && setText(''));
          }}
        >
          <div className="wide">
            <label htmlFor="learning-text">Learning point</label>
            <input id="learning-text" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <div className="form-end">
            <button className="button secondary" type="submit" disabled={busy || !text.trim()}>
              Add to the group’s agenda
            </button>
          </div>
        </form>
      ) : null}
    </Section>
  );
}
