import { HavenError, type ProblemField } from '../errors/haven-error.ts';
import type { CompiledBand } from '../policy/engine/time-bands.ts';
import { formatMinute, toLocalMoment, WEEKDAY_NAMES } from '../policy/engine/time-bands.ts';
import type { ExemptionRow, ExemptionTargetKind } from '../store/schema.ts';

/**
 * Temporary exemptions (FIL-6), the pure part: what may be asked for, when an approved exemption
 * is in force, and the lesson periods the request form offers. No clock and no database: every
 * function takes `now` and plain data.
 *
 * The seeds' words: "temporary removal of sites from the filtered list for the period of study"
 * — requested by staff with a reason, for a group and a period, approved, auditable, expiring by
 * themselves.
 */

/** Categories that can never be exempted besides the illegal ones: getting round the filter. */
export const NEVER_EXEMPTED: readonly string[] = ['circumvention'];

/** The longest period an exemption may cover: a term and a bit (longer is a permanent change). */
export const MAX_EXEMPTION_DAYS = 120;

/** What the status of an exemption means at `now`: the stored status, with time applied. */
export type ExemptionState =
  | 'requested'
  | 'declined'
  | 'withdrawn'
  | 'revoked'
  | 'scheduled'
  | 'active'
  | 'expired'
  /** Requested, but its end passed before anyone decided. */
  | 'lapsed';

export function exemptionState(
  row: Pick<ExemptionRow, 'status' | 'starts_at' | 'ends_at'>,
  now: Date,
): ExemptionState {
  const t = now.getTime();
  const ends = new Date(row.ends_at).getTime();
  switch (row.status) {
    case 'requested':
      return t >= ends ? 'lapsed' : 'requested';
    case 'approved':
      if (t >= ends) return 'expired';
      return t < new Date(row.starts_at).getTime() ? 'scheduled' : 'active';
    default:
      return row.status;
  }
}

/** True when the filter lets the exemption through at `now` (the engine's own rule). */
export function inForce(
  row: Pick<ExemptionRow, 'status' | 'starts_at' | 'ends_at'>,
  now: Date,
): boolean {
  return exemptionState(row, now) === 'active';
}

export interface ExemptionCategory {
  readonly id: string;
  readonly label: string;
  /** Illegal for everyone in the school's compiled rules (IWF, CTIRU, or marked illegal). */
  readonly illegal: boolean;
}

export interface ExemptionGroup {
  readonly id: string;
  readonly label: string;
}

/** What the engine says about a site today, to refuse illegal or circumvention sites. */
export interface SiteCheck {
  /** The categories the site is in (any list, any group). */
  readonly categories: readonly string[];
  /** The illegal category that always blocks it, or null. */
  readonly illegal: string | null;
}

export interface ExemptionAsk {
  readonly target:
    | { readonly kind: 'site'; readonly site: string }
    | { readonly kind: 'category'; readonly category: string };
  readonly groups: readonly string[];
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly reason: string;
}

export interface ExemptionContext {
  readonly now: Date;
  readonly groups: readonly ExemptionGroup[];
  readonly categories: readonly ExemptionCategory[];
  /** Normalise a host or URL prefix (null when it is neither). */
  readonly normaliseSite: (text: string) => string | null;
  /** What the filter knows about a normalised site. */
  readonly checkSite: (site: string) => SiteCheck;
}

export interface CheckedExemption {
  readonly targetKind: ExemptionTargetKind;
  readonly target: string;
  readonly groups: string[];
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly reason: string;
}

function refuse(detail: string, path: string, message: string): never {
  throw new HavenError('HAVEN_EXEMPTION_REFUSED', detail, { errors: [{ path, message }] });
}

/**
 * Check a request for an exemption. Bad form → `HAVEN_VALIDATION` naming every field; something
 * that can never be exempted (illegal content, circumvention) → `HAVEN_EXEMPTION_REFUSED`.
 */
