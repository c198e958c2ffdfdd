import { Link } from '../../router.tsx';
import { ShieldBadge } from './public-layout.tsx';
import {
  categoryWords,
  isIllegal,
  isIwf,
  shownUrl,
  subjectQuery,
  type BlockedSubject,
} from './public-params.ts';

/** The Internet Watch Foundation's home page, linked from the splash (as the proxy's page). */
const IWF_URL = 'https://www.iwf.org.uk/';

export function blockedPageTitle(subject: BlockedSubject): string {
  if (isIwf(subject)) return 'Access denied';
  if (subject.rule?.startsWith('device:')) return 'This device cannot use the internet here';
  return 'This page is blocked';
}

/**
 * The block page in the web app, for Squid's url_rewrite redirect and any other block: the same
 * content and wording as the proxy's own page (src/filter/proxy/block-page.ts) — what was blocked,
 * the reason in the school's words, the category and rule for staff, and two ways to speak up.
 */
export function BlockedPage({
  subject,
  schoolName,
}: {
  subject: BlockedSubject;
  schoolName: string | null;
}) {
  if (isIwf(subject)) return <IwfSplash />;

  const school = schoolName ?? 'Your school';
  const illegal = isIllegal(subject);
  const title = blockedPageTitle(subject);
  const query = subjectQuery(subject);
  const canReport = subject.host !== null;
  const canReview = canReport && !illegal;
  const address = !illegal && subject.url !== null ? shownUrl(subject.url) : null;

  return (
    <article className="public-card">
      <ShieldBadge />
      <h1 tabIndex={-1}>{title}</h1>
      <p className="public-lead">
        {school} has blocked{' '}
        {subject.host !== null ? <span className="public-site">{subject.host}</span> : 'this site'}.
      </p>
      <p className="public-reason">
        {subject.reason ?? "This site is blocked by your school's web filter."}
      </p>
      {subject.rule === 'aua:unsigned' ? (
        <p>
          <a className="public-button primary" href="/aua/sign">
            Sign the acceptable use agreement
          </a>
        </p>
      ) : null}
      {canReport ? (
        <section aria-labelledby="what-you-can-do">
          <h2 id="what-you-can-do">What you can do</h2>
          <p>
            If something online has worried or upset you, tell a trusted adult or report it here.
            {canReview
              ? ' If you need this site for your work, ask for a review and a member of staff will look at it.'
              : null}
          </p>
          <ul className="public-actions">
            <li>
              <Link className="public-button primary" to={`/report${query}`}>
                Report a worry
              </Link>
            </li>
            {canReview ? (
              <li>
                <Link className="public-button secondary" to={`/review${query}`}>
                  Ask for a review
                </Link>
              </li>
            ) : null}
          </ul>
        </section>
      ) : (
        <p>If something online has worried or upset you, tell a trusted adult.</p>
      )}
      <section aria-labelledby="details-for-staff">
        <h2 id="details-for-staff">Details for staff</h2>
        <dl className="public-details">
          <dt>Site</dt>
          <dd>{subject.host ?? 'Not given'}</dd>
          {address !== null ? (
            <>
              <dt>Address</dt>
              <dd>{address}</dd>
            </>
          ) : null}
          {subject.category !== null ? (
            <>
              <dt>Category</dt>
              <dd>{categoryWords(subject.category)}</dd>
            </>
          ) : null}
          {subject.rule !== null ? (
            <>
              <dt>Rule</dt>
              <dd>
                <code>{subject.rule}</code>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <footer className="public-footer">
        Seeing this page does not mean you are in trouble. This message comes from{' '}
        {schoolName !== null ? `the ${schoolName} web filter` : "your school's web filter"} (Haven).
      </footer>
    </article>
  );
}

/**
 * An address on the Internet Watch Foundation's list: the IWF's standard splash wording, as the
 * proxy shows it, and nothing else — no address, no category, no buttons.
 */
function IwfSplash() {
  return (
    <article className="public-card public-iwf">
      <h1 tabIndex={-1}>Access denied</h1>
      <p>
        Access to this page has been denied because it may contain indecent images of children, as
        identified by the Internet Watch Foundation (IWF).
      </p>
      <p>Deliberately trying to reach this or similar material may be a criminal offence.</p>
      <p>
        If you think this page has been blocked by mistake, you can ask the Internet Watch
        Foundation to look at it again: <a href={IWF_URL}>www.iwf.org.uk</a>.
      </p>
    </article>
  );
}
