import type { Kysely } from 'kysely';
import { audit } from '../../access/audit.ts';
import { systemActor } from '../../access/actor.ts';
import {
  claimDigest,
  listDueEscalations,
  raiseEscalation,
  recipientsWithRoles,
  schoolsWithDigestPending,
} from '../../store/alert-repository.ts';
import { findSchoolById } from '../../store/school-repository.ts';
import type { Database } from '../../store/schema.ts';
import type { AlertDelivery } from './alert-delivery.ts';

/**
 * The alert jobs, with the clock as an argument: escalation of critical alerts nobody has
 * acknowledged (DSL → deputy DSLs → head, `escalationMinutes` apart) and the daily digest of the
 * other alerts. `startAlertJobs` runs both every `intervalMs`; several filter nodes may run them
 * at once (an escalation step is taken by one of them only, by a conditional update).
 */

const jobActor = systemActor('alerts');

/** Who each escalation step goes to. */
const ESCALATION_STEPS = [
  { roles: ['deputy-dsl'], reason: 'escalation-deputy' },
  { roles: ['head'], reason: 'escalation-head' },
] as const;

export interface EscalationResult {
  alertId: string;
  level: number;
  to: string[];
}

export async function runEscalations(
  db: Kysely<Database>,
  delivery: AlertDelivery,
  options: { now: Date; escalationMinutes: number },
): Promise<EscalationResult[]> {
  const { now } = options;
  const before = new Date(now.getTime() - options.escalationMinutes * 60_000);
  const due = await listDueEscalations(db, before, ESCALATION_STEPS.length);
  const done: EscalationResult[] = [];
  for (const alert of due) {
    // A school without deputy DSLs: the step goes straight on to the head.
    let index = alert.escalation_level;
    let step = ESCALATION_STEPS[index];
    if (!step) continue;
    let recipients = await recipientsWithRoles(db, alert.school_id, step.roles);
    while (recipients.length === 0 && index + 1 < ESCALATION_STEPS.length) {
      index += 1;
      step = ESCALATION_STEPS[index];
      if (!step) break;
      recipients = await recipientsWithRoles(db, alert.school_id, step.roles);
    }
    if (!step) continue;
    const reason = step.reason;
    const roles = [...step.roles];
    const level = index + 1;
    const taken = await db.transaction().execute(async (trx) => {
      const raised = await raiseEscalation(trx, alert.id, alert.escalation_level, level, now);
      if (!raised) return false;
      await audit(
        trx,
        jobActor,
        {
          action: 'alert.escalation',
          subjectType: 'alert',
          subjectId: alert.id,
          schoolId: alert.school_id,
          detail: {
            level,
            roles,
            to: recipients.map((r) => r.username),
            minutesUnacknowledged: Math.round(
              (now.getTime() - alert.created_at.getTime()) / 60_000,
            ),
          },
        },
        now,
      );
      return true;
    });
    if (!taken) continue;
    await delivery.sendAlert(
      { ...alert, escalation_level: level, last_escalated_at: now },
      recipients,
      reason,
    );
    done.push({ alertId: alert.id, level, to: recipients.map((r) => r.username) });
  }
  return done;
}

/** `HH:MM` in a time zone. */
function localTime(now: Date, timeZone: string): { day: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    day: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}`,
  };
}

/**
 * Send each school its digest of alerts below critical once a day, at `digestTime` in the
 * school's time zone or at the first run after it. `sentDays` remembers the days already done.
 */
export async function runDigests(
  db: Kysely<Database>,
  delivery: AlertDelivery,
  options: { now: Date; digestTime: string; sentDays: Map<string, string> },
): Promise<{ schoolId: string; alerts: number; to: string[] }[]> {
  const { now } = options;
  const sent: { schoolId: string; alerts: number; to: string[] }[] = [];
  for (const schoolId of await schoolsWithDigestPending(db)) {
    const school = await findSchoolById(db, schoolId);
    const local = localTime(now, school?.time_zone ?? 'Europe/London');
    if (local.time < options.digestTime || options.sentDays.get(schoolId) === local.day) continue;
    const recipients = await recipientsWithRoles(db, schoolId, ['dsl', 'deputy-dsl']);
    // Claimed and audited in one transaction, then sent: another node finds nothing to send.
    const alerts = await db.transaction().execute(async (trx) => {
      const claimed = await claimDigest(trx, schoolId, now);
      if (claimed.length === 0) return claimed;
      await audit(
        trx,
        jobActor,
        {
          action: 'alert.digest',
          subjectType: 'school',
          subjectId: schoolId,
          schoolId,
          detail: {
            alerts: claimed.map((a) => a.id),
            to: recipients.map((r) => r.username),
          },
        },
        now,
      );
      return claimed;
    });
    options.sentDays.set(schoolId, local.day);
    if (alerts.length === 0) continue;
    await delivery.sendDigest(schoolId, alerts, recipients);
    sent.push({ schoolId, alerts: alerts.length, to: recipients.map((r) => r.username) });
  }
  return sent;
}

export interface AlertJobs {
  /** Run both jobs now (tests; the timer calls it too). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startAlertJobs(options: {
  db: Kysely<Database>;
  delivery: AlertDelivery;
  clock?: () => Date;
  escalationMinutes: number;
  digestTime: string;
  intervalMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
}): AlertJobs {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const sentDays = new Map<string, string>();
  let running: Promise<void> | null = null;
  const tick = async (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      try {
        const now = clock();
        const escalated = await runEscalations(options.db, options.delivery, {
          now,
          escalationMinutes: options.escalationMinutes,
        });
        for (const e of escalated)
          log('info', `alerts: critical alert ${e.alertId} escalated (level ${e.level})`);
        await runDigests(options.db, options.delivery, {
          now,
          digestTime: options.digestTime,
          sentDays,
        });
      } catch (error) {
        log(
          'warn',
          `alerts: the escalation and digest job failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? 30_000);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
