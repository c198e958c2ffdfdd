import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type ApiError } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { HelpNow, ThanksBadge } from './public-layout.tsx';
import { problemOf, type BlockedSubject } from './public-params.ts';

/** The API keeps at most this much of a message (POST /api/block-page/requests). */
const MAX_MESSAGE = 2000;
const MAX_NAME = 80;
const QUESTIONS = 3;

type Step = 1 | 2 | 3 | 'sent';

/** The name, when given, travels in the message: the API has no name field. */
export function worryMessage(text: string, name: string | null): string {
  const words = text.trim();
  if (name === null) return words;
  return words === '' ? `Name given: ${name}` : `Name given: ${name}\n\n${words}`;
}

/**
 * "Report a worry", written for a child: one short question at a time, big buttons, and a calm
 * thank-you with where to get help now. Anonymous unless the child chooses to give their name.
 */
export function ReportPage({ subject }: { subject: BlockedSubject }) {
  const [step, setStep] = useState<Step>(1);
  const [text, setText] = useState('');
  const [giveName, setGiveName] = useState<'yes' | 'no' | null>(null);
  const [name, setName] = useState('');
  const [choiceError, setChoiceError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const firstStep = useRef(true);

  // Each new question (and the thank-you) puts focus on its heading, so it is read out first.
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  if (subject.host === null) return <NoSite />;
  const host = subject.host;

  const trimmedName = name.trim();
  const namedAs = giveName === 'yes' && trimmedName !== '' ? trimmedName : null;
  const message = worryMessage(text, namedAs);

  const next = (event: FormEvent) => {
    event.preventDefault();
    if (step === 1) setStep(2);
    if (step === 2) {
      if (giveName === null) {
        setChoiceError('Choose Yes or No.');
        return;
      }
      if (giveName === 'yes' && trimmedName === '') {
        setNameError('Write your name, or choose No.');
        return;
      }
      setStep(3);
    }
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (message.length > MAX_MESSAGE) return;
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/block-page/requests', {
        kind: 'worry',
        host,
        category: subject.category ?? undefined,
        ruleId: subject.rule ?? undefined,
        message: message === '' ? undefined : message,
        anonymous: namedAs === null,
      });
      setStep('sent');
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (step === 'sent') {
    return (
      <article className="public-card public-thanks">
        <ThanksBadge />
        <h1 ref={heading} tabIndex={-1}>
          Thank you
        </h1>
        <p className="public-lead">Thank you for telling us. A member of staff will read this.</p>
        <p>You did the right thing. You are not in trouble for telling us.</p>
        <HelpNow />
      </article>
    );
  }

  const progress = <p className="public-progress">{`Question ${step} of ${QUESTIONS}`}</p>;
  const buttons = (label: string) => (
    <div className="public-step-buttons">
      <button className="public-button primary" type="submit" disabled={busy}>
        {label}
      </button>
      {step !== 1 ? (
        <button
          className="public-button secondary"
          type="button"
          disabled={busy}
          onClick={() => {
            setError(null);
            setStep(step === 3 ? 2 : 1);
          }}
        >
          Back
        </button>
      ) : null}
    </div>
  );

  return (
    <article className="public-card public-question">
      <p className="public-caption">Report a worry</p>
      {step === 1 ? (
        <form onSubmit={next} noValidate>
          {progress}
          <h1 ref={heading} tabIndex={-1}>
            <label htmlFor="worry-text">What happened?</label>
          </h1>
          <p className="public-hint" id="worry-text-hint">
            Tell us in your own words. You can leave this empty if you like.
          </p>
          <textarea
            id="worry-text"
            className="public-textarea"
            rows={6}
            maxLength={MAX_MESSAGE}
            aria-describedby="worry-text-hint worry-text-count"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <p className="public-count" id="worry-text-count">
            {`${text.length.toLocaleString('en-GB')} of ${MAX_MESSAGE.toLocaleString('en-GB')} characters`}
          </p>
          {buttons('Next')}
        </form>
      ) : step === 2 ? (
        <form onSubmit={next} noValidate>
          {progress}
          <fieldset
            className="public-fieldset"
            aria-describedby={choiceError ? 'give-name-error' : undefined}
          >
            <legend>
              <h1 ref={heading} tabIndex={-1}>
                Do you want to tell us your name?
              </h1>
            </legend>
            {choiceError ? (
              <p className="public-error" id="give-name-error" role="alert">
                {choiceError}
              </p>
            ) : null}
            <div className="public-choice">
              <input
                type="radio"
                id="give-name-yes"
                name="give-name"
                value="yes"
                checked={giveName === 'yes'}
                onChange={() => {
                  setGiveName('yes');
                  setChoiceError(null);
                }}
              />
              <label htmlFor="give-name-yes">Yes</label>
            </div>
            {giveName === 'yes' ? (
              <div className="public-reveal">
                <label htmlFor="worry-name">Your name</label>
                <p className="public-hint" id="worry-name-hint">
                  Then a member of staff can talk to you about it.
                </p>
                {nameError ? (
                  <p className="public-error" id="worry-name-error" role="alert">
                    {nameError}
                  </p>
                ) : null}
                <input
                  id="worry-name"
                  className="public-input"
                  autoComplete="name"
                  maxLength={MAX_NAME}
                  aria-describedby={
                    nameError ? 'worry-name-hint worry-name-error' : 'worry-name-hint'
                  }
                  aria-invalid={nameError ? true : undefined}
                  value={name}
                  onChange={(e) => {
                    setName(e.target.value);
                    setNameError(null);
                  }}
                />
              </div>
            ) : null}
            <div className="public-choice">
              <input
                type="radio"
                id="give-name-no"
                name="give-name"
                value="no"
                checked={giveName === 'no'}
                onChange={() => {
                  setGiveName('no');
                  setChoiceError(null);
                  setNameError(null);
                }}
              />
              <label htmlFor="give-name-no">No</label>
            </div>
            {giveName === 'no' ? (
              <p className="public-reveal public-note">
                That is fine. Nobody will know who sent it.
              </p>
            ) : null}
          </fieldset>
          {buttons('Next')}
        </form>
      ) : (
        <form onSubmit={(e) => void send(e)} noValidate>
          {progress}
          <h1 ref={heading} tabIndex={-1}>
            Ready to send?
          </h1>
          <p className="public-hint">
            Check what you are sending. Go back if you want to change it.
          </p>
          <dl className="public-summary">
            <dt>What happened</dt>
            <dd className="public-message">
              {text.trim() === '' ? 'You did not write anything. That is fine.' : text.trim()}
            </dd>
            <dt>Your name</dt>
            <dd>{namedAs ?? 'Not sent. Nobody will know who sent it.'}</dd>
            <dt>The blocked site</dt>
            <dd className="public-site">{host}</dd>
          </dl>
          {message.length > MAX_MESSAGE ? (
            <p className="public-error" role="alert">
              Your message is a little too long to send with your name. Go back and make it shorter.
            </p>
          ) : null}
          {error ? <ProblemMessage error={error} /> : null}
          {buttons(busy ? 'Sending…' : 'Send')}
        </form>
      )}
    </article>
  );
}

/** Opened without a site (not from the block page): nothing to attach a report to. */
function NoSite() {
  return (
    <article className="public-card public-thanks">
      <h1 tabIndex={-1}>Report a worry</h1>
      <p className="public-lead">
        If something online has worried or upset you, tell a teacher or another adult you trust. You
        will not be in trouble for telling.
      </p>
      <p>
        This form is for sites the school&apos;s web filter has blocked: it opens from the
        &ldquo;Report a worry&rdquo; button on the blocked page.
      </p>
      <HelpNow />
    </article>
  );
}
