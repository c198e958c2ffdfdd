import { api, type AuditEntry, type Group } from '../api.ts';
import { useLoad } from '../components/use-load.ts';
import { roleLabel } from '../labels.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { PolicyStatusCard } from './policy/status-panel.tsx';
import { AuaHomeCards } from './aua/aua-home-cards.tsx';
import { TechnicalNoticesPanel } from './monitoring/technical-notices.tsx';

/** National services any child in the UK can reach, day or night. */
const helpForPupils = [
  {
    name: 'Childline',
    how: 'Call 0800 1111 or chat online at childline.org.uk',
    when: 'free, any time',
  },
  { name: 'Shout', how: 'Text SHOUT to 85258', when: 'free, any time' },
  {
    name: 'CEOP',
    how: 'Report online sexual abuse at ceop.police.uk',
    when: 'if someone online makes you feel unsafe',
  },
];

function PupilHome({ name }: { name: string }) {
  return (
    <>
      <h1>Hello, {name.split(' ')[0]}</h1>
      <AuaHomeCards />
      <section className="card friendly" aria-labelledby="worry">
        <h2 id="worry">If something online worries you</h2>
        <p>
          Tell a trusted adult at school, like your class teacher or the safeguarding lead. You will
          not be in trouble for telling.
        </p>
        <p>You can also talk to people outside school:</p>
        <ul className="help-list">
          {helpForPupils.map((h) => (
            <li key={h.name}>
              <strong>{h.name}</strong> — {h.how} <span className="muted">({h.when})</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function PeopleSummary() {
  const { data } = useLoad(() => api.get<{ groups: Group[] }>('/api/groups'), 'groups');
  if (!data) return null;
  const pupils = data.groups
    .filter((g) => g.kind === 'key-stage')
    .reduce((n, g) => n + g.members, 0);
  const staff = data.groups.find((g) => g.slug === 'staff')?.members ?? 0;
  return (
    <section className="card" aria-labelledby="people-summary">
      <h2 id="people-summary">People</h2>
      <dl className="figures">
        <div>
          <dt>Pupils</dt>
          <dd>{pupils}</dd>
        </div>
        <div>
          <dt>Staff</dt>
          <dd>{staff}</dd>
        </div>
        <div>
          <dt>Groups</dt>
          <dd>{data.groups.length}</dd>
        </div>
      </dl>
      <p>
        <Link to="/people">See everyone</Link> · <Link to="/groups">Groups</Link>
      </p>
    </section>
  );
}

function RecentAudit() {
  const { data } = useLoad(() => api.get<{ entries: AuditEntry[] }>('/api/audit?limit=5'), 'audit');
  const verify = useLoad(
    () => api.get<{ ok: boolean; entries: number; reason?: string }>('/api/audit/verify'),
    'verify',
  );
  return (
    <section className="card" aria-labelledby="audit-summary">
      <h2 id="audit-summary">Audit log</h2>
      {verify.data ? (
        <p className={verify.data.ok ? 'status ok' : 'status bad'} role="status">
          {verify.data.ok
            ? `Intact: ${verify.data.entries} entries, every hash matches.`
            : `Broken: ${verify.data.reason ?? 'an entry was changed'}.`}
        </p>
      ) : null}
      {data ? (
        <ul className="plain">
          {data.entries.map((e) => (
            <li key={e.seq}>
              <span className="muted">{new Date(e.at).toLocaleString('en-GB')}</span> {e.actor} —{' '}
              {e.action}
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <Link to="/audit">Open the audit log</Link>
      </p>
    </section>
  );
}

export function HomePage() {
  const { me, can } = useSession();
  const isPupil = me.user.roles.includes('pupil');
  if (isPupil) return <PupilHome name={me.user.displayName} />;
  return (
    <>
      <h1>Welcome, {me.user.displayName}</h1>
      <p className="lede">
        {me.user.roles.map(roleLabel).join(', ')}
        {me.school ? ` at ${me.school.name}` : ''}
      </p>
      {can('notices.technical.read') ? <TechnicalNoticesPanel /> : null}
      <div className="cards">
        <AuaHomeCards />
        {can('policy.read') ? <PolicyStatusCard /> : null}
        {can('users.list') ? <PeopleSummary /> : null}
        {can('audit.read') ? <RecentAudit /> : null}
        <section className="card" aria-labelledby="account-summary">
          <h2 id="account-summary">Your account</h2>
          <p>
            Username <strong>{me.user.username}</strong>
            {me.user.groups.length > 0 ? <> · groups {me.user.groups.join(', ')}</> : null}
          </p>
          <p>
            <Link to="/account">Change your password</Link>
          </p>
        </section>
      </div>
    </>
  );
}
