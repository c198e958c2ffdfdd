import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type ApiError } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { ThanksBadge } from './public-layout.tsx';
import { categoryWords, isIllegal, problemOf, type BlockedSubject } from './public-params.ts';

/** The API keeps at most 2,000 characters of a message: the reason, then who asked. */
const MIN_REASON = 10;
const MAX_REASON = 1800;
const MAX_NAME = 80;
const MAX_EMAIL = 100;

/** Who asked travels in the message: the API has no name or email field. */
export function reviewMessage(reason: string, name: string, email: string): string {
  const who = [name.trim(), email.trim() === '' ? '' : `(${email.trim()})`]
    .filter((part) => part !== '')
    .join(' ');
  return who === '' ? reason.trim() : `${reason.trim()}\n\nAsked by: ${who}`;
}

interface FieldErrors {
  reason?: string;
  email?: string;
}

function check(reason: string, email: string): FieldErrors {
  const errors: FieldErrors = {};
  const why = reason.trim();
  if (why === '') errors.reason = 'Say why you need this site.';
  else if (why.length < MIN_REASON) {
    errors.reason = `Say a little more: at least ${MIN_REASON} characters.`;
  }
  const address = email.trim();
  if (address !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
    errors.email = 'Enter an email address like name@school.org.uk, or leave it empty.';
  }
  return errors;
}

/**
 * "Ask for a review": someone who thinks a site is wrongly blocked says why they need it; the
 * online safety lead decides, and nothing changes until they do.
 */
export function ReviewPage({
  subject,
  person,
}: {
  subject: BlockedSubject;
  person: { displayName: string; email: string | null } | null;
}) {
  const [reason, setReason] = useState('');
  const [name, setName] = useState(person?.displayName ?? '');
  const [email, setEmail] = useState(person?.email ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const thanks = useRef<HTMLHeadingElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const emailField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (sent) thanks.current?.focus();
  }, [sent]);

  if (subject.host === null) {
    return (
      <article className="public-card">
        <h1 tabIndex={-1}>Ask for a review</h1>
        <p className="public-lead">
          This form opens from the &ldquo;Ask for a review&rdquo; button on a blocked page, so that
          it knows which site you mean.
        </p>
        <p>Open the site again and use the button on the page that says it is blocked.</p>
      </article>
    );
  }
  const host = subject.host;

  if (isIllegal(subject)) {
    return (
      <article className="public-card">
        <h1 tabIndex={-1}>This site cannot be reviewed in school</h1>
        <p className="public-lead">
          <span className="public-site">{host}</span> is in a category that the law says must be
          blocked for everyone, so nobody in school can unblock it.
        </p>
        <p>If something online has worried or upset you, tell a trusted adult.</p>
      </article>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = check(reason, email);
    setErrors(found);
    setError(null);
    if (found.reason) {
      reasonField.current?.focus();
      return;
    }
    if (found.email) {
      emailField.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await api.post('/api/block-page/requests', {
        kind: 'review',
        host,
        category: subject.category ?? undefined,
        ruleId: subject.rule ?? undefined,
        message: reviewMessage(reason, name, email),
      });
      setSent(true);
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <article className="public-card public-thanks">
        <ThanksBadge />
        <h1 ref={thanks} tabIndex={-1}>
          Thank you: your request has been sent
        </h1>
        <p className="public-lead">
          The online safety lead will look at <span className="public-site">{host}</span> and decide
          whether it should be unblocked.
        </p>
        <p className="public-reason">
          Nothing changes until they do: the site stays blocked until they have decided.
        </p>
      </article>
    );
  }

  const problems = [errors.reason, errors.email].filter((p): p is string => p !== undefined);

  return (
    <article className="public-card">
      <h1 tabIndex={-1}>Ask for a review</h1>
      <p className="public-lead">
        If you think <span className="public-site">{host}</span> is blocked by mistake, or you need
        it for your work, tell the online safety lead why.
      </p>
      {subject.category !== null ? (
        <p className="public-hint">
          The filter put it in the category <strong>{categoryWords(subject.category)}</strong>.
        </p>
      ) : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        {problems.length > 0 ? (
          <div className="problem" role="alert">
            <p>
              <strong>Check the form.</strong>
            </p>
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <label htmlFor="review-reason">Why do you need this site?</label>
        <p className="public-hint" id="review-reason-hint">
          For example, the lesson or piece of work it is for. At least {MIN_REASON} characters.
        </p>
        {errors.reason ? (
          <p className="public-error" id="review-reason-error">
            {errors.reason}
          </p>
        ) : null}
        <textarea
          id="review-reason"
          ref={reasonField}
          className="public-textarea"
          rows={5}
          required
          maxLength={MAX_REASON}
          aria-describedby={
            errors.reason ? 'review-reason-hint review-reason-error' : 'review-reason-hint'
          }
          aria-invalid={errors.reason ? true : undefined}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setErrors((found) => ({ ...found, reason: undefined }));
          }}
        />
        <fieldset className="public-fieldset public-who">
          <legend>Who is asking? (optional)</legend>
          <p className="public-hint">
            So that the online safety lead can tell you what they decide.
          </p>
          <label htmlFor="review-name">Your name</label>
          <input
            id="review-name"
            className="public-input"
            autoComplete="name"
            maxLength={MAX_NAME}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <label htmlFor="review-email">Your email</label>
          {errors.email ? (
            <p className="public-error" id="review-email-error">
              {errors.email}
            </p>
          ) : null}
          <input
            id="review-email"
            ref={emailField}
            className="public-input"
            type="email"
            autoComplete="email"
            spellCheck={false}
            maxLength={MAX_EMAIL}
            aria-describedby={errors.email ? 'review-email-error' : undefined}
            aria-invalid={errors.email ? true : undefined}
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              setErrors((found) => ({ ...found, email: undefined }));
            }}
          />
        </fieldset>
        {error ? <ProblemMessage error={error} /> : null}
        <div className="public-step-buttons">
          <button className="public-button primary" type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send the request'}
          </button>
        </div>
      </form>
    </article>
  );
}
