import type { BandInfo } from '../../policy/engine/decision.ts';
import { escapeHtml, page, SHIELD_BADGE } from './page-layout.ts';

/**
 * The block page (ENF-1): what was blocked, why — in the school's words, the reason sentence of
 * the rule that decided — when it would be allowed, and two ways to speak up: "Report a worry"
 * and "Ask for a review", links to the Haven web app. Written for a child first: calm colours,
 * short sentences, big buttons; and accessible (one `h1`, landmarks, real links, no script).
 *
 * Illegal content:
 * - IWF list (`child-abuse`): only the Internet Watch Foundation's standard splash text, in
 *   substance as the IWF asks its members to show it — no address, no category, no buttons.
 * - other illegal categories (`terrorism`, or a category the school marks illegal): the host only
 *   (never the path), "Report a worry", and no review (nobody in school can lift it, POL-4).
 *
 * Pure: the same input always renders the same page.
 */

export interface BlockPageInfo {
  readonly schoolName: string;
  /** Normalised host that was blocked. */
  readonly host: string;
  /** The full address, shown for ordinary blocks of plain-HTTP requests; null otherwise. */
  readonly url: string | null;
  readonly category: string | null;
  /** The category in the school's words, e.g. "Gambling". */
  readonly categoryLabel: string | null;
  readonly ruleId: string;
  /** The decision's reason sentence, in the school's words. */
  readonly reason: string;
  readonly band: BandInfo | null;
  /** True for illegal categories: the host only, no review. */
  readonly illegal: boolean;
  /** Links into the Haven web app, or null to leave the button out. */
  readonly reportUrl: string | null;
  readonly reviewUrl: string | null;
  /** Where to sign the acceptable use agreement (shown for `aua:unsigned` blocks). */
  readonly signUrl?: string | null;
  /** Heading; default "This page is blocked". */
  readonly title?: string;
}

/** Where the block page's buttons go: `publicUrl` of the Haven web app. */
export interface BlockPageLinks {
  readonly reportUrl: string;
  readonly reviewUrl: string;
  readonly signUrl: string;
}

/** What the links carry: the blocked host, its category and the rule id (never the path). */
export interface BlockedSubject {
  readonly host: string;
  readonly category: string | null;
  readonly ruleId: string;
}

/** The "Report a worry" and "Ask for a review" links for a blocked host. */
export function blockPageLinks(publicUrl: string, subject: BlockedSubject): BlockPageLinks {
  const base = publicUrl.replace(/\/+$/, '');
  const query = new URLSearchParams({ host: subject.host });
  if (subject.category !== null) query.set('category', subject.category);
  query.set('rule', subject.ruleId);
  const q = query.toString();
  return {
    reportUrl: `${base}/report?${q}`,
    reviewUrl: `${base}/review?${q}`,
    signUrl: `${base}/aua/sign`,
  };
}

/** The longest address shown on a block page. */
const MAX_SHOWN_URL = 200;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "Monday 6 October at 12:00" from the band's next start (a local date and time). */
export function formatNext(next: NonNullable<BandInfo['next']>): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(next.date);
  const day = m === null ? next.date : `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? ''}`.trim();
  return `${next.weekday} ${day} at ${next.time}`;
}

function whenAllowed(band: BandInfo | null): string {
  if (band === null || band.active) return '';
  const during = `${escapeHtml(band.label)} (${escapeHtml(band.hours)})`;
  return band.next === null
    ? `<p class="when">You can use this site at certain times: ${during}.</p>`
    : `<p class="when">You can use this site again on <strong>${escapeHtml(formatNext(band.next))}</strong>, in ${during}.</p>`;
}

/** The full address, for the details (never for illegal content); null when it adds nothing. */
function shownAddress(info: BlockPageInfo): string | null {
  if (info.illegal || info.url === null) return null;
  return info.url.length > MAX_SHOWN_URL ? `${info.url.slice(0, MAX_SHOWN_URL)}…` : info.url;
}

/** The block page for an ordinary (or non-IWF illegal) block. */
export function renderBlockPage(info: BlockPageInfo): string {
  const title = info.title ?? 'This page is blocked';
  const address = shownAddress(info);
  const details: string[] = [`<dt>Site</dt><dd>${escapeHtml(info.host)}</dd>`];
  if (address !== null) details.push(`<dt>Address</dt><dd>${escapeHtml(address)}</dd>`);
  if (info.categoryLabel !== null || info.category !== null) {
    details.push(
      `<dt>Category</dt><dd>${escapeHtml(info.categoryLabel ?? info.category ?? '')}</dd>`,
    );
  }
  details.push(`<dt>Rule</dt><dd><code>${escapeHtml(info.ruleId)}</code></dd>`);
  const actions: string[] = [];
  if (info.ruleId === 'aua:unsigned' && info.signUrl) {
    actions.push(
      `<li><a class="button primary" href="${escapeHtml(info.signUrl)}">Sign the acceptable use agreement</a></li>`,
    );
  }
  if (info.reportUrl !== null) {
    actions.push(
      `<li><a class="button primary" href="${escapeHtml(info.reportUrl)}">Report a worry</a></li>`,
    );
  }
  if (info.reviewUrl !== null && !info.illegal) {
    actions.push(
      `<li><a class="button secondary" href="${escapeHtml(info.reviewUrl)}">Ask for a review</a></li>`,
    );
  }
  const help =
    actions.length === 0
      ? ''
      : '<h2>What you can do</h2>' +
        '<p>If something online has worried or upset you, tell a trusted adult or report it here. ' +
        (info.illegal
          ? ''
          : 'If you need this site for your work, ask for a review and a member of staff will look at it.') +
        '</p>' +
        `<ul class="actions">${actions.join('')}</ul>`;
  const body =
    SHIELD_BADGE +
    `<h1>${escapeHtml(title)}</h1>` +
    `<p class="lead">${escapeHtml(info.schoolName)} has blocked <span class="site">${escapeHtml(info.host)}</span>.</p>` +
    `<p class="reason">${escapeHtml(info.reason)}</p>` +
    whenAllowed(info.band) +
    help +
    '<h2>Details for staff</h2>' +
    `<dl>${details.join('')}</dl>` +
    `<footer>Seeing this page does not mean you are in trouble. This message comes from the ${escapeHtml(info.schoolName)} web filter (Haven).</footer>`;
  return page(`${title} – ${info.schoolName}`, body);
}

/** The IWF's home page, linked from the splash page. */
export const IWF_URL = 'https://www.iwf.org.uk/';

/**
 * The page for an address on the Internet Watch Foundation's list: the IWF's standard splash
 * wording in substance (access denied because the page may contain indecent images of children
 * as identified by the IWF; deliberate attempts may be an offence; how to appeal), and nothing
 * else — no address, no category, no report or review buttons.
 */
export function renderIwfPage(): string {
  return IWF_PAGE;
}

const IWF_PAGE = page(
  'Access denied',
  '<h1>Access denied</h1>' +
    '<p>Access to this page has been denied because it may contain indecent images of children, ' +
    'as identified by the Internet Watch Foundation (IWF).</p>' +
    '<p>Deliberately trying to reach this or similar material may be a criminal offence.</p>' +
    '<p>If you think this page has been blocked by mistake, you can ask the Internet Watch Foundation ' +
    `to look at it again: <a href="${IWF_URL}">www.iwf.org.uk</a>.</p>`,
  'plain',
);
