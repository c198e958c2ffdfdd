import { createTransport, type Transporter } from 'nodemailer';
import type { Alert } from '../../store/schema.ts';
import type { AlertRecipient } from '../../store/alert-repository.ts';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signing.ts';

/**
 * How alerts leave Haven (MON-3): email through the school's SMTP server and a JSON webhook.
 * Neither carries the pupil's name or the words they typed — an email can be forwarded and a
 * webhook lands in another system: they say what kind of alert it is, how urgent, for which group
 * and when, and link to the Alerts page, where reading it is audited. Suspected CSAM carries the
 * police steps in full.
 */

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  from: string;
}

export interface DeliverySettings {
  smtp?: SmtpSettings | undefined;
  webhookUrl?: string | undefined;
  /** Where people reach Haven: links in emails. */
  publicUrl: string;
  /** Webhook attempts and the wait before the second (doubled each time). */
  webhookAttempts?: number;
  webhookRetryMs?: number;
  /**
   * The school's webhook secret (made on first use): every webhook is signed with it
   * (`webhook-signing.ts`). Absent: webhooks go unsigned (tests of other parts only).
   */
  webhookSecret?: (schoolId: string) => Promise<string>;
  /** Seconds since the epoch for the signed timestamp (default the system clock). */
  nowSeconds?: () => number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface DeliveryResult {
  /** Addresses the email was accepted for (empty: no SMTP, nobody with an address, or it failed). */
  emailed: string[];
  emailError: string | null;
  /** Null: no webhook configured. */
  webhook: { ok: boolean; attempts: number; status: number | null } | null;
}

export type DeliveryReason = 'critical' | 'escalation-deputy' | 'escalation-head';

export interface AlertDelivery {
  /** An alert to these people, at once. */
  sendAlert(
    alert: Alert,
    recipients: readonly AlertRecipient[],
    reason: DeliveryReason,
  ): Promise<DeliveryResult>;
  /** A technical notice (not a safeguarding alert) by email, e.g. to the technicians. */
  sendNotice(
    recipients: readonly AlertRecipient[],
    subject: string,
    text: string,
  ): Promise<{ emailed: string[]; emailError: string | null }>;
  /** The digest of other alerts for a school. */
  sendDigest(
    schoolId: string,
    alerts: readonly Alert[],
    recipients: readonly AlertRecipient[],
  ): Promise<DeliveryResult>;
  /** Any other email through the same SMTP transport (AUA reminders); nothing when SMTP is unset. */
  sendEmail(
    to: readonly string[],
    subject: string,
    text: string,
  ): Promise<{ emailed: string[]; emailError: string | null }>;
  close(): void;
}

const severityWords: Readonly<Record<Alert['severity'], string>> = {
  critical: 'CRITICAL',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

function alertLink(publicUrl: string, alert: Alert): string {
  return `${publicUrl.replace(/\/$/, '')}/alerts?id=${alert.id}`;
}

function who(alert: Alert): string {
  if (alert.group_slug) return `a pupil in ${alert.group_slug}`;
  if (alert.user_id) return 'a signed-in user';
  return `an unidentified device (${alert.client_ip})`;
}

export function alertEmail(
  alert: Alert,
  reason: DeliveryReason,
  publicUrl: string,
): { subject: string; text: string } {
  const csam = alert.category === 'child-abuse';
  const subject = csam
    ? 'CRITICAL: suspected child sexual abuse material — refer to police'
    : `${severityWords[alert.severity]} safeguarding alert: ${alert.category} (${who(alert)})`;
  const lines = [
    reason === 'critical'
      ? 'Haven raised a safeguarding alert that needs the DSL now.'
      : reason === 'escalation-deputy'
        ? 'This critical alert has not been acknowledged by the DSL: it now comes to you as deputy DSL.'
        : 'This critical alert has not been acknowledged by the DSL or a deputy: it now comes to you as head.',
    '',
    `Severity: ${severityWords[alert.severity]}`,
    `Category: ${alert.category}`,
    `Who: ${who(alert)}`,
    `When: ${alert.created_at.toISOString()}`,
  ];
  if (alert.guidance) lines.push('', 'What to do:', alert.guidance);
  lines.push(
    '',
    `Open the alert (sign-in needed; the pupil's name and what they typed are shown there): ${alertLink(publicUrl, alert)}`,
  );
  return { subject, text: lines.join('\n') };
}

/** Plain-text email through the school's SMTP server (alerts, and other areas' reminders). */
export interface Mailer {
  /** False when no SMTP server is configured: nothing would be sent. */
  readonly enabled: boolean;
  /** Send to these addresses; never throws: a failure is returned (and logged). */
  send(
    to: readonly string[],
    subject: string,
    text: string,
  ): Promise<{ emailed: string[]; emailError: string | null }>;
  close(): void;
}

/** The SMTP transport Haven sends with (`alerts.smtp`); without settings nothing is sent. */
export function createMailer(
  smtp: SmtpSettings | undefined,
  log: (level: 'info' | 'warn', message: string) => void = () => undefined,
): Mailer {
  const transport: Transporter | null = smtp
    ? createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      })
    : null;
  return {
    enabled: transport !== null,
    async send(to, subject, text) {
      const addresses = [...new Set(to)];
      if (!transport || !smtp || addresses.length === 0) return { emailed: [], emailError: null };
      try {
        await transport.sendMail({ from: smtp.from, to: addresses, subject, text });
        return { emailed: addresses, emailError: null };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log('warn', `email "${subject}" could not be sent: ${message}`);
        return { emailed: [], emailError: message };
      }
    },
    close() {
      transport?.close();
    },
  };
}

