import type { Kysely } from 'kysely';
import { audit } from '../../access/audit.ts';
import { systemActor } from '../../access/actor.ts';
import { compilePhrases, type PhraseIndex } from '../../policy/phrases/phrase-matcher.ts';
import { STARTER_PHRASE_LISTS } from '../../policy/phrases/starter-lists.ts';
import { activePhraseListVersionId } from '../../store/phrase-list-repository.ts';
import {
  alertHoldsEvent,
  findOpenDuplicate,
  insertAlert,
  insertIsolation,
  lockDedupeKey,
  markAlertNotified,
  recipientsWithRoles,
  recordRepeat,
} from '../../store/alert-repository.ts';
import type { Alert, Database } from '../../store/schema.ts';
import type { ActivityEvent, ActivitySink } from '../activity-event.ts';
import { announceIsolationChange } from '../capture-halt.ts';
import { activePhraseLists } from '../phrase-lists.ts';
import type { AlertDelivery } from './alert-delivery.ts';
import {
  adjustSeverity,
  candidatesFor,
  circumventionCandidate,
  dedupeKey,
  higherSeverity,
  type AlertCandidate,
} from './alert-rules.ts';

/**
 * Activity events → alerts (MON-2, MON-3, MON-4). An `ActivitySink`: `emit` only queues the event
 * (never blocking the request); a drain scheduled with `setImmediate` scores the queued events
 * against the phrase lists, counts blocked circumvention attempts, and stores what they raise —
 * a new alert, or one more repeat on the open alert of the same pupil (or device) and category
 * within the duplicate window. A new critical alert goes to the DSLs at once (email, webhook).
 */