export function checkExemptionAsk(ask: ExemptionAsk, ctx: ExemptionContext): CheckedExemption {
  const problems: ProblemField[] = [];
  let targetKind: ExemptionTargetKind = 'host';
  let target = '';
  if (ask.target.kind === 'site') {
    const site = ctx.normaliseSite(ask.target.site);
    if (site === null) {
      problems.push({
        path: 'target.site',
        message: 'give a host such as example.org or a URL prefix such as example.org/some/path',
      });
    } else {
      target = site;
      targetKind = site.includes('/') ? 'url' : 'host';
    }
  } else {
    targetKind = 'category';
    target = ask.target.category;
    if (!ctx.categories.some((c) => c.id === target)) {
      problems.push({
        path: 'target.category',
        message: `not a category of the school's policy; one of ${ctx.categories.map((c) => c.id).join(', ')}`,
      });
    }
  }
  const groups = [...new Set(ask.groups)];
  if (groups.length === 0) problems.push({ path: 'groups', message: 'name at least one group' });
  for (const g of groups) {
    if (!ctx.groups.some((x) => x.id === g)) {
      problems.push({
        path: 'groups',
        message: `"${g}" is not a group of the school's policy; one of ${ctx.groups.map((x) => x.id).join(', ')}`,
      });
    }
  }
  const starts = ask.startsAt.getTime();
  const ends = ask.endsAt.getTime();
  if (Number.isNaN(starts)) problems.push({ path: 'startsAt', message: 'not a time' });
  if (Number.isNaN(ends)) problems.push({ path: 'endsAt', message: 'not a time' });
  if (!Number.isNaN(starts) && !Number.isNaN(ends)) {
    if (ends <= starts) problems.push({ path: 'endsAt', message: 'must be after the start' });
    else if (ends <= ctx.now.getTime())
      problems.push({ path: 'endsAt', message: 'this period is already over' });
    else if (ends - starts > MAX_EXEMPTION_DAYS * 86_400_000) {
      problems.push({
        path: 'endsAt',
        message: `an exemption lasts at most ${MAX_EXEMPTION_DAYS} days; ask for a permanent change (a change request) instead`,
      });
    }
  }
  const reason = ask.reason.trim();
  if (reason.length < 3) {
    problems.push({ path: 'reason', message: 'say why the class needs it (the lesson or topic)' });
  }
  if (problems.length > 0) {
    throw new HavenError('HAVEN_VALIDATION', 'The exemption request is not complete.', {
      errors: problems,
    });
  }

  // Things that can never be exempted, whatever anyone approves.
  if (targetKind === 'category') {
    const c = ctx.categories.find((x) => x.id === target);
    if (c?.illegal === true) {
      refuse(
        `${c.label} is illegal and blocked for everyone: it can never be exempted.`,
        'target.category',
        'illegal content cannot be unblocked',
      );
    }
    if (NEVER_EXEMPTED.includes(target)) {
      refuse(
        `${c?.label ?? target} (getting round the filter) can never be exempted.`,
        'target.category',
        'circumvention tools cannot be unblocked',
      );
    }
  } else {
    const check = ctx.checkSite(target);
    if (check.illegal !== null) {
      const label = ctx.categories.find((x) => x.id === check.illegal)?.label ?? check.illegal;
      refuse(
        `${target} is on a list of illegal content (${label}): it can never be exempted.`,
        'target.site',
        'illegal content cannot be unblocked',
      );
    }
    const bad = check.categories.find((c) => NEVER_EXEMPTED.includes(c));
    if (bad !== undefined) {
      refuse(
        `${target} is a way of getting round the filter (${bad}): it can never be exempted.`,
        'target.site',
        'circumvention tools cannot be unblocked',
      );
    }
  }
  return {
    targetKind,
    target,
    groups,
    startsAt: new Date(starts),
    endsAt: new Date(ends),
    reason,
  };
}

