import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { api, ApiError, setCsrfToken, type Me } from './api.ts';
import { navigationRuns } from './navigation.ts';
import { AccountPage } from './pages/account-page.tsx';
import { AlertsPage, CriticalAlertsBanner } from './pages/alerts/alerts-page.tsx';
import { ActivityPage } from './pages/activity/activity-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { FilteringPage } from './pages/filtering/filtering-page.tsx';
import { GroupsPage } from './pages/groups-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PeoplePage } from './pages/people-page.tsx';
import { PhrasesPage } from './pages/phrases/phrases-page.tsx';
import { PolicyPage } from './pages/policy/policy-page.tsx';
import { BlockedPage, blockedPageTitle } from './pages/public/blocked-page.tsx';
import { NetworkSignInPage } from './pages/public/network-sign-in-page.tsx';
import { PublicLayout } from './pages/public/public-layout.tsx';
import { isIwf, readBlockedSubject } from './pages/public/public-params.ts';
import { ReportPage } from './pages/public/report-page.tsx';
import { ReviewPage } from './pages/public/review-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
// Governance registers
import { RegisterPage } from './pages/registers/register-page.tsx';
import { RegistersPage } from './pages/registers/registers-page.tsx';
// Temporary exemptions and filter change control
import { ChangeRequestsPage } from './pages/exemptions/change-requests-page.tsx';
import { ExemptionsPage } from './pages/exemptions/exemptions-page.tsx';
// Governance reports (issue 8)
import { AnnualReviewPage } from './pages/reports/annual-review-page.tsx';
import { CalendarPage } from './pages/reports/calendar-page.tsx';
import { GovernorReportPage } from './pages/reports/governor-report-page.tsx';
import { Link, useRouter } from './router.tsx';
// Acceptable use agreements, training records and surveys
import { AuaPage } from './pages/aua/aua-page.tsx';
import { AuaSignPage } from './pages/aua/aua-sign-page.tsx';
import { SurveyAnswerPage } from './pages/surveys/survey-answer-page.tsx';
import { SurveysPage } from './pages/surveys/surveys-page.tsx';
import { TrainingPage } from './pages/training/training-page.tsx';
import { SessionContext, type SessionValue } from './session.tsx';
// Casework: incidents
import { ChronologyPage } from './pages/incidents/chronology-page.tsx';
import { IncidentPage } from './pages/incidents/incident-page.tsx';
import { IncidentsPage } from './pages/incidents/incidents-page.tsx';
import { ReportConcernPage } from './pages/incidents/report-concern-page.tsx';

const pages: Record<string, { title: string; ability: string | null; render: () => ReactElement }> =
  {
    '/': { title: 'Home', ability: null, render: () => <HomePage /> },
    '/alerts': { title: 'Alerts', ability: 'alerts.read', render: () => <AlertsPage /> },
    '/phrases': {
      title: 'Phrase lists',
      ability: 'phrases.read',
      render: () => <PhrasesPage />,
    },
    '/people': { title: 'People', ability: 'users.list', render: () => <PeoplePage /> },
    '/groups': { title: 'Groups', ability: 'groups.list', render: () => <GroupsPage /> },
    '/policy': { title: 'Policy', ability: 'policy.read', render: () => <PolicyPage /> },
    '/filtering': {
      title: 'Filtering',
      ability: 'decisions.test',
      render: () => <FilteringPage />,
    },
    '/activity': { title: 'Activity', ability: 'activity.read', render: () => <ActivityPage /> },
    '/audit': { title: 'Audit log', ability: 'audit.read', render: () => <AuditPage /> },
    '/account': { title: 'My account', ability: null, render: () => <AccountPage /> },
    // Governance registers
    '/registers': {
      title: 'Registers',
      ability: 'registers.list',
      render: () => <RegistersPage />,
    },
    // Temporary exemptions and filter change control
    '/exemptions': {
      title: 'Exemptions',
      ability: 'exemptions.read',
      render: () => <ExemptionsPage />,
    },
    '/filter-changes': {
      title: 'Filter changes',
      ability: 'change-requests.read',
      render: () => <ChangeRequestsPage />,
    },
    // Acceptable use agreements, training records and surveys
    '/aua': {
      title: 'Acceptable use agreements',
      ability: 'aua.completion.read',
      render: () => <AuaPage />,
    },
    '/aua/sign': {
      title: 'Sign acceptable use agreements',
      ability: 'aua.sign',
      render: () => <AuaSignPage />,
    },
    '/training': { title: 'Training', ability: 'training.read', render: () => <TrainingPage /> },
    '/surveys': {
      title: 'Surveys',
      ability: 'surveys.results.read',
      render: () => <SurveysPage />,
    },
    '/surveys/answer': {
      title: 'Survey',
      ability: 'surveys.answer',
      render: () => <SurveyAnswerPage />,
    },
    // Governance reports (issue 8)
    '/reports/governor': {
      title: 'Governor report',
      ability: 'reports.governor.read',
      render: () => <GovernorReportPage />,
    },
    '/reviews/filtering': {
      title: 'Filtering and monitoring review',
      ability: 'reviews.read',
      render: () => <AnnualReviewPage />,
    },
    '/calendar': {
      title: 'Compliance calendar',
      ability: 'calendar.read',
      render: () => <CalendarPage />,
    },
    // Casework: incidents
    '/incidents': {
      title: 'Incidents',
      ability: 'incidents.read',
      render: () => <IncidentsPage />,
    },
    '/report-concern': {
      title: 'Report a concern',
      ability: 'incidents.report',
      render: () => <ReportConcernPage />,
    },
  };