export interface AlertPipelineOptions {
  db: Kysely<Database>;
  delivery: AlertDelivery;
  clock?: () => Date;
  /** Compiled phrase lists for every school (default: each school's active lists, see below). */
  phrases?: PhraseIndex;
  /**
   * How often a school's active phrase-list version is checked (default 10 s): a newly saved
   * version is scored with at most this long after it is saved.
   */
  phraseRefreshMs?: number;
  /** A category total at or above this raises an alert (default 100). */
  threshold?: number;
  /** Repeats within this window count on one alert (default 60 minutes). */
  dedupeWindowMs?: number;
  /** Blocked circumvention requests by one person or device that raise an alert (default 5 in 10 minutes). */
  circumvention?: { attempts: number; windowMs: number };
  /** Events waiting beyond this are dropped and counted (default 50,000). */
  maxQueued?: number;

  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface AlertPipelineStats {
  queued: number;
  scored: number;
  raised: number;
  repeats: number;
  dropped: number;
  failed: number;
}

export interface AlertPipeline extends ActivitySink {
  /** Resolves once every event queued so far has been processed (and its alerts delivered). */
  flush(): Promise<void>;
  stats(): AlertPipelineStats;
  close(): Promise<void>;
}

const pipelineActor = systemActor('alerts');
/** Longest stretch of scoring before the event loop gets a turn. */
const SLICE_MS = 5;
const DSL_ROLES = ['dsl'] as const;

/** Events that can raise nothing: a DNS answer or a page without words worth scoring. */
function worthScoring(event: ActivityEvent): boolean {
  return (
    event.searchTerms !== null ||
    (event.title ?? null) !== null ||
    (event.riskScore ?? null) !== null ||
    event.url !== null ||
    event.action !== 'allow' ||
    event.category !== null
  );
}

export function createAlertPipeline(options: AlertPipelineOptions): AlertPipeline {
  const { db, delivery } = options;
  const clock = options.clock ?? (() => new Date());
  const fixedPhrases = options.phrases;
  const phraseRefreshMs = options.phraseRefreshMs ?? 10_000;
  const dedupeWindowMs = options.dedupeWindowMs ?? 60 * 60_000;
  const circumvention = options.circumvention ?? { attempts: 5, windowMs: 10 * 60_000 };
  const maxQueued = options.maxQueued ?? 50_000;
  const log = options.log ?? (() => undefined);

  let queue: ActivityEvent[] = [];
  /** Events taken from the queue and not yet processed. */
  let inHand = 0;
  let draining: Promise<void> | null = null;
  let closed = false;
  const counts: AlertPipelineStats = {
    queued: 0,
    scored: 0,
    raised: 0,
    repeats: 0,
    dropped: 0,
    failed: 0,
  };
  /** Each school's compiled active lists, keyed by version id ('' for the starter lists). */
  const compiled = new Map<string, { versionId: string; checkedAt: number; index: PhraseIndex }>();

  async function phrasesFor(schoolId: string): Promise<PhraseIndex> {
    if (fixedPhrases) return fixedPhrases;
    const cached = compiled.get(schoolId);
    const now = performance.now();
    if (cached && now - cached.checkedAt < phraseRefreshMs) return cached.index;
    const versionId = (await activePhraseListVersionId(db, schoolId)) ?? '';
    if (cached && cached.versionId === versionId) {
      cached.checkedAt = now;
      return cached.index;
    }
    const active = await activePhraseLists(db, schoolId);
    const index = compilePhrases(active.document.lists);
    compiled.set(schoolId, { versionId: active.version?.id ?? '', checkedAt: now, index });
    if (cached) log('info', `alerts: phrase lists version ${active.number} in use for ${schoolId}`);
    return index;
  }

  /** Times of recent blocked circumvention requests, per school and person (or device). */
  const attempts = new Map<string, number[]>();

  function countCircumvention(event: ActivityEvent): number {
    const key = `${event.schoolId}|${event.userId ?? `ip:${event.clientIp}`}`;
    const at = event.at.getTime();
    const since = at - circumvention.windowMs;
    const times = (attempts.get(key) ?? []).filter((t) => t > since);
    times.push(at);
    attempts.set(key, times);
    if (attempts.size > 10_000) {
      for (const [k, v] of attempts) if ((v[v.length - 1] ?? 0) <= since) attempts.delete(k);
    }
    return times.length;
  }

  async function store(event: ActivityEvent, candidate: AlertCandidate): Promise<void> {
    const now = clock();
    const key = dedupeKey(event, candidate);
    const result = await db.transaction().execute(async (trx) => {
      await lockDedupeKey(trx, event.schoolId, key);
      // An event scored before (an ingest batch sent again, a replay) raises nothing more.
      if (await alertHoldsEvent(trx, event.schoolId, event.id)) return null;
      const existing = await findOpenDuplicate(
        trx,
        event.schoolId,
        key,
        new Date(now.getTime() - dedupeWindowMs),
      );
      if (existing) {
        const severity = higherSeverity(
          existing.severity,
          adjustSeverity(candidate.severity, event.group, existing.repeats + 1),
        );
        const alert = await recordRepeat(trx, existing.id, {
          eventIds: [event.id],
          phrases: candidate.phrases,
          score: candidate.score,
          severity,
          at: now,
        });
        await audit(
          trx,
          pipelineActor,
          {
            action: 'alert.repeat',
            subjectType: 'alert',
            subjectId: alert.id,
            schoolId: event.schoolId,
            detail: { eventId: event.id, repeats: alert.repeats, severity },
          },
          now,
        );
        return { alert, created: false, isolated: false };
      }
      const alert = await insertAlert(trx, {
        school_id: event.schoolId,
        user_id: event.userId,
        username: event.username,
        group_slug: event.group,
        client_ip: event.clientIp,
        device_class: event.deviceClass,
        kind: candidate.kind,
        category: candidate.category,
        severity: adjustSeverity(candidate.severity, event.group, 1),
        score: candidate.score,
        summary: candidate.summary,
        host: candidate.host,
        matched_phrases: [...candidate.phrases],
        event_ids: [event.id],
        guidance: candidate.guidance,
        isolate_device: candidate.isolateDevice,
        created_at: now,
        last_seen_at: now,
        dedupe_key: key,
      });
      await audit(
        trx,
        pipelineActor,
        {
          action: 'alert.raise',
          subjectType: 'alert',
          subjectId: alert.id,
          schoolId: event.schoolId,
          detail: {
            kind: alert.kind,
            category: alert.category,
            severity: alert.severity,
            eventId: event.id,
          },
        },
        now,
      );
      if (candidate.isolateDevice) {
        const isolation = await insertIsolation(trx, {
          schoolId: event.schoolId,
          alertId: alert.id,
          clientIp: event.clientIp,
          userId: event.userId,
          deviceClass: event.deviceClass,
          at: now,
        });
        await audit(
          trx,
          pipelineActor,
          {
            action: 'alert.isolate-device',
            subjectType: 'alert',
            subjectId: alert.id,
            schoolId: event.schoolId,
            detail: { isolationId: isolation.id, clientIp: event.clientIp },
          },
          now,
        );
      }
      return { alert, created: true, isolated: candidate.isolateDevice };
    });
    if (result === null) return;
    if (result.isolated === true) announceIsolationChange();
    if (result.created) counts.raised += 1;
    else counts.repeats += 1;
    if (result.alert.severity === 'critical' && result.alert.notified_at === null) {
      await notifyCritical(result.alert);
    }
  }

  async function notifyCritical(alert: Alert): Promise<void> {
    const recipients = await recipientsWithRoles(db, alert.school_id, DSL_ROLES);
    const sent = await delivery.sendAlert(alert, recipients, 'critical');
    const now = clock();
    await db.transaction().execute(async (trx) => {
      await markAlertNotified(trx, alert.id, now);
      await audit(
        trx,
        pipelineActor,
        {
          action: 'alert.notify',
          subjectType: 'alert',
          subjectId: alert.id,
          schoolId: alert.school_id,
          detail: {
            to: recipients.map((r) => r.username),
            emailed: sent.emailed.length,
            emailError: sent.emailError,
            webhook: sent.webhook,
          },
        },
        now,
      );
    });
  }

  async function process(event: ActivityEvent): Promise<void> {
    counts.scored += 1;
    let phrases: PhraseIndex;
    try {
      phrases = await phrasesFor(event.schoolId);
    } catch (error) {
      // Keep scoring with the lists last compiled for the school (or the starter lists).
      phrases = compiled.get(event.schoolId)?.index ?? compilePhrases(STARTER_PHRASE_LISTS);
      log(
        'warn',
        `alerts: could not load the phrase lists of ${event.schoolId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const candidates = candidatesFor(event, phrases, options.threshold);
    if (event.action === 'block' && event.category === 'circumvention') {
      const n = countCircumvention(event);
      if (n >= circumvention.attempts) {
        candidates.push(
          circumventionCandidate(event, n, Math.round(circumvention.windowMs / 60_000)),
        );
      }
    }
    for (const candidate of candidates) {
      try {
        await store(event, candidate);
      } catch (error) {
        counts.failed += 1;
        log(
          'warn',
          `alerts: could not store a ${candidate.severity} ${candidate.category} alert: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  async function drain(): Promise<void> {
    // Let the request that emitted the event finish first.
    await new Promise<void>((r) => setImmediate(r));
    while (queue.length > 0) {
      // Take the whole queue at once (Array#shift is linear on long arrays).
      const batch = queue;
      queue = [];
      inHand = batch.length;
      let slice = performance.now();
      for (const event of batch) {
        await process(event);
        inHand -= 1;
        // Scoring is synchronous work: give the event loop back (the proxy's requests) every 5 ms.
        if (performance.now() - slice > SLICE_MS) {
          await new Promise<void>((r) => setImmediate(r));
          slice = performance.now();
        }
      }
    }
  }

  function schedule(): Promise<void> {
    if (!draining) {
      draining = drain().finally(() => {
        draining = null;
        if (queue.length > 0 && !closed) void schedule();
      });
    }
    return draining;
  }

  return {
    emit(event) {
      if (closed || !worthScoring(event)) return;
      if (queue.length + inHand >= maxQueued) {
        counts.dropped += 1;
        return;
      }
      queue.push(event);
      counts.queued += 1;
      void schedule();
    },
    async flush() {
      while (queue.length > 0 || draining) await schedule();
    },
    stats: () => ({ ...counts, queued: queue.length + inHand }),
    async close() {
      await this.flush();
      closed = true;
    },
  };
}
