import { api } from '../../api.ts';
import { useLoad } from '../../components/use-load.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { SurveyView } from '../surveys/surveys-api.ts';
import type { MyAgreements } from './aua-api.ts';
import './aua.css';

/** "Agreements waiting for you" on the home page: shown only when something waits. */
function AgreementsWaiting() {
  const { data } = useLoad(() => api.get<MyAgreements>('/api/aua/mine'), 'aua-waiting');
  if (!data || data.waiting === 0) return null;
  const titles = data.agreements
    .filter((a) => a.signedAt === null && a.version.inForce)
    .map((a) => a.version.title);
  return (
    <section className="card friendly" aria-labelledby="aua-waiting">
      <h2 id="aua-waiting">
        {data.waiting === 1
          ? 'An agreement is waiting for you to sign'
          : `${data.waiting} agreements are waiting for you to sign`}
      </h2>
      <ul>
        {titles.map((t) => (
          <li key={t}>{t}</li>
        ))}
      </ul>
      <p>
        <Link to="/aua/sign" className="button">
          Read and sign
        </Link>
      </p>
    </section>
  );
}

/** Surveys open for this person that they have not answered. */
function SurveysWaiting() {
  const { data } = useLoad(
    () => api.get<{ surveys: SurveyView[] }>('/api/surveys/open'),
    'surveys-open',
  );
  if (!data || data.surveys.length === 0) return null;
  return (
    <section className="card" aria-labelledby="surveys-waiting">
      <h2 id="surveys-waiting">Tell us what you think</h2>
      <p>Your answers are anonymous: nobody can see who wrote what.</p>
      <ul>
        {data.surveys.map((s) => (
          <li key={s.id}>
            <Link to={`/surveys/answer?id=${s.id}`}>{s.title}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The home page cards of this area: agreements to sign and surveys to answer. */
export function AuaHomeCards() {
  const { can } = useSession();
  return (
    <>
      {can('aua.sign') ? <AgreementsWaiting /> : null}
      {can('surveys.answer') ? <SurveysWaiting /> : null}
    </>
  );
}

/** "Your acceptable use agreements" on the account page: what was signed when, and a link. */
export function MyAgreementsCard() {
  const { can } = useSession();
  return can('aua.sign') ? <AgreementsSummary /> : null;
}

function AgreementsSummary() {
  const { data } = useLoad(() => api.get<MyAgreements>('/api/aua/mine'), 'aua-account');
  if (!data || data.agreements.length === 0) return null;
  return (
    <section className="card" aria-labelledby="my-agreements">
      <h2 id="my-agreements">Your acceptable use agreements</h2>
      <ul>
        {data.agreements.map((a) => (
          <li key={a.version.id}>
            {a.version.title} (version {a.version.number}):{' '}
            {a.signedAt
              ? `signed ${new Date(a.signedAt).toLocaleDateString('en-GB')}`
              : 'not signed yet'}
          </li>
        ))}
      </ul>
      <p>
        <Link to="/aua/sign">Read {data.waiting > 0 ? 'and sign ' : ''}your agreements</Link>
      </p>
    </section>
  );
}
