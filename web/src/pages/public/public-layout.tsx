import { useEffect, useRef, type ReactNode } from 'react';
import { useRouter } from '../../router.tsx';

/**
 * The frame of the pages reached from outside the signed-in app (the block page, "Report a
 * worry", "Ask for a review", the network sign-in): Haven's name and the school's, no menu.
 * `plain` leaves even that out (the IWF splash shows the IWF's wording and nothing else).
 */
export function PublicLayout({
  title,
  schoolName,
  plain = false,
  children,
}: {
  title: string;
  schoolName: string | null;
  plain?: boolean;
  children: ReactNode;
}) {
  const { path } = useRouter();
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef<string | null>(null);

  useEffect(() => {
    document.title = plain ? title : `${title} · Haven`;
  }, [title, plain]);

  // After moving from one public page to another, put focus on the new page's heading (a full
  // page load puts screen readers at the top); on the first page shown, leave focus alone.
  useEffect(() => {
    if (shownPath.current !== null && shownPath.current !== path) {
      const heading = main.current?.querySelector<HTMLElement>('h1');
      (heading ?? main.current)?.focus();
    }
    shownPath.current = path;
  }, [path]);

  return (
    <div className={plain ? 'public public-plain' : 'public'}>
      {plain ? null : (
        <>
          <a className="skip-link" href="#main">
            Skip to main content
          </a>
          <header className="public-header">
            <div className="public-brand">
              <svg aria-hidden="true" viewBox="0 0 32 32" width="28" height="28">
                <path
                  d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z"
                  fill="currentColor"
                />
              </svg>
              <span>Haven</span>
              {schoolName ? <span className="public-school">{schoolName}</span> : null}
            </div>
          </header>
        </>
      )}
      <main id="main" ref={main} tabIndex={-1} className="public-main">
        {children}
      </main>
    </div>
  );
}

/** A friendly shield with a padlock, as on the proxy's block page: decoration only. */
export function ShieldBadge() {
  return (
    <svg className="public-badge" viewBox="0 0 72 72" aria-hidden="true" focusable="false">
      <path d="M36 4 10 14v18c0 17 11 30 26 36 15-6 26-19 26-36V14z" fill="#3b73c4" />
      <path d="M36 10 16 18v14c0 13 8 24 20 29 12-5 20-16 20-29V18z" fill="#dbe8f8" />
      <rect x="26" y="33" width="20" height="15" rx="3" fill="#3b73c4" />
      <path d="M30 33v-5a6 6 0 0 1 12 0v5" fill="none" stroke="#3b73c4" strokeWidth="3.5" />
      <circle cx="36" cy="40" r="2.5" fill="#fff" />
    </svg>
  );
}

/** A green tick in a circle, for "thank you" screens: decoration only. */
export function ThanksBadge() {
  return (
    <svg className="public-thanks-badge" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <circle cx="32" cy="32" r="30" fill="#dcefe0" />
      <circle cx="32" cy="32" r="22" fill="#2e7d46" />
      <path
        d="m22 33 7 7 14-15"
        fill="none"
        stroke="#fff"
        strokeWidth="5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** Where to get help now: said on every page a worried child may end on. */
export function HelpNow() {
  return (
    <div className="public-help">
      <p>
        You can talk to <strong>Childline</strong> about anything, free and in confidence: call{' '}
        <a href="tel:08001111">0800 1111</a> or visit{' '}
        <a href="https://www.childline.org.uk/">childline.org.uk</a>.
      </p>
      <p>
        If you are in danger now, tell an adult near you or call <a href="tel:999">999</a>.
      </p>
    </div>
  );
}
