import { ALWAYS_ILLEGAL } from '../../policy/engine/categories.ts';
import { scoreText, type PhraseIndex } from '../../policy/phrases/phrase-matcher.ts';
import {
  PHRASE_CATEGORIES,
  PHRASE_CATEGORY_LABELS,
  type PhraseCategory,
} from '../../policy/phrases/phrase-list.ts';
import type { AlertKind, AlertSeverity } from '../../store/schema.ts';
import type { ActivityEvent } from '../activity-event.ts';

/**
 * What an activity event should tell the DSL (MON-2, MON-3, MON-4): pure, no I/O and no clock.
 * The pipeline (`alert-pipeline.ts`) runs these rules off the hot path and stores the result.
 */

/** One reason to alert, before duplicate suppression. */
export interface AlertCandidate {
  readonly kind: AlertKind;
  readonly category: string;
  readonly severity: AlertSeverity;
  readonly score: number;
  /** The phrases of the lists that matched (never the page or the whole URL). */
  readonly phrases: readonly string[];
  readonly summary: string;
  /** The host of the list entry (for illegal content the only part of the address kept). */
  readonly host: string | null;
  /** What the DSL must do (suspected illegal content). */
  readonly guidance: string | null;
  /** Mark the device for isolation (suspected CSAM). */
  readonly isolateDevice: boolean;
}

/** Scores at or above this raise an alert (docs/phrase-scoring.md "The weight scale"). */
export const DEFAULT_PHRASE_THRESHOLD = 100;

/** Groups of younger pupils: the same concern is more urgent for them. */
const YOUNGER_GROUPS: ReadonlySet<string> = new Set(['eyfs', 'ks1', 'ks2']);

export const SEVERITIES: readonly AlertSeverity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(severity: AlertSeverity): number {
  return SEVERITIES.indexOf(severity);
}

export function higherSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** One level up, never to critical: critical is kept for intent and illegal content. */
function raise(severity: AlertSeverity): AlertSeverity {
  if (severity === 'low') return 'medium';
  if (severity === 'medium') return 'high';
  return severity;
}

/**
 * The severity of an alert: its base (from the category and score), one level higher for a
 * younger pupil (EYFS, KS1, KS2), and one level higher again once it has repeated 3 times.
 */
export function adjustSeverity(
  base: AlertSeverity,
  group: string | null,
  repeats: number,
): AlertSeverity {
  let severity = base;
  if (group !== null && YOUNGER_GROUPS.has(group)) severity = raise(severity);
  if (repeats >= 3) severity = raise(severity);
  return severity;
}

/** Steps for suspected child sexual abuse material (Roundwood "Responding to incidents"). */
export const CSAM_GUIDANCE =
  'Suspected child sexual abuse material. Do not investigate and do not open, copy, print, ' +
  'screenshot or forward anything. Isolate the device: take it out of use and keep it safe, ' +
  'switched on or off as it is. Refer to the police at once (999 if a child is at immediate risk, ' +
  'otherwise 101) and report to CEOP (www.ceop.police.uk) and the IWF (report.iwf.org.uk). ' +
  'Record what you did and when; the casework record follows the police’s advice.';

/** Steps for terrorist content (Prevent duty). */
export const TERRORISM_GUIDANCE =
  'Terrorist content (Prevent duty). Do not copy or share it. Talk to the pupil’s DSL team the ' +
  'same day, consider a Prevent referral (Channel) through the local authority, and call 999 if ' +
  'anyone is at immediate risk. Unlawful content can be reported to the police (ACT: 0800 789 321).';