/** The person approving may not be the person who asked. */
export function mayDecide(
  row: Pick<ExemptionRow, 'requested_by'>,
  deciderId: string | null,
): boolean {
  return deciderId === null || row.requested_by === null || row.requested_by !== deciderId;
}

/** "Unblock example.org for ks2" in the school's words. */
export function describeExemption(
  row: Pick<ExemptionRow, 'target_kind' | 'target' | 'groups'>,
  categoryLabel?: string,
): string {
  const what =
    row.target_kind === 'category' ? `the category ${categoryLabel ?? row.target}` : row.target;
  return `${what} for ${row.groups.join(', ')}`;
}

/** "23 Nov 2026, 09:00–10:30" (or "… to 27 Nov 2026, 15:15") in the school's local time. */
export function formatPeriod(startsAt: Date, endsAt: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone,
  });
  const time = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  });
  const from = `${day.format(startsAt)}, ${time.format(startsAt)}`;
  return day.format(startsAt) === day.format(endsAt)
    ? `${from}–${time.format(endsAt)}`
    : `${from} to ${day.format(endsAt)}, ${time.format(endsAt)}`;
}

// --- lesson periods for the request form ---------------------------------------------------

export interface LessonPeriod {
  readonly label: string;
  readonly startsAt: string;
  readonly endsAt: string;
  /** The lesson going on now. */
  readonly current: boolean;
}

/** The instant of a local day (days since 1970-01-01) and minute in `timeZone`. */
export function zonedInstant(timeZone: string, day: number, minute: number): Date {
  const local = (day * 1440 + minute) * 60_000;
  const offsetAt = (ms: number): number => {
    const m = toLocalMoment(timeZone, ms);
    return (m.day * 1440 + m.minute) * 60_000 - Math.floor(ms / 60_000) * 60_000;
  };
  const first = local - offsetAt(local);
  return new Date(local - offsetAt(first));
}

/**
 * Lesson periods from now until the end of the next school day, from the time bands whose id or
 * label says "lesson" (`lessons` in both seeds), in the school's local time.
 */
export function lessonPeriods(
  bands: readonly CompiledBand[],
  timeZone: string,
  now: Date,
  days = 7,
  limit = 12,
): LessonPeriod[] {
  const lessonBands = bands.filter((b) => /lesson/i.test(b.id) || /lesson/i.test(b.label));
  const today = toLocalMoment(timeZone, now.getTime());
  const out: LessonPeriod[] = [];
  let schoolDays = 0;
  for (let d = 0; d < days && schoolDays < 2; d++) {
    const day = today.day + d;
    const weekday = (((day + 3) % 7) + 7) % 7;
    const ranges: [number, number][] = [];
    for (const band of lessonBands) {
      const flat = band.days[weekday];
      if (flat === undefined) continue;
      if (band.terms.length > 0) {
        let inTerm = false;
        for (let i = 0; i + 1 < band.terms.length; i += 2) {
          if (day >= (band.terms[i] ?? 0) && day <= (band.terms[i + 1] ?? -1)) inTerm = true;
        }
        if (!inTerm) continue;
      }
      for (let i = 0; i + 1 < flat.length; i += 2) ranges.push([flat[i] ?? 0, flat[i + 1] ?? 0]);
    }
    if (ranges.length === 0) continue;
    schoolDays += 1;
    ranges.sort((a, b) => a[0] - b[0]);
    const dayName = d === 0 ? 'Today' : d === 1 ? 'Tomorrow' : (WEEKDAY_NAMES[weekday] ?? '');
    for (const [from, to] of ranges) {
      const startsAt = zonedInstant(timeZone, day, from);
      const endsAt = zonedInstant(timeZone, day, to);
      if (endsAt.getTime() <= now.getTime()) continue;
      const current = startsAt.getTime() <= now.getTime();
      out.push({
        label: `${dayName} ${formatMinute(from)}–${formatMinute(to)}${current ? ' (this lesson)' : ''}`,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        current,
      });
    }
  }
  return out.slice(0, limit);
}
