import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { api, ApiError, setCsrfToken, type Me } from './api.ts';
import { visibleNavigation } from './navigation.ts';
import { AccountPage } from './pages/account-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { FilteringPage } from './pages/filtering/filtering-page.tsx';
import { GroupsPage } from './pages/groups-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PeoplePage } from './pages/people-page.tsx';
import { PolicyPage } from './pages/policy/policy-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { Link, useRouter } from './router.tsx';
import { SessionContext, type SessionValue } from './session.tsx';

const pages: Record<string, { title: string; ability: string | null; render: () => ReactElement }> =
  {
    '/': { title: 'Home', ability: null, render: () => <HomePage /> },
    '/people': { title: 'People', ability: 'users.list', render: () => <PeoplePage /> },
    '/groups': { title: 'Groups', ability: 'groups.list', render: () => <GroupsPage /> },
    '/policy': { title: 'Policy', ability: 'policy.read', render: () => <PolicyPage /> },
    '/filtering': {
      title: 'Filtering',
      ability: 'decisions.test',
      render: () => <FilteringPage />,
    },
    '/audit': { title: 'Audit log', ability: 'audit.read', render: () => <AuditPage /> },
    '/account': { title: 'My account', ability: null, render: () => <AccountPage /> },
  };

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const { path, navigate } = useRouter();
  const main = useRef<HTMLElement>(null);

  const refresh = useCallback(async () => {
    try {
      const current = await api.get<Me>('/api/me');
      setCsrfToken(current.csrfToken);
      setMe(current);
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 401) setMe(null);
      else throw error;
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const page = pages[path];
  const shownPath = useRef<string | null>(null);
  useEffect(() => {
    document.title = me ? `${page?.title ?? 'Not found'} · Haven` : 'Sign in · Haven';
    // After moving to another page, put focus on its content (as a full page load would put
    // screen readers at the top); on the first page shown, leave focus where the browser puts it.
    if (me && shownPath.current !== null && shownPath.current !== path) main.current?.focus();
    if (me) shownPath.current = path;
  }, [path, me, page]);

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
        <ul>
          {visibleNavigation(me.abilities).map((item) => (
            <li key={item.path}>
              <Link to={item.path} current={item.path === path}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {allowed ? page.render() : <NotFoundPage />}
      </main>
    </SessionContext.Provider>
  );
}