/** A page under `/registers/<register>`: one generic page for every register. */
function registerPageOf(
  path: string,
): { title: string; ability: string | null; render: () => ReactElement } | undefined {
  const match = /^\/registers\/([a-z][a-z0-9-]*)$/.exec(path);
  if (!match?.[1]) return undefined;
  const key = match[1];
  return {
    title: 'Registers',
    ability: 'registers.list',
    render: () => <RegisterPage registerKey={key} />,
  };
}

/** Pages with an id in the path (`/incidents/ID`, `/people/ID/chronology`). */
function pageWithId(path: string): (typeof pages)[string] | undefined {
  const incident = /^\/incidents\/([0-9a-f-]{36})$/.exec(path);
  if (incident?.[1]) {
    const id = incident[1];
    return { title: 'Incident', ability: 'incidents.read', render: () => <IncidentPage id={id} /> };
  }
  const chronology = /^\/people\/([0-9a-f-]{36})\/chronology$/.exec(path);
  if (chronology?.[1]) {
    const id = chronology[1];
    return {
      title: 'Chronology',
      ability: 'chronology.read',
      render: () => <ChronologyPage userId={id} />,
    };
  }
  return undefined;
}

/**
 * Pages reached from outside the signed-in app — the web filter's block page links to them and
 * Squid redirects to /blocked — shown whether or not anyone is signed in, without the menu.
 */
const publicPaths = new Set(['/blocked', '/report', '/review', '/network/sign-in']);

function PublicPage({ path, me }: { path: string; me: Me | null }) {
  const subject = readBlockedSubject();
  const schoolName = me?.school?.name ?? null;
  if (path === '/blocked') {
    return (
      <PublicLayout
        title={blockedPageTitle(subject)}
        schoolName={schoolName}
        plain={isIwf(subject)}
      >
        <BlockedPage subject={subject} schoolName={schoolName} />
      </PublicLayout>
    );
  }
  if (path === '/report') {
    return (
      <PublicLayout title="Report a worry" schoolName={schoolName}>
        <ReportPage subject={subject} />
      </PublicLayout>
    );
  }
  if (path === '/review') {
    return (
      <PublicLayout title="Ask for a review" schoolName={schoolName}>
        <ReviewPage
          subject={subject}
          person={me ? { displayName: me.user.displayName, email: me.user.email } : null}
        />
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title="Sign in to the school network" schoolName={schoolName}>
      <NetworkSignInPage />
    </PublicLayout>
  );
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  // Whether asking who is signed in failed (not a 401): the public pages show regardless.
  const [meFailed, setMeFailed] = useState(false);
  const { path, navigate } = useRouter();
  const main = useRef<HTMLElement>(null);

  const refresh = useCallback(async () => {
    try {
      const current = await api.get<Me>('/api/me');
      setCsrfToken(current.csrfToken);
      setMe(current);
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 401) setMe(null);
      else {
        setMeFailed(true);
        throw error;
      }
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const page = pages[path] ?? registerPageOf(path) ?? pageWithId(path);
  const shownPath = useRef<string | null>(null);
  const isPublic = publicPaths.has(path);
  useEffect(() => {
    if (isPublic) return; // the public layout names its own pages
    document.title = me ? `${page?.title ?? 'Not found'} · Haven` : 'Sign in · Haven';
    // After moving to another page, put focus on its content (as a full page load would put
    // screen readers at the top); on the first page shown, leave focus where the browser puts it.
    if (me && shownPath.current !== null && shownPath.current !== path) main.current?.focus();
    if (me) shownPath.current = path;
  }, [path, me, page, isPublic]);

  if (isPublic) {
    // Wait for the (local, quick) answer to "who is signed in", so that the school's name and a
    // signed-in person's details are there from the first paint; show the page without them if
    // the question could not be answered.
    if (me === undefined && !meFailed) {
      return (
        <p className="loading" role="status">
          Loading…
        </p>
      );
    }
    return <PublicPage path={path} me={me ?? null} />;
  }
  if (me === undefined) {
    return (
      <p className="loading" role="status">
        Loading Haven…
      </p>
    );
  }
  if (me === null) {
    return (
      <SignInPage
        onSignedIn={(signedIn) => {
          setCsrfToken(signedIn.csrfToken);
          setMe(signedIn);
          navigate('/');
        }}
      />
    );
  }

  const session: SessionValue = {
    me,
    can: (ability) => me.abilities.includes(ability),
    refresh,
    signOut: async () => {
      await api.delete('/api/session');
      setMe(null);
      navigate('/');
    },
  };
  const allowed = page && (page.ability === null || me.abilities.includes(page.ability));

  return (
    <SessionContext.Provider value={session}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="top-bar">
        <div className="brand">
          <svg aria-hidden="true" viewBox="0 0 32 32" width="28" height="28">
            <path
              d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z"
              fill="currentColor"
            />
          </svg>
          <span>Haven</span>
          {me.school ? <span className="school-name">{me.school.name}</span> : null}
        </div>
        <div className="who">
          <span>
            Signed in as <strong>{me.user.displayName}</strong>
          </span>
          <button type="button" className="button secondary" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav aria-label="Main" className="main-nav">
        {navigationRuns(me.abilities).map((run) => (
          <div key={run.items[0]?.path} className="nav-run">
            {run.group ? (
              <span className="nav-group" id={`nav-${run.items[0]?.path.slice(1)}`}>
                {run.group}
              </span>
            ) : null}
            <ul aria-labelledby={run.group ? `nav-${run.items[0]?.path.slice(1)}` : undefined}>
              {run.items.map((item) => (
                <li key={item.path}>
                  <Link to={item.path} current={item.path === path}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {path === '/' && me.abilities.includes('alerts.read') ? <CriticalAlertsBanner /> : null}
        {allowed ? page.render() : <NotFoundPage />}
      </main>
    </SessionContext.Provider>
  );
}