export function createAlertDelivery(settings: DeliverySettings): AlertDelivery {
  const log = settings.log ?? (() => undefined);
  const mailer = createMailer(settings.smtp, (level, message) => log(level, `alerts: ${message}`));
  const attempts = settings.webhookAttempts ?? 4;
  const firstWait = settings.webhookRetryMs ?? 1000;

  async function email(
    recipients: readonly AlertRecipient[],
    subject: string,
    text: string,
  ): Promise<{ emailed: string[]; emailError: string | null }> {
    return mailer.send(
      recipients.flatMap((r) => (r.email ? [r.email] : [])),
      subject,
      text,
    );
  }

  const nowSeconds = settings.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  async function webhook(schoolId: string, payload: unknown): Promise<DeliveryResult['webhook']> {
    const url = settings.webhookUrl;
    if (!url) return null;
    const body = JSON.stringify(payload);
    let secret: string | null = null;
    if (settings.webhookSecret) {
      try {
        secret = await settings.webhookSecret(schoolId);
      } catch (error) {
        // never send an unsigned request where signed ones are expected
        log(
          'warn',
          `alerts: the webhook secret could not be read, so the webhook was not sent: ${error instanceof Error ? error.message : String(error)}`,
        );
        return { ok: false, attempts: 0, status: null };
      }
    }
    let status: number | null = null;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        // Signed again on each attempt: the timestamp says when this request was sent.
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'user-agent': 'Haven alerts',
        };
        if (secret !== null) {
          const timestamp = nowSeconds();
          headers[TIMESTAMP_HEADER] = String(timestamp);
          headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
        }
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        await response.body?.cancel();
        if (response.ok) return { ok: true, attempts: attempt, status };
      } catch {
        status = null;
      }
      if (attempt < attempts) {
        await new Promise((r) => setTimeout(r, firstWait * 2 ** (attempt - 1)));
      }
    }
    log('warn', `alerts: the webhook did not accept the alert after ${attempts} attempts`);
    return { ok: false, attempts, status };
  }

  return {
    async sendEmail(to, subject, text) {
      return email(
        to.map((address) => ({ id: '', username: '', displayName: '', email: address })),
        subject,
        text,
      );
    },
    async sendAlert(alert, recipients, reason) {
      const { subject, text } = alertEmail(alert, reason, settings.publicUrl);
      const [mail, hook] = await Promise.all([
        email(recipients, subject, text),
        webhook(alert.school_id, {
          type: reason === 'critical' ? 'alert.critical' : 'alert.escalated',
          alert: {
            id: alert.id,
            schoolId: alert.school_id,
            severity: alert.severity,
            category: alert.category,
            group: alert.group_slug,
            createdAt: alert.created_at.toISOString(),
            escalationLevel: alert.escalation_level,
            guidance: alert.guidance,
            url: alertLink(settings.publicUrl, alert),
          },
        }),
      ]);
      return { ...mail, webhook: hook };
    },
    async sendDigest(schoolId, alerts, recipients) {
      const counts = new Map<string, number>();
      for (const a of alerts) counts.set(a.severity, (counts.get(a.severity) ?? 0) + 1);
      const subject = `Safeguarding alerts digest: ${alerts.length} alert${alerts.length === 1 ? '' : 's'}`;
      const lines = [
        `Haven raised ${alerts.length} alert${alerts.length === 1 ? '' : 's'} below critical since the last digest.`,
        '',
        ...alerts.map(
          (a) =>
            `- ${severityWords[a.severity]}, ${a.category}, ${who(a)}, ${a.created_at.toISOString()}${a.repeats > 1 ? ` (${a.repeats} times)` : ''}`,
        ),
        '',
        `Open the Alerts page to triage them: ${settings.publicUrl.replace(/\/$/, '')}/alerts`,
      ];
      const [mail, hook] = await Promise.all([
        email(recipients, subject, lines.join('\n')),
        webhook(schoolId, {
          type: 'alert.digest',
          schoolId,
          alerts: alerts.map((a) => ({
            id: a.id,
            severity: a.severity,
            category: a.category,
            group: a.group_slug,
            createdAt: a.created_at.toISOString(),
            repeats: a.repeats,
          })),
          counts: Object.fromEntries(counts),
        }),
      ]);
      return { ...mail, webhook: hook };
    },
    sendNotice(recipients, subject, text) {
      return email(recipients, subject, text);
    },
    close() {
      mailer.close();
    },
  };
}
