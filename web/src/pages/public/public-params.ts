import { ApiError } from '../../api.ts';

/**
 * What the web filter tells the public pages in their address: the block page's parameters
 * (Squid's url_rewrite redirect sets host, rule, category, reason and url; the proxy's "Report a
 * worry" and "Ask for a review" links carry host, category and rule — never the path).
 */
export interface BlockedSubject {
  host: string | null;
  category: string | null;
  rule: string | null;
  reason: string | null;
  url: string | null;
}

/** The longest value taken from the address (a hostile link cannot fill the page). */
const MAX_PARAM = 2000;

function param(query: URLSearchParams, name: string): string | null {
  const value = query.get(name)?.trim() ?? '';
  return value === '' ? null : value.slice(0, MAX_PARAM);
}

export function readBlockedSubject(search: string = window.location.search): BlockedSubject {
  const query = new URLSearchParams(search);
  return {
    host: param(query, 'host'),
    category: param(query, 'category'),
    rule: param(query, 'rule'),
    reason: param(query, 'reason'),
    url: param(query, 'url'),
  };
}

/** The Internet Watch Foundation's list: only the IWF splash may be shown. */
export function isIwf(subject: BlockedSubject): boolean {
  return (
    (subject.rule?.startsWith('illegal:child-abuse') ?? false) || subject.category === 'child-abuse'
  );
}

/** Illegal content (`illegal:<category>` rules): the host only, and nobody in school can lift it. */
export function isIllegal(subject: BlockedSubject): boolean {
  return isIwf(subject) || (subject.rule?.startsWith('illegal:') ?? false);
}

/** The query the "Report a worry" and "Ask for a review" links carry, as the proxy builds it. */
export function subjectQuery(subject: BlockedSubject): string {
  const query = new URLSearchParams();
  if (subject.host !== null) query.set('host', subject.host);
  if (subject.category !== null) query.set('category', subject.category);
  if (subject.rule !== null) query.set('rule', subject.rule);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * A category id in words: "self-harm" → "Self harm". The school's own label lives in its policy,
 * which a page outside the signed-in app cannot read, so the id is said plainly.
 */
export function categoryWords(category: string): string {
  const words = category.replace(/[-_]+/g, ' ').trim();
  return words === '' ? category : `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/** The longest address shown on the block page (as the proxy's page). */
const MAX_SHOWN_URL = 200;

export function shownUrl(url: string): string {
  return url.length > MAX_SHOWN_URL ? `${url.slice(0, MAX_SHOWN_URL)}…` : url;
}

/** Any failure as a problem to show: a network failure becomes a plain explanation. */
export function problemOf(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    title: 'Haven could not be reached',
    status: 0,
    detail: 'Check that this device is connected to the school network, then try again.',
    code: 'HAVEN_UNREACHABLE',
  });
}
