import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from '../../access/audit.ts';
import { isSystemActor, type AuditActor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  findWebhookSecret,
  insertWebhookSecretIfMissing,
  markWebhookSecretShown,
  replaceWebhookSecret,
} from '../../store/alert-repository.ts';
import type { Database } from '../../store/schema.ts';

/**
 * Signed alert webhooks (MON-3). Every webhook request carries
 *
 *   X-Haven-Timestamp: <Unix seconds when it was sent>
 *   X-Haven-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the school's secret>
 *
 * so a receiver can tell the request came from Haven (only Haven and the receiver know the
 * secret) and was not replayed later (the timestamp is signed: refuse one older than 5 minutes).
 * Each school has its own secret, made the first time it is needed (the first webhook sent, or
 * the DSL asking for it); the DSL can see it once, and rotate it (then the new one is shown once).
 * docs/alerts.md "Checking a webhook's signature" shows a receiver.
 */

export const SIGNATURE_HEADER = 'x-haven-signature';
export const TIMESTAMP_HEADER = 'x-haven-timestamp';
/** Receivers should refuse a timestamp further than this from their clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new secret: 32 random bytes, `whsec_` + base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The signature of a body sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Check a received webhook: the signature matches the raw body and timestamp, and the timestamp
 * is within the tolerance of `nowSeconds`. Returns null when it holds, else what is wrong.
 */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): string | null {
  if (headers.signature === undefined || headers.timestamp === undefined)
    return 'the signature or timestamp header is missing';
  if (!/^\d{1,12}$/.test(headers.timestamp)) return 'the timestamp is not a number of seconds';
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return 'the timestamp is too old or in the future (a replay?)';
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'the signature does not match';
  return null;
}

/** The school's secret, made now if it has none (the webhook sender asks for it). */
export async function webhookSecretFor(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
): Promise<string> {
  const existing = await findWebhookSecret(db, schoolId);
  if (existing) return existing.secret;
  const row = await insertWebhookSecretIfMissing(db, {
    schoolId,
    secret: newWebhookSecret(),
    by: null,
    at: now,
  });
  return row.secret;
}

export interface WebhookSecretStatus {
  /** False before the first webhook was sent and before anyone asked for it. */
  readonly exists: boolean;
  readonly createdAt: Date | null;
  /** True once it has been shown (then only a rotation shows one). */
  readonly shown: boolean;
}

export async function webhookSecretStatus(
  db: Kysely<Database>,
  schoolId: string,
): Promise<WebhookSecretStatus> {
  const row = await findWebhookSecret(db, schoolId);
  return {
    exists: row !== undefined,
    createdAt: row?.created_at ?? null,
    shown: row?.shown_at !== null && row?.shown_at !== undefined,
  };
}

function actorId(actor: AuditActor): string | null {
  return isSystemActor(actor) ? null : actor.userId;
}

/**
 * Show the school's secret, once: made now if there is none. Refused (409) when it has been
 * shown before — rotate it to get a new one. Audited (never with the secret).
 */
export async function revealWebhookSecret(
  db: Kysely<Database>,
  actor: AuditActor,
  schoolId: string,
  now: Date,
): Promise<{ secret: string; createdAt: Date }> {
  return db.transaction().execute(async (trx) => {
    const row = await insertWebhookSecretIfMissing(trx, {
      schoolId,
      secret: newWebhookSecret(),
      by: actorId(actor),
      at: now,
    });
    if (!(await markWebhookSecretShown(trx, schoolId, now)))
      throw new HavenError(
        'HAVEN_CONFLICT',
        'The webhook secret has been shown once already: rotate it to get a new one (the receiver must then use the new one).',
      );
    await audit(
      trx,
      actor,
      {
        action: 'alert-webhook-secret.shown',
        subjectType: 'school',
        subjectId: schoolId,
        schoolId,
        detail: { createdAt: row.created_at.toISOString() },
      },
      now,
    );
    return { secret: row.secret, createdAt: row.created_at };
  });
}

/** Replace the school's secret with a new one, shown in the answer only. Audited. */
export async function rotateWebhookSecret(
  db: Kysely<Database>,
  actor: AuditActor,
  schoolId: string,
  now: Date,
): Promise<{ secret: string; createdAt: Date }> {
  return db.transaction().execute(async (trx) => {
    const row = await replaceWebhookSecret(trx, {
      schoolId,
      secret: newWebhookSecret(),
      by: actorId(actor),
      at: now,
    });
    await audit(
      trx,
      actor,
      {
        action: 'alert-webhook-secret.rotated',
        subjectType: 'school',
        subjectId: schoolId,
        schoolId,
        detail: {},
      },
      now,
    );
    return { secret: row.secret, createdAt: row.created_at };
  });
}
