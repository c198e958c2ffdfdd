import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDate, plural } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { audienceOptions, type AuaSettings, type AuaVersion, type Completion } from './aua-api.ts';
import { AuaText } from './aua-text.tsx';
import './aua.css';

const percentText = (percent: number | null) => (percent === null ? '—' : `${percent}%`);
const audienceLabel = (value: string) =>
  audienceOptions.find((a) => a.value === value)?.label ?? value;

function CompletionSection({ onChanged }: { onChanged: number }) {
  const { can } = useSession();
  const { data, error, reload } = useLoad(
    () => api.get<Completion>('/api/aua/completion'),
    `completion-${onChanged}`,
  );
  const remind = useAction();
  const [reminded, setReminded] = useState<string | null>(null);
  const sendReminders = () =>
    void remind
      .run(async () => {
        const r = await api.post<{
          outstanding: number;
          emailed: number;
          withoutEmail: number;
          failed: number;
        }>('/api/aua/remind', {});
        setReminded(
          `${plural(r.emailed, 'reminder', 'reminders')} sent; ${r.withoutEmail} without an email address${r.failed > 0 ? `; ${r.failed} failed` : ''}.`,
        );
      })
      .then(() => reload());
  return (
    <section className="card aua-completion" aria-labelledby="completion-title">
      <h2 id="completion-title">Who has signed</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {data ? (
        <>
          <div className="table-wrap">
            <table>
              <caption>By audience: the version in force</caption>
              <thead>
                <tr>
                  <th scope="col">Audience</th>
                  <th scope="col">Version</th>
                  <th scope="col" className="number">
                    Signed
                  </th>
                  <th scope="col" className="number">
                    Due
                  </th>
                  <th scope="col" className="number">
                    Complete
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.byAudience.map((row) => (
                  <tr key={row.audience} data-audience={row.audience}>
                    <th scope="row">{row.label}</th>
                    <td>
                      {row.version
                        ? `v${row.version.number}, from ${formatDate(row.version.effectiveFrom)}`
                        : 'none published'}
                    </td>
                    <td className="number">{row.signed}</td>
                    <td className="number">{row.due}</td>
                    <td className="number aua-percent">{percentText(row.percent)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.byGroup.length > 0 ? (
            <div className="table-wrap">
              <table>
                <caption>By group</caption>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col" className="number">
                      Signed
                    </th>
                    <th scope="col" className="number">
                      Due
                    </th>
                    <th scope="col" className="number">
                      Complete
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.byGroup.map((g) => (
                    <tr key={g.slug}>
                      <th scope="row">{g.name}</th>
                      <td className="number">{g.signed}</td>
                      <td className="number">{g.due}</td>
                      <td className="number">{percentText(g.percent)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <h3>Still to sign ({data.outstanding.length})</h3>
          {data.outstanding.length === 0 ? (
            <p>Everyone is up to date.</p>
          ) : (
            <ul className="plain aua-outstanding">
              {data.outstanding.map((o) => (
                <li key={`${o.userId}-${o.audience}`}>
                  {o.name} <span className="muted">— {audienceLabel(o.audience)}</span>
                  {o.hasEmail ? null : <span className="muted"> (no email address)</span>}
                </li>
              ))}
            </ul>
          )}
          {can('aua.remind') && data.outstanding.length > 0 ? (
            <div className="actions">
              <button
                type="button"
                className="button secondary"
                onClick={sendReminders}
                disabled={remind.busy}
              >
                Email a reminder to everyone who has not signed
              </button>
            </div>
          ) : null}
          {remind.error ? <ProblemMessage error={remind.error} /> : null}
          {reminded ? (
            <p className="status ok" role="status">
              {reminded}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function PublishForm({ onPublished }: { onPublished: () => void }) {
  const [audience, setAudience] = useState('staff');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [changeNote, setChangeNote] = useState('');
  const { run, error, busy } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    void run(async () => {
      const v = await api.post<AuaVersion>('/api/aua/versions', {
        audience,
        title,
        body,
        changeNote,
        ...(effectiveFrom
          ? { effectiveFrom: new Date(`${effectiveFrom}T00:00:00`).toISOString() }
          : {}),
      });
      setDone(`Published version ${v.number} of “${v.title}”.`);
      setTitle('');
      setBody('');
      setChangeNote('');
    }).then((ok) => {
      if (ok) onPublished();
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="publish-title">
      <h2 id="publish-title">Publish a new version</h2>
      <p className="hint">
        Everyone in the audience must sign the new version from the day it takes effect.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      {done ? (
        <p className="status ok" role="status">
          {done}
        </p>
      ) : null}
      <label htmlFor="aua-audience">Audience</label>
      <select id="aua-audience" value={audience} onChange={(e) => setAudience(e.target.value)}>
        {audienceOptions.map((a) => (
          <option key={a.value} value={a.value}>
            {a.label}
          </option>
        ))}
      </select>
      <label htmlFor="aua-title">Title</label>
      <input id="aua-title" value={title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor="aua-body">Text of the agreement</label>
      <p className="hint" id="aua-body-hint">
        Start a line with # for a heading and - for a list item; leave a blank line between
        paragraphs.
      </p>
      <textarea
        id="aua-body"
        rows={12}
        aria-describedby="aua-body-hint"
        value={body}
        onChange={(e) => setBody(e.target.value)}
      />
      <label htmlFor="aua-effective">Takes effect on (leave empty for today)</label>
      <input
        id="aua-effective"
        type="date"
        value={effectiveFrom}
        onChange={(e) => setEffectiveFrom(e.target.value)}
      />
      <label htmlFor="aua-note">What changed and why</label>
      <input id="aua-note" value={changeNote} onChange={(e) => setChangeNote(e.target.value)} />
      <div className="actions">
        <button className="button" type="submit" disabled={busy}>
          Publish
        </button>
      </div>
    </form>
  );
}

function SafeListSettings({ onSaved }: { onSaved: () => void }) {
  const { data, error, reload } = useLoad(
    () => api.get<AuaSettings>('/api/aua/settings'),
    'aua-settings',
  );
  const [draft, setDraft] = useState<{ enabled: boolean; hosts: string } | null>(null);
  const save = useAction();
  if (!data) return error ? <ProblemMessage error={error} /> : null;
  const current = draft ?? { enabled: data.safeListEnabled, hosts: data.safeHosts.join('\n') };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save
      .run(async () => {
        await api.put('/api/aua/settings', {
          safeListEnabled: current.enabled,
          safeHosts: current.hosts
            .split(/\s*[\n,]\s*/)
            .map((h) => h.trim())
            .filter((h) => h.length > 0),
        });
      })
      .then(async (ok) => {
        if (ok) {
          setDraft(null);
          await reload();
          onSaved();
        }
      });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="safe-list-title">
      <h2 id="safe-list-title">Until they sign</h2>
      <p>
        When this is on, people who have not signed the agreement in force can reach only the help
        services Haven never blocks (Childline, CEOP and others), Haven itself
        {data.appHost ? ` (${data.appHost})` : ''} and the short safe list below, until they sign.
        Signing lifts it within seconds.
      </p>
      {save.error ? <ProblemMessage error={save.error} /> : null}
      <div className="check">
        <input
          id="safe-list-enabled"
          type="checkbox"
          checked={current.enabled}
          disabled={!data.canManage}
          onChange={(e) => setDraft({ ...current, enabled: e.target.checked })}
        />
        <label htmlFor="safe-list-enabled">Keep people who have not signed on the safe list</label>
      </div>
      <label htmlFor="safe-hosts">Safe list (one site per line, at most {data.maxHosts})</label>
      <textarea
        id="safe-hosts"
        rows={4}
        value={current.hosts}
        disabled={!data.canManage}
        onChange={(e) => setDraft({ ...current, hosts: e.target.value })}
      />
      {data.canManage ? (
        <div className="actions">
          <button className="button" type="submit" disabled={save.busy}>
            Save
          </button>
        </div>
      ) : null}
    </form>
  );
}

function Versions({ reloadKey }: { reloadKey: number }) {
  const { data, error } = useLoad(
    () => api.get<{ versions: AuaVersion[] }>('/api/aua/versions'),
    `versions-${reloadKey}`,
  );
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      {error ? <ProblemMessage error={error} /> : null}
      <ul className="plain aua-versions">
        {data?.versions.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              className="link-button"
              aria-expanded={open === v.id}
              onClick={() => setOpen(open === v.id ? null : v.id)}
            >
              {v.audienceLabel}: v{v.number} “{v.title}”
            </button>{' '}
            <span className="muted">
              from {formatDate(v.effectiveFrom)}
              {v.inForce ? ' · in force' : ''} — {v.changeNote}
            </span>
            {open === v.id ? <AuaText body={v.body} level={3} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Acceptable use agreements: completion, reminders, publishing, the safe list. */
export function AuaPage() {
  const { can } = useSession();
  const [changed, setChanged] = useState(0);
  const bump = () => setChanged((n) => n + 1);
  return (
    <>
      <h1>Acceptable use agreements</h1>
      <p className="lede">
        Agreements for pupils, staff, parents and visitors: who has signed the version in force,
        reminders, and new versions. <Link to="/aua/sign">Sign your own</Link>.
      </p>
      <CompletionSection onChanged={changed} />
      <div className="cards">
        {can('aua.publish') ? <PublishForm onPublished={bump} /> : null}
        <SafeListSettings onSaved={bump} />
      </div>
      <Versions reloadKey={changed} />
    </>
  );
}