/** The words of an address a person asked for: host labels, path segments and query values. */
export function urlWords(url: string | null, host: string): string {
  const words: string[] = [host.replace(/[.-]+/g, ' ')];
  if (url) {
    let path = url;
    try {
      const parsed = new URL(url);
      path = `${parsed.pathname} ${[...parsed.searchParams.values()].join(' ')}`;
    } catch {
      // not an absolute URL: read it as it is
    }
    words.push(path.replace(/[/_\-+.=&?%#:]+/g, ' '));
  }
  return words.join(' \n ');
}

function phraseSeverity(category: PhraseCategory, score: number, intent: boolean): AlertSeverity {
  if (intent) return category === 'self-harm' ? 'critical' : 'high';
  if (score >= 200) return 'high';
  return 'medium';
}

/**
 * What this event raises, from the rules alone (repeated circumvention is counted by the
 * pipeline, which sees events over time). Suspected CSAM raises exactly one candidate and nothing
 * of the address is scored or kept beyond its host.
 */
export function candidatesFor(
  event: ActivityEvent,
  phrases: PhraseIndex,
  threshold: number = DEFAULT_PHRASE_THRESHOLD,
): AlertCandidate[] {
  const category = event.category;
  if (category === 'child-abuse') {
    return [
      {
        kind: 'illegal',
        category,
        severity: 'critical',
        score: 0,
        phrases: [],
        summary: `Suspected child sexual abuse material: a request to ${event.host} (on the IWF or child-abuse list) was blocked.`,
        host: event.host,
        guidance: CSAM_GUIDANCE,
        isolateDevice: true,
      },
    ];
  }
  const out: AlertCandidate[] = [];
  if (category !== null && ALWAYS_ILLEGAL.includes(category)) {
    out.push({
      kind: 'illegal',
      category,
      severity: 'high',
      score: 0,
      phrases: [],
      summary: `Illegal content (${category}): a request to ${event.host} was ${event.action === 'block' ? 'blocked' : 'let through'}.`,
      host: event.host,
      guidance: category === 'terrorism' ? TERRORISM_GUIDANCE : null,
      isolateDevice: false,
    });
    return out;
  }
  if (event.action === 'allow-with-alert') {
    out.push({
      kind: 'flagged',
      category: category ?? 'uncategorised',
      severity: 'low',
      score: 0,
      phrases: [],
      summary: `Visited ${event.host}${category ? ` (${category})` : ''}, which the policy allows for this group with an alert to the DSL.`,
      host: event.host,
      guidance: null,
      isolateDevice: false,
    });
  }
  // Search terms, the page title and the words of the address, scored as one text (MON-2).
  const title = event.title ?? null;
  const text = [event.searchTerms ?? '', title ?? '', urlWords(event.url, event.host)].join(' \n ');
  const score = scoreText(phrases, text);
  const content = contentFinding(event);
  for (const phraseCategory of PHRASE_CATEGORIES) {
    const total = score.totals[phraseCategory];
    const fromContent = content !== null && content.category === phraseCategory;
    const contentScore = fromContent ? content.score : 0;
    if (total < threshold && contentScore < threshold) continue;
    const matched = score.matches.filter((m) => m.category === phraseCategory && m.weight > 0);
    const intent = matched.some((m) => m.intent);
    const words = [
      ...new Set([...matched.map((m) => m.phrase), ...(fromContent ? content.phrases : [])]),
    ];
    const best = Math.max(total, contentScore);
    const what = event.searchTerms
      ? `searched for “${event.searchTerms.slice(0, 200)}”`
      : title !== null && total >= threshold && titleScores(phrases, title, phraseCategory)
        ? `opened a page titled “${title.slice(0, 200)}” on ${event.host}`
        : contentScore >= threshold
          ? `opened a page on ${event.host} whose words match the lists (score ${contentScore})`
          : `visited ${event.host}`;
    out.push({
      kind: 'phrases',
      category: phraseCategory,
      severity: phraseSeverity(phraseCategory, best, intent),
      score: best,
      phrases: words,
      summary: `${PHRASE_CATEGORY_LABELS[phraseCategory]}: ${what}${intent ? ' — words saying what they mean to do' : ''}.`,
      host: event.host,
      guidance: null,
      isolateDevice: false,
    });
  }
  return out;
}

/** What page content scoring found on the event's page, when it names a phrase category. */
function contentFinding(
  event: ActivityEvent,
): { category: PhraseCategory; score: number; phrases: readonly string[] } | null {
  const score = event.riskScore;
  const category = event.riskCategories?.[0];
  if (score === undefined || score === null || category === undefined) return null;
  if (!(PHRASE_CATEGORIES as readonly string[]).includes(category)) return null;
  return { category: category as PhraseCategory, score, phrases: event.riskPhrases ?? [] };
}

/** True when the title alone has words of this category. */
function titleScores(phrases: PhraseIndex, title: string, category: PhraseCategory): boolean {
  return scoreText(phrases, title).totals[category] > 0;
}

/** The candidate raised when one person or device keeps trying to get round the filter. */
export function circumventionCandidate(
  event: ActivityEvent,
  attempts: number,
  windowMinutes: number,
): AlertCandidate {
  return {
    kind: 'circumvention',
    category: 'circumvention',
    severity: 'medium',
    score: attempts,
    phrases: [],
    summary: `${attempts} blocked attempts to reach proxies, VPNs or other ways round the filter in ${windowMinutes} minutes (latest: ${event.host}).`,
    host: event.host,
    guidance: null,
    isolateDevice: false,
  };
}

/** Per pupil (or device, when nobody is signed in) and category: repeats count on one alert. */
export function dedupeKey(event: ActivityEvent, candidate: AlertCandidate): string {
  const who = event.userId ? `user:${event.userId}` : `ip:${event.clientIp}`;
  return `${candidate.kind}:${candidate.category}:${who}`;
}
